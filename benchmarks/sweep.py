"""How much sooner a sweep ends when its variants train side by side: the local worker pool.

    python benchmarks/sweep.py [--epochs 10] [--workers 2] [--repeat 1] [--no-ray] [--json]

A 4-variant sweep of the multi-class recipe (digits; Dense(32) or Dense(128), learning rate
0.001 or 0.003) is queued in a fresh store and trained by `ProcessExecutor`: once by one
worker process (the same 4 runs one after another), then by `--workers` at once. Each
figure is the wall-clock time from queuing the variants to the last one ending, the
workers' start-up (TensorFlow's import) included; the start-up is also given apart, as
the time from queuing to the first variant starting, and the time from then to the last
variant ending (what a pool already started, as the dashboard's, takes). The ratio is side
by side / one after another: the goal on 2 cores is at most 0.65. The lowest ratio any
pool could reach from a cold start is printed beside it: TensorFlow's start-up is paid
once whatever the pool (Amdahl's law). With `--repeat`, the median of each.

Then the same sweep on a local Ray with `--workers` CPUs (`RayExecutor`, a trial per CPU;
skipped with `--no-ray`, needs `requirements-ray.txt`): Ray's own start-up apart, then the
sweep as Ray's workers load TensorFlow, then again on the same warm workers, each against
the one-worker figure (the warm one against its time once its worker was up).

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
    """Queue the sweep in a fresh store, train it on `workers` local processes; its timings."""
    busy, own = machine_busy_s(), own_cpu_s()
    with tempfile.TemporaryDirectory() as root:
        store = RunStore(root)
        executor = ProcessExecutor(store, workers=workers)
        timings = drained(store, executor, sweep)
        executor.shutdown()  # waits for the workers: their CPU time is counted as own
        store.close()
    others = max(0.0, (machine_busy_s() - busy) - (own_cpu_s() - own))
    return {**timings, "others_cpu_s": others}


def timed_ray_sweeps(sweep: SweepSpec, cpus: int) -> dict:
    """Start a local Ray with `cpus` CPUs (its start-up timed apart), then train the sweep on
    it twice through `RayExecutor` (a trial per CPU): first as Ray's workers load TensorFlow,
    then again on the same, warm, workers."""
    import ray

    from tflab.ray_cluster import runtime_env
    from tflab.ray_executor import RayExecutor

    began = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, logging_level="WARNING",
             runtime_env=runtime_env())
    ray.get(ray.remote(lambda: None).remote())  # a first task has run: Ray is up
    ray_start = time.perf_counter() - began
    try:
        with tempfile.TemporaryDirectory() as root:
            store = RunStore(root)
            executor = RayExecutor(store, cpus_per_trial=1)
            cold = drained(store, executor, sweep)
            warm = drained(store, executor, sweep)
            executor.shutdown()
            store.close()
    finally:
        ray.shutdown()
    return {"ray_start_s": ray_start, "cold": cold, "warm": warm}


def drained(store: RunStore, executor, sweep: SweepSpec) -> dict:
    """Queue the sweep's variants on `executor` and wait until every one has ended."""
    queued = time.time()
    start = time.perf_counter()
    sweep_id = store.create_sweep(sweep.to_dict(), sweep.settings)
    for variant in sweep.variants():
        executor.submit(variant, sweep=sweep_id)
    while any(run.status not in FINISHED for run in store.sweep_runs(sweep_id)):
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    runs = store.sweep_runs(sweep_id)
    failed = [f"{run.id}: {run.status} {run.message}" for run in runs if run.status != "completed"]
    if failed:
        raise SystemExit("a variant did not complete: " + "; ".join(failed))
    first_start = min(run.started for run in runs)
    return {"seconds": seconds, "start_up_s": first_start - queued,
            "after_start_up_s": max(run.ended for run in runs) - first_start,
            "run_s": statistics.mean(run.duration for run in runs)}


def best_possible(one_after_another_s: float, start_up_s: float, workers: int) -> float:
    """The lowest ratio any pool of `workers` could reach from a cold start on this sweep:
    the start-up (loading TensorFlow) is paid once whatever the pool, only the training is
    shared (Amdahl's law).

    >>> round(best_possible(10.6, 3.4, 2), 3)
    0.66
    """
    training = one_after_another_s - start_up_s
    return (start_up_s + training / workers) / one_after_another_s


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10, help="each variant's epochs (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="workers side by side (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="measurements of each (default 1)")
    parser.add_argument("--no-ray", action="store_true", help="the local pool only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sweep = digits_sweep(args.epochs)
    one, many, on_ray = [], [], []
    for _ in range(args.repeat):
        one.append(timed_sweep(sweep, 1))
        many.append(timed_sweep(sweep, args.workers))
        if not args.no_ray:
            on_ray.append(timed_ray_sweeps(sweep, args.workers))

    def median(rows, key, part=None):
        return round(statistics.median((row[part] if part else row)[key] for row in rows), 2)

    result = {"variants": len(sweep.variants()), "epochs": args.epochs, "cores": os.cpu_count(),
              "workers": args.workers, "repeat": args.repeat,
              "one_after_another_s": median(one, "seconds"), "side_by_side_s": median(many, "seconds"),
              "start_up_one_s": median(one, "start_up_s"), "start_up_side_by_side_s": median(many, "start_up_s"),
              "run_one_s": median(one, "run_s"), "run_side_by_side_s": median(many, "run_s"),
              "others_cpu_one_s": median(one, "others_cpu_s"),
              "others_cpu_side_by_side_s": median(many, "others_cpu_s")}
    baseline, trained_one = result["one_after_another_s"], median(one, "after_start_up_s")
    result["ratio"] = round(result["side_by_side_s"] / baseline, 3)
    result["ratio_after_start_up"] = round(median(many, "after_start_up_s") / trained_one, 3)
    result["best_possible_cold"] = round(best_possible(baseline, result["start_up_one_s"],
                                                       args.workers), 3)
    if on_ray:
        result["ray"] = {"start_s": median(on_ray, "ray_start_s"),
                         "cold_s": median(on_ray, "seconds", "cold"),
                         "cold_start_up_s": median(on_ray, "start_up_s", "cold"),
                         "warm_s": median(on_ray, "seconds", "warm"),
                         "run_warm_s": median(on_ray, "run_s", "warm")}
        result["ray"]["ratio_cold"] = round(result["ray"]["cold_s"] / baseline, 3)
        result["ray"]["ratio_warm"] = round(result["ray"]["warm_s"] / trained_one, 3)
    result["goal"] = GOAL
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['variants']}-variant multi-class sweep, {args.epochs} epochs each, "
          f"{result['cores']} cores (median of {args.repeat})")
    print(f"  one after another (1 worker):     {baseline:7.2f} s  "
          f"(start-up {result['start_up_one_s']:.2f} s, a run {result['run_one_s']:.2f} s; "
          f"other processes' CPU {result['others_cpu_one_s']:.1f} s)")
    print(f"  side by side ({args.workers} workers):        {result['side_by_side_s']:7.2f} s  "
          f"(start-up {result['start_up_side_by_side_s']:.2f} s, a run {result['run_side_by_side_s']:.2f} s; "
          f"other processes' CPU {result['others_cpu_side_by_side_s']:.1f} s)")
    print(f"  local pool: ratio {result['ratio']:.3f} from a cold start (goal at most {GOAL}; "
          f"the best any {args.workers}-worker pool could do, start-up paid once: "
          f"{result['best_possible_cold']:.3f}); once the workers are up "
          f"{result['ratio_after_start_up']:.3f}")
    if on_ray:
        ray = result["ray"]
        print(f"  on a local Ray ({args.workers} CPUs, a trial each): Ray's start-up "
              f"{ray['start_s']:.2f} s apart; then {ray['cold_s']:.2f} s as its workers load "
              f"TensorFlow (ratio {ray['ratio_cold']:.3f}), {ray['warm_s']:.2f} s once they are "
              f"up (ratio {ray['ratio_warm']:.3f} against one worker already up; a run "
              f"{ray['run_warm_s']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
