"""What a run's training pictures looked like, measured once, so a new picture can be
prepared the same way and told apart when it is nothing like them.

`profile_pictures` measures the training inputs of an image run (float32, values 0..255,
(n, height, width, channels)) and returns a `PictureProfile`: plain numbers that go to
the run store as JSON (`to_dict` / `from_dict`). The measures of one picture
(`tflab.picture_measures`: `background`, `look`, `ink_measures`) are the same functions,
so a new picture is compared with the training pictures on the same scale:

- background: the level of the border (the outer eighth of each side), whether it is
  plain (almost every border pixel close to that level), and the polarity, which side
  of the background the subject lies on: "light_on_dark" (white ink on black, as the
  digits), "dark_on_light" (a pen drawing on paper) or "unclear".
- look: brightness (mean), contrast (standard deviation) and detail (mean difference
  between neighbouring pixels), over the picture's luma.
- ink (where the background is plain): the box the subject occupies, its centre of
  mass, its stroke width and how soft its edges are.

Example:

>>> import numpy as np
>>> pictures = np.zeros((20, 28, 28, 1), dtype=np.float32)
>>> pictures[:, 4:24, 12:16] = 255.0          # a thick white bar on black, like a "1"
>>> profile = profile_pictures(pictures)
>>> profile.polarity, profile.fits_strokes, profile.ink_box, profile.stroke_width
('light_on_dark', True, (20, 4), 3.33)
>>> PictureProfile.from_dict(profile.to_dict()) == profile
True
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import numpy as np

from tflab.picture_measures import (POLARITY_CODES, background, ink_measures, ink_of, look,
                                    luma)
from tflab.words import Phrase

log = logging.getLogger(__name__)

VERSION = 1
POLARITIES = ("light_on_dark", "dark_on_light")
MAX_PICTURES = 1000  # measured from this many training pictures at most, evenly spread
MAX_PIXELS = 10_000_000  # ...and this many pixels: 444 pictures of 150x150, 40 MB of floats
# Stroke preparation needs nearly every training picture to be a subject on a plain
# background, with one polarity.
STROKES_SHARE = 0.95
# The two centres of a subject (keys of `ink_measures`): its box's middle, its centre of mass.
_CENTRES = {"box": ("box_row", "box_column"), "mass": ("row", "column")}


@dataclass(frozen=True)
class PictureProfile:
    """The training pictures of one run, in numbers.

    Args:
        pictures: how many training pictures were measured.
        height: their height in pixels.
        width: their width in pixels.
        channels: 1 (grayscale) or 3 (RGB).
        polarity: "light_on_dark", "dark_on_light" or "mixed" (no side holds 95% of
            the pictures with a plain background).
        plain_share: the share of pictures with a plain background.
        look: (mean, standard deviation) over the pictures of "brightness",
            "contrast" and "detail" (see `tflab.picture_measures.look`).
        ink_box: (height, width) in pixels holding the subject of 95% of the
            pictures; None without stroke measures.
        ink_centre: (row, column) where the subject's centre sits on average; None
            without.
        centring: which centre the training pictures keep in place: "box" (the
            middle of the subject's bounding box, as scikit-learn's digits) or "mass"
            (its centre of mass, as MNIST), whichever moves less between pictures;
            None without.
        stroke_width: the median stroke width in pixels; None without.
        softness: the median detail per unit of ink (lower is softer); None without.

    Example:

    >>> profile = PictureProfile(10, 28, 28, 1, "light_on_dark", 1.0,
    ...                          {"brightness": (40.0, 4.0)})
    >>> profile.invertible, profile.fits_strokes
    (True, False)
    """

    pictures: int
    height: int
    width: int
    channels: int
    polarity: str
    plain_share: float
    look: dict
    ink_box: tuple | None = None
    ink_centre: tuple | None = None
    centring: str | None = None
    stroke_width: float | None = None
    softness: float | None = None

    @property
    def invertible(self) -> bool:
        """True when a grayscale picture of the other polarity is worth inverting."""
        return self.channels == 1 and self.polarity in POLARITIES

    @property
    def plain(self) -> bool:
        """True when nearly every training picture has a plain background."""
        return self.plain_share >= STROKES_SHARE

    @property
    def fits_strokes(self) -> bool:
        """True when pictures are drawings to crop, fit, thicken and centre like these:
        grayscale, one polarity, plain backgrounds (digits, MNIST), and measured."""
        return self.invertible and self.plain and self.ink_box is not None

    def to_dict(self) -> dict:
        """Plain JSON data for the run store (`RunStore.set_profile`)."""
        data = dataclasses.asdict(self)
        data["look"] = {name: list(pair) for name, pair in self.look.items()}
        for name in ("ink_box", "ink_centre"):
            data[name] = None if data[name] is None else list(data[name])
        return {"version": VERSION, **data}

    @classmethod
    def from_dict(cls, data: dict) -> "PictureProfile":
        """The profile `to_dict` wrote; ValueError for anything else (another version)."""
        if not isinstance(data, dict) or data.get("version") != VERSION:
            version = data.get("version") if isinstance(data, dict) else None
            raise ValueError(f"Expected a picture profile of version {VERSION}. "
                             f"Received: version={version!r}")
        fields = {f.name for f in dataclasses.fields(cls)}
        missing = sorted(fields - data.keys())
        if missing:
            raise ValueError(f"The picture profile lacks {', '.join(missing)}.")
        values = {name: data[name] for name in fields}
        values["look"] = {name: tuple(float(v) for v in pair)
                          for name, pair in data["look"].items()}
        for name in ("ink_box", "ink_centre"):
            values[name] = None if data[name] is None else tuple(data[name])
        return cls(**values)


def profile_pictures(x: np.ndarray) -> PictureProfile:
    """Measure training pictures: (n, height, width, channels) floats in 0..255.

    At most `MAX_PICTURES` pictures and `MAX_PIXELS` pixels are measured, evenly spread
    over `x`, a few at a time, so a large set costs a second and little memory.

    Args:
        x: the training inputs of an image run, channels 1 or 3.

    Returns:
        A `PictureProfile`.

    Example:

    >>> import numpy as np
    >>> photos = np.random.default_rng(0).uniform(0, 255, (8, 32, 32, 3)).astype("float32")
    >>> profile = profile_pictures(photos)
    >>> profile.channels, profile.polarity, profile.fits_strokes
    (3, 'mixed', False)
    """
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[-1] not in (1, 3) or not len(x):
        raise ValueError("Expected training pictures shaped (n, height, width, 1 or 3). "
                         f"Received: shape {x.shape}")
    count = min(len(x), MAX_PICTURES, max(1, MAX_PIXELS // (x.shape[1] * x.shape[2])))
    chosen = np.unique(np.linspace(0, len(x) - 1, count).astype(int))
    gray = np.concatenate([luma(x[chosen[start:start + 100]])  # no float copy of them all
                           for start in range(0, len(chosen), 100)])
    level, plain, polarity = background(gray)
    looks = look(gray)
    look_stats = {name: (float(values.mean()), float(values.std()))
                  for name, values in looks.items()}
    plain_share = float(plain.mean())
    sides = {name: int(((polarity == code) & plain).sum())
             for name, code in POLARITY_CODES.items()}
    side = max(sides, key=sides.get)
    overall = side if sides[side] >= STROKES_SHARE * max(1, int(plain.sum())) and sides[side] \
        else "mixed"
    profile = PictureProfile(len(chosen), int(x.shape[1]), int(x.shape[2]), int(x.shape[3]),
                             overall, plain_share, look_stats)
    keep = plain & (polarity == POLARITY_CODES.get(overall, 0))
    if overall == "mixed" or not keep.any():
        return profile
    ink = ink_of(gray[keep], level[keep], overall)
    measures = ink_measures(ink)
    found = measures["height"] > 0
    if not found.any():
        return profile
    spread = {kind: float(np.hypot(measures[rows][found].std(), measures[cols][found].std()))
              for kind, (rows, cols) in _CENTRES.items()}
    centring = min(spread, key=spread.get)
    rows, cols = _CENTRES[centring]
    return dataclasses.replace(
        profile,
        ink_box=(int(np.ceil(np.percentile(measures["height"][found], 95))),
                 int(np.ceil(np.percentile(measures["width"][found], 95)))),
        ink_centre=(round(float(measures[rows][found].mean()), 2),
                    round(float(measures[cols][found].mean()), 2)),
        centring=centring,
        stroke_width=round(float(np.median(measures["stroke"][found])), 2),
        softness=round(float(np.median(measures["softness"][found])), 4))







def profile_for_run(store, run) -> tuple[PictureProfile | None, Phrase | None]:
    """An image run's picture profile, and a sentence when it is not the one kept at training.

    Runs record their profile when they train. A run trained before that (or holding a
    profile of another version) is measured now from its dataset, which its spec
    reproduces, and the result is kept in the store, so this happens once. When the
    data can no longer be loaded (a deleted upload, MNIST no longer cached) there is no
    profile: pictures are then used as they are.

    Args:
        store: the `RunStore` holding `run`.
        run: a stored image `Run`.

    Returns:
        (profile or None, None or a phrase for people saying where it came from, said
        in the reader's language by a page; `str` of it is the English).
    """
    from tflab.data import DatasetUnavailable
    from tflab.run import open_run
    from tflab.spec import SpecError

    if run.profile:
        try:
            return PictureProfile.from_dict(run.profile), None
        except (ValueError, TypeError, KeyError):
            log.info("run %s: stored profile unreadable, measured again", run.id)
    try:
        data = open_run(store, run).data()
    except (DatasetUnavailable, SpecError, OSError) as error:
        return None, Phrase("predict.profile.no_data", {"error": str(error)})
    profile = profile_pictures(data.x_train)
    store.set_profile(run.id, profile.to_dict())
    return profile, Phrase("predict.profile.measured_now")
