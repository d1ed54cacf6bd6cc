"""How much sooner a sweep ends when its variants train side by side: the local worker pool.

    python benchmarks/sweep.py [--epochs 10] [--workers 2] [--repeat 1] [--json]

A 4-variant sweep of the multi-class recipe (digits; Dense(32) or Dense(128), learning rate
0.001 or 0.003) is queued in a fresh store and trained by `ProcessExecutor`: once by one
worker process (the same 4 runs one after another), then by `--workers` at once. Each
figure is the wall-clock time from queuing the variants to the last one ending, the
workers' start-up (TensorFlow's import) included; the start-up is also given apart, as
the time from queuing to the first variant starting, and the time from then to the last
variant ending (what a pool already started, as the dashboard's, takes). The ratio is side
by side / one after another: the goal on 2 cores is at most 0.65. With `--repeat`, the
median of each.

The machine may be shared: each measurement also gives the CPU seconds other processes
took meanwhile (the whole machine's busy time from /proc/stat less this benchmark's and
its workers'), so a figure taken beside other work can be told apart and left out.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tflab.executor import ProcessExecutor  # noqa: E402
from tflab.recipes import get_recipe  # noqa: E402
from tflab.store import FINISHED, RunStore  # noqa: E402
from tflab.sweep import SweepSpec, parse_vary  # noqa: E402

GOAL = 0.65  # side by side / one after another, on 2 cores


def digits_sweep(epochs: int) -> SweepSpec:
    base = get_recipe("multiclass").spec.with_setting("fit.epochs", epochs)
    return SweepSpec(base, (parse_vary("model.layers[1].units=32,128"),
                            parse_vary("compile.learning_rate=0.001,0.003")))


def machine_busy_s() -> float:
    """CPU seconds every core of the machine has spent busy since it started (/proc/stat)."""
    with open("/proc/stat") as stat:
        ticks = [int(n) for n in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    """CPU seconds this process and its ended (waited-for) children have used."""
    return sum(usage.ru_utime + usage.ru_stime for usage in
               (resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN)))


def timed_sweep(sweep: SweepSpec, workers: int) -> dict:
    """Queue the sweep in a fresh store, train it on `workers` processes; its timings."""
    busy, own = machine_busy_s(), own_cpu_s()
    with tempfile.TemporaryDirectory() as root:
        store = RunStore(root)
        executor = ProcessExecutor(store, workers=workers)
        queued = time.time()
        start = time.perf_counter()
        sweep_id = store.create_sweep(sweep.to_dict(), sweep.settings)
        for variant in sweep.variants():
            executor.submit(variant, sweep=sweep_id)
        while any(run.status not in FINISHED for run in store.sweep_runs(sweep_id)):
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        executor.shutdown()  # waits for the workers: their CPU time is counted as own
        runs = store.sweep_runs(sweep_id)
        store.close()
    others = max(0.0, (machine_busy_s() - busy) - (own_cpu_s() - own))
    failed = [f"{run.id}: {run.status} {run.message}" for run in runs if run.status != "completed"]
    if failed:
        raise SystemExit("a variant did not complete: " + "; ".join(failed))
    first_start = min(run.started for run in runs)
    return {"seconds": seconds, "start_up_s": first_start - queued,
            "after_start_up_s": max(run.ended for run in runs) - first_start,
            "run_s": statistics.mean(run.duration for run in runs), "others_cpu_s": others}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10, help="each variant's epochs (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="workers side by side (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="measurements of each (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sweep = digits_sweep(args.epochs)
    one, many = [], []
    for _ in range(args.repeat):
        one.append(timed_sweep(sweep, 1))
        many.append(timed_sweep(sweep, args.workers))

    def median(rows, key):
        return round(statistics.median(row[key] for row in rows), 2)

    result = {"variants": len(sweep.variants()), "epochs": args.epochs, "cores": os.cpu_count(),
              "workers": args.workers, "repeat": args.repeat,
              "one_after_another_s": median(one, "seconds"), "side_by_side_s": median(many, "seconds"),
              "start_up_one_s": median(one, "start_up_s"), "start_up_side_by_side_s": median(many, "start_up_s"),
              "run_one_s": median(one, "run_s"), "run_side_by_side_s": median(many, "run_s"),
              "others_cpu_one_s": median(one, "others_cpu_s"),
              "others_cpu_side_by_side_s": median(many, "others_cpu_s")}
    result["ratio"] = round(result["side_by_side_s"] / result["one_after_another_s"], 3)
    result["ratio_after_start_up"] = round(median(many, "after_start_up_s")
                                           / median(one, "after_start_up_s"), 3)
    result["goal"] = GOAL
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['variants']}-variant multi-class sweep, {args.epochs} epochs each, "
          f"{result['cores']} cores (median of {args.repeat})")
    print(f"  one after another (1 worker):     {result['one_after_another_s']:7.2f} s  "
          f"(start-up {result['start_up_one_s']:.2f} s, a run {result['run_one_s']:.2f} s; "
          f"other processes' CPU {result['others_cpu_one_s']:.1f} s)")
    print(f"  side by side ({args.workers} workers):        {result['side_by_side_s']:7.2f} s  "
          f"(start-up {result['start_up_side_by_side_s']:.2f} s, a run {result['run_side_by_side_s']:.2f} s; "
          f"other processes' CPU {result['others_cpu_side_by_side_s']:.1f} s)")
    print(f"  ratio {result['ratio']:.3f} (goal at most {GOAL}); after the workers' start-up "
          f"{result['ratio_after_start_up']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
