"""`RunStore`, the run store as one object: opened safely, read at one moment, started anew.

`RunStore` is made of one part per group of tables (`runs`, `metrics`, `views`,
`sweeps`, `finder_jobs`, and the recovery after a crash), sharing one database
(`tflab.store.schema.Database`). Opening it checks the folder and the file first
(`tflab.store_health`), brings an older file up to date and marks `interrupted` what a
dead process left unfinished.

Example:

>>> import tempfile
>>> with RunStore(tempfile.mkdtemp()) as store:
...     run_id = store.create_run("mlp", {}, epochs=2)
...     store.add_epochs(run_id, [(1, {"loss": 0.5})])
...     snap = store.snapshot(run_id)
...     snap.history, snap.place
({'loss': [(1, 0.5)]}, 1)
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tflab import home, store_health
from tflab.store.finder_jobs import FinderJobs
from tflab.store.metrics import Metrics
from tflab.store.records import RunSnapshot, check_epoch
from tflab.store.recovery import Recovery
from tflab.store.runs import Runs
from tflab.store.sweeps import Sweeps
from tflab.store.views import Views
from tflab.store_health import StoreUnavailable


class RunStore(Runs, Metrics, Views, Sweeps, FinderJobs, Recovery):
    """Runs, their metrics and their model files, safe to share between threads.

    Each thread gets its own SQLite connection, so the training worker and the
    dashboard can use one store at once. Writes are short transactions; readers
    are never blocked by them (WAL) and writers wait up to `BUSY_TIMEOUT_SECONDS`
    for each other.

    Args:
        root: the folder holding `runs.sqlite3` and `models/`; created if missing.
            Defaults to `default_root()` (`TFLAB_HOME`, else `~/.tflab`).

    Raises `tflab.store_health.StoreUnavailable` when the folder or its database cannot
    be used (a file in the way, no permission, a damaged file), naming it and the fix.

    Example:

    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> with RunStore(folder.name) as store:
    ...     run_id = store.create_run("cnn", {}, epochs=5)
    ...     store.queued_ids() == [run_id]
    True
    >>> folder.cleanup()
    """

    def __init__(self, root: str | os.PathLike[str] | None = None):
        super().__init__(home.root_or_default(root))
        try:
            # A folder or file that cannot hold the store is named before SQLite touches
            # it (tflab.store_health); whatever SQLite refuses after is named the same way.
            store_health.prepare_folder(self.root)
            store_health.check_file(self.path)
            store_health.check_pages(self._db(), self.path)
            self._create_schema()
            self.recover()
        except (sqlite3.DatabaseError, OSError) as error:
            self.close()
            raise store_health.from_error(self.root, self.path, error) from error
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunStore({str(self.root)!r})"

    def snapshot(self, run_id: str, after_epoch: int | None = None) -> RunSnapshot:
        """Everything the Train page shows of a run, read at one moment.

        The run, its history, its epochs' times, the latest batches, its view and its
        place in the queue come from one read transaction, so an epoch the worker
        writes meanwhile is in all of them or in none: the progress text and the curves
        drawn from one snapshot name the same epoch. `RunNotFound` if there is no run.

        Args:
            run_id: the run's id.
            after_epoch: the last epoch the caller has drawn: `history` and
                `epoch_times` then hold only the epochs after it (`history_since`), and
                the caller appends them to what it holds. Defaults to None: all epochs.

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     first, second = store.create_run("cnn", {}, 5), store.create_run("cnn", {}, 5)
        ...     snap = store.snapshot(second)
        ...     snap.run.status, snap.place, snap.training_now
        ('queued', 2, 0)
        """
        if after_epoch is not None:
            check_epoch("after_epoch", after_epoch)
        with self._reading():
            run = self.get_run(run_id)
            batch_epoch, batches = self._batches(run_id, None)
            queue = self.queued_ids(run.place) if run.status == "queued" else []
            training_now = self._db().execute(
                "SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0]
            return RunSnapshot(run=run, history=self._history(run_id, after_epoch),
                               epoch_times=self.epoch_times(run_id, after_epoch),
                               batches=batches,
                               batch_epoch=batch_epoch, view=self.view(run_id),
                               place=queue.index(run_id) + 1 if run_id in queue else None,
                               training_now=training_now,
                               view_epochs=tuple(self.view_epochs(run_id)))


def start_new_store(root: str | os.PathLike[str] | None = None) -> tuple[RunStore, Path | None]:
    """Keep a damaged runs database as a copy beside it and open a new, empty store there.

    Returns the store and where the copy is (None when the database opened after all, so
    nothing was renamed). Only a damaged database is renamed (`StoreUnavailable`'s
    `can_start_new`); any other problem is raised as it is. Nothing is deleted: the copy
    keeps the old runs, and the models and files in the folder stay.

    Example:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "runs.sqlite3").write_bytes(b"not a database" * 20)
    >>> store, copy = start_new_store(folder)
    >>> store.list_runs(), copy.read_bytes() == b"not a database" * 20
    ([], True)
    >>> store.close()
    """
    try:
        return RunStore(root), None
    except StoreUnavailable as error:
        if not error.can_start_new:
            raise
        copy = store_health.keep_damaged_copy(error.path)
    return RunStore(root), copy
