"""`python -m tflab sweep`: a recipe trained with one to three settings varied, the
variants side by side, followed from the terminal.

    python -m tflab sweep multiclass --vary model.layers[1].units=32,128 \
        --vary compile.learning_rate=log:1e-4..1e-2:3 [--workers 2] [--executor ray]

Every combination of the values (how values are written: `tflab.sweep`) is checked before
any is queued, then trained on `--workers` local worker processes at once (default
`TFLAB_WORKERS`, else 1) or on Ray (`tflab.ray_executor`, where the cluster's CPUs decide).
A line is printed per finished variant and a table at the end with the best marked
(`tflab.metrics`). A first Ctrl-C stops every variant after its current batch and still
follows them to their end; a second one leaves at once.

Example:

>>> from tflab.cli import main
>>> main(["sweep", "linear", "--vary", "fit.epochs=5,10"])  # doctest: +SKIP
sweep ...: linear, 2 variants of fit.epochs, 1 local worker (store: ...)
"""

from __future__ import annotations

import sys
import time

from tflab.cli_train import spec_from
from tflab.executor import Executor, ProcessExecutor, default_workers, stop_sweep
from tflab.store import RunStore
from tflab.sweep import SweepSpec, parse_vary, value_text, values_text
from tflab.sweep_results import SweepResults, Variant, judged_text, sweep_results
from tflab.sweeping import start_sweep

FOLLOW_EVERY = 0.25  # seconds between looks at a sweep's variants in the store


def cmd_sweep(args) -> int:
    sweep = SweepSpec(spec_from(args), tuple(parse_vary(text) for text in args.vary))
    variants = sweep.variants()  # every variant checked before anything is queued
    try:
        workers = default_workers() if args.workers is None else args.workers
    except ValueError as error:  # TFLAB_WORKERS is not a number of workers
        print(f"error: {error}", file=sys.stderr)
        return 2
    store = RunStore()
    executor = _executor(args.executor, store, workers)
    if executor is None:
        return 2
    where = (f"{workers} local worker{'s' if workers > 1 else ''}" if args.executor == "local"
             else f"Ray at {executor.address}")
    sweep_id = None
    try:
        sweep_id = start_sweep(store, executor, sweep, workers if args.executor == "local" else None)
        print(f"sweep {sweep_id}: {sweep.base.recipe}, {len(variants)} variants of "
              f"{', '.join(sweep.settings)}, {where} (store: {store.root})", flush=True)
        interrupted = _follow(executor, sweep_id, sweep.settings)
    except KeyboardInterrupt:  # while queuing (start_sweep stopped those queued), or a 2nd one
        if sweep_id is not None:
            stop_sweep(executor, sweep_id)
        return 130
    finally:
        executor.shutdown()
    results = sweep_results(store, sweep_id)
    print(sweep_table(results))
    statuses = {variant.status for variant in results.variants}
    if interrupted or "stopped" in statuses:
        return 130
    return 0 if statuses == {"completed"} else 1


def _follow(executor: Executor, sweep_id: str, settings: tuple[str, ...]) -> bool:
    """Print a line per variant as it finishes, until all have; a Ctrl-C stops them all
    (each within its current batch) and is still followed to the end. Returns whether one
    came; a second one is raised."""
    store, interrupted, reported = executor.store, False, set()
    while True:
        try:
            variants = sweep_results(store, sweep_id).variants
            for variant in variants:
                if variant.finished and variant.run.id not in reported:
                    reported.add(variant.run.id)
                    print(_variant_line(variant, len(variants), settings), flush=True)
            if len(reported) == len(variants):
                return interrupted
            if any(variant.status == "queued" for variant in variants):
                executor.ensure_worker()  # a worker that left (idle, crashed) is replaced
            store.recover()  # a variant whose worker died ends interrupted, not awaited forever
            time.sleep(FOLLOW_EVERY)
        except KeyboardInterrupt:
            if interrupted:
                raise
            print("stopping every variant after its current batch...", file=sys.stderr)
            interrupted = True
            stop_sweep(executor, sweep_id)


def _executor(kind: str, store: RunStore, workers: int):
    """The executor `--executor` names, or None (said why) when it cannot start: Ray not
    installed, or no cluster at TFLAB_RAY_ADDRESS. On Ray the cluster's CPUs set how many
    variants train at once (`--workers` is the local pool's)."""
    if kind == "local":
        return ProcessExecutor(store, workers=workers)
    from tflab.ray_cluster import RayMissing, RayUnreachable
    from tflab.ray_executor import RayExecutor

    try:
        return RayExecutor(store)
    except (RayMissing, RayUnreachable) as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def _variant_line(variant: Variant, count: int, settings: tuple[str, ...]) -> str:
    run = variant.run
    took = f"  ({run.duration:.1f} s)" if run.duration is not None else ""
    return (f"variant {variant.number}/{count}  {values_text(settings, variant.values)}  "
            f"{run.status}  {judged_text(variant)}{took}  run {run.id}")


def sweep_table(results: SweepResults) -> str:
    """The variants, one a line, the best marked with *; then which is best and why."""
    best = results.best
    header = ["", "#", *results.settings, "status", "epochs", "result", "run"]
    rows = [["*" if variant is best else "", str(variant.number),
             *(value_text(value) for value in variant.values), variant.status,
             f"{variant.run.epochs_done}/{variant.run.epochs or '?'}", judged_text(variant),
             variant.run.id]
            for variant in results.variants]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in [header, *rows]]
    if best is None:
        lines.append("best: none (no variant completed with a validation or training number)")
    else:
        lines.append(f"best: variant {best.number}, {results.metric} "
                     f"{results.value_of(best):.4g} (run {best.run.id})")
    return "\n".join(lines)
