"""A heat map laid over the picture it explains, in colours from dark blue (0) to dark
red (1), for a page to show beside an answer (`tflab.gradcam` makes the maps).

Plain NumPy and Pillow: no Keras is loaded to colour a map.

Example:

>>> import numpy as np
>>> shown = overlay(np.zeros((16, 16, 3), np.uint8), np.linspace(0, 1, 64).reshape(8, 8))
>>> shown.shape, shown.dtype.name
((16, 16, 3), 'uint8')
"""

from __future__ import annotations

import numpy as np
from PIL import Image

ALPHA = 0.45  # how much of the colour map covers the picture in `overlay`


def _colours(heat: np.ndarray) -> np.ndarray:
    """A jet-like colour map: 0 dark blue, through cyan, yellow, to 1 dark red."""
    stops = np.array([0.0, 0.125, 0.375, 0.625, 0.875, 1.0])
    rgb = np.array([[0, 0, 128], [0, 0, 255], [0, 255, 255], [255, 255, 0], [255, 0, 0],
                    [128, 0, 0]], dtype=np.float32)
    return np.stack([np.interp(heat, stops, rgb[:, c]) for c in range(3)], axis=-1)


def overlay(picture_uint8, heat) -> np.ndarray:
    """`heat` as colours over the picture, for a page to show beside an answer.

    Args:
        picture_uint8: the picture, uint8 (height, width), (height, width, 1) or
            (height, width, 3); grey pictures are shown in grey.
        heat: a `tflab.gradcam.heat_map`, 0..1, of any size; it is resized (bilinear) to the picture's.

    Returns:
        uint8 RGB (height, width, 3): the picture with the colour map blended over it.

    Example:

    >>> overlay(np.full((4, 4), 200, np.uint8), np.ones((2, 2)))[0, 0].tolist()
    [168, 110, 110]
    """
    picture = np.asarray(picture_uint8)
    if picture.dtype != np.uint8 or picture.ndim not in (2, 3) or (
            picture.ndim == 3 and picture.shape[-1] not in (1, 3)) or 0 in picture.shape:
        raise ValueError(f"Received an invalid value for `picture_uint8`, expected uint8 of "
                         f"shape (height, width), (height, width, 1) or (height, width, 3). "
                         f"Received: dtype={picture.dtype}, shape={picture.shape}")
    heat = np.asarray(heat, dtype=np.float32)
    if heat.ndim != 2 or 0 in heat.shape or not np.isfinite(heat).all() \
            or heat.min() < 0.0 or heat.max() > 1.0:
        raise ValueError(f"Received an invalid value for `heat`, expected finite values from "
                         f"0 to 1 of shape (height, width), as heat_map returns. Received: "
                         f"shape={heat.shape}" + (f", values {heat.min():.3g} to {heat.max():.3g}"
                                                  if heat.size else ""))
    if picture.ndim == 2:
        picture = picture[..., None]
    if picture.shape[-1] == 1:
        picture = np.repeat(picture, 3, axis=-1)
    height, width = picture.shape[:2]
    if heat.shape != (height, width):
        heat = np.asarray(Image.fromarray(heat, mode="F").resize((width, height),
                                                                 Image.BILINEAR))
        heat = np.clip(heat, 0.0, 1.0)
    blended = (1 - ALPHA) * picture.astype(np.float32) + ALPHA * _colours(heat)
    return np.clip(np.rint(blended), 0, 255).astype(np.uint8)
