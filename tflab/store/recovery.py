"""Tidying a `RunStore` after a process died: runs and finder jobs left `running` or
`queued` by a process that no longer lives become `interrupted`, their epochs kept.

Two ways to learn of a death: opening the store looks at every unfinished row's process
(`recover`, through `tflab.liveness`), and the executor that watches its worker says so
as soon as it sees it end (`worker_ended`), with how it ended.

Example:

>>> import sqlite3, tempfile
>>> from tflab.store import RunStore
>>> folder = tempfile.mkdtemp()
>>> with RunStore(folder) as store:
...     run_id = store.create_run("mlp", {}, epochs=4)
>>> with sqlite3.connect(f"{folder}/runs.sqlite3") as db:  # as if a dead app queued it
...     _ = db.execute("UPDATE runs SET pid = NULL")
>>> with RunStore(folder) as store:
...     store.get_run(run_id).message
'The app stopped before this run started.'
"""

from __future__ import annotations

import sqlite3
import time

from tflab.liveness import how_ended, process_alive
from tflab.store.schema import SELECT_RUNS, Database


class Recovery(Database):
    """Marking `interrupted` what a dead process left unfinished: part of `RunStore`."""

    def recover(self) -> None:
        """Mark `interrupted` the unfinished runs whose process has ended.

        Nobody saw the process end, so a run that trained is given as its end the time of
        the last epoch it wrote (else its start): when it last made progress, a lower bound
        of when it died, rather than now, which may be days later.
        """
        self._recover_finder_jobs()
        rows = self._db().execute(
            SELECT_RUNS + " WHERE r.status IN ('running', 'queued')").fetchall()
        orphans = [row for row in rows
                   if row["pid"] is None or not process_alive(row["pid"], row["pid_started"])]
        if not orphans:
            return
        now = time.time()
        with self._transaction() as db:
            for row in orphans:
                ended = now
                if row["status"] == "running":
                    last = db.execute("SELECT MAX(time) FROM metrics WHERE run_id = ?"
                                      " AND kind = 'epoch'", (row["id"],)).fetchone()[0]
                    ended = last or row["started"] or now
                # The status guard leaves alone a run that moved on since it was read.
                db.execute("UPDATE runs SET status = 'interrupted', message = ?, ended = ?"
                           " WHERE id = ? AND status = ?",
                           (_interrupted_message(row), ended, row["id"], row["status"]))

    def worker_ended(self, pid: int, returncode: int, at: float) -> list[str]:
        """A worker process seen to end (`tflab.executor.ProcessExecutor` watches its own):
        mark `interrupted` the runs it was training, ended `at`, their epochs kept, with a
        message saying what ended it; returns their ids.

        Args:
            pid: the worker's process id.
            returncode: how it ended, as `subprocess.Popen.returncode` gives it (-9: killed
                by SIGKILL).
            at: when it was seen to have ended (unix s).

        Example:

        >>> import os, tempfile
        >>> from tflab.store import RunStore
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     run_id = store.create_run("mlp", {}, epochs=10)
        ...     store.claim_next() == run_id
        ...     store.add_epochs(run_id, [(1, {"loss": 0.5})])
        ...     store.worker_ended(os.getpid(), -9, 1e9) == [run_id]
        ...     store.get_run(run_id).message
        True
        True
        'The training process was killed (SIGKILL) during epoch 2.'
        """
        rows = self._db().execute(SELECT_RUNS + " WHERE r.status = 'running' AND r.pid = ?",
                                  (pid,)).fetchall()
        with self._transaction() as db:
            for row in rows:
                epoch = row["epochs_done"] + 1  # the epoch it was in, or saving after the last
                if row["epochs"] is not None:
                    epoch = min(epoch, row["epochs"])
                db.execute("UPDATE runs SET status = 'interrupted', message = ?, ended = ?"
                           " WHERE id = ? AND status = 'running'",
                           (f"The training process {how_ended(returncode)} during epoch "
                            f"{epoch}.", at, row["id"]))
        return [row["id"] for row in rows]

    def _recover_finder_jobs(self) -> None:
        """Mark `interrupted` the unfinished finder jobs whose process has ended."""
        rows = self._db().execute("SELECT id, status, pid, pid_started FROM finder_jobs"
                                  " WHERE status IN ('running', 'queued')").fetchall()
        orphans = [row for row in rows
                   if row["pid"] is None or not process_alive(row["pid"], row["pid_started"])]
        if orphans:
            with self._transaction() as db:
                db.executemany("UPDATE finder_jobs SET status = 'interrupted' WHERE id = ?"
                               " AND status = ?", [(row["id"], row["status"]) for row in orphans])


def _interrupted_message(row: sqlite3.Row) -> str:
    if row["status"] == "queued":
        return "The app stopped before this run started."
    progress = f"epoch {row['epochs_done']}"
    if row["epochs"] is not None:
        progress += f" of {row['epochs']}"
    return f"The process running this run ended before it finished ({progress})."
