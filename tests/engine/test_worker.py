"""The worker process and ProcessExecutor: training beside the app, through the store only."""

import os
import signal
import time

import pytest

from tflab.executor import ProcessExecutor
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.worker import serve


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.fixture
def executor(tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home))
    yield executor
    executor.shutdown()


def test_serve_once_trains_the_queue_in_order_and_returns(tflab_home):
    store = RunStore(tflab_home)
    spec = get_recipe("linear").spec.with_setting("fit.epochs", 5)
    first = store.create_run("linear", spec.to_dict(), 5)
    second = store.create_run("linear", spec.to_dict(), 5)
    serve(store, once=True)
    runs = {r.id: r for r in store.list_runs()}
    assert runs[first].status == runs[second].status == "completed"
    assert runs[first].started <= runs[second].started
    assert store.claim_next() is None


def test_a_run_is_claimed_by_one_worker_only(tflab_home):
    store = RunStore(tflab_home)
    run_id = store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)
    other = RunStore(tflab_home)
    assert store.claim_next() == run_id
    assert other.claim_next() is None
    assert store.get_run(run_id).status == "running"


def test_the_worker_process_trains_a_submitted_run(executor):
    run_id = executor.submit(get_recipe("binary_points").spec.with_setting("fit.epochs", 5))
    assert executor.position(run_id) in (0, 1)
    assert executor.wait(run_id, timeout=180) == "completed"
    assert executor.store.model_path(run_id).exists()
    assert executor.store.view(run_id)[0] == "boundary"
    assert executor.position(run_id) is None
    # Training yields the CPU to the pages: the worker runs at a lower priority.
    from tflab.worker import NICENESS

    [worker] = executor._processes
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == \
        min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)


def test_stop_reaches_the_worker_through_the_store(executor):
    running = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 10000))
    queued = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 10000))
    wait_for(lambda: len(executor.store.history(running).get("loss", [])) >= 3)
    assert executor.position(queued) == 1
    executor.stop(queued)
    assert executor.store.get_run(queued).status == "stopped"
    executor.stop(running)
    assert executor.wait(running, timeout=60) == "stopped"
    assert executor.store.get_run(running).message.startswith("Stopped on request during epoch ")
    assert executor.store.model_path(running).exists()
    assert executor.store.get_run(queued).started is None


def test_a_killed_worker_leaves_its_run_interrupted_and_a_new_one_takes_over(executor):
    first = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 10000))
    wait_for(lambda: len(executor.store.history(first).get("loss", [])) >= 3)
    [worker] = executor._processes
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    second = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 5))
    run = executor.store.get_run(first)
    assert run.status == "interrupted" and run.epochs_done >= 3
    assert executor.wait(second, timeout=180) == "completed"


def test_an_idle_worker_returns_by_itself(tflab_home):
    store = RunStore(tflab_home)
    run_id = store.create_run("linear", get_recipe("linear").spec.with_setting("fit.epochs", 5)
                              .to_dict(), 5)
    serve(store, idle_exit=0.3)  # trains the queued run, then waits 0.3 s for more and ends
    assert store.get_run(run_id).status == "completed"


def test_a_worker_that_left_when_idle_is_started_again(tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home), idle_exit=0.5)
    try:
        spec = get_recipe("linear").spec.with_setting("fit.epochs", 5)
        first = executor.submit(spec)
        assert executor.wait(first, timeout=180) == "completed"
        [worker] = executor._processes
        wait_for(lambda: worker.poll() is not None, timeout=60)  # gone: its memory is free
        assert worker.returncode == 0
        # A run queued by another way (the command line, another page) while no worker
        # runs: asking for its place starts one.
        queued = executor.store.create_run("linear", spec.to_dict(), 5)
        assert executor.position(queued) == 1
        [new] = executor._processes
        assert new is not worker and new.poll() is None
        assert executor.wait(queued, timeout=180) == "completed"
        assert executor.wait(executor.submit(spec), timeout=180) == "completed"
        [worker] = executor._processes
        wait_for(lambda: worker.poll() is not None, timeout=60)
        executor.ensure_worker()  # as the Train page does while it shows a queued run
        [new] = executor._processes
        assert new is not worker and new.poll() is None
    finally:
        executor.shutdown()
