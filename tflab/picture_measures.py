"""The measures of pictures that a run's profile (`tflab.profile`) is made of, taken the
same way of a training picture and of a new one, so the two compare on one scale.

Each function takes (n, height, width) brightness pictures (`luma` makes them from
channels), values 0..255:

- `background`: the level of the border (the outer eighth of each side), whether it is
  plain, and the polarity, which side of the background the subject lies on.
- `look`: brightness, contrast and detail.
- `ink_of` and `ink_measures`: the subject apart from its background, and where it
  sits, how large it is, its stroke width and how soft its edges are.

Example:

>>> import numpy as np
>>> digit = np.zeros((1, 28, 28, 1), dtype=np.float32)
>>> digit[0, 4:24, 12:15] = 255.0                 # a white "1" on black
>>> gray = luma(digit)
>>> level, plain, polarity = background(gray)
>>> ink = ink_of(gray, level, "light_on_dark")
>>> polarity_name(polarity[0]), float(ink_measures(ink)["height"][0])
('light_on_dark', 20.0)
"""

from __future__ import annotations

import numpy as np

# A border pixel within this many levels of the border's median is background; a
# border is plain when at least PLAIN_SHARE of its pixels are. 32 levels forgive paper
# shading in a photo of a drawing, not a photo's or noise's texture.
PLAIN_LEVELS = 32.0
PLAIN_SHARE = 0.9
# A pixel this far from the background is clearly ink, on one side or the other.
INK_LEVELS = 64.0
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as Pillow's "L"
# The two polarities as `background` codes them.
POLARITY_CODES = {"light_on_dark": 1, "dark_on_light": -1}


def luma(x: np.ndarray) -> np.ndarray:
    """(n, h, w, 1 or 3) or (h, w, 1 or 3) pictures as float32 brightness without channels."""
    x = np.asarray(x, dtype=np.float32)
    return x[..., 0] if x.shape[-1] == 1 else x @ _LUMA


def border_mask(height: int, width: int) -> np.ndarray:
    """True on the outer eighth of each side (at least one pixel) of a picture."""
    edge = max(1, min(height, width) // 8)
    mask = np.ones((height, width), dtype=bool)
    mask[edge:height - edge, edge:width - edge] = False
    return mask


def background(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Background level, plainness and polarity of (n, h, w) brightness pictures.

    Returns:
        level (n,): the border's median brightness; plain (n,): True when at least
        90% of the border lies within 32 levels of it; polarity (n,): 1 when more
        pixels are clearly (64 levels) brighter than the background than darker
        (light on dark), -1 for the reverse, 0 when neither or the border is not
        plain (noise, a busy photo: there is no background to tell).

    Example:

    >>> import numpy as np
    >>> paper = np.full((1, 40, 40), 250.0)
    >>> paper[0, 10:30, 18:21] = 20.0          # a pen stroke
    >>> level, plain, polarity = background(paper)
    >>> float(level[0]), bool(plain[0]), int(polarity[0])
    (250.0, True, -1)
    """
    gray = np.asarray(gray, dtype=np.float32)
    ring = gray[:, border_mask(*gray.shape[1:])]
    level = np.median(ring, axis=1)
    plain = (np.abs(ring - level[:, None]) <= PLAIN_LEVELS).mean(axis=1) >= PLAIN_SHARE
    flat = gray.reshape(len(gray), -1)
    brighter = (flat > level[:, None] + INK_LEVELS).sum(axis=1)
    darker = (flat < level[:, None] - INK_LEVELS).sum(axis=1)
    polarity = np.sign(brighter - darker) * plain
    return level, plain, polarity.astype(np.int8)


def polarity_name(code: int) -> str:
    """"light_on_dark", "dark_on_light" or "unclear" for a code from `background`."""
    return {1: "light_on_dark", -1: "dark_on_light"}.get(int(code), "unclear")


def look(gray: np.ndarray) -> dict[str, np.ndarray]:
    """Brightness, contrast and detail of each of (n, h, w) brightness pictures.

    Detail is the mean absolute difference between neighbouring pixels: high for noise
    and textured photos, low for soft drawings.

    Example:

    >>> import numpy as np
    >>> flat_grey = np.full((1, 8, 8), 100.0)
    >>> {name: float(values[0]) for name, values in look(flat_grey).items()}
    {'brightness': 100.0, 'contrast': 0.0, 'detail': 0.0}
    """
    gray = np.asarray(gray, dtype=np.float32)
    return {"brightness": gray.mean(axis=(1, 2)), "contrast": gray.std(axis=(1, 2)),
            "detail": _detail(gray)}


def _detail(gray: np.ndarray) -> np.ndarray:
    return (np.abs(np.diff(gray, axis=1)).mean(axis=(1, 2))
            + np.abs(np.diff(gray, axis=2)).mean(axis=(1, 2))) / 2


def ink_of(gray: np.ndarray, level: np.ndarray, polarity: str) -> np.ndarray:
    """How far each pixel lies from the background on the subject's side, 0..255.

    Example:

    >>> import numpy as np
    >>> ink_of(np.array([[[200.0, 100.0]]]), np.array([200.0]), "dark_on_light").tolist()
    [[[0.0, 100.0]]]
    """
    sign = POLARITY_CODES[polarity]
    level = np.asarray(level, dtype=np.float32).reshape(-1, 1, 1)
    # + 0.0 turns the -0.0 of a background pixel on the dark side into 0.0.
    return np.clip(sign * (np.asarray(gray, dtype=np.float32) - level), 0.0, 255.0) + 0.0


def ink_measures(ink: np.ndarray) -> dict[str, np.ndarray]:
    """Where the subject sits in each of (n, h, w) ink pictures, and how it is drawn.

    A pixel is ink when it holds at least half its picture's strongest ink. Returns
    per picture: "height" and "width" of the ink's bounding box (0 without ink), "row"
    and "column" of the ink's centre of mass, "box_row" and "box_column" of its
    bounding box's middle, "stroke" width (twice the ink's area over
    its outline, in pixels: a long stroke of width w has area ~ length * w and outline ~
    2 * length) and "softness" (detail per unit of ink: `look`'s detail times the
    number of pixels over the total ink).

    Example:

    >>> import numpy as np
    >>> bar = np.zeros((1, 28, 28))
    >>> bar[0, 4:24, 12:15] = 255.0
    >>> measures = ink_measures(bar)
    >>> [float(measures[name][0]) for name in ("height", "width", "row", "column", "stroke")]
    [20.0, 3.0, 13.5, 13.0, 2.61]
    >>> ink_softness(bar).tolist() == measures["softness"].tolist()
    True
    """
    ink = np.asarray(ink, dtype=np.float32)
    n, rows, cols = ink.shape
    strongest = ink.reshape(n, -1).max(axis=1)
    mask = (ink >= strongest[:, None, None] / 2) & (strongest[:, None, None] > 0)
    any_rows, any_cols = mask.any(axis=2), mask.any(axis=1)
    height = _extent(any_rows)
    width = _extent(any_cols)
    total = ink.sum(axis=(1, 2))
    safe_total = np.where(total > 0, total, 1.0)
    row = (ink.sum(axis=2) * np.arange(rows)).sum(axis=1) / safe_total
    column = (ink.sum(axis=1) * np.arange(cols)).sum(axis=1) / safe_total
    box_row, box_column = _middle(any_rows), _middle(any_cols)
    area = mask.sum(axis=(1, 2))
    # The outline: ink/background changes between neighbours, plus ink on the edges.
    outline = ((mask[:, 1:, :] != mask[:, :-1, :]).sum(axis=(1, 2))
               + (mask[:, :, 1:] != mask[:, :, :-1]).sum(axis=(1, 2))
               + mask[:, 0, :].sum(axis=1) + mask[:, -1, :].sum(axis=1)
               + mask[:, :, 0].sum(axis=1) + mask[:, :, -1].sum(axis=1))
    stroke = np.round(2 * area / np.maximum(outline, 1), 2)
    return {"height": height, "width": width, "row": row, "column": column,
            "box_row": box_row, "box_column": box_column, "stroke": stroke,
            "softness": ink_softness(ink)}


def ink_softness(ink: np.ndarray) -> np.ndarray:
    """`ink_measures`' softness alone, of (n, h, w) ink pictures (a search over blurs asks
    it often)."""
    ink = np.asarray(ink, dtype=np.float32)
    total = ink.sum(axis=(1, 2))
    return _detail(ink) * (ink.shape[1] * ink.shape[2]) / np.where(total > 0, total, 1.0)


def _ends(any_along: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first and the last True of each row of (n, k)."""
    first = np.argmax(any_along, axis=1)
    return first, any_along.shape[1] - 1 - np.argmax(any_along[:, ::-1], axis=1)


def _extent(any_along: np.ndarray) -> np.ndarray:
    """Length from the first to the last True of each row of (n, k); 0 for none."""
    first, last = _ends(any_along)
    return np.where(any_along.any(axis=1), last - first + 1, 0)


def _middle(any_along: np.ndarray) -> np.ndarray:
    """Halfway between the first and the last True of each row of (n, k)."""
    first, last = _ends(any_along)
    return (first + last) / 2
