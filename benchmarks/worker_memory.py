"""How much a training worker's memory grows over many runs, one after another.

    python benchmarks/worker_memory.py [--runs 100] [--epochs 5] [--code DIR] [--no-baseline] [--json]

The dashboard's worker pool (`ProcessExecutor` with one worker, as the app starts it)
serves a fresh run store. The binary_points recipe (500 points in two circles; `--epochs`
epochs each instead of its 200, so the benchmark takes a few minutes) is queued `--runs`
times, one run at a time: each is queued once the one before has ended, and the resident
memory (VmRSS in /proc/PID/status) of the worker that trained it is read as soon as the
store says it has ended (a worker that has just made way for a new one, `RECYCLE_AFTER`,
is not read). The figures: the memory after the first run, after the 20th and after the
last, the most any worker held, the growth (that most less the first), and the workers
used. The goal: at most 150 MB of growth over 100 runs (issue 12: the worker grew about
11 MB a run, 733 to 841 MB over 20).

`--code DIR` instead runs one worker process (`python -m tflab.worker`) from a checkout
(main's, say), never replaced: what one process grows by, before and after a change,
measured in one sitting. Then, unless `--no-baseline`, the same runs in
plain Keras in this process, as the notes write them (build, compile, `fit` on the arrays,
drop the model; no `clear_session`), with this process's memory read after each: what
any long-lived process that trains model after model grows by.

The machine may be shared: the CPU seconds other processes took meanwhile are given (as
benchmarks/sweep.py does); memory is not much moved by them, times are. Exit status 1
when the goal is not met.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sweep import machine_busy_s, own_cpu_s  # noqa: E402  (benchmarks/sweep.py)
from tflab.executor import ProcessExecutor  # noqa: E402
from tflab.recipes import get_recipe  # noqa: E402
from tflab.store import FINISHED, RunStore  # noqa: E402

GOAL_MB = 150.0  # growth over 100 runs
RECIPE = "binary_points"


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of process `pid` in MB (VmRSS, /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def figures(samples: list[float | None], seconds: float) -> dict:
    """What the samples (MB after each run; None where not read) say: the first, 20th and
    last read, the most, the growth (the most less the first) and the last's growth a run."""
    read = [sample for sample in samples if sample is not None]
    growth = max(read) - read[0]
    return {"runs": len(samples), "first_mb": round(read[0], 1),
            "after_20_mb": round(read[min(19, len(read) - 1)], 1),
            "last_mb": round(read[-1], 1), "peak_mb": round(max(read), 1),
            "growth_mb": round(growth, 1),
            "per_run_mb": round((read[-1] - read[0]) / max(1, len(samples) - 1), 2),
            "seconds": round(seconds, 1),
            "rss_mb": [None if s is None else round(s, 1) for s in samples]}


def read_rss(pid: int | None) -> float | None:
    try:
        return rss_mb(pid) if pid else None
    except (FileNotFoundError, ProcessLookupError, RuntimeError):  # it has just ended
        return None


class OneWorker:
    """One `python -m tflab.worker` process from the checkout `code`, never replaced."""

    def __init__(self, store: RunStore, code: Path):
        self.store = store
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(code), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tflab.worker", "--root", str(store.root),
             "--parent", str(os.getpid())],
            cwd=code, env=env, stdin=subprocess.DEVNULL, stdout=sys.stderr)  # --json stays clean

    def submit(self, spec) -> str:
        if self.process.poll() is not None:
            raise SystemExit(f"the worker ended (code {self.process.returncode})")
        return self.store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)

    def shutdown(self) -> None:
        self.process.terminate()
        self.process.wait(30)  # waited for: its CPU time is counted as this benchmark's


def worker_runs(runs: int, epochs: int, code: Path | None) -> dict:
    """`runs` runs of the recipe, one at a time, through the worker pool (or one worker
    process running `code`'s tflab)."""
    spec = get_recipe(RECIPE).spec.with_setting("fit.epochs", epochs)
    busy, own = machine_busy_s(), own_cpu_s()
    samples, workers = [], set()
    with tempfile.TemporaryDirectory() as root:
        store = RunStore(root)
        executor = OneWorker(store, code) if code else ProcessExecutor(store, workers=1)
        try:
            started = time.perf_counter()
            for number in range(runs):
                run_id = executor.submit(spec)
                while (run := store.get_run(run_id)).status not in FINISHED:
                    time.sleep(0.01)
                if run.status != "completed":
                    raise SystemExit(f"run {number + 1} {run.status}: {run.message}")
                samples.append(read_rss(run.pid))
                workers.add(run.pid)
            seconds = time.perf_counter() - started
        finally:
            executor.shutdown()
            store.close()
    others = max(0.0, (machine_busy_s() - busy) - (own_cpu_s() - own))
    return {**figures(samples, seconds), "workers": len(workers), "others_cpu_s": round(others, 1)}


def plain_keras_runs(runs: int, epochs: int) -> dict:
    """The same runs in plain Keras in this process: build, compile, fit, drop the model."""
    import keras

    from tflab.data import load_dataset

    spec = get_recipe(RECIPE).spec
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    busy, own = machine_busy_s(), own_cpu_s()
    samples = []
    started = time.perf_counter()
    for _ in range(runs):
        model = keras.Sequential([keras.Input((2,)),
                                  keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005),
                      loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=32,
                  validation_data=(data.x_val, data.y_val), verbose=0)
        del model
        gc.collect()
        samples.append(rss_mb())
    seconds = time.perf_counter() - started
    others = max(0.0, (machine_busy_s() - busy) - (own_cpu_s() - own))
    return {**figures(samples, seconds), "others_cpu_s": round(others, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="runs one after another (default 100)")
    parser.add_argument("--epochs", type=int, default=5, help="each run's epochs (default 5)")
    parser.add_argument("--code", type=Path,
                        help="one worker process from this checkout, never replaced "
                             "(default: this checkout's worker pool)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain Keras runs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error(f"--runs must be at least 2 to measure a growth; received {args.runs}")
    result = {"recipe": RECIPE, "epochs": args.epochs, "cores": os.cpu_count(),
              "code": str(args.code.resolve()) if args.code else "worker pool",
              "goal_mb_per_100_runs": GOAL_MB,
              "worker": worker_runs(args.runs, args.epochs,
                                    args.code.resolve() if args.code else None)}
    if not args.no_baseline:
        result["plain_keras"] = plain_keras_runs(args.runs, args.epochs)
    # Fewer runs than 100 on one worker (`--code`): the growth at the rate of the runs made.
    # The pool's growth is what was measured: its workers make way (RECYCLE_AFTER), so a
    # rate from its first runs says nothing of its hundredth.
    worker = result["worker"]
    per_100 = worker["growth_mb"] if args.code is None or args.runs >= 100 \
        else worker["per_run_mb"] * 99
    result["worker_growth_per_100_runs_mb"] = round(per_100, 1)
    result["goal_met"] = per_100 <= GOAL_MB
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.runs} {RECIPE} runs of {args.epochs} epochs one after another, "
              f"{result['cores']} cores; the worker runs {result['code']}")
        rows = [(f"{worker['workers']} worker process(es)", worker)]
        if "plain_keras" in result:
            rows.append(("plain Keras, one process", {**result["plain_keras"], "workers": 1}))
        for name, row in rows:
            print(f"  {name + ':':27} {row['first_mb']:7.1f} MB after the first run, "
                  f"{row['after_20_mb']:7.1f} after 20, {row['last_mb']:7.1f} after "
                  f"{row['runs']}, at most {row['peak_mb']:.1f}: +{row['growth_mb']:.1f} MB "
                  f"({row['per_run_mb']:.2f} MB a run first to last; "
                  f"{row['seconds']:.0f} s, other processes' CPU {row['others_cpu_s']:.0f} s)")
        over = "100 runs" if args.runs >= 100 else \
            (f"these {args.runs} runs" if args.code is None else "100 runs at that rate")
        print(f"  the workers' growth over {over}: {per_100:.1f} MB "
              f"(goal at most {GOAL_MB:.0f} MB): {'met' if result['goal_met'] else 'NOT met'}")
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
