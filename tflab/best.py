"""Which number judges a run, and which value of it is best: one rule for every page.

Validation accuracy when there is one (the higher the better), else validation loss, else
training loss (the lower the better); NaN never counts. The Runs table shows each run's
best epoch by it, and a sweep names its best variant by it, from each variant's final
epoch.

Example:

>>> best_of({"val_loss": [(1, 0.8), (2, 0.3)], "loss": [(1, 0.1)]})
('val_loss', 2, 0.3)
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, TypeVar

Key = TypeVar("Key")

# The metrics that judge a run, the first one present deciding, with how to pick its best.
RANKED = (("val_accuracy", max), ("val_loss", min), ("loss", min))


def best_of(series: Mapping[str, Iterable[tuple[Key, float]]]) -> tuple[str, Key, float] | None:
    """The judging metric of `series` and its best point: (name, key, value), or None when
    no metric of `RANKED` has a number. A tie goes to the first point.

    Args:
        series: `{metric: [(key, value), ...]}`: a run's history (keys are epochs) or the
            final metrics of several runs (keys are the runs).
    """
    for name, pick in RANKED:
        points = [(key, value) for key, value in series.get(name, ())
                  if value is not None and not math.isnan(value)]
        if points:
            key, value = pick(points, key=lambda point: point[1])
            return name, key, value
    return None


def best_run(runs: Iterable[Any]) -> tuple[Any, str, float] | None:
    """The completed run whose final epoch is best by `best_of`, with the metric and its
    value: (run, name, value); None when no run completed with a number to judge.

    Args:
        runs: `tflab.store.Run`s (anything with `status` and `final_metrics`).
    """
    done = [run for run in runs if run.status == "completed"]
    found = best_of({name: [(run, run.final_metrics.get(name)) for run in done
                            if isinstance(run.final_metrics.get(name), (int, float))]
                     for name, _ in RANKED})
    return None if found is None else (found[1], found[0], found[2])
