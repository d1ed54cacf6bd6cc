"""Whether a process still lives, and how one ended, in words.

The run store records which process trains each run (its pid and when it started): a run
whose process is gone was interrupted (`tflab.store.RunStore.recover`). A pid alone is
not enough, since the system reuses pids: on Linux the start time read from /proc tells a
reused pid from the process that had it. A process that has exited but is not yet reaped
(a zombie) counts as ended.

Example:

>>> me = os.getpid()
>>> process_alive(me, process_start_time(me))
True
>>> how_ended(-9), how_ended(1)
('was killed (SIGKILL)', 'exited (code 1)')
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def read_proc_stat(pid: int) -> tuple[str, float] | None:
    """The state letter and start time (clock ticks since boot) of `pid`, from /proc;
    None when there is no such process or no /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 2, the command name, is in parentheses and may hold spaces: split after it.
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], float(fields[19])  # fields 3 (state) and 22 (starttime)


def process_start_time(pid: int) -> float | None:
    """A number that changes when `pid` is reused by another process; None without /proc."""
    stat = read_proc_stat(pid)
    return stat[1] if stat else None


def process_alive(pid: int, started: float | None) -> bool:
    """Whether process `pid`, started at `started` (`process_start_time`, None when not
    known), still exists.

    Without /proc the start time cannot be compared, and on Windows no safe probe exists:
    a process is then taken to live, so a run is never marked ended while it trains.
    """
    if os.path.exists("/proc/self/stat"):
        stat = read_proc_stat(pid)
        if stat is None:
            return False
        state, start = stat
        if state in ("Z", "X"):  # exited; only waiting for its parent to reap it
            return False
        return started is None or start == started
    if os.name != "posix":
        # os.kill on Windows ends the process rather than probing it.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but belongs to another user
    return True


def how_ended(returncode: int) -> str:
    """A process's end in words, from its return code as `subprocess.Popen.returncode`
    gives it (negative: the signal that ended it).

    Example:

    >>> how_ended(-15), how_ended(-99), how_ended(0)
    ('was killed (SIGTERM)', 'was killed (signal 99)', 'exited (code 0)')
    """
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed ({name})"
    return f"exited (code {returncode})"
