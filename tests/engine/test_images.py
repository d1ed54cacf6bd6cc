"""Tests for tflab.images: real files written to a temporary folder, hostile ones included."""

import doctest
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFile

import tflab.images
from tflab.images import (
    ImageInputError,
    describe,
    looks_dark_on_light,
    read_image,
    to_model_array,
)


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
    result = doctest.testmod(tflab.images)
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


# looks_dark_on_light


def pen_drawing(background, ink, mode="L"):
    drawing = Image.new(mode, (28, 28), background)
    ImageDraw.Draw(drawing).ellipse([8, 6, 20, 22], outline=ink, width=3)
    return drawing


def test_dark_ink_on_white_looks_dark_on_light():
    assert looks_dark_on_light(pen_drawing(255, 0)) is True


def test_white_ink_on_black_does_not():
    assert looks_dark_on_light(pen_drawing(0, 255)) is False


def test_uniform_image_does_not():
    assert looks_dark_on_light(Image.new("RGB", (28, 28), (90, 90, 90))) is False


def test_transparent_canvas_counts_as_white(tmp_path):
    drawing = pen_drawing((0, 0, 0, 0), (0, 0, 0, 255), mode="RGBA")
    assert looks_dark_on_light(read_image(write(tmp_path, drawing, "canvas.png"))) is True


def test_tiny_images_do_not_fail():
    assert looks_dark_on_light(Image.new("L", (1, 1), 255)) is False
    assert looks_dark_on_light(Image.new("L", (1, 3), 0)) is False
