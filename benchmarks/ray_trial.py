"""What a run costs on Ray: Ray's start-up, and one run through Ray against the same run here.

    python benchmarks/ray_trial.py [--repeat 3] [--json]

(a) Start-up, from a process where Ray is not running: `ray.init` of a local Ray with
    this machine's CPUs; from `ray.init` until a first (empty) task runs; until a
    `RayExecutor`'s first trial has begun (a worker started with tflab shipped to it);
    until that first run has completed in the store (the worker also loads TensorFlow).
(b) One run, the multi-class recipe (digits) for 2 epochs: submitted to the warm
    executor until `completed` in the store, against `tflab.job.run_job` in this process
    with TensorFlow loaded, median of `--repeat` each, alternating which goes first, after
    a warm-up of each. The trial gets every CPU (`cpus_per_trial`), as the run here does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tflab.recipes import get_recipe  # noqa: E402
from tflab.store import RunStore  # noqa: E402

SPEC = get_recipe("multiclass").spec.with_setting("fit.epochs", 2)


def start_up(store: RunStore) -> tuple[dict, object]:
    import ray

    from tflab.ray_executor import RayExecutor

    began = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="WARNING")
    initialised = time.perf_counter()
    ray.get(ray.remote(lambda: None).remote())
    first_task = time.perf_counter()
    executor = RayExecutor(store, cpus_per_trial=os.cpu_count())
    run_id = executor.submit(SPEC)
    while executor.worker(run_id) is None and store.get_run(run_id).status == "queued":
        time.sleep(0.01)
    trial_began = time.perf_counter()
    if executor.wait(run_id, timeout=600) != "completed":
        raise SystemExit(f"the first trial did not complete: {store.get_run(run_id).message}")
    completed = time.perf_counter()
    return {"ray_init_s": round(initialised - began, 2),
            "init_to_first_task_s": round(first_task - began, 2),
            "init_to_first_trial_begun_s": round(trial_began - began, 2),
            "init_to_first_run_completed_s": round(completed - began, 2)}, executor


def through_ray(executor) -> float:
    start = time.perf_counter()
    run_id = executor.submit(SPEC)
    if executor.wait(run_id, timeout=600) != "completed":
        raise SystemExit(f"a Ray run did not complete: {executor.store.get_run(run_id).message}")
    return time.perf_counter() - start


def in_process(store: RunStore) -> float:
    from tflab.job import run_job

    start = time.perf_counter()
    run_id = store.create_run(SPEC.recipe, SPEC.to_dict(), SPEC.fit.epochs)
    if run_job(store, run_id).status != "completed":
        raise SystemExit(f"the in-process run did not complete: {store.get_run(run_id).message}")
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    import ray

    with tempfile.TemporaryDirectory() as root:
        store = RunStore(root)
        figures, executor = start_up(store)
        in_process(store)  # warm-up: TensorFlow loaded here
        here, remote = [], []
        for i in range(args.repeat):
            pair = (lambda: here.append(in_process(store)), lambda: remote.append(through_ray(executor)))
            for measure in (pair if i % 2 == 0 else pair[::-1]):
                measure()
        executor.shutdown()
        ray.shutdown()
        store.close()
    figures.update({"run_in_process_s": round(statistics.median(here), 2),
                    "run_through_ray_s": round(statistics.median(remote), 2)})
    figures["ray_overhead_per_run_s"] = round(figures["run_through_ray_s"] - figures["run_in_process_s"], 2)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    for name, value in figures.items():
        print(f"{name:<34} {value:>7.2f} s")
    print(f"(b): median of {args.repeat}, multi-class digits for 2 epochs, {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
