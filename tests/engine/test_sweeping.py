"""Starting a sweep through a real store and worker pool; how many workers fit; its estimate."""

import os
import time
from pathlib import Path

import pytest

from tflab.executor import SWEEP_IDLE_EXIT, ProcessExecutor
from tflab.progress import about
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.sweep import SweepSpec, parse_vary
from tflab.sweeping import (STARTUP_SECONDS, estimate_seconds, machine_workers, spread,
                            start_sweep)

EPOCHS = 3


def linear_sweep(epochs=EPOCHS, rates="0.01,0.02") -> SweepSpec:
    base = get_recipe("linear").spec.with_setting("fit.epochs", epochs)
    return SweepSpec(base, (parse_vary(f"compile.learning_rate={rates}"),))


def finished_run(store, spec, seconds: float, epochs: int, recipe=None, status="completed"):
    """A run in the store that took `seconds` for `epochs` epochs (times set directly)."""
    run_id = store.create_run(recipe or spec.recipe, spec.to_dict(), epochs)
    store.mark_running(run_id)
    store.add_epochs(run_id, [(epoch, {"loss": 1.0}) for epoch in range(1, epochs + 1)])
    store.finish(run_id, status)
    with store._transaction() as db:  # the run's own clock, as if it had trained that long
        db.execute("UPDATE runs SET started = 1000.0, ended = ? WHERE id = ?",
                   (1000.0 + seconds, run_id))
    return run_id


def started(pid: int, timeout: float = 60.0) -> None:
    """Wait until the process `pid` runs its own program: until then /proc shows its
    parent's copy, or nothing, as its environment (seen on a busy machine)."""
    deadline = time.monotonic() + timeout
    while b"tflab.worker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
        assert time.monotonic() < deadline, f"worker {pid} did not start in {timeout} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_sweep_started_trains_every_variant_as_a_run_of_it(tflab_home):
    store = RunStore(tflab_home)
    executor = ProcessExecutor(store, workers=1)  # the dashboard's pool: one worker of its own
    sweep = linear_sweep()
    try:
        sweep_id = start_sweep(store, executor, sweep, workers=2)
        assert len(executor._processes) == 2  # the sweep asked for two, beyond the pool's one
        share = str(max(1, os.cpu_count() // 2)).encode()
        for worker in executor._processes:  # each started with its share of the cores
            started(worker.pid)
            environ = Path(f"/proc/{worker.pid}/environ").read_bytes().split(b"\0")
            assert b"TF_NUM_INTRAOP_THREADS=" + share in environ
            # and leaves soon after the sweep, not holding its share for a lone run later
            arguments = Path(f"/proc/{worker.pid}/cmdline").read_bytes().split(b"\0")
            assert arguments[arguments.index(b"--idle-exit") + 1] == str(SWEEP_IDLE_EXIT).encode()
        runs = store.sweep_runs(sweep_id)
        assert [executor.wait(run.id, timeout=180) for run in runs] == ["completed"] * 2
    finally:
        executor.shutdown()
    runs = store.sweep_runs(sweep_id)
    assert store.get_sweep(sweep_id).varies == ("compile.learning_rate",)
    assert SweepSpec.from_dict(store.get_sweep(sweep_id).spec) == sweep
    assert [run.spec["compile"]["learning_rate"] for run in runs] == [0.01, 0.02]
    assert all(run.sweep == sweep_id and run.epochs_done == EPOCHS for run in runs)
    assert all(store.model_path(run.id).exists() for run in runs)


def test_asking_for_a_bad_number_of_workers_queues_nothing(tflab_home):
    store = RunStore(tflab_home)
    with pytest.raises(ValueError, match="Received: workers=0"):
        start_sweep(store, ProcessExecutor(store), linear_sweep(), workers=0)
    assert store.list_sweeps() == [] and store.list_runs() == []


def test_a_sweep_that_fails_while_queuing_is_not_left_half_queued(tflab_home):
    store = RunStore(tflab_home)

    class FailsOnSecond(ProcessExecutor):
        """A pool whose second submit fails, as a Ctrl-C or a full disk would."""

        def submit(self, spec, sweep=None):
            if len(self.store.sweep_runs(sweep)) == 1:
                raise KeyboardInterrupt
            return self.store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs, sweep)

        def ensure_worker(self, workers=None):
            pass  # nothing trains here: only what is queued matters

    with pytest.raises(KeyboardInterrupt):
        start_sweep(store, FailsOnSecond(store), linear_sweep())
    [sweep] = store.list_sweeps()
    [run] = store.sweep_runs(sweep.id)
    assert run.status == "stopped" and run.message == "Stopped before it started."


def test_machine_workers_are_bounded_by_cores_and_memory():
    assert machine_workers(cpus=8, available_bytes=10e9) == 8
    assert machine_workers(cpus=8, available_bytes=3.6e9) == 3  # 1.2 GB a worker
    assert machine_workers(cpus=2, available_bytes=1e9) == 1  # never none
    assert machine_workers(cpus=500, available_bytes=1e15) == 64
    assert 1 <= machine_workers() <= (os.cpu_count() or 1)


def test_longest_variants_go_first_to_the_worker_free_first():
    assert spread([1.0, 1.0, 1.0, 1.0], workers=2) == 2.0
    assert spread([5.0, 1.0, 1.0, 1.0], workers=2) == 5.0
    assert spread([5.0, 1.0], workers=1) == 6.0
    assert spread([2.0], workers=4) == 2.0


def test_no_estimate_without_a_run_like_it(tflab_home):
    store = RunStore(tflab_home)
    sweep = linear_sweep()
    assert estimate_seconds(store, sweep, workers=2) is None
    digits = get_recipe("multiclass").spec
    finished_run(store, digits, seconds=30.0, epochs=10)  # another dataset: not like it
    finished_run(store, sweep.base, seconds=30.0, epochs=10, status="failed")
    assert estimate_seconds(store, sweep, workers=2) is None


def test_the_estimate_follows_the_pace_of_runs_of_the_same_recipe(tflab_home):
    store = RunStore(tflab_home)
    sweep = linear_sweep(epochs=100, rates="0.01,0.02,0.03")
    for seconds in (10.0, 20.0, 90.0):  # 0.1, 0.2 and 0.9 s an epoch: the median is 0.2
        finished_run(store, sweep.base, seconds=seconds, epochs=100)
    # Three variants of 100 epochs at 0.2 s: 20 s each; two workers take two, then one.
    assert estimate_seconds(store, sweep, workers=2) == pytest.approx(40 + STARTUP_SECONDS)
    assert estimate_seconds(store, sweep, workers=3, workers_up=3) == pytest.approx(20)
    assert estimate_seconds(store, sweep, workers=1) == pytest.approx(60 + STARTUP_SECONDS)
    assert str(about(estimate_seconds(store, sweep, workers=2))) == "about 44 s"


def test_the_same_recipe_counts_before_others_on_its_dataset(tflab_home):
    store = RunStore(tflab_home)
    sweep = linear_sweep(epochs=10, rates="0.01")
    custom = sweep.base.with_setting("recipe", "custom")
    finished_run(store, custom, seconds=100.0, epochs=10)  # same dataset, another recipe
    assert estimate_seconds(store, sweep, workers=1, workers_up=1) == pytest.approx(100)
    finished_run(store, sweep.base, seconds=5.0, epochs=10)
    assert estimate_seconds(store, sweep, workers=1, workers_up=1) == pytest.approx(5)
