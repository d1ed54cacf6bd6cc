"""One picture made ready for a run's model the way its training pictures were made.

Two rules, both decided from the run's `PictureProfile` (never from the dataset's name)
and applied the same way whatever the picture:

- Polarity. A grayscale model learned one polarity (digits: white ink on black). A
  picture of the other polarity (a pen drawing on paper: dark on light, with a plain
  background) is inverted, and says so. `colours` overrides the decision per picture:
  "auto", "as_is" or "invert". Colour models take pictures as they are.
- Strokes. When the training pictures are strokes on a plain background (digits,
  MNIST), a drawing is cropped to its ink, thickened to the training strokes' width,
  fitted (keeping its aspect) into the box the training ink occupies, centred there as
  they are (by its box or its mass), and its edges softened to match theirs, as MNIST
  was made from scans. A marker drawing on a 280x280 canvas would otherwise be thin,
  off-centre and unlike any training digit.

Without a profile (a run whose data can no longer be loaded) a picture is resized as it
is, inverted only on request.

Example:

>>> import numpy as np
>>> from PIL import Image, ImageDraw
>>> from tflab.profile import profile_pictures
>>> digits = np.zeros((10, 28, 28, 1), dtype=np.float32)
>>> digits[:, 4:24, 11:17] = 255.0
>>> profile = profile_pictures(digits)
>>> drawing = Image.new("L", (280, 280), 255)               # a "1" drawn on paper
>>> ImageDraw.Draw(drawing).line([(60, 40), (60, 240)], fill=0, width=12)
>>> prepared = prepare(drawing, (28, 28, 1), profile)
>>> prepared.inverted, prepared.view.shape, float(prepared.view[2, 2, 0])
(True, (28, 28, 1), 0.0)
>>> print(prepared.notes[0])
Inverted: it is dark on a light background, and this model learned light on dark.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image

from tflab.image_arrays import PREVIEW_SIDE, gray_array, to_model_array
from tflab.images import MAX_SIDE
from tflab.picture_measures import INK_LEVELS, background, ink_of, ink_softness, polarity_name
from tflab.profile import PictureProfile
from tflab.words import Phrase

COLOURS = ("auto", "as_is", "invert")
WORK_SCALE = 4  # strokes are measured and thickened at 4x the model's size: finer steps
# A picture is read at 16x the model's side (at most MAX_SIDE): a drawing a quarter of its
# side long is still read at the work scale. At 12x (2 ms sooner for a 12-MP photo) what
# the model saw of a phone's photo moved up to 6.6 levels (of 255, on average) from what it
# sees of the whole photo; at 16x under 2.
READ_SCALE = 4 * WORK_SCALE
MAX_GROW = 12  # pixels (at the work scale) a stroke may grow on each side
FAINT = 13.0  # ink (of 255) below this is background when cropping: 5%, paper noise
SOFTENING = (0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # Gaussian sigmas tried, in pixels
# What a model learned and what a picture is, as said in a note (tflab/locales: prepare).
_WORDS = {name: Phrase(f"prepare.learned.{name}") for name in ("light_on_dark", "dark_on_light")}
_PICTURE = {name: Phrase(f"prepare.picture.{name}") for name in ("light_on_dark", "dark_on_light")}


@dataclass(frozen=True)
class Prepared:
    """A picture as the model will see it, and what was done to it.

    Args:
        view: float32 (height, width, channels), values 0..255: the model's input.
        inverted: True when the picture's brightness was turned over.
        notes: what was done and why, one sentence each, for people.
        polarity: the picture's own: "light_on_dark", "dark_on_light" or "unclear".
        plain: True when the picture has a plain background (as drawings do).
    """

    view: np.ndarray
    inverted: bool
    notes: tuple[Phrase, ...]
    polarity: str
    plain: bool


def reading_side(shape: tuple) -> int:
    """The longest side `prepare` needs of a picture for a model taking `shape` pictures:
    what `tflab.images.read_image` keeps (its `max_side`), so a 12-megapixel JPEG for a
    28x28 model is decoded at an eighth of its size (Pillow's draft mode) and nothing
    larger is ever handled. Never below a preview's side, never above `MAX_SIDE`.

    Example:

    >>> reading_side((28, 28, 1)), reading_side((150, 150, 3))
    (448, 1024)
    """
    return int(min(MAX_SIDE, max(PREVIEW_SIDE, READ_SCALE * max(shape[:2]))))


def prepare(image: Image.Image, shape: tuple, profile: PictureProfile | None = None,
            colours: str = "auto", autocontrast: bool = False) -> Prepared:
    """Make `image` the input of a model taking `shape` pictures, as `profile` says.

    Args:
        image: a `PIL.Image.Image`, e.g. from `tflab.images.read_image`.
        shape: the model's (height, width, channels), channels 1 or 3.
        profile: the run's training pictures, or None if unknown. Defaults to None.
        colours: "auto" (invert a picture of the other polarity than the training
            pictures'), "as_is" or "invert"; colour models take only "auto" and
            "as_is". Defaults to "auto".
        autocontrast: stretch the darkest pixel to black and the lightest to white
            (pictures that are not fitted as strokes, which are stretched anyway).
            Defaults to False.

    Returns:
        A `Prepared`.

    Example:

    >>> from PIL import Image
    >>> photo = Image.new("RGB", (64, 48), (200, 30, 30))
    >>> prepare(photo, (32, 32, 3)).view.shape
    (32, 32, 3)
    >>> try:
    ...     prepare(photo, (32, 32, 3), colours="invert")
    ... except ValueError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    Received an invalid value for `colours` for a colour model, ... Received: colours='invert'
    """
    height, width, channels = (int(v) for v in shape)
    allowed = COLOURS if channels == 1 else COLOURS[:2]
    if colours not in allowed:
        kind = "a grayscale model" if channels == 1 else \
            "a colour model, which takes pictures as they are"
        raise ValueError(f"Received an invalid value for `colours` for {kind}, expected one "
                         f"of {', '.join(map(repr, allowed))}. Received: colours={colours!r}")
    gray = gray_array(image)
    level, plain, polarity = background(gray[None])
    picture_polarity, plain = polarity_name(polarity[0]), bool(plain[0])
    if channels == 3:
        view = to_model_array(image, height, width, 3, autocontrast=autocontrast)
        return Prepared(view, False, (), picture_polarity, plain)

    invert, notes = _polarity(colours, profile, picture_polarity, plain)
    if invert:
        gray, level = 255.0 - gray, 255.0 - level
    # A drawing is what stands out from a plain background; noise or a busy photo has
    # no background to crop to, so it is used whole.
    if profile is not None and profile.fits_strokes and plain:
        ink = ink_of(gray[None], level, profile.polarity)[0]
        if ink.max() >= INK_LEVELS:
            view, note = _fit_strokes(ink, profile)
            if profile.polarity == "dark_on_light":
                view = 255.0 - view
            return Prepared(view[:, :, None], invert, (*notes, note), picture_polarity, plain)
        notes = (*notes, Phrase("prepare.no_drawing"))
    view = to_model_array(Image.fromarray(np.round(gray).astype(np.uint8)), height, width, 1,
                          autocontrast=autocontrast)
    return Prepared(view, invert, notes, picture_polarity, plain)


def _polarity(colours: str, profile: PictureProfile | None, picture: str,
              plain: bool) -> tuple[bool, tuple[Phrase, ...]]:
    """Whether to invert a grayscale picture, and the sentence that says why."""
    if colours == "invert":
        return True, (Phrase("prepare.inverted_as_chosen"),)
    if colours == "as_is":
        return False, ()
    if profile is None or not profile.invertible:
        return False, ()
    if picture == "unclear":
        return False, () if plain else (
            Phrase("prepare.used_as_is", {"learned": _WORDS[profile.polarity]}),)
    if picture != profile.polarity:
        return True, (Phrase("prepare.inverted", {"picture": _PICTURE[picture],
                                                  "learned": _WORDS[profile.polarity]}),)
    return False, ()


def _fit_strokes(ink: np.ndarray, profile: PictureProfile) -> tuple[np.ndarray, Phrase]:
    """The ink (h, w; 0 background) cropped, thickened, fitted, centred and softened.

    Sizes are those of the ink's core (pixels holding at least half the strongest ink),
    as `ink_measures` gives them for the training pictures; the faint edge around it
    comes along, so a picture already like the training ones stays nearly as it is.
    """
    ink = ink * (255.0 / ink.max())
    (top, bottom), (left, right) = _span(ink >= FAINT)
    crop = ink[top:bottom + 1, left:right + 1]
    box_height, box_width = profile.ink_box
    work = _scaled(crop, WORK_SCALE * _fit(crop, profile))
    grow = min(max(round((profile.stroke_width * WORK_SCALE - _stroke(work)) / 2), 0),
               MAX_GROW)
    if grow:
        work = _thickened(work, grow)
    view = _centred(_scaled(work, _fit(work, profile)), profile)
    blurs = _softenings(view)
    # The blur nearest the training strokes' softness (the first of two as near), all
    # measured in one pass.
    chosen = int(np.argmin(np.abs(ink_softness(blurs) - profile.softness)))
    sigma, view = SOFTENING[chosen], blurs[chosen]
    # One sentence per combination of what was done: each language joins the parts its way.
    key = "prepare.cropped" + ("_thickened" if grow else "") + ("_softened" if sigma else "")
    centring = "mass" if profile.centring == "mass" else "box"
    return view, Phrase(key, {"width": box_width, "height": box_height,
                              "centring": Phrase(f"prepare.by_{centring}"),
                              "stroke": f"{profile.stroke_width:.0f}"})


def _thickened(work: np.ndarray, grow: int) -> np.ndarray:
    """Each stroke grown by `grow` pixels on every side: each pixel the strongest ink
    within a (2 * grow + 1) square, on a canvas `grow` pixels wider on each side (room,
    or strokes at the crop's edge could not grow outward).

    Pillow's MaxFilter gave the same, but looked at the whole square for every pixel (15
    ms for a 12-MP photo's drawing); the square's maximum is the maximum along its rows of
    the maxima along its columns, two passes of 2 * grow + 1 shifted views (0.2 ms).
    """
    size = 2 * grow + 1
    # Rounded to whole levels, as the 8-bit filter had them; beyond the canvas is no ink.
    wide = np.pad(np.round(work).astype(np.uint8), 2 * grow)
    return _running_max(_running_max(wide, size).T, size).T.astype(np.float32)


def _running_max(values: np.ndarray, size: int) -> np.ndarray:
    """The maximum of each `size` consecutive rows of `values` (the result is size - 1
    rows shorter): one pass over shifted views per row of the window."""
    most = values[:len(values) - size + 1].copy()
    for shift in range(1, size):
        np.maximum(most, values[shift:shift + len(most)], out=most)
    return most


def _span(mask: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """(first, last) row and (first, last) column holding a True of a 2-D mask that has
    one: the bounding box, without listing every True pixel."""
    spans = []
    for along in (mask.any(axis=1), mask.any(axis=0)):
        spans.append((int(np.argmax(along)), len(along) - 1 - int(np.argmax(along[::-1]))))
    return spans[0], spans[1]


def _fit(ink: np.ndarray, profile: PictureProfile) -> float:
    """The scale that fits the ink's core (as `ink_measures` has it: pixels holding at
    least half the strongest ink) into the training pictures' ink box."""
    strongest = float(ink.max())
    height, width = 0, 0
    if strongest > 0:
        (top, bottom), (left, right) = _span(ink >= strongest / 2)
        height, width = bottom - top + 1, right - left + 1
    return min(profile.ink_box[0] / max(1, height), profile.ink_box[1] / max(1, width))


def _scaled(ink: np.ndarray, scale: float) -> np.ndarray:
    """`ink` resized by `scale` (bilinear, averaging when it shrinks), float32."""
    height, width = ink.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = Image.fromarray(np.round(ink).astype(np.uint8))
    return np.asarray(image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0),
                      dtype=np.float32)


def _centred(small: np.ndarray, profile: PictureProfile) -> np.ndarray:
    """`small` on an empty canvas of the model's size, its centre (of mass, or of its
    core's box, as the profile's centring says) where the training pictures' sits on
    average, kept inside the canvas; cut to the canvas if larger."""
    small = small[:profile.height, :profile.width]
    row, column = _centre(small, profile.centring)
    canvas = np.zeros((profile.height, profile.width), dtype=np.float32)
    # min and max of Python numbers: np.clip takes 10 microseconds a number.
    top = min(max(round(profile.ink_centre[0] - row), 0), profile.height - small.shape[0])
    left = min(max(round(profile.ink_centre[1] - column), 0), profile.width - small.shape[1])
    canvas[top:top + small.shape[0], left:left + small.shape[1]] = small
    return canvas


def _stroke(ink: np.ndarray) -> float:
    """The strokes' width in a 2-D ink picture, as `tflab.profile.ink_measures` gives it
    (twice the core's area over its outline), measured alone: a fifth of the time of all
    the measures, which a digit's preparing took twice."""
    strongest = ink.max()
    if strongest <= 0:
        return 0.0
    core = ink >= strongest / 2
    area = np.count_nonzero(core)
    # The outline: ink/background changes between neighbours, plus ink on the edges.
    outline = (np.count_nonzero(core[1:] != core[:-1])
               + np.count_nonzero(core[:, 1:] != core[:, :-1])
               + np.count_nonzero(core[[0, -1]]) + np.count_nonzero(core[:, [0, -1]]))
    return float(np.round(2 * area / max(outline, 1), 2))


def _centre(ink: np.ndarray, centring: str) -> tuple[float, float]:
    """(row, column) of a 2-D ink picture's centre as `tflab.profile.ink_measures` gives
    it: of mass ("mass"), or the middle of its core's box ("box")."""
    if centring == "mass":
        total = ink.sum()
        total = total if total > 0 else 1.0
        return tuple(float((ink.sum(axis=axis) * np.arange(ink.shape[1 - axis])).sum() / total)
                     for axis in (1, 0))
    strongest = ink.max()
    (top, bottom), (left, right) = _span((ink >= strongest / 2) & (strongest > 0))
    return (top + bottom) / 2, (left + right) / 2


def _softenings(view: np.ndarray) -> np.ndarray:
    """`view` blurred by each of `SOFTENING`'s sigmas, stacked (the first, 0, is the view
    itself): Gaussian blurs in float32 (Pillow's works on 8 bits only), zeros beyond edges."""
    down = _gauss_matrices(view.shape[0])
    across = down if view.shape[1] == view.shape[0] else _gauss_matrices(view.shape[1])
    return down @ view @ across.transpose(0, 2, 1)


# Kept per size: the same for every picture of a model, and making them took a tenth of
# preparing a digit. Read-only arrays, so sharing them between sessions is safe.
@functools.lru_cache(maxsize=8)
def _gauss_matrices(size: int) -> np.ndarray:
    """One `_gauss_matrix` per sigma of `SOFTENING` (the identity for 0), read-only."""
    matrices = np.stack([_gauss_matrix(size, sigma) if sigma else np.eye(size, dtype=np.float32)
                         for sigma in SOFTENING])
    matrices.setflags(write=False)
    return matrices


def _gauss_matrix(size: int, sigma: float) -> np.ndarray:
    """Rows of a Gaussian kernel; the whole kernel sums to 1, so ink near an edge spreads
    past it and is lost, as in a larger picture cut to this size."""
    reach = int(np.ceil(3 * sigma))  # the kernel is cut at 3 sigma, as usual
    offsets = np.arange(-reach, reach + 1, dtype=np.float32)
    total = np.exp(-0.5 * (offsets / sigma) ** 2).sum()
    positions = np.arange(size, dtype=np.float32)
    distance = positions[:, None] - positions[None, :]
    weights = np.where(np.abs(distance) <= reach, np.exp(-0.5 * (distance / sigma) ** 2), 0.0)
    return (weights / total).astype(np.float32)
