"""A queue of runs (here on a thread: `thread_executor`) trains off the caller's thread,
keeps places, and stops runs on request; `tflab.job.run_job` keeps what a stopped run did."""

import time

import pytest

from tflab.models import load_model
from tflab.recipes import get_recipe
from tflab.store import RunStore
from thread_executor import ThreadExecutor


@pytest.fixture
def executor(tflab_home):
    executor = ThreadExecutor(RunStore(tflab_home))
    yield executor
    executor.shutdown()


def long_run():
    return get_recipe("linear").spec.with_setting("fit.epochs", 10000)


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_submit_returns_a_run_id_before_training_ends(executor):
    run_id = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 50))
    assert executor.store.get_run(run_id).status in ("queued", "running")
    assert executor.wait(run_id, timeout=120) == "completed"
    run = executor.store.get_run(run_id)
    assert run.epochs_done == 50 and run.started and run.ended >= run.started
    assert len(executor.store.history(run_id)["loss"]) == 50
    assert executor.store.model_path(run_id).exists()


def test_queued_runs_know_their_place_and_a_stopped_one_never_starts(executor):
    first = executor.submit(long_run())
    second = executor.submit(long_run())
    third = executor.submit(long_run())
    wait_for(lambda: executor.position(first) == 0)
    assert executor.position(second) == 1 and executor.position(third) == 2
    executor.stop(second)
    assert executor.store.get_run(second).status == "stopped"
    assert "before it started" in executor.store.get_run(second).message
    assert executor.position(third) == 1
    executor.stop(first)
    assert executor.wait(first, timeout=60) == "stopped"
    wait_for(lambda: executor.position(third) == 0)
    executor.stop(third)
    assert executor.wait(third, timeout=60) == "stopped"
    assert executor.store.get_run(second).started is None


def test_stopping_a_running_run_keeps_its_epochs_and_its_model(executor):
    run_id = executor.submit(long_run())
    wait_for(lambda: len(executor.store.history(run_id).get("loss", [])) >= 3)
    executor.stop(run_id)
    assert executor.wait(run_id, timeout=60) == "stopped"
    run = executor.store.get_run(run_id)
    assert 3 <= run.epochs_done < 10000
    model = load_model(executor.store.model_path(run_id))
    assert model.output.shape == (None, 1)


def test_a_failing_run_does_not_stop_the_worker(executor):
    bad = executor.submit(get_recipe("multiclass").spec.with_setting("data.dataset", "mnist"))
    good = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 5))
    assert executor.wait(bad, timeout=60) == "failed"
    assert "allow_download" in executor.store.get_run(bad).message
    assert executor.wait(good, timeout=60) == "completed"


def test_shutdown_stops_queued_runs(tflab_home):
    executor = ThreadExecutor(RunStore(tflab_home))
    first = executor.submit(long_run())
    second = executor.submit(long_run())
    executor.shutdown()
    assert executor.store.get_run(second).status == "stopped"
    assert executor.store.get_run(first).status in ("stopped", "completed")
    with pytest.raises(RuntimeError, match="shut down"):
        executor.submit(long_run())
