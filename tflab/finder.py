"""The learning-rate finder: a short range test on the experiment's own model and data.

The range test (Smith, "Cyclical Learning Rates", 2017; fastai's `lr_find`) trains a
fresh model, built as training builds it, for about 100 batches while the learning rate
grows exponentially from `start` to `end`, and records the loss of every batch. The loss
first barely moves (the rate is too small to learn), then falls, then blows up (the rate
is too large). The test stops as soon as the smoothed loss passes `explode` times its
lowest, so the costly part of the curve is never trained. `suggest` reads the curve and
says which rate to train with, and why, as a `tflab.words.Phrase`.

Example:

>>> from tflab.recipes import get_recipe
>>> test = range_test(get_recipe("linear").spec)     # doctest: +SKIP
>>> test.suggestion.value, test.suggestion.reason.key  # doctest: +SKIP
(0.021, 'finder.reason.steepest')
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from tflab.words import Phrase

START, END, STEPS = 1e-6, 10.0, 100
SMOOTHING = 0.9  # the past's weight in the loss's moving average (fastai: 0.98, more batches)
EXPLODE = 4.0  # the test stops when the smoothed loss passes this many times its lowest
MIN_FALL = 0.05  # a curve whose loss falls less than this share has no rate to suggest
MIN_POINTS = 10  # a test that blew up within fewer batches has no curve to read


@dataclass(frozen=True)
class Suggestion:
    """The rate to train with (None when the curve names none) and the reason, to read."""

    value: float | None
    reason: Phrase


@dataclass(frozen=True)
class RangeTest:
    """What a range test recorded: each batch's learning rate, its loss as trained (`raw`)
    and smoothed (`losses`), whether the test stopped because the loss blew up, the
    suggestion, and how long the test took."""

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    raw: tuple[float, ...]
    exploded: bool
    suggestion: Suggestion
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """Plain JSON values, as the store keeps them (`from_dict` reads them back).

        Example:

        >>> reason = Phrase("finder.reason.no_fall", {"low": 1e-6, "high": 10.0})
        >>> test = RangeTest((1e-3,), (0.5,), (0.5,), False, Suggestion(None, reason))
        >>> RangeTest.from_dict(test.to_dict()) == test
        True
        """
        return {"lrs": list(self.lrs), "losses": [_json_number(v) for v in self.losses],
                "raw": [_json_number(v) for v in self.raw], "exploded": self.exploded,
                "suggestion": self.suggestion.value,
                "reason": {"key": self.suggestion.reason.key,
                           "values": dict(self.suggestion.reason.values)},
                "seconds": self.seconds}

    @classmethod
    def from_dict(cls, data: dict) -> RangeTest:
        reason = Phrase(data["reason"]["key"], data["reason"].get("values", {}))
        return cls(tuple(data["lrs"]), tuple(_number(v) for v in data["losses"]),
                   tuple(_number(v) for v in data["raw"]), bool(data["exploded"]),
                   Suggestion(data["suggestion"], reason), float(data.get("seconds", 0.0)))


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no NaN or infinity


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def learning_rates(start: float = START, end: float = END, steps: int = STEPS) -> np.ndarray:
    """`steps` learning rates growing exponentially from `start` to `end`, both included.

    Example:

    >>> learning_rates(0.001, 1.0, 4).round(6).tolist()
    [0.001, 0.01, 0.1, 1.0]
    """
    if not (isinstance(steps, int) and not isinstance(steps, bool) and steps >= 2):
        raise ValueError("Received an invalid value for `steps`, expected a whole number of at "
                         f"least 2. Received: steps={steps!r}")
    if not (0 < start < end):
        raise ValueError("Received invalid values for `start` and `end`, expected "
                         f"0 < start < end. Received: start={start!r}, end={end!r}")
    return np.geomspace(start, end, steps)


def smooth(losses: Sequence[float], smoothing: float = SMOOTHING) -> list[float]:
    """The losses' exponential moving average, corrected for its start at zero (as Adam
    corrects its moments), so the first values are not pulled towards zero.

    Example:

    >>> [round(v, 3) for v in smooth([1.0, 1.0, 0.0], 0.5)]
    [1.0, 1.0, 0.429]
    """
    average, smoothed = 0.0, []
    for i, loss in enumerate(losses, start=1):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed.append(average / (1 - smoothing ** i))
    return smoothed


def suggest(lrs: Sequence[float], losses: Sequence[float]) -> Suggestion:
    """The learning rate to train with, read from a range test's smoothed curve.

    Two classic readings, and the lower of the two:

    - the steepest descent: where the loss falls fastest per tenfold step of the rate,
      measured over a window of batches either side (a twentieth of the curve) so one
      noisy batch cannot make it, and only before the lowest loss;
    - a tenth of the rate at the lowest loss: the lowest loss sits at the edge where
      training breaks down, and a tenth of it still learns fast.

    The moving average lags behind the loss, which pushes the steepest point towards the
    edge on curves that fall late and steeply; the tenth then is the safer of the two.
    On the multi-class recipe the lower one, 0.0046 (a tenth), trains to 0.95 validation
    accuracy in the recipe's 10 epochs (tests/engine/test_finder.py); on the line, the
    curve and the two-class points it trained as well as the recipes' own rates. The
    value is rounded to two significant digits.

    Args:
        lrs: the learning rates, growing.
        losses: the smoothed loss at each (`smooth`); NaN where it was not finite.

    Returns:
        A `Suggestion`; its value is None when the loss never fell by `MIN_FALL`, or blew
        up within `MIN_POINTS` batches, and the reason says which.

    Example:

    >>> lrs = learning_rates(1e-4, 1.0, 41)  # ten a decade
    >>> losses = 1 / (1 + np.exp(3 * (np.log10(lrs) + 2))) + (lrs > 0.5) * 5
    >>> s = suggest(lrs, losses)
    >>> s.value, s.reason.key
    (0.01, 'finder.reason.steepest')
    """
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    if lrs.shape != losses.shape or lrs.ndim != 1:
        raise ValueError("Received `lrs` and `losses` of different lengths, expected one loss "
                         f"per learning rate. Received: {lrs.size} and {losses.size}")
    finite = np.isfinite(losses)
    window = max(1, len(lrs) // 20)
    if finite.sum() < max(MIN_POINTS, 2 * window + 2):
        return Suggestion(None, Phrase("finder.reason.too_short",
                                       {"steps": int(finite.sum()), "high": _round(lrs[-1])}))
    lowest = int(np.nanargmin(np.where(finite, losses, np.nan)))
    first = float(np.mean(losses[:window]))
    if lowest < 2 * window or first - losses[lowest] < MIN_FALL * abs(first):
        return Suggestion(None, Phrase("finder.reason.no_fall",
                                       {"low": _round(lrs[0]), "high": _round(lrs[-1])}))
    logs = np.log10(lrs)
    middles = np.arange(window, lowest - window + 1)
    slopes = (losses[middles + window] - losses[middles - window]) / \
        (logs[middles + window] - logs[middles - window])
    steepest = float(lrs[middles[int(np.argmin(slopes))]])
    tenth = float(lrs[lowest]) / 10
    values = {"steepest": _round(steepest), "lowest": _round(lrs[lowest])}
    if steepest <= tenth:
        return Suggestion(_round(steepest), Phrase("finder.reason.steepest",
                                                   {"rate": _round(steepest), **values}))
    return Suggestion(_round(tenth), Phrase("finder.reason.tenth", {"rate": _round(tenth), **values}))


def _round(value: float) -> float:
    """Two significant digits: a rate a person can type (0.0043, not 0.004328761)."""
    return float(f"{float(value):.2g}")


def range_test(spec, data=None, start: float = START, end: float = END, steps: int = STEPS,
               smoothing: float = SMOOTHING, explode: float = EXPLODE,
               on_step: Callable[[int, int], None] | None = None) -> RangeTest:
    """Run the range test on `spec`'s model and data, and suggest a learning rate.

    The model is built, checked and compiled as training does (`tflab.train`), with the
    spec's optimizer, loss and batch size, from the spec's seed; only its learning rate
    is set before each batch (`optimizer.learning_rate.assign`). Nothing is kept.

    Args:
        spec: the experiment (`tflab.spec.ExperimentSpec`).
        data: its dataset, when the caller already loaded it. Defaults to None: loaded.
        start: the first learning rate. Defaults to `START` (1e-6).
        end: the last. Defaults to `END` (10).
        steps: batches in the test, at most; the data repeats if it has fewer. Defaults
            to `STEPS` (100).
        smoothing: the moving average's weight of the past. Defaults to `SMOOTHING`.
        explode: the test stops when the smoothed loss passes this many times its lowest,
            or a loss is not finite. Defaults to `EXPLODE` (4).
        on_step: called after each batch with (batches done, `steps`). Defaults to None.

    Raises:
        What training's checks raise: `SpecError`, `DatasetUnavailable`, `BuildError`,
        `ShapeMismatch`.
    """
    from tflab.build import build_model, check_data, compile_model
    from tflab.data import load_dataset
    from tflab.train import pipelines

    if not explode > 1:
        raise ValueError("Received an invalid value for `explode`, expected a number above 1. "
                         f"Received: explode={explode!r}")
    rates = learning_rates(start, end, steps)
    began = time.monotonic()
    if data is None:
        data = load_dataset(spec.data.dataset, dict(spec.data.options),
                            spec.data.validation_split, spec.seed)
    model = build_model(spec)
    check_data(model, data.x_train)
    compile_model(model, spec)
    batches = pipelines(data.x_train, data.y_train, data.x_val[:0], data.y_val[:0],
                        spec.fit.batch_size, spec.seed)[0]
    raw: list[float] = []
    smoothed: list[float] = []
    exploded, best = False, math.inf
    for rate, (x, y) in zip(rates, batches):
        model.optimizer.learning_rate.assign(rate)
        loss = float(model.train_on_batch(x, y, return_dict=True)["loss"])
        raw.append(loss)
        if on_step is not None:
            on_step(len(raw), steps)
        if not math.isfinite(loss):
            smoothed.append(math.nan)
            exploded = True
            break
        smoothed = smooth(raw, smoothing)
        if smoothed[-1] > explode * best:
            exploded = True
            break
        best = min(best, smoothed[-1])
    lrs = tuple(float(rate) for rate in rates[:len(raw)])
    return RangeTest(lrs, tuple(smoothed), tuple(raw), exploded, suggest(lrs, smoothed),
                     time.monotonic() - began)
