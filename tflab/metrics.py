"""Training vocabulary, said once: which way a metric improves, its best value, the number a
run is summed up by, which run is best, and what early stopping watches.

Every page, the command line and the exported script ask here, so a metric is never the
lower-the-better kind in one place and the higher-the-better kind in another. A value
counts when it is a finite number: NaN (a gap in a curve) and infinities (weights that
blew up) never count, nor does a missing one.

- Direction: accuracy-like metrics (accuracy, auc, precision, recall, f1, r2, iou) are
  better higher; every other metric (a loss, mae, mse) is an error, better lower.
- Headline: a run is summed up by its validation accuracy when it has one, else its
  validation loss, else its training loss (`HEADLINE`). The Runs table shows each run's
  best epoch by it, a sweep names its best variant by it, from each variant's final epoch,
  and the pickers, the command line and the comparison of two runs name a run by it.
- Early stopping (and the weights Predict keeps as a run trains) watch the validation loss
  when the run keeps a validation part, else the training loss.

Example:

>>> higher_is_better("val_sparse_categorical_accuracy"), higher_is_better("val_mae")
(True, False)
>>> best_point([(1, 0.8), (2, 0.3), (3, float("nan"))], "val_loss")
(2, 0.3)
>>> best_of({"val_loss": [(1, 0.8), (2, 0.3)], "loss": [(1, 0.1)]})
('val_loss', 2, 0.3)
>>> headline({"loss": 0.1, "accuracy": 0.9, "val_loss": 0.4, "val_accuracy": 0.85})
('val_accuracy', 0.85)
>>> monitor = early_stopping_monitor(has_validation=True)
>>> monitor, mode(monitor)
('val_loss', 'min')
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, TypeVar

Key = TypeVar("Key")

# Name parts of metrics where a higher value is better; every other metric is an error.
HIGHER_IS_BETTER = frozenset({"acc", "accuracy", "auc", "precision", "recall", "f1", "r2",
                              "iou", "io_u"})
# The metrics a run is summed up by, the first one it has a number of deciding.
HEADLINE = ("val_accuracy", "val_loss", "loss")
VALIDATION_PREFIX = "val_"


def base_name(name: str) -> str:
    """The metric a logged name is of: "val_accuracy" is validation "accuracy".

    >>> base_name("val_loss"), base_name("loss")
    ('loss', 'loss')
    """
    return name[len(VALIDATION_PREFIX):] if name.startswith(VALIDATION_PREFIX) else name


def higher_is_better(name: str) -> bool:
    """Whether a higher value of the metric `name` (logged or base name) is better.

    Args:
        name: a metric as Keras logs it: "accuracy", "val_loss", "binary_io_u", "mae".
    """
    lowered = name.lower()
    return any(part in HIGHER_IS_BETTER for part in lowered.split("_")) or "io_u" in lowered


def mode(name: str) -> str:
    """"max" or "min": the `mode` of a Keras callback (`EarlyStopping`) watching `name`.

    >>> mode("val_accuracy"), mode("loss")
    ('max', 'min')
    """
    return "max" if higher_is_better(name) else "min"


def counted(value: Any) -> float | None:
    """`value` as a float when it counts as a metric's value (a finite number), else None.

    >>> counted(0.5), counted(float("nan")), counted(float("inf")), counted(None), counted(True)
    (0.5, None, None, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def best_point(points: Iterable[tuple[Key, Any]], name: str) -> tuple[Key, float] | None:
    """The best point of one metric's series: (key, value), or None when no value counts.

    The highest value for accuracy-like metrics, the lowest for the others; a tie goes to
    the first point, as early stopping counts it.

    Args:
        points: `[(key, value), ...]`: epochs and values of a history, or runs and their
            final values.
        name: the metric, which decides the direction (`higher_is_better`).
    """
    kept = [(key, number) for key, value in points if (number := counted(value)) is not None]
    if not kept:
        return None
    pick = max if higher_is_better(name) else min
    return pick(kept, key=lambda point: point[1])


def best_of(series: Mapping[str, Iterable[tuple[Key, Any]]]) -> tuple[str, Key, float] | None:
    """The headline metric of `series` and its best point: (name, key, value), or None when
    no metric of `HEADLINE` has a value that counts.

    Args:
        series: `{metric: [(key, value), ...]}`: a run's history (keys are epochs) or the
            final metrics of several runs (keys are the runs).
    """
    for name in HEADLINE:
        found = best_point(series.get(name, ()), name)
        if found is not None:
            return name, found[0], found[1]
    return None


def headline(final_metrics: Mapping[str, Any]) -> tuple[str, float] | None:
    """The number a run is summed up by, from its final epoch's metrics: (name, value), or
    None when it has none yet.

    >>> headline({"loss": 0.2, "accuracy": 0.9}), headline({})
    (('loss', 0.2), None)
    """
    found = best_of({name: [(None, value)] for name, value in final_metrics.items()})
    return None if found is None else (found[0], found[2])


def best_run(runs: Iterable[Any]) -> tuple[Any, str, float] | None:
    """The completed run whose final epoch is best by its headline metric, with the metric
    and its value: (run, name, value); None when no run completed with a value to judge.

    The metric is the first of `HEADLINE` that any completed run has, so runs are compared
    on one number; a tie goes to the first run.

    Args:
        runs: `tflab.store.Run`s (anything with `status` and `final_metrics`).
    """
    done = [run for run in runs if run.status == "completed"]
    found = best_of({name: [(run, run.final_metrics.get(name)) for run in done]
                     for name in HEADLINE})
    return None if found is None else (found[1], found[0], found[2])


def early_stopping_monitor(has_validation: bool) -> str:
    """The log early stopping watches, and the one the best weights kept are judged by:
    the validation loss when the run keeps a validation part, else the training loss.

    >>> early_stopping_monitor(False)
    'loss'
    """
    return VALIDATION_PREFIX + "loss" if has_validation else "loss"
