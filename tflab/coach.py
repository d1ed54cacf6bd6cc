"""The coach: what a run's curves say went wrong, and the one change worth trying next.

`diagnose` reads a run's epoch history (as `RunStore.history` gives it) and, when they
are known, its spec and its class counts, and returns findings: overfitting,
underfitting, a diverged run, a plateau, a learning rate too small to move the loss, or
imbalanced classes. Each finding holds one plain sentence with the run's numbers and a
variant: the settings one click would change (`tflab.remedies`), applied by
`tflab.remedies.apply_variant`.

The sentences live in the catalog (`tflab/locales`, under `coach.why`): a finding holds
the key and the run's numbers, and `Finding.why_in` says it in a language (`why` in
English), numbers written as that language writes them. Nothing here imports TensorFlow
or Streamlit.

Example:

>>> from tflab.recipes import get_recipe
>>> from tflab.remedies import apply_variant
>>> spec = get_recipe("binary_points").spec
>>> val = [0.6, 0.5, 0.45, 0.44, 0.46, 0.5, 0.55, 0.6, 0.66, 0.7]
>>> history = {"loss": [(e, 0.6 - 0.05 * e) for e in range(1, 11)],
...           "val_loss": list(enumerate(val, start=1))}
>>> [finding] = diagnose(history, spec)
>>> finding.kind, finding.epoch
('overfitting', 6)
>>> print(finding.why)
Validation loss was lowest at epoch 4 (0.44), stayed over 10% above it from epoch 6 and \
reached 0.7 at epoch 10, while training loss kept falling (0.4 to 0.1): the model is \
learning its training examples by heart.
>>> finding.variant.name, finding.variant.label, finding.variant.settings
('early_stopping', 'Stop early at the best epoch', (('fit.early_stopping', True), ('fit.patience', 3)))
>>> apply_variant(spec, finding).fit.patience
3
>>> print(finding.why_in(Words.load("es")))  # doctest: +ELLIPSIS
La pérdida de validación fue mínima en la época 4 (0,44), ...
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from tflab.remedies import Variant, against_overfitting, higher_rate, lower_rate, wider
from tflab.spec import ExperimentSpec
from tflab.words import Amount, Phrase, Words

KINDS = ("diverged", "overfitting", "underfitting", "plateau", "learning_rate_too_small",
         "class_imbalance")

MIN_EPOCHS = 5            # fewer epochs than this say nothing about a curve's shape
EXPLODED = 10.0           # a loss this many times its first and its lowest value has blown up
OVERFIT_RISE = 0.10       # validation loss this share above its best, at the end, is rising
HIGH_LOSS = 0.5           # a loss still above this share of its first value learned little
FLAT = 0.01               # the last stretch improved the best loss by less than this share
FLAT_STRETCH = 0.2        # the last stretch: this share of the epochs, at least MIN_EPOCHS
PLATEAU_FLOOR = 0.1       # below this share of its first value, a flat loss has converged
BARELY_MOVED = 0.05       # a loss that fell less than this share over the whole run barely moved
IMBALANCE = 3.0           # the largest class this many times the smallest is imbalanced

# Each kind's heading is `coach.title.<kind>`; each sentence `coach.why.<key>`, one per
# kind and a second for a loss that exploded before it became NaN (`exploded`) and for
# underfitting that names the validation loss too (`underfitting_val`).
WHY_KEYS = KINDS + ("exploded", "underfitting_val")


@dataclass(frozen=True)
class Finding:
    """One thing that went wrong in a run.

    Args:
        kind: one of KINDS.
        epoch: where it shows (counted from 1); 0 when it is not about an epoch (class counts).
        reason: one plain sentence with the run's numbers: its key (`coach.why.<...>`)
            and values (`Amount`s for numbers read in the reader's way).
        variant: the change worth trying, or None when no setting makes it.
    """

    kind: str
    epoch: int
    reason: Phrase
    variant: Variant | None

    @property
    def why(self) -> str:
        """The sentence in English."""
        return self.why_in(Words.load("en"))

    def why_in(self, words: Words) -> str:
        """The sentence in `words`' language, its numbers written that language's way."""
        return words.say(self.reason)

    def title_in(self, words: Words) -> str:
        """The finding's heading: "Overfitting"."""
        return words(f"coach.title.{self.kind}")


def _read(value: float) -> Amount:
    """A loss or a metric as a finding writes it: three significant digits."""
    return Amount(value, ".3g")


def diagnose(history: Mapping[str, Sequence], spec: ExperimentSpec | None = None,
             class_counts: Mapping[str, int] | None = None) -> list[Finding]:
    """What went wrong in a run, from its epoch history.

    Args:
        history: `{metric: [(epoch, value), ...]}` as `RunStore.history` gives it (a value
            the store could not keep, a NaN, may be None).
        spec: the run's experiment; its settings shape the variants. Defaults to None: the
            findings come without variants where they need the spec.
        class_counts: examples per class name, when known. Defaults to None.

    Example:

    >>> diagnose({"loss": [(1, 1.0), (2, 0.5), (3, 0.25), (4, 0.12), (5, 0.06)]})
    []
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"Received an invalid value for `history`, expected a dict of metric "
                        f"name to [(epoch, value), ...]. Received: history={history!r:.80}")
    findings = []
    if class_counts:
        findings += _class_imbalance(class_counts)
    loss = _series(history, "loss")
    val = _series(history, "val_loss")
    blown = _diverged(loss, val, spec)
    if blown is not None:  # the rest of the curve says nothing once the weights blew up
        return [blown] + findings
    # Tiny steady steps also leave the loss high and flat: they, not the model, are the cause.
    slow = _learning_rate_too_small(loss, spec)
    stuck = slow if slow is not None else _underfitting(loss, val, spec)
    curve = [f for f in (_overfitting(loss, val, spec), stuck) if f is not None]
    if not curve:
        plateau = _plateau(val or loss, spec)
        curve = [plateau] if plateau is not None else []
    return curve + findings


# -- reading the history -----------------------------------------------------------------

def _series(history: Mapping[str, Sequence], name: str) -> list[tuple[int, float]]:
    points = []
    for i, point in enumerate(history.get(name) or ()):
        try:
            epoch, value = point
            points.append((int(epoch), math.nan if value is None else float(value)))
        except (TypeError, ValueError):
            raise ValueError(f"Received an invalid value for `history[{name!r}][{i}]`, expected "
                             f"an (epoch, number) pair. Received: {point!r:.80}") from None
    return points


def _why(key: str, **values: object) -> Phrase:
    return Phrase(f"coach.why.{key}", values)


def _rate(spec: ExperimentSpec | None) -> float | Phrase:
    """The learning rate as set (a float reads as written, 0.0001, in either language)."""
    return Phrase("coach.unknown_rate") if spec is None else float(spec.compile.learning_rate)


def _diverged(loss, val, spec) -> Finding | None:
    for name, points in (("loss", loss), ("val_loss", val)):
        for epoch, value in points:
            if not math.isfinite(value):
                why = _why("diverged", name=Phrase(f"coach.metric.{name}"), value=_read(value),
                           epoch=epoch, rate=_rate(spec))
                return Finding("diverged", epoch, why, lower_rate(spec))
    if not loss:
        return None
    first, lowest = loss[0][1], loss[0][1]
    for epoch, value in loss[1:]:
        if lowest > 0 and value > EXPLODED * lowest and value > EXPLODED * first:
            why = _why("exploded", name=Phrase("coach.metric.loss"), value=_read(value),
                       epoch=epoch, times=Amount(value / lowest, ",.0f"),
                       lowest=_read(lowest), rate=_rate(spec))
            return Finding("diverged", epoch, why, lower_rate(spec))
        lowest = min(lowest, value)
    return None


def _overfitting(loss, val, spec) -> Finding | None:
    if len(val) < MIN_EPOCHS or len(loss) < MIN_EPOCHS:
        return None
    best_i = min(range(len(val)), key=lambda i: val[i][1])
    best, best_value = val[best_i]
    last, last_value = val[-1]
    train = dict(loss)
    if last - best < 3 or best not in train or last not in train:
        return None
    tail = [value for _, value in val[-3:]]
    if min(tail) < best_value * (1 + OVERFIT_RISE) or train[last] >= train[best]:
        return None
    # It began where validation loss left its best for good.
    began = next(epoch for i, (epoch, _) in enumerate(val) if i > best_i and all(
        value >= best_value * (1 + OVERFIT_RISE) for _, value in val[i:]))
    why = _why("overfitting", best=best, best_value=_read(best_value),
               rise=Amount(OVERFIT_RISE, ".0%"), epoch=began, last_value=_read(last_value),
               last=last, train_then=_read(train[best]), train_last=_read(train[last]))
    return Finding("overfitting", began, why, against_overfitting(spec, val[:best_i + 1]))


def _flat_stretch(points) -> int:
    return max(MIN_EPOCHS, round(FLAT_STRETCH * len(points)))


def _is_flat(points, stretch: int) -> bool:
    before = min(value for _, value in points[:-stretch])
    after = min(value for _, value in points[-stretch:])
    return after > before * (1 - FLAT)


def _underfitting(loss, val, spec) -> Finding | None:
    stretch = _flat_stretch(loss)
    if len(loss) < stretch + 1 or loss[0][1] <= 0:
        return None
    first, end = loss[0][1], loss[-1][1]
    if end < HIGH_LOSS * first or not _is_flat(loss, stretch):
        return None
    values = dict(loss=_read(end), share=Amount(end / first, ".0%"), first=_read(first),
                  flat=Amount(FLAT, ".0%"), stretch=stretch)
    key = "underfitting"
    if len(val) > stretch:
        if not _is_flat(val, stretch) or val[-1][1] < HIGH_LOSS * val[0][1]:
            return None
        key, values["val_loss"] = "underfitting_val", _read(val[-1][1])
    why = _why(key, **values)
    return Finding("underfitting", loss[-stretch][0], why, wider(spec))


def _plateau(points, spec) -> Finding | None:
    stretch = _flat_stretch(points)
    if len(points) < stretch + 1 or points[0][1] <= 0:
        return None
    lowest = min(value for _, value in points)
    if lowest < PLATEAU_FLOOR * points[0][1] or not _is_flat(points, stretch):
        return None
    before = points[:-stretch]
    epoch, value = min(before, key=lambda point: point[1])
    why = _why("plateau", epoch=epoch, value=_read(value), stretch=stretch,
               flat=Amount(FLAT, ".0%"))
    return Finding("plateau", epoch, why, lower_rate(spec))


def _learning_rate_too_small(loss, spec) -> Finding | None:
    if len(loss) < MIN_EPOCHS or loss[0][1] <= 0:
        return None
    first, last = loss[0][1], loss[-1][1]
    change = (first - last) / first
    falling = sum(b < a for (_, a), (_, b) in zip(loss, loss[1:]))
    # Steady but tiny steps: it falls in most epochs, yet hardly at all in total.
    if not 0 < change < BARELY_MOVED or falling < 0.8 * (len(loss) - 1):
        return None
    why = _why("learning_rate_too_small", epochs=len(loss), first=_read(first),
               last=_read(last), change=Amount(change, ".1%"), rate=_rate(spec))
    return Finding("learning_rate_too_small", loss[-1][0], why, higher_rate(spec))


def _class_imbalance(class_counts: Mapping[str, int]) -> list[Finding]:
    for name, count in class_counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"Received an invalid value for `class_counts[{name!r}]`, expected a "
                             f"whole number of examples, 0 or more. Received: {count!r}")
    if len(class_counts) < 2:
        return []
    largest = max(class_counts, key=class_counts.get)
    smallest = min(class_counts, key=class_counts.get)
    most, fewest = class_counts[largest], class_counts[smallest]
    if most < IMBALANCE * max(fewest, 1) and fewest > 0:
        return []
    why = _why("class_imbalance", largest=largest, most=most, smallest=smallest,
               fewest=fewest, times=Amount(most / max(fewest, 1), ",.1f"))
    # No setting weighs classes yet: the fix is more examples of the small classes.
    return [Finding("class_imbalance", 0, why, None)]
