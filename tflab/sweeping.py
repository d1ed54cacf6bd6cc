"""Starting a sweep, and what a person wants to know first: how many at once, how long.

`start_sweep` is the one way a sweep starts (the command line and Build's Sweep tab):
the sweep is kept in the store, every variant queued as a run of it, and the executor
asked for the workers that train them side by side. `sweepable_settings` lists what a sweep of an
experiment can vary; `machine_workers` says how many local
workers this machine can hold; `estimate_seconds` how long a sweep should take, from the
runs of the same recipe already in the store.

Example:

>>> import tempfile
>>> from tflab.recipes import get_recipe
>>> from tflab.store import RunStore
>>> from tflab.sweep import SweepSpec, parse_vary
>>> store = RunStore(tempfile.mkdtemp())
>>> sweep = SweepSpec(get_recipe("linear").spec.with_setting("fit.epochs", 20),
...                   (parse_vary("compile.learning_rate=0.01,0.02"),))
>>> estimate_seconds(store, sweep, workers=2) is None     # nothing trained yet to go by
True
>>> run_id = store.create_run("linear", sweep.base.to_dict(), 20)
>>> store.mark_running(run_id); store.add_epochs(run_id, [(e, {"loss": 1.0}) for e in range(1, 21)])
>>> store.finish(run_id, "completed")
>>> estimate_seconds(store, sweep, workers=2) > STARTUP_SECONDS
True
"""

from __future__ import annotations

import heapq
import os
import statistics
from pathlib import Path
from typing import Iterable

from tflab.data.catalog import get_dataset, summarize
from tflab.executor import MAX_WORKERS, Executor, check_workers, stop_sweep
from tflab.spec import AugmentationSpec, ExperimentSpec, Param, declared
from tflab.store import Run, RunStore
from tflab.sweep import SweepSpec, setting_param

# A worker process's TensorFlow, Keras and a small model's data: about 1.2 GB resident
# when a digits run trains (measured with `ps -o rss` beside benchmarks/sweep.py).
WORKER_BYTES = 1.2e9
# Seconds from a worker's start to its first run training: TensorFlow's import, measured
# by benchmarks/sweep.py (the time from queuing to the first variant starting, cold).
STARTUP_SECONDS = 4.0
PAST_RUNS = 200  # the newest completed runs an estimate looks at
MEMINFO = Path("/proc/meminfo")


def start_sweep(store: RunStore, executor: Executor, sweep: SweepSpec,
                workers: int | None = None) -> str:
    """Keep `sweep` in `store`, queue each variant as a run of it, and ask the executor for
    up to `workers` workers at once; returns the sweep's id.

    The workers are asked for before the variants are queued too: each worker started
    then gets its share of the cores for `workers` side by side, not the whole machine
    as a lone run's worker would. A sweep is never left half queued: if queuing fails
    (or Ctrl-C comes), the variants already queued are stopped.

    Args:
        store: where the sweep and its runs are kept (the executor's store).
        executor: what trains the variants (`tflab.executor.ProcessExecutor`, or
            `tflab.ray_executor.RayExecutor`, whose cluster's CPUs decide instead).
        sweep: the sweep, its variants already checked.
        workers: local workers training at once. Defaults to None: the executor's own.

    Example:

    >>> sweep_id = start_sweep(store, ProcessExecutor(store, workers=2), sweep)  # doctest: +SKIP
    >>> [run.status for run in store.sweep_runs(sweep_id)]                      # doctest: +SKIP
    ['queued', 'queued']
    """
    if workers is not None:
        check_workers(workers)
    variants = sweep.variants()
    sweep_id = store.create_sweep(sweep.to_dict(), sweep.settings)
    executor.ensure_worker(workers)
    try:
        for variant in variants:
            executor.submit(variant, sweep=sweep_id)
    except BaseException:
        stop_sweep(executor, sweep_id)
        raise
    executor.ensure_worker(workers)
    return sweep_id


def sweepable_settings(spec: ExperimentSpec) -> list[str]:
    """The settings of `spec` a sweep can vary, by path, in the order Build shows them:
    compile, fit, each layer's, the network base's, the augmentation's (image data only:
    it changes nothing else), the data's, and the seed.

    A setting is sweepable when it is declared (`tflab.sweep.setting_param`) as a number
    or as one choice among several (an activation, an optimizer). Switches and lists of
    choices (metrics) are not: a sweep's values of them say little, and read badly.
    The early-stopping patience counts only while early stopping is on.

    Example:

    >>> from tflab.recipes import get_recipe
    >>> sweepable_settings(get_recipe("linear").spec)      # doctest: +NORMALIZE_WHITESPACE
    ['compile.optimizer', 'compile.learning_rate', 'compile.loss', 'fit.epochs',
     'fit.batch_size', 'model.layers[0].units', 'model.layers[0].activation',
     'data.validation_split', 'seed']
    """
    data = spec.data
    paths = [f"compile.{name}" for name in ("optimizer", "learning_rate", "loss")]
    paths += ["fit.epochs", "fit.batch_size"] + (["fit.patience"] if spec.fit.early_stopping
                                                 else [])
    for index, layer in enumerate(spec.model.layers):
        paths += [f"model.layers[{index}].{p.name}" for p in layer.info.params]
    if spec.model.base is not None:
        paths.append("model.base.trainable_layers")
    if summarize(data.dataset, dict(data.options)).image:
        paths += [f"augmentation.{p.name}" for p in declared(AugmentationSpec)]
    paths += ["data.validation_split"] + [f"data.options.{p.name}"
                                          for p in get_dataset(data.dataset).options]
    paths.append("seed")
    return [path for path in paths if _sweepable(setting_param(spec, path))]


def _sweepable(param: Param | None) -> bool:
    if param is None or param.multiple:
        return False
    if param.choices is not None:
        return len(param.choices) > 1
    return param.type in (int, float)


def machine_workers(cpus: int | None = None, available_bytes: float | None = None) -> int:
    """How many local workers this machine can hold training side by side: one per core
    (a second TensorFlow on a core only takes turns with the first), as many as the free
    memory holds at `WORKER_BYTES` each (one more would push the machine into swap, and
    every run would crawl), and at most `MAX_WORKERS`; always at least one.

    Args:
        cpus: the machine's cores. Defaults to None: `os.cpu_count()`.
        available_bytes: memory free for new processes. Defaults to None: MemAvailable
            of /proc/meminfo (where there is none, memory sets no bound).

    Example:

    >>> machine_workers(cpus=8, available_bytes=3e9), machine_workers(cpus=2, available_bytes=64e9)
    (2, 2)
    >>> machine_workers(cpus=4, available_bytes=0.5e9)
    1
    """
    cpus = cpus if cpus is not None else os.cpu_count() or 1
    available = available_bytes if available_bytes is not None else _available_bytes()
    by_memory = MAX_WORKERS if available is None else int(available // WORKER_BYTES)
    return max(1, min(cpus, by_memory, MAX_WORKERS))


def _available_bytes() -> float | None:
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024  # written in kB
    except OSError:
        pass
    return None


def estimate_seconds(store: RunStore, sweep: SweepSpec, workers: int,
                     workers_up: int = 0) -> float | None:
    """About how long the sweep takes, from queuing its variants to the last one's end.

    Each variant lasts its epochs times the pace of completed runs in `store` like it:
    the median seconds per epoch (start to end over epochs done, so a run's model
    building counts) of the runs of the same recipe on the same dataset, else of any on
    the same dataset. The variants then go, longest first, to whichever of `workers` is
    free first; a worker's start-up (`STARTUP_SECONDS`, TensorFlow's import) comes first
    when none is up. A rough guide: side by side on shared cores each run is slower than
    alone, and a variant with more units or smaller batches slower than the median.

    Args:
        store: the runs to go by.
        sweep: the sweep to estimate.
        workers: variants training at once.
        workers_up: workers already started (they load nothing). Defaults to 0.

    Returns:
        Seconds, or None when no run in the store is like it (nothing to go by). Said
        with `tflab.progress.about`: "about 2 min".

    Example:

    >>> spread([3.0, 3.0, 2.0, 2.0, 2.0], workers=2)   # longest first: 3+2+2 and 3+2
    7.0
    """
    check_workers(workers)
    pace = seconds_per_epoch(store.list_runs(PAST_RUNS, statuses=("completed",)), sweep)
    if pace is None:
        return None
    took = spread([pace * variant.fit.epochs for variant in sweep.variants()], workers)
    return took + (STARTUP_SECONDS if workers_up <= 0 else 0.0)


def seconds_per_epoch(runs: Iterable[Run], sweep: SweepSpec) -> float | None:
    """The median seconds per epoch of the completed `runs` like the sweep's base: of its
    recipe and dataset, else of its dataset; None when there are none."""
    dataset = sweep.base.data.dataset
    alike = [run for run in runs if run.epochs_done > 0 and run.duration
             and (run.spec.get("data") or {}).get("dataset") == dataset]
    same_recipe = [run for run in alike if run.recipe == sweep.base.recipe]
    chosen = same_recipe or alike
    if not chosen:
        return None
    return statistics.median(run.duration / run.epochs_done for run in chosen)


def spread(durations: Iterable[float], workers: int) -> float:
    """When the last of these jobs ends, given longest first to whichever of `workers` is
    free first (the usual rule for a schedule near the shortest)."""
    ends = [0.0] * workers
    for took in sorted(durations, reverse=True):
        heapq.heappush(ends, heapq.heappop(ends) + took)
    return max(ends)

