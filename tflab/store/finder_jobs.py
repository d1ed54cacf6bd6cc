"""The learning-rate finder jobs of a `RunStore` (`tflab.finder`): queued by Build, done
by the worker.

A range test is not a run: it keeps no model and no epochs, and lists of runs (Runs, the
sidebar) must not show it. It has its own small table, and the worker takes these jobs
before queued runs: they last seconds and a person is waiting.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     job_id = store.queue_finder({"recipe": "linear"})
...     _ = store.claim_finder()
...     store.finder_progress(job_id, 0.5)
...     store.finder(job_id).progress
0.5
"""

from __future__ import annotations

import time
from typing import Any

from tflab.store.records import (FINDER_STATUSES, FinderJob, RunNotFound, finder_job_from_row,
                                 new_id, require_row, to_json)
from tflab.store.schema import Database


class FinderJobs(Database):
    """The `finder_jobs` table's part of `RunStore` (see there)."""

    def queue_finder(self, spec: dict[str, Any]) -> str:
        """Queue a learning-rate finder job for `spec` (a JSON-ready dict); returns its id.

        Example:

        >>> import tempfile
        >>> from tflab.store import RunStore
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     job_id = store.queue_finder({"recipe": "linear"})
        ...     store.finder(job_id).status, store.claim_finder() == job_id
        ('queued', True)
        """
        spec_json = to_json("spec", spec)
        job_id = new_id("f")
        with self._transaction() as db:
            db.execute("INSERT INTO finder_jobs (id, spec, status, created, pid, pid_started)"
                       " VALUES (?, ?, 'queued', ?, ?, ?)",
                       (job_id, spec_json, time.time(), self._pid, self._pid_started))
        return job_id

    def claim_finder(self) -> str | None:
        """Take the oldest queued finder job for this process, marked running; None when
        none. Atomic, as `claim_next`."""
        return self._claim_oldest("finder_jobs")

    def finder_progress(self, job_id: str, share: float) -> None:
        """Record the share (0..1) of a running finder job's batches done."""
        with self._transaction() as db:
            db.execute("UPDATE finder_jobs SET progress = ? WHERE id = ? AND status = 'running'",
                       (min(1.0, max(0.0, float(share))), job_id))

    def finish_finder(self, job_id: str, status: str, result: dict[str, Any] | None = None,
                      message: str = "") -> None:
        """Record how a finder job ended: `status` "completed" (with `result`) or "failed"
        (with `message`)."""
        if status not in FINDER_STATUSES[2:]:
            raise ValueError(f"`status` must be one of {', '.join(FINDER_STATUSES[2:])}; "
                             f"received {status!r}.")
        result_json = to_json("result", result or {})
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE finder_jobs SET status = ?, result = ?, message = ?, progress = ?"
                " WHERE id = ?", (status, result_json, message,
                                  1.0 if status == "completed" else 0.0, job_id))
            require_row(cursor, job_id)

    def finder(self, job_id: str) -> FinderJob:
        """The finder job `job_id`; `RunNotFound` if there is none."""
        row = self._db().execute("SELECT * FROM finder_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no finder job with id {job_id!r}")
        return finder_job_from_row(row)
