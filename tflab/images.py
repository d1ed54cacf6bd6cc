"""Open an uploaded image file: any image Pillow reads, upright and shrunk as it is read.

Uploads are hostile until proven otherwise: `read_image` opens bytes (never a path),
refuses empty files, non-images, damaged files, formats outside a short list and
images too large to decode safely, and raises `ImageInputError` with a message meant
for the person who uploaded the file. A large picture is shrunk while it is read (JPEG
decodes straight to a smaller size), so its memory stays bounded whatever the file says.
`tflab.image_arrays` then makes it the array a model was trained on.

Example:

>>> import io
>>> buffer = io.BytesIO()
>>> Image.new("RGBA", (4000, 30), (0, 0, 0, 0)).save(buffer, "PNG")
>>> image = read_image(buffer.getvalue(), name="drawing.png")
>>> describe(image), image.info["decoded_size"]
('PNG, 1024x8, RGBA', (4000, 30))
"""

from __future__ import annotations

import io
import numbers
import warnings

from PIL import Image, UnidentifiedImageError

from tflab.words import Phrase, PhrasedError

# Pillow's format names we decode. MPO is how Pillow names the multi-picture JPEGs
# that phones write, so it is a JPEG to the user.
ACCEPTED_FORMATS = ("PNG", "JPEG", "MPO", "WEBP", "BMP", "GIF", "TIFF")
ACCEPTED = Phrase("images.accepted")  # "accepted: PNG, JPEG, WebP, BMP, GIF, TIFF"
DEFAULT_MAX_PIXELS = 40_000_000
# Models take 28 to 300 pixels a side; a picture is kept at most this long a side, so
# nothing after decoding handles more than a megapixel whatever the upload's size.
MAX_SIDE = 1024
_BAND_PIXELS = 4_000_000  # pixels shrunk at a time: 16 MB of RGBA, whatever the picture

# Leading bytes of the accepted formats, to tell "damaged PNG" from "not an image"
# when Pillow cannot even read the header. Only signatures of 3 bytes or more: a
# shorter one (BMP's b"BM") would call plain text files damaged images.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)

# Pillow's mapping of EXIF orientations to the turn that shows the picture upright.
_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
                6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                8: Image.Transpose.ROTATE_90}


class ImageInputError(PhrasedError, ValueError):
    """An uploaded file that cannot be used as a model input; the message says why.

    Args:
        phrase: why, as a `tflab.words.Phrase` of the catalog's `images` section: a page
            says it in the reader's language; `str(error)` is the English.

    Example:

    >>> try:
    ...     read_image(b"", name="empty.png")
    ... except ImageInputError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    'empty.png' is empty (0 bytes); upload an image file (accepted: PNG, JPEG, ...).
    """


def read_image(
    data: bytes, name: str = "image", max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = MAX_SIDE,
) -> Image.Image:
    """Open an uploaded file's bytes as a fully decoded, upright Pillow image.

    The size is checked from the header before any pixel is decoded, so a small file
    that claims to be huge (a decompression bomb) costs nothing. The whole file is
    then decoded, so a truncated or corrupt file fails here and not later inside the
    model. The EXIF orientation is applied (phone photos are stored sideways), and of
    an animated GIF, WebP or PNG only the first frame is kept.

    A picture longer than `max_side` on a side is shrunk to it, keeping its aspect, by
    averaging (a JPEG is decoded at 1/2, 1/4 or 1/8 of its size first, Pillow's draft
    mode: the largest reduction still at least `max_side` long), before any other copy
    is made: a 6000x6000 16-bit PNG then costs its decoded 72 MB once, not gigabytes of
    float copies. A predictor asks for what its model needs (`tflab.prepare.reading_side`),
    so a phone's photo for a 28x28 model decodes at an eighth of its size.

    Pillow's own global limit `Image.MAX_IMAGE_PIXELS` is left alone (changing it
    would change it for every user of the process); Pillow's bomb error and warning
    are still caught and reported like our own limit.

    Args:
        data: the file's bytes, e.g. `uploaded_file.getvalue()` in Streamlit.
        name: the file name, used only in error messages. Defaults to `"image"`.
        max_pixels: the largest width * height accepted. Defaults to 40_000_000.
        max_side: the longest side kept, in pixels. Defaults to 1024.

    Returns:
        A loaded `PIL.Image.Image` holding no reference to `data`, its longer side at
        most `max_side`; its `format` attribute is the file format Pillow found (e.g.
        `"PNG"`), and `info["decoded_size"]` the (width, height) the decoder gave before
        any shrinking (a 4000x3000 JPEG read at `max_side=448`: (500, 375)).

    Raises:
        ImageInputError: for empty data, non-images, damaged files, refused formats
            and images over `max_pixels`.

    Example:

    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("L", (8, 4)).save(buffer, "BMP")
    >>> read_image(buffer.getvalue(), name="scan.bmp").size
    (8, 4)
    >>> buffer = io.BytesIO()
    >>> Image.new("L", (4000, 10)).save(buffer, "PNG")
    >>> read_image(buffer.getvalue(), name="strip.png").size
    (1024, 3)
    >>> try:
    ...     read_image(b"just text", name="notes.png")
    ... except ImageInputError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    'notes.png' is not an image: Pillow cannot read it (accepted: PNG, JPEG, ...).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"Expected the file's bytes for `data`. Received: data of type {type(data).__name__}"
        )
    for argument, value in (("max_pixels", max_pixels), ("max_side", max_side)):
        if not is_positive_int(value):
            raise ValueError(
                f"Received an invalid value for `{argument}`, expected a positive integer. "
                f"Received: {argument}={value!r}"
            )
    data = bytes(data)
    if not data:
        raise ImageInputError(Phrase("images.empty", {"name": repr(name), "accepted": ACCEPTED}))

    # Pillow's bomb warning becomes an error only inside this block. On Python < 3.14
    # catch_warnings swaps the process-wide filter list, so other threads briefly share
    # this one filter; it concerns nothing but DecompressionBombWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            source = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise ImageInputError(_unreadable_message(data, name)) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            limit = _pillow_limit(max_pixels)
            raise ImageInputError(_too_large_message(name, _declared_size(data), limit)) from None
        except Exception as error:  # Plugins raise many undocumented types on hostile headers.
            raise ImageInputError(_damaged(name, error)) from None

        with source:
            if source.format not in ACCEPTED_FORMATS:
                raise ImageInputError(Phrase("images.not_accepted", {
                    "name": repr(name), "format": source.format, "accepted": ACCEPTED}))
            width, height = source.size
            if width * height > max_pixels:
                raise ImageInputError(_too_large_message(name, source.size, max_pixels))
            try:
                source.seek(0)  # The first frame of an animation.
                if source.format in ("JPEG", "MPO") and max(width, height) > max_side:
                    source.draft(None, fitted((width, height), max_side))
                source.load()  # Decode everything now, so damage shows here.
                decoded = source.size  # a JPEG's reduced by draft mode
                # Read after loading (Pillow turns a TIFF itself then and drops its tag),
                # before shrinking (a shrunk copy holds no EXIF of its own).
                turn = _ORIENTATION.get(source.getexif().get(0x0112))
                # Always a new image (resize or copy), detached from `data`.
                upright = shrunk(source, max_side, copy=True)
                if turn is not None:
                    upright = upright.transpose(turn)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                limit = _pillow_limit(max_pixels)
                raise ImageInputError(_too_large_message(name, source.size, limit)) from None
            except Exception as error:  # Decoders raise OSError, SyntaxError, EOFError...
                raise ImageInputError(_damaged(name, error)) from None
    # Derived images have format None; keep the file's so `describe` can name it.
    upright.format = source.format
    upright.info.pop("exif", None)  # Its orientation is applied; nothing should turn it again.
    upright.info["decoded_size"] = decoded
    return upright


def describe(image: Image.Image) -> str:
    """A short description of an image for the user: format, size and mode.

    Args:
        image: a `PIL.Image.Image`; images Pillow made itself have no format.

    Returns:
        Text like "PNG, 640x480, RGBA".

    Example:

    >>> from PIL import Image
    >>> describe(Image.new("RGB", (640, 480)))
    'image, 640x480, RGB'
    """
    width, height = image.size
    return f"{image.format or 'image'}, {width}x{height}, {image.mode}"


def fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled to fit in `side` x `side`, keeping its aspect; each side at least 1.

    Example:

    >>> fitted((4000, 3000), 448), fitted((4000, 10), 140)
    ((448, 336), (140, 1))
    """
    width, height = size
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shrunk(image: Image.Image, max_side: int, copy: bool = False) -> Image.Image:
    """The image averaged down to at most `max_side` a side (itself, or a copy, if it fits),
    keeping its aspect.

    A picture over twice the bound is first shrunk a band of rows at a time, so no
    full-size copy is made: Pillow would otherwise convert a whole RGBA picture to
    premultiplied alpha (another 4 bytes a pixel) to resize it. Pillow's BOX filter
    averages in every mode, 16-bit and float included.

    Example:

    >>> shrunk(Image.new("I;16", (3000, 20)), 1024).size
    (1024, 7)
    """
    width, height = image.size
    if max(width, height) <= max_side:
        return image.copy() if copy else image
    factor = max(width, height) // max_side  # whole rows per output row, first pass
    if factor > 1:
        band = factor * max(1, _BAND_PIXELS // (width * factor))
        parts = []
        for top in range(0, height, band):  # one band in memory at a time
            rows = _resizable(image.crop((0, top, width, min(height, top + band))), image.info)
            parts.append(rows.resize((-(-width // factor), -(-rows.height // factor)),
                                     Image.Resampling.BOX))
        shrunk = Image.new(parts[0].mode, (parts[0].width, sum(p.height for p in parts)))
        for index, part in enumerate(parts):
            shrunk.paste(part, (0, index * parts[0].height))
        shrunk.info = {key: value for key, value in image.info.items()
                       if key != "transparency" or shrunk.mode == image.mode}
        image = shrunk
    return _resizable(image, image.info).resize(fitted((width, height), max_side),
                                                Image.Resampling.BOX)


def _resizable(image: Image.Image, info: dict) -> Image.Image:
    """Palettes and 1-bit images as RGB(A) or L: Pillow resizes those by picking pixels,
    which would drop thin lines."""
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if image.mode == "PA" or "transparency" in info else "RGB")
    return image.convert("L") if image.mode == "1" else image


def is_positive_int(value) -> bool:
    """Whether `value` is a whole number above 0 (not a bool): the sides and limits here.

    Example:

    >>> is_positive_int(28), is_positive_int(True), is_positive_int(2.0)
    (True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0


def _megapixels(pixels: int) -> int | float:
    """Megapixels to one decimal, a whole number without one (a phrase writes a float
    the language's way: 0.5, 0,5)."""
    value = round(pixels / 1e6, 1)
    return int(value) if value.is_integer() else value


def _damaged(name: str, error: BaseException) -> Phrase:
    return Phrase("images.damaged", {"name": repr(name), "error": str(error)})


def _too_large_message(name: str, size: tuple[int, int] | None, limit: int) -> Phrase:
    if size is None:
        return Phrase("images.too_large", {"name": repr(name), "limit": _megapixels(limit)})
    width, height = size
    return Phrase("images.too_large_size", {
        "name": repr(name), "width": width, "height": height,
        "megapixels": _megapixels(width * height), "limit": _megapixels(limit)})


def _pillow_limit(max_pixels: int) -> int:
    """The limit that refused an image: ours, or Pillow's bomb limit if it is lower."""
    if Image.MAX_IMAGE_PIXELS is None:
        return max_pixels
    return min(max_pixels, int(Image.MAX_IMAGE_PIXELS))


def _declared_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header of a file Pillow refused as a bomb.

    `Image.open` raises before returning the image, so its size is read again with
    the format's own opener (Pillow's plugin registry), which parses the header only.
    None when that fails too.
    """
    Image.init()
    prefix = data[:16]
    for image_format in ACCEPTED_FORMATS:
        opener, accept = Image.OPEN.get(image_format, (None, None))
        if opener is None:
            continue
        matched = accept(prefix) if accept is not None else True
        if not matched or isinstance(matched, str):
            continue
        try:
            return opener(io.BytesIO(data), "").size
        except Exception:  # Only a nicer message is at stake.
            continue
    return None


def _unreadable_message(data: bytes, name: str) -> Phrase:
    """Say "damaged" when the file starts like an accepted format, else "not an image"."""
    found = next((fmt for signature, fmt in _SIGNATURES if data.startswith(signature)), None)
    if found is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = "WebP"
    if found is not None:
        return Phrase("images.starts_like", {"name": repr(name), "format": found})
    return Phrase("images.not_image", {"name": repr(name), "accepted": ACCEPTED})
