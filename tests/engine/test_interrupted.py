"""A run whose process is killed mid-training shows as interrupted, its epochs kept."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tflab.store import RunStore

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_training_process_leaves_an_interrupted_run_with_its_epochs(tflab_home):
    env = {**os.environ, "TFLAB_HOME": str(tflab_home), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tflab", "train", "linear", "--set", "fit.epochs=10000"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        watcher = RunStore(tflab_home)
        deadline = time.monotonic() + 120
        run_id, epochs = None, 0
        while epochs < 5:
            assert process.poll() is None, "the training process ended early"
            assert time.monotonic() < deadline, "no epochs were recorded in time"
            runs = watcher.list_runs()
            if runs:
                run_id = runs[0].id
                epochs = len(watcher.history(run_id).get("loss", []))
            time.sleep(0.05)
        assert watcher.get_run(run_id).status == "running"
        watcher.close()
    finally:
        process.send_signal(signal.SIGKILL)
        killed_at = time.time()
        process.wait(30)

    reopened = RunStore(tflab_home)
    run = reopened.get_run(run_id)
    assert run.status == "interrupted"
    assert "ended before it finished" in run.message
    history = reopened.history(run_id)["loss"]
    assert len(history) >= epochs
    assert [epoch for epoch, _ in history] == list(range(1, len(history) + 1))
    assert run.epochs_done == len(history)
    # Nobody saw it die: its end is when it last wrote an epoch, not when the store reopened.
    assert run.ended == reopened.epoch_times(run_id)[-1][1] <= killed_at
