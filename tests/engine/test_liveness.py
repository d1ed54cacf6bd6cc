"""Tests for tflab.liveness on real processes: alive, ended, a zombie, a reused pid."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tflab.liveness import how_ended, process_alive, process_start_time

HAS_PROC = Path("/proc/self/stat").exists()


def test_this_process_lives():
    assert process_alive(os.getpid(), process_start_time(os.getpid()))
    assert process_alive(os.getpid(), None)


def test_an_ended_process_does_not_live_even_before_it_is_reaped():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = process_start_time(child.pid)
    assert process_alive(child.pid, started)
    child.send_signal(signal.SIGKILL)
    if hasattr(os, "waitid"):  # a zombie: ended, not yet collected by its parent
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
        assert not process_alive(child.pid, started)
    assert child.wait(timeout=30) == -signal.SIGKILL
    assert not process_alive(child.pid, started)
    assert how_ended(child.returncode) == "was killed (SIGKILL)"


@pytest.mark.skipif(not HAS_PROC, reason="start times come from /proc")
def test_a_reused_pid_is_another_process():
    assert not process_alive(os.getpid(), process_start_time(os.getpid()) - 1)


def test_how_a_process_ended_in_words():
    assert how_ended(3) == "exited (code 3)"
    assert how_ended(-signal.SIGTERM) == "was killed (SIGTERM)"
    assert how_ended(-200) == "was killed (signal 200)"
