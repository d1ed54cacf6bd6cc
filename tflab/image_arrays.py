"""A picture as arrays: the one an image model takes (`to_model_array`), its brightness
(`gray_array`) and the small copy a page shows (`preview`).

Every Pillow mode (transparency, palettes, 1-bit, 16-bit, float, CMYK, LAB...) is first
brought to 8-bit grayscale or RGB, so a picture from `tflab.images.read_image` becomes a
float32 `(height, width, channels)` array with values in 0..255, the range the model's
own `Rescaling` layer expects.

Example:

>>> from PIL import Image
>>> array = to_model_array(Image.new("RGBA", (40, 30), (0, 0, 0, 0)), height=28, width=28,
...                        channels=1)
>>> array.shape, array.dtype.name, float(array.min())
((28, 28, 1), 'float32', 255.0)
"""

from __future__ import annotations

import numbers

import numpy as np
from PIL import Image, ImageOps

from tflab.images import MAX_SIDE, ImageInputError, fitted, is_positive_int, shrunk
from tflab.words import Phrase

PREVIEW_SIDE = 140
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")
_HIGH_DEPTH_MODES = _SIXTEEN_BIT_MODES + ("I", "F")
_ALPHA_MODES = ("RGBA", "LA", "La", "PA", "RGBa")
_WHITE = (255, 255, 255, 255)


def to_model_array(
    image: Image.Image,
    height: int,
    width: int,
    channels: int,
    invert: bool = False,
    autocontrast: bool = False,
) -> np.ndarray:
    """Convert an image to the float32 array a Keras image model takes, values 0..255.

    Every Pillow mode is brought to 8-bit grayscale or RGB first:
    - transparency (RGBA, LA, a palette or a colour marked transparent) is laid over
      white, because what users upload with transparency is mostly a drawing or a
      canvas export: dark strokes on an empty background. Over black the strokes
      would vanish into the background. `tflab.prepare` decides when a picture is
      inverted for a model trained on white-on-black digits.
    - 16-bit images are scaled by their bit depth (65535 -> 255), not clipped.
      32-bit integer images are scaled by the smallest depth that holds their values
      (8 or 16 bits) and stretched from min..max otherwise; float images in 0..1 are
      multiplied by 255, in 0..255 kept, otherwise stretched from min..max.
    - CMYK, YCbCr, LAB and HSV go through Pillow's RGB conversion.
    Grayscale uses Pillow's `convert("L")` (ITU-R 601 luma), as `keras.utils.load_img`
    does. A side longer than 1024 pixels is shrunk first (see `tflab.images.read_image`),
    so a large image costs little memory. The image is then resized to exactly (width, height)
    without keeping the aspect ratio, as Keras' `image_dataset_from_directory` does by
    default, with bilinear filtering (Keras' default; Pillow's version averages over the whole
    footprint when shrinking, so large photos do not alias).

    Args:
        image: a `PIL.Image.Image`, e.g. from `tflab.images.read_image`.
        height: output height in pixels, a positive integer.
        width: output width in pixels, a positive integer.
        channels: 1 for grayscale, 3 for RGB.
        invert: return 255 - value, for models trained on light-on-dark images when
            the user drew dark-on-light. Defaults to False.
        autocontrast: stretch the darkest pixel to 0 and the brightest to 255
            (applied before `invert`). Defaults to False.

    Returns:
        A float32 array of shape (height, width, channels), values in 0..255.

    Example:

    >>> from PIL import Image
    >>> image = Image.new("L", (10, 10), 200)
    >>> array = to_model_array(image, height=4, width=6, channels=3, invert=True)
    >>> array.shape, float(array[0, 0, 0])
    ((4, 6, 3), 55.0)
    """
    if not isinstance(image, Image.Image):
        raise TypeError(_not_an_image_object(image))
    for argument, value in (("height", height), ("width", width)):
        if not is_positive_int(value):
            raise ValueError(
                f"Received an invalid value for `{argument}`, expected a positive integer. "
                f"Received: {argument}={value!r}"
            )
    if isinstance(channels, bool) or channels not in (1, 3):
        raise ValueError(
            "Received an invalid value for `channels`, expected 1 (grayscale) or 3 (RGB). "
            f"Received: channels={channels!r}"
        )

    flat = _flatten(shrunk(image, MAX_SIDE))
    flat = flat.convert("L" if channels == 1 else "RGB")
    flat = flat.resize((int(width), int(height)), Image.Resampling.BILINEAR, reducing_gap=3.0)
    if autocontrast:
        # preserve_tone stretches all colour channels alike, so hues do not shift.
        flat = ImageOps.autocontrast(flat, preserve_tone=True)
    array = np.asarray(flat, dtype=np.float32)
    if channels == 1:
        array = array[:, :, np.newaxis]
    if invert:
        array = 255.0 - array
    return array


def gray_array(image: Image.Image, max_side: int = MAX_SIDE) -> np.ndarray:
    """The picture's brightness as a float32 (height, width) array, values 0..255.

    Modes are flattened as in `to_model_array` (transparency over white, 16-bit scaled)
    and the luma is Pillow's `convert("L")`, so it matches a grayscale model's input;
    a side longer than `max_side` is shrunk first.

    Args:
        image: a `PIL.Image.Image`.
        max_side: the longest side kept, in pixels. Defaults to 1024.

    Example:

    >>> from PIL import Image
    >>> gray = gray_array(Image.new("RGBA", (3000, 20), (0, 0, 0, 0)))
    >>> gray.shape, gray.dtype.name, float(gray.min())
    ((7, 1024), 'float32', 255.0)
    """
    if not isinstance(image, Image.Image):
        raise TypeError(_not_an_image_object(image))
    return np.asarray(_flatten(shrunk(image, max_side)).convert("L"), dtype=np.float32)


def preview(image: Image.Image, side: int = PREVIEW_SIDE) -> np.ndarray:
    """The picture as a person sees it, small enough to show: uint8 RGB, at most `side`.

    Any mode is flattened as in `to_model_array` (transparency over white, 16-bit
    scaled), so a page can show it without decoding the upload again, and no side is
    below 1 pixel: a 4000x10 strip becomes 140x1, not an empty image.

    Args:
        image: a `PIL.Image.Image`.
        side: the longest side of the preview, in pixels. Defaults to 140.

    Returns:
        A uint8 array of shape (height, width, 3).

    Example:

    >>> from PIL import Image
    >>> preview(Image.new("I;16", (4000, 10))).shape
    (1, 140, 3)
    """
    if not isinstance(image, Image.Image):
        raise TypeError(_not_an_image_object(image))
    if not is_positive_int(side):
        raise ValueError("Received an invalid value for `side`, expected a positive integer. "
                         f"Received: side={side!r}")
    flat = _flatten(shrunk(image, MAX_SIDE)).convert("RGB")
    if max(flat.size) > side:
        flat = flat.resize(fitted(flat.size, side), Image.Resampling.BILINEAR, reducing_gap=3.0)
    return np.asarray(flat, dtype=np.uint8)


def _flatten(image: Image.Image) -> Image.Image:
    """Bring any mode to 8-bit "L" or "RGB", transparency laid over white."""
    if image.mode in _HIGH_DEPTH_MODES:
        return _high_depth_to_gray(image)
    has_alpha = image.mode in _ALPHA_MODES or image.mode == "P" or "transparency" in image.info
    if not has_alpha:
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if image.mode == "La":
        image = image.convert("LA")  # Pillow has no direct La -> RGBA conversion.
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, _WHITE), rgba).convert("RGB")


def _high_depth_to_gray(image: Image.Image) -> Image.Image:
    """Scale a 16-bit, 32-bit integer or float image to 8-bit "L" without clipping."""
    raw = np.asarray(image)
    values = raw.astype(np.float32)
    if not np.all(np.isfinite(values)):
        raise ImageInputError(Phrase("images.not_finite", {"mode": image.mode}))
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    if image.mode in _SIXTEEN_BIT_MODES:
        scaled = values * (255.0 / 65535.0)
    elif image.mode == "I" and low >= 0 and high <= 255:
        scaled = values
    elif image.mode == "I" and low >= 0 and high <= 65535:
        scaled = values * (255.0 / 65535.0)
    elif image.mode == "F" and low >= 0 and high <= 1:
        scaled = values * 255.0
    elif image.mode == "F" and low >= 0 and high <= 255:
        scaled = values
    elif high > low:
        scaled = (values - low) * (255.0 / (high - low))
    else:
        scaled = np.clip(values, 0, 255)
    transparent = image.info.get("transparency")
    if isinstance(transparent, numbers.Real):
        scaled = np.where(raw == transparent, 255.0, scaled)  # Over white, as in _flatten.
    return Image.fromarray(np.clip(np.round(scaled), 0, 255).astype(np.uint8))


def _not_an_image_object(image) -> str:
    return f"Expected a PIL.Image.Image for `image`. Received: image of type {type(image).__name__}"
