"""When a picture's answer should not be trusted, and why, in one plain sentence.

Two rules, the first that applies is given:

- Far from the training pictures. A model answers confidently about anything, noise
  included (a random colour photo came out "4" at 99.5% on the digits model), so the
  picture itself is compared with the training pictures, as the model sees it (after
  `tflab.prepare`): when their backgrounds are plain and its is not (noise, a busy
  photo), or when its brightness, contrast or detail lies more than `FAR` standard
  deviations from theirs. On the digits, the validation pictures lie within 4.8 of
  the training ones and digits drawn with a marker (once prepared) within 5.5 (a bare
  1, thinner than the training set's); noise lies 8 to 20 away, a blank page 50.
- Hesitant. The top probability is less than halfway (`HESITANT`) from a guess (1 in
  the number of classes) to certain: under 55% with 10 classes, under 75% with 2.

Example:

>>> import numpy as np
>>> unsure_reason(np.zeros((28, 28, 1)), np.array([0.3, 0.25, 0.45]), ("a", "b", "c"))
'The model hesitates: its top answer, c, has only 45%, under 67% with 3 classes.'
>>> unsure_reason(np.zeros((28, 28, 1)), np.array([0.05, 0.95]), ("a", "b"))
''
"""

from __future__ import annotations

import numpy as np

from tflab.picture_measures import look, luma
from tflab.profile import PictureProfile
from tflab.words import Phrase

FAR = 6.0
HESITANT = 0.5
MIN_SPREAD = 1.0  # levels: a spread below this (pictures all alike) would make any change "far"
# (above theirs, below theirs) for each measure of `tflab.picture_measures.look`: keys of
# the catalog's `predict.unsure` ("it is much brighter than they are")
_WORDS = {"brightness": ("brighter", "darker"), "contrast": ("more_contrast", "less_contrast"),
          "detail": ("more_detail", "less_detail")}


def unsure_reason(view: np.ndarray, probabilities: np.ndarray, class_names,
                  profile: PictureProfile | None = None, plain: bool = True) -> str:
    """Why this answer is unsure, in English, or '' when it is not (see `unsure_phrase`).

    Example:

    >>> unsure_reason(np.zeros((8, 8, 1)), np.array([0.5, 0.5]), ("a", "b"))
    'The model hesitates: its top answer, a, has only 50%, under 75% with 2 classes.'
    """
    return str(unsure_phrase(view, probabilities, class_names, profile, plain) or "")


def unsure_phrase(view: np.ndarray, probabilities: np.ndarray, class_names,
                  profile: PictureProfile | None = None, plain: bool = True) -> Phrase | None:
    """Why this answer is unsure, as a phrase a page says in the reader's language, or None.

    Args:
        view: what the model saw, (height, width, channels) in 0..255.
        probabilities: one per class, summing to 1.
        class_names: the classes' names, in the model's order.
        profile: the run's training pictures; None leaves only the hesitant rule.
        plain: whether the picture has a plain background (`Prepared.plain`).

    Returns:
        One sentence, or None when the answer can be trusted as far as these rules see.

    Example:

    >>> import numpy as np
    >>> from tflab.profile import profile_pictures
    >>> digits = np.zeros((10, 28, 28, 1), dtype="float32")
    >>> digits[:, 4:24, 11:17] = 255.0
    >>> noise = np.random.default_rng(0).uniform(0, 255, (28, 28, 1))
    >>> reason = unsure_phrase(noise, np.array([0.01, 0.99]), ("0", "1"),
    ...                        profile_pictures(digits), plain=False)
    >>> str(reason)
    'It looks unlike the training pictures: its background is not plain, as theirs is.'
    """
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if profile is not None:
        far = _far(view, profile, plain)
        if far:
            return Phrase("predict.unsure.far", {"why": far})
    classes = len(probabilities)
    top = int(np.argmax(probabilities))
    threshold = 1 / classes + HESITANT * (1 - 1 / classes)
    if probabilities[top] < threshold:
        # Whole percentages as ints: "45%" in English, "45 %" in Spanish (the catalog's).
        return Phrase("predict.unsure.hesitant", {
            "answer": class_names[top], "share": round(float(probabilities[top]) * 100),
            "threshold": round(threshold * 100), "classes": classes})
    return None


def _far(view: np.ndarray, profile: PictureProfile, plain: bool) -> Phrase | None:
    """What sets the picture apart from the training pictures, or None."""
    if profile.plain and not plain:
        return Phrase("predict.unsure.not_plain")
    measures = look(luma(view)[None])
    scores = {}
    for name, (mean, spread) in profile.look.items():
        scores[name] = (float(measures[name][0]) - mean) / max(spread, MIN_SPREAD)
    name = max(scores, key=lambda n: abs(scores[n]))
    if abs(scores[name]) <= FAR:
        return None
    above, below = _WORDS[name]
    return Phrase(f"predict.unsure.{above if scores[name] > 0 else below}")
