"""Tests for tflab.images and tflab.image_arrays: real files written to a temporary folder,
hostile ones included, read and made model inputs as an upload is."""

import doctest
import json
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFile

import tflab.image_arrays
import tflab.images
from tflab.image_arrays import gray_array, preview, to_model_array
from tflab.images import MAX_SIDE, ImageInputError, describe, read_image

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path, image, name, **save_options):
    """Save `image` as `name` in tmp_path and return the file's bytes, as an upload gives them."""
    path = tmp_path / name
    image.save(path, **save_options)
    return path.read_bytes()


def noise(width=64, height=64, mode="RGB", seed=0):
    channels = {"RGB": 3, "L": 1}[mode]
    values = np.random.default_rng(seed).integers(0, 256, (height, width, channels), dtype=np.uint8)
    return Image.fromarray(values.squeeze())


def png_claiming_size(tmp_path, width, height):
    """A real tiny PNG whose IHDR (with a correct CRC) claims width x height pixels."""
    data = bytearray(write(tmp_path, Image.new("L", (4, 4), 0), "tiny.png"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_docstring_examples_run():
    for module in (tflab.images, tflab.image_arrays):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0


# Refused files


def test_text_file_named_png_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("Remember to normalise the inputs.\n")
    with pytest.raises(ImageInputError) as caught:
        read_image(path.read_bytes(), name="notes.png")
    message = str(caught.value)
    assert message.startswith("'notes.png' is not an image")
    assert "accepted: PNG, JPEG, WebP, BMP, GIF, TIFF" in message


def test_zero_bytes_are_refused(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(ImageInputError, match=r"'empty\.png' is empty \(0 bytes\)"):
        read_image(path.read_bytes(), name="empty.png")


def test_truncated_png_is_damaged(tmp_path):
    data = write(tmp_path, noise(), "photo.png")
    with pytest.raises(ImageInputError, match=r"^'cut\.png' is damaged or truncated: "):
        read_image(data[: len(data) // 2], name="cut.png")


def test_jpeg_with_garbage_after_the_scan_header_is_damaged(tmp_path):
    data = write(tmp_path, noise(width=512, height=512), "photo.jpg")
    start_of_scan = data.index(b"\xff\xda")
    (segment_length,) = struct.unpack(">H", data[start_of_scan + 2:start_of_scan + 4])
    header_end = start_of_scan + 2 + segment_length
    # Text holds no 0xFF marker and is far too short for 512x512 pixels, so the decoder
    # runs out of data. (libjpeg decodes garbage that is long enough into noise.)
    hostile = data[:header_end] + b"garbage " * 50
    with pytest.raises(ImageInputError, match=r"^'broken\.jpg' is damaged or truncated"):
        read_image(hostile, name="broken.jpg")


def test_jpeg_with_garbage_after_the_first_marker_is_damaged_not_foreign(tmp_path):
    data = write(tmp_path, noise(), "photo.jpg")
    hostile = data[:20] + b"this is not JPEG data " * 50
    with pytest.raises(ImageInputError) as caught:
        read_image(hostile, name="broken.jpg")
    assert "damaged or truncated" in str(caught.value)
    assert "JPEG" in str(caught.value)


def test_header_claiming_30000x30000_is_refused_before_decoding(tmp_path):
    data = png_claiming_size(tmp_path, 30000, 30000)
    with pytest.raises(ImageInputError) as caught:
        read_image(data, name="huge.png")
    # The pixel data is 4x4, so decoding would have failed as "damaged": the size came first.
    assert str(caught.value) == (
        "'huge.png' is 30000x30000 pixels (900 megapixels); the limit is 40 megapixels."
    )


def test_our_limit_applies_below_pillows_bomb_limit(tmp_path):
    data = png_claiming_size(tmp_path, 8000, 6000)  # 48 MP: Pillow would open it silently.
    limit_message = r"8000x6000 pixels \(48 megapixels\); the limit is 40 megapixels"
    with pytest.raises(ImageInputError, match=limit_message):
        read_image(data, name="big.png")


def test_max_pixels_is_an_inclusive_limit(tmp_path):
    data = write(tmp_path, Image.new("L", (100, 50)), "small.png")
    assert read_image(data, max_pixels=5000).size == (100, 50)
    with pytest.raises(ImageInputError, match=r"'small\.png' is 100x50 pixels"):
        read_image(data, name="small.png", max_pixels=4999)


def test_raising_max_pixels_does_not_lift_pillows_bomb_check(tmp_path):
    data = png_claiming_size(tmp_path, 30000, 30000)
    with pytest.raises(ImageInputError, match=r"'huge\.png' is 30000x30000 pixels"):
        read_image(data, name="huge.png", max_pixels=10**10)


def test_pillows_bomb_warning_becomes_an_error_and_does_not_leak(tmp_path):
    # 100 MP: above Image.MAX_IMAGE_PIXELS (a warning in Pillow), below twice it (an error).
    data = png_claiming_size(tmp_path, 10000, 10000)
    filters_before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(ImageInputError, match=r"10000x10000 pixels \(100 megapixels\)"):
            read_image(data, name="bomb.png", max_pixels=150_000_000)
    assert not [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)]
    assert warnings.filters == filters_before


def test_global_pixel_limit_is_unchanged(tmp_path):
    before = Image.MAX_IMAGE_PIXELS
    for data in (png_claiming_size(tmp_path, 30000, 30000), write(tmp_path, noise(), "ok.png")):
        try:
            to_model_array(read_image(data, max_pixels=10**10), 8, 8, 3)
        except ImageInputError:
            pass
    assert Image.MAX_IMAGE_PIXELS == before


@pytest.mark.parametrize(
    ("name", "found"),
    [("icon.ico", "ICO"), ("scan.ppm", "PPM"), ("paint.pcx", "PCX")],
)
def test_formats_outside_the_list_are_refused_by_name(tmp_path, name, found):
    data = write(tmp_path, Image.new("RGB", (16, 16), (200, 0, 0)), name)
    with pytest.raises(ImageInputError) as caught:
        read_image(data, name=name)
    assert str(caught.value) == (
        f"'{name}' is a {found} image, which is not accepted "
        "(accepted: PNG, JPEG, WebP, BMP, GIF, TIFF)."
    )


def test_a_path_is_not_accepted_in_place_of_bytes(tmp_path):
    path = tmp_path / "photo.png"
    Image.new("L", (4, 4)).save(path)
    with pytest.raises(TypeError, match="Received: data of type str"):
        read_image(str(path))


@pytest.mark.parametrize("max_pixels", [0, -5, 2.5, True])
def test_bad_max_pixels_is_named(max_pixels):
    with pytest.raises(ValueError, match=rf"`max_pixels`.*Received: max_pixels={max_pixels!r}"):
        read_image(b"\x89PNG", max_pixels=max_pixels)


# Accepted files


@pytest.mark.parametrize(
    ("name", "expected_format"),
    [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.webp", "WEBP"), ("a.bmp", "BMP"),
     ("a.gif", "GIF"), ("a.tiff", "TIFF")],
)
def test_accepted_formats_read_and_describe(tmp_path, name, expected_format):
    data = write(tmp_path, noise(width=30, height=20), name)
    image = read_image(data, name=name)
    assert image.size == (30, 20)
    assert image.format == expected_format
    assert describe(image).startswith(f"{expected_format}, 30x20, ")
    # Fully decoded and holding no file: a plain Image, not an ImageFile reading `data`.
    assert not isinstance(image, ImageFile.ImageFile)


def test_multi_picture_jpeg_from_a_phone_gives_its_first_picture(tmp_path):
    pictures = [Image.new("RGB", (16, 8), (0, 0, 0)), Image.new("RGB", (16, 8), (255, 255, 255))]
    data = write(tmp_path, pictures[0], "phone.mpo", save_all=True, append_images=pictures[1:])
    image = read_image(bytearray(data))
    assert image.format == "MPO"
    assert to_model_array(image, 8, 16, 1).max() < 10


def test_describe_names_format_size_and_mode(tmp_path):
    data = write(tmp_path, Image.new("RGBA", (64, 48)), "drawing.png")
    assert describe(read_image(data)) == "PNG, 64x48, RGBA"
    assert describe(Image.new("L", (3, 2))) == "image, 3x2, L"


def test_exif_orientation_6_is_applied(tmp_path):
    stored = Image.new("RGB", (40, 20), (255, 255, 255))
    stored.paste((0, 0, 0), (0, 0, 8, 8))  # A dark mark in the stored top-left corner.
    exif = Image.Exif()
    exif[0x0112] = 6  # "Rotate 90 degrees clockwise to display", as phones write it.
    data = write(tmp_path, stored, "phone.jpg", exif=exif.tobytes(), quality=95)
    image = read_image(data)
    assert image.size == (20, 40)
    array = to_model_array(image, 40, 20, 1)
    assert array[:4, -4:].mean() < 40  # Turned clockwise, the mark is now top-right...
    assert array[:4, :4].mean() > 215  # ...and the top-left is white.


def test_animated_gif_gives_its_first_frame(tmp_path):
    frames = [Image.new("L", (12, 12), 0), Image.new("L", (12, 12), 255)]
    path = tmp_path / "blink.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(path) as original:
        assert original.n_frames == 2
    array = to_model_array(read_image(path.read_bytes()), 12, 12, 1)
    assert array.max() == 0.0


def test_animated_webp_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (12, 12), (255, 0, 0)), Image.new("RGB", (12, 12), (0, 0, 255))]
    path = tmp_path / "blink.webp"
    frames[0].save(path, save_all=True, append_images=frames[1:], lossless=True)
    with Image.open(path) as original:
        assert original.n_frames == 2
    array = to_model_array(read_image(path.read_bytes()), 12, 12, 3)
    np.testing.assert_allclose(array.mean(axis=(0, 1)), [255, 0, 0], atol=2)


# Modes


def test_rgba_transparency_is_laid_over_white(tmp_path):
    drawing = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    drawing.paste((0, 0, 0, 255), (0, 0, 5, 10))  # Opaque black on the left half.
    drawing.paste((0, 0, 0, 128), (5, 0, 10, 10))  # Half-transparent black on the right.
    image = read_image(write(tmp_path, drawing, "drawing.png"))
    assert image.mode == "RGBA"
    gray = to_model_array(image, 10, 10, 1)[:, :, 0]
    assert np.all(gray[:, :5] == 0)
    np.testing.assert_allclose(gray[:, 5:], 127, atol=1.5)
    colour = to_model_array(image, 10, 10, 3)
    assert np.all(colour[:, :5] == 0)


def test_fully_transparent_png_becomes_white(tmp_path):
    image = read_image(write(tmp_path, Image.new("RGBA", (6, 6), (0, 0, 0, 0)), "empty.png"))
    assert np.all(to_model_array(image, 6, 6, 3) == 255)


def test_palette_with_transparency(tmp_path):
    palette_image = Image.new("P", (4, 1), 0)
    palette_image.putpalette([0, 0, 0, 255, 0, 0] + [0, 0, 0] * 254)
    palette_image.putpixel((2, 0), 1)
    palette_image.putpixel((3, 0), 1)
    image = read_image(write(tmp_path, palette_image, "palette.png", transparency=0))
    assert image.mode == "P" and image.info.get("transparency") == 0
    array = to_model_array(image, 1, 4, 3)
    assert array[0].tolist() == [[255, 255, 255]] * 2 + [[255, 0, 0]] * 2


def test_palette_without_transparency_keeps_colours(tmp_path):
    palette_image = Image.new("P", (2, 1), 0)
    palette_image.putpalette([10, 20, 30, 200, 150, 100] + [0, 0, 0] * 254)
    palette_image.putpixel((1, 0), 1)
    array = to_model_array(read_image(write(tmp_path, palette_image, "palette.png")), 1, 2, 3)
    assert array[0].tolist() == [[10, 20, 30], [200, 150, 100]]


def test_grayscale_values_are_kept(tmp_path):
    ramp = Image.fromarray(np.arange(0, 256, 16, dtype=np.uint8).reshape(4, 4))
    image = read_image(write(tmp_path, ramp, "ramp.png"))
    assert image.mode == "L"
    np.testing.assert_array_equal(to_model_array(image, 4, 4, 1)[:, :, 0], np.asarray(ramp))
    np.testing.assert_array_equal(to_model_array(image, 4, 4, 3)[:, :, 1], np.asarray(ramp))


def test_one_bit_image_gives_0_and_255(tmp_path):
    bits = Image.new("1", (8, 2), 0)
    bits.paste(1, (0, 0, 4, 2))
    image = read_image(write(tmp_path, bits, "bits.png"))
    assert image.mode == "1"
    array = to_model_array(image, 2, 8, 1)[:, :, 0]
    assert np.all(array[:, :4] == 255) and np.all(array[:, 4:] == 0)


@pytest.mark.parametrize("name", ["deep.png", "deep.tiff"])
def test_sixteen_bit_is_scaled_by_bit_depth_not_clipped(tmp_path, name):
    deep = Image.fromarray(np.array([[0, 32768, 65535, 257]], dtype=np.uint16))
    image = read_image(write(tmp_path, deep, name))
    assert image.mode.startswith("I;16")
    values = to_model_array(image, 1, 4, 1)[0, :, 0]
    assert values[0] == 0 and values[2] == 255 and values[3] == 1
    assert abs(values[1] - 128) <= 0.5


def test_32_bit_integer_and_float_images_are_scaled():
    sixteen_bit_range = Image.fromarray(np.array([[0, 65535]], dtype=np.int32))
    assert to_model_array(sixteen_bit_range, 1, 2, 1).ravel().tolist() == [0, 255]
    eight_bit_range = Image.fromarray(np.array([[0, 200]], dtype=np.int32))
    assert to_model_array(eight_bit_range, 1, 2, 1).ravel().tolist() == [0, 200]
    unit_floats = Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32))
    assert to_model_array(unit_floats, 1, 3, 1).ravel().tolist() == [0, 128, 255]
    signed_floats = Image.fromarray(np.array([[-1.0, 0.0, 1.0, 3.0]], dtype=np.float32))
    assert to_model_array(signed_floats, 1, 4, 1).ravel().tolist() == [0, 64, 128, 255]


def test_float_image_with_nan_is_refused():
    broken = Image.fromarray(np.array([[0.0, np.nan]], dtype=np.float32))
    with pytest.raises(ImageInputError, match="NaN or infinite"):
        to_model_array(broken, 1, 2, 1)


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # No cyan, full magenta and yellow: red.
    image = read_image(write(tmp_path, cmyk, "print.jpg", quality=95))
    assert image.mode == "CMYK"
    array = to_model_array(image, 16, 16, 3)
    np.testing.assert_allclose(array.mean(axis=(0, 1)), [255, 0, 0], atol=6)


@pytest.mark.parametrize(
    ("mode", "white"),
    [("LAB", (255, 128, 128)), ("YCbCr", (255, 128, 128)), ("HSV", (0, 0, 255))],
)
def test_other_colour_spaces_convert_to_white(mode, white):
    array = to_model_array(Image.new(mode, (3, 3), white), 3, 3, 3)
    np.testing.assert_allclose(array, 255, atol=2)


def test_la_image_with_transparency(tmp_path):
    gray_alpha = Image.new("LA", (2, 1), (0, 0))
    gray_alpha.putpixel((1, 0), (0, 255))
    image = read_image(write(tmp_path, gray_alpha, "gray.png"))
    assert image.mode == "LA"
    assert to_model_array(image, 1, 2, 1).ravel().tolist() == [255, 0]


def test_premultiplied_gray_alpha_is_laid_over_white():
    assert to_model_array(Image.new("La", (2, 2), (0, 0)), 2, 2, 1).ravel().tolist() == [255] * 4


def test_sixteen_bit_png_with_a_transparent_grey_level(tmp_path):
    deep = Image.fromarray(np.array([[0, 65535, 1000]], dtype=np.uint16))
    image = read_image(write(tmp_path, deep, "deep.png", transparency=1000))
    assert image.mode == "I;16" and image.info.get("transparency") == 1000
    assert to_model_array(image, 1, 3, 1).ravel().tolist() == [0, 255, 255]


# Size, shape, options


@pytest.mark.parametrize("channels", [1, 3])
def test_output_shape_and_dtype(tmp_path, channels):
    image = read_image(write(tmp_path, noise(width=97, height=61), "photo.png"))
    array = to_model_array(image, height=20, width=30, channels=channels)
    assert array.shape == (20, 30, channels)
    assert array.dtype == np.float32
    assert 0 <= array.min() and array.max() <= 255


def test_shrinking_averages_instead_of_picking_pixels():
    # A one-pixel checkerboard: sampling single pixels would give 0s and 255s.
    squares = (np.indices((280, 280)).sum(axis=0) % 2) * 255
    checkerboard = Image.fromarray(squares.astype(np.uint8))
    array = to_model_array(checkerboard, 28, 28, 1)
    np.testing.assert_allclose(array, 127.5, atol=3)


def test_invert_and_autocontrast():
    two_greys = Image.fromarray(np.array([[100, 150]], dtype=np.uint8))
    assert to_model_array(two_greys, 1, 2, 1).ravel().tolist() == [100, 150]
    assert to_model_array(two_greys, 1, 2, 1, invert=True).ravel().tolist() == [155, 105]
    assert to_model_array(two_greys, 1, 2, 1, autocontrast=True).ravel().tolist() == [0, 255]
    stretched_then_inverted = to_model_array(two_greys, 1, 2, 1, invert=True, autocontrast=True)
    assert stretched_then_inverted.ravel().tolist() == [255, 0]


def test_autocontrast_keeps_colour_balance():
    pale = Image.fromarray(np.array([[[100, 100, 100], [150, 150, 120]]], dtype=np.uint8))
    array = to_model_array(pale, 1, 2, 3, autocontrast=True)
    # One stretch for all channels: the grey stays grey and the warm pixel stays warm.
    assert len(set(array[0, 0].tolist())) == 1
    assert array[0, 1, 0] == array[0, 1, 1] > array[0, 1, 2]


@pytest.mark.parametrize("argument", ["height", "width"])
@pytest.mark.parametrize("value", [0, -3, 2.5, True, "28", None])
def test_bad_height_or_width_is_named(argument, value):
    sizes = {"height": 28, "width": 28, argument: value}
    with pytest.raises(ValueError) as caught:
        to_model_array(Image.new("L", (4, 4)), channels=1, **sizes)
    assert f"`{argument}`" in str(caught.value)
    assert f"Received: {argument}={value!r}" in str(caught.value)


@pytest.mark.parametrize("channels", [0, 2, 4, True, "3", None])
def test_bad_channels_is_named(channels):
    with pytest.raises(ValueError) as caught:
        to_model_array(Image.new("L", (4, 4)), 28, 28, channels)
    assert "`channels`" in str(caught.value) and "1 (grayscale) or 3 (RGB)" in str(caught.value)
    assert f"Received: channels={channels!r}" in str(caught.value)


def test_numpy_integers_are_valid_sizes():
    array = to_model_array(Image.new("L", (4, 4)), np.int64(5), np.int32(6), np.int64(1))
    assert array.shape == (5, 6, 1)


def test_to_model_array_needs_an_image():
    with pytest.raises(TypeError, match="Received: image of type ndarray"):
        to_model_array(np.zeros((4, 4)), 4, 4, 1)


# Large and odd-shaped pictures: bounded memory, a preview any page can show


@pytest.mark.parametrize(("size", "kept"), [((4000, 10), (1024, 3)), ((10, 4000), (3, 1024)),
                                            ((3000, 2000), (1024, 683))])
def test_a_large_picture_is_shrunk_to_the_bound_keeping_its_aspect(tmp_path, size, kept):
    image = read_image(write(tmp_path, noise(*size, mode="L"), "big.png"))
    assert image.size == kept and max(image.size) == MAX_SIDE
    assert to_model_array(image, 28, 28, 1).shape == (28, 28, 1)


def test_shrinking_averages_so_a_thin_line_survives(tmp_path):
    canvas = Image.new("L", (4096, 4096), 255)
    ImageDraw.Draw(canvas).line([(2048, 0), (2048, 4095)], fill=0, width=2)
    gray = gray_array(read_image(write(tmp_path, canvas, "line.png")))
    assert gray.shape == (1024, 1024)
    assert gray[:, 500:524].min() < 200  # a quarter of the line's ink, not skipped


def test_a_large_jpeg_keeps_its_orientation(tmp_path):
    stored = Image.new("RGB", (2400, 1200), (255, 255, 255))
    stored.paste((0, 0, 0), (0, 0, 400, 400))  # A dark mark in the stored top-left corner.
    exif = Image.Exif()
    exif[0x0112] = 6
    image = read_image(write(tmp_path, stored, "phone.jpg", exif=exif.tobytes(), quality=90))
    assert image.size == (512, 1024)
    array = to_model_array(image, 64, 32, 1)
    assert array[:4, -4:].mean() < 60 and array[:4, :4].mean() > 200
    assert "exif" not in image.info  # turned once; nothing downstream turns it again


def test_a_large_tiff_keeps_its_orientation(tmp_path):
    stored = Image.new("L", (2400, 1200), 255)
    stored.paste(0, (0, 0, 400, 400))
    # TIFF keeps orientation in its own tags, which a shrunk copy would no longer hold.
    image = read_image(write(tmp_path, stored, "scan.tiff", tiffinfo={0x0112: 6}))
    assert image.size == (512, 1024)
    assert to_model_array(image, 64, 32, 1)[:4, -4:].mean() < 60


@pytest.mark.parametrize("max_side", [0, -1, 2.5, True])
def test_bad_max_side_is_named(max_side):
    with pytest.raises(ValueError, match=rf"`max_side`.*Received: max_side={max_side!r}"):
        read_image(b"\x89PNG", max_side=max_side)


def test_a_sixteen_bit_png_has_an_eight_bit_preview(tmp_path):
    deep = Image.fromarray(np.array([[0, 65535]] * 2, dtype=np.uint16))
    shown = preview(read_image(write(tmp_path, deep, "deep.png")))
    assert shown.dtype == np.uint8 and shown.shape == (2, 2, 3)
    assert shown[0, 0].tolist() == [0, 0, 0] and shown[0, 1].tolist() == [255, 255, 255]


def test_a_4000x10_strip_has_a_140x1_preview(tmp_path):
    shown = preview(read_image(write(tmp_path, noise(4000, 10), "strip.png")))
    assert shown.shape == (1, 140, 3)  # Streamlit's own resize made it 140x0 and failed


def test_a_preview_lays_transparency_over_white_and_keeps_small_pictures():
    shown = preview(Image.new("RGBA", (30, 20), (0, 0, 0, 0)))
    assert shown.shape == (20, 30, 3) and shown.min() == 255


def test_preview_needs_a_positive_side():
    with pytest.raises(ValueError, match=r"`side`.*Received: side=0"):
        preview(Image.new("L", (4, 4)), side=0)


def test_gray_array_is_the_grayscale_model_input_before_resizing():
    drawing = Image.new("RGBA", (8, 6), (0, 0, 0, 0))
    drawing.paste((0, 0, 0, 255), (0, 0, 4, 6))
    gray = gray_array(drawing)
    assert gray.dtype == np.float32 and gray.shape == (6, 8)
    assert gray[:, :4].max() == 0 and gray[:, 4:].min() == 255
    np.testing.assert_array_equal(gray[..., None], to_model_array(drawing, 6, 8, 1))


# The child's own peak, from /proc: getrusage's ru_maxrss is carried over from the parent
# (pytest, which has loaded TensorFlow) across exec, so it would hide the child's peak.
PEAK_SCRIPT = """
import json, re, sys
from tflab.image_arrays import preview, to_model_array
from tflab.images import read_image

def peak_mb():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024

data = open(sys.argv[1], "rb").read()
before = peak_mb()
image = read_image(data, "big")
to_model_array(image, 28, 28, 1)
to_model_array(image, 150, 150, 3)
preview(image)
print(json.dumps({"extra_mb": peak_mb() - before, "size": image.size}))
"""


def peak_megabytes(path: Path) -> float:
    """Peak memory (RSS) of reading and converting `path`, over the interpreter's own."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc/self/status (Linux)")
    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(path)], cwd=REPO,
                          capture_output=True, text=True, check=True, timeout=300)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert tuple(report["size"]) == (MAX_SIDE, MAX_SIDE)
    return report["extra_mb"]


def test_a_6000x6000_sixteen_bit_png_costs_little_memory(tmp_path):
    path = tmp_path / "deep.png"
    Image.fromarray(np.zeros((6000, 6000), dtype=np.uint16)).save(path)
    assert path.stat().st_size < 200_000  # a small file...
    # ...that decodes to 72 MB; float copies of it took 1.24 GB before it was shrunk first.
    assert peak_megabytes(path) < 150


def test_a_6000x6000_transparent_canvas_costs_its_decoded_size_and_little_more(tmp_path):
    path = tmp_path / "canvas.png"
    Image.new("RGBA", (6000, 6000), (0, 0, 0, 0)).save(path)
    # 144 MB decoded; shrunk whole, Pillow's premultiplied copy doubled it (550 MB before).
    assert peak_megabytes(path) < 230


def test_a_6000x6000_jpeg_is_decoded_at_a_reduced_size(tmp_path):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (6000, 6000), (30, 160, 90)).save(path, quality=90)
    assert peak_megabytes(path) < 60  # decoded whole: 108 MB, and 280 MB before
