"""A worker or the app that dies mid-run (issue 12, item 3): the run says what happened,
within seconds, with its epochs kept, and not "Stopped on request" when nobody asked."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tflab.executor import ProcessExecutor
from tflab.progress import run_message
from tflab.recipes import get_recipe
from tflab.store import FINISHED, RunStore

ROOT = Path(__file__).resolve().parents[2]
LONG = get_recipe("linear").spec.with_setting("fit.epochs", 10000)


def wait_for(condition, timeout=120.0, poll=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(poll)


def epochs_written(store, run_id):
    return len(store.history(run_id).get("loss", []))


def assert_epochs_kept(store, run_id, at_least):
    run = store.get_run(run_id)
    epochs = [epoch for epoch, _ in store.history(run_id)["loss"]]
    assert len(epochs) >= at_least and epochs == list(range(1, len(epochs) + 1))
    assert run.epochs_done == len(epochs)
    return run


def end_process(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_a_killed_worker_leaves_its_run_interrupted_within_seconds_with_no_page_asking(
        tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home))
    store = executor.store
    try:
        run_id = executor.submit(LONG)
        wait_for(lambda: epochs_written(store, run_id) >= 3)
        pid = store.get_run(run_id).pid
        assert pid != os.getpid()  # the worker's, as the run records it
        seen = epochs_written(store, run_id)
        os.kill(pid, signal.SIGKILL)
        killed_at = time.time()
        # Only the store is read here: nothing asks the executor (no page, no Train press).
        wait_for(lambda: store.get_run(run_id).status in FINISHED, timeout=5)
        run = assert_epochs_kept(store, run_id, seen)
        assert run.status == "interrupted"
        assert killed_at - 0.1 <= run.ended <= killed_at + 2  # when it died, not later
        epoch = run.epochs_done + 1
        assert run.message == f"The training process was killed (SIGKILL) during epoch {epoch}."
        [said] = run_message(run.message)
        assert said.key == "progress.message.worker_killed"
        assert said.values == {"signal": "SIGKILL", "epoch": epoch}
        # Stop has nothing to stop, and Delete deletes it.
        executor.stop(run_id)
        assert store.get_run(run_id).status == "interrupted"
        store.delete_run(run_id)
        assert store.list_runs() == []
    finally:
        executor.shutdown()


@pytest.mark.slow
def test_a_worker_told_to_end_stops_its_run_saying_so_and_keeps_the_model(tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home))
    store = executor.store
    try:
        run_id = executor.submit(LONG)
        wait_for(lambda: epochs_written(store, run_id) >= 3)
        seen = epochs_written(store, run_id)
        os.kill(store.get_run(run_id).pid, signal.SIGTERM)
        assert executor.wait(run_id, timeout=30) == "stopped"
    finally:
        executor.shutdown()
    run = assert_epochs_kept(store, run_id, seen)
    assert run.message == ("Stopped: the training process was told to end (SIGTERM) during "
                           f"epoch {run.epochs_done + 1}.")
    assert run_message(run.message)[0].key == "progress.message.told_to_end"
    assert store.model_path(run_id).exists()


PARENT = """
import sys, time
from tflab.executor import ProcessExecutor
from tflab.recipes import get_recipe
from tflab.store import RunStore

executor = ProcessExecutor(RunStore(sys.argv[1]))
print(executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 10000)), flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_a_server_ended_mid_run_leaves_it_stopped_saying_the_app_shut_down(tflab_home):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-c", PARENT, str(tflab_home)], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    store = RunStore(tflab_home)
    worker = None
    try:
        run_id = server.stdout.readline().strip()
        wait_for(lambda: epochs_written(store, run_id) >= 3)
        worker = store.get_run(run_id).pid
        seen = epochs_written(store, run_id)
        server.send_signal(signal.SIGTERM)  # as `kill` or a service manager ends the app
        server.wait(30)
        wait_for(lambda: store.get_run(run_id).status in FINISHED, timeout=30)
    finally:
        end_process(server.pid)
        server.wait(30)
    run = assert_epochs_kept(store, run_id, seen)
    assert run.status == "stopped"
    assert run.message == f"Stopped: the app (its server) shut down during epoch {run.epochs_done + 1}."
    said = run_message(run.message)[0]
    assert said.key == "progress.message.app_gone" and "request" not in run.message
    assert store.model_path(run_id).exists()
    # The worker leaves with its app.
    wait_for(lambda: not Path(f"/proc/{worker}").exists()
             or Path(f"/proc/{worker}/stat").read_text().split(") ")[1][0] == "Z", timeout=30)
