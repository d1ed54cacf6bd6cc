"""What a sweep holds, read from the store once: its variants, how far it is, and its best.

Every place that shows a sweep (the Runs page's sweep view, the command line's table)
reads it through `sweep_results`, so the things decided about it are decided here once:
a variant's values of the varied settings (`tflab.sweep.setting_value`), the number it is
judged by and which variant is best (`tflab.metrics`, from each variant's final epoch), how
many variants are in each state, and whether the sweep is over.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     sweep_id = store.create_sweep({"base": {"recipe": "mlp"}, "vary": []}, ["fit.epochs"])
...     for epochs, accuracy in ((2, 0.8), (4, 0.9)):
...         run_id = store.create_run("mlp", {"fit": {"epochs": epochs}}, epochs, sweep=sweep_id)
...         store.finish(run_id, "completed", final_metrics={"val_accuracy": accuracy})
...     late = store.create_run("mlp", {"fit": {"epochs": 8}}, 8, sweep=sweep_id)
...     results = sweep_results(store, sweep_id)
>>> [variant.values for variant in results.variants]
[(2,), (4,), (8,)]
>>> results.best.number, results.metric, results.counts["done"], results.finished
(2, 'val_accuracy', 2, False)
>>> judged_text(results.best)
'val_accuracy=0.9'
"""

from __future__ import annotations

from dataclasses import dataclass

from tflab.metrics import best_run, counted, headline
from tflab.store import FINISHED, Run, RunStore, Sweep
from tflab.sweep import setting_value

# The states a sweep's progress counts, each gathering the run states it stands for: a
# variant that diverged or whose process died did not give a result, as one that failed.
COUNTED = {
    "done": ("completed",),
    "running": ("running",),
    "queued": ("queued",),
    "failed": ("failed", "diverged", "interrupted"),
    "stopped": ("stopped",),
}


@dataclass(frozen=True)
class Variant:
    """One variant of a sweep: its number from 1 (the order it was queued in), its run, its
    values of the sweep's varied settings (in the sweep's order), and the number its final
    epoch is judged by (`tflab.metrics.headline`): `metric` and `value`, None before it has one."""

    number: int
    run: Run
    values: tuple
    metric: str | None
    value: float | None

    @property
    def status(self) -> str:
        return self.run.status

    @property
    def finished(self) -> bool:
        return self.run.status in FINISHED


@dataclass(frozen=True)
class SweepResults:
    """A sweep as read at one moment (`sweep_results`).

    `metric` is the number the sweep is judged by (`tflab.metrics.best_run` of its variants)
    and `best` the variant it names; both None until a variant completes with a number.
    """

    sweep: Sweep
    variants: tuple[Variant, ...]
    best: Variant | None
    metric: str | None

    @property
    def id(self) -> str:
        return self.sweep.id

    @property
    def settings(self) -> tuple[str, ...]:
        """The varied settings' paths, in the sweep's order."""
        return self.sweep.varies

    @property
    def recipe(self) -> str:
        """The recipe the sweep's variants train ('' when its spec names none)."""
        base = self.sweep.spec.get("base")
        return base.get("recipe", "") if isinstance(base, dict) else ""

    @property
    def counts(self) -> dict[str, int]:
        """How many variants are in each state of `COUNTED`, in its order."""
        return {state: sum(v.status in statuses for v in self.variants)
                for state, statuses in COUNTED.items()}

    @property
    def finished(self) -> bool:
        """Whether every variant has finished (a sweep with no variant has not)."""
        return bool(self.variants) and all(v.finished for v in self.variants)

    def completed(self) -> list[Variant]:
        """The variants that completed with a value of the sweep's metric: the ones a
        chart from settings to that metric can draw."""
        if self.metric is None:
            return []
        return [v for v in self.variants if v.status == "completed"
                and counted(v.run.final_metrics.get(self.metric)) is not None]

    def value_of(self, variant: Variant) -> float | None:
        """The variant's final value of the sweep's metric (None without one)."""
        return None if self.metric is None else counted(variant.run.final_metrics.get(self.metric))


def judged_text(variant: Variant) -> str:
    """The judged number as the command line writes it: `val_accuracy=0.93`, or `-`."""
    return "-" if variant.metric is None else f"{variant.metric}={variant.value:.4g}"


def variant_of(number: int, run: Run, settings: tuple[str, ...]) -> Variant:
    """A run as variant `number` of a sweep varying `settings`."""
    found = headline(run.final_metrics)
    return Variant(number, run, tuple(setting_value(run.spec, setting) for setting in settings),
                   *(found or (None, None)))


def sweep_results(store: RunStore, sweep_id: str) -> SweepResults:
    """The sweep `sweep_id` and its variants as the store holds them now; `RunNotFound`
    (a `KeyError`) when there is no such sweep.

    Args:
        store: the run store the sweep was created in.
        sweep_id: the sweep's id (`RunStore.create_sweep`).
    """
    sweep = store.get_sweep(sweep_id)
    return results_of(sweep, store.sweep_runs(sweep_id))


def results_of(sweep: Sweep, runs: list[Run]) -> SweepResults:
    """A sweep's results from its variants' runs, in the order they were queued."""
    variants = tuple(variant_of(number, run, sweep.varies) for number, run in enumerate(runs, 1))
    best = best_run(runs)
    if best is None:
        return SweepResults(sweep, variants, None, None)
    best_variant = next(v for v in variants if v.run is best[0])
    return SweepResults(sweep, variants, best_variant, best[1])
