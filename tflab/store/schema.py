"""The run store's SQLite database: its tables, how an older file is brought up to date,
and the connections and transactions every part of `RunStore` shares.

Each thread gets its own connection (Streamlit reruns a page in a new thread; the
worker writes from its own). The journal is WAL, so readers see the latest committed
rows without waiting for the writer; writes are short `BEGIN IMMEDIATE` transactions
that wait up to `BUSY_TIMEOUT_SECONDS` for each other.

Example:

>>> import sqlite3, tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> database = Database(root)
>>> database._create_schema()
>>> database._db().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
True
>>> database.close()
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tflab.home import DATABASE_FILE
from tflab.liveness import process_start_time
from tflab.store_health import StoreUnavailable

SCHEMA_VERSION = 8
BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY,
        recipe TEXT NOT NULL,
        spec TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        started REAL,
        ended REAL,
        epochs INTEGER,
        final_metrics TEXT NOT NULL DEFAULT '{}',
        pid INTEGER,
        pid_started REAL,
        stop_requested INTEGER NOT NULL DEFAULT 0,
        label TEXT NOT NULL DEFAULT '',
        profile TEXT NOT NULL DEFAULT '{}',
        said TEXT NOT NULL DEFAULT '[]',
        sweep TEXT,
        place TEXT NOT NULL DEFAULT 'local'
    )""",
    """CREATE TABLE IF NOT EXISTS metrics (
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('epoch', 'batch')),
        epoch INTEGER NOT NULL,
        step INTEGER,
        name TEXT NOT NULL,
        value REAL,
        time REAL
    )""",
    "CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, kind, epoch)",
    # The latest live view of each kind (decision boundary, fitted curve, forecast).
    """CREATE TABLE IF NOT EXISTS views (
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (run_id, kind)
    )""",
    # Past views, one per kept epoch (`kept_view_epochs`): the epoch slider's snapshots.
    """CREATE TABLE IF NOT EXISTS view_history (
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (run_id, kind, epoch)
    )""",
    # Learning-rate finder jobs (tflab.finder): queued by Build, done by the worker.
    """CREATE TABLE IF NOT EXISTS finder_jobs (
        id TEXT PRIMARY KEY,
        spec TEXT NOT NULL,
        status TEXT NOT NULL,
        created REAL NOT NULL,
        pid INTEGER,
        pid_started REAL,
        progress REAL NOT NULL DEFAULT 0,
        result TEXT NOT NULL DEFAULT '{}',
        message TEXT NOT NULL DEFAULT ''
    )""",
    # Sweeps (tflab.sweep): one experiment with a few settings varied; each variant is a
    # run whose `sweep` column names its sweep.
    """CREATE TABLE IF NOT EXISTS sweeps (
        id TEXT PRIMARY KEY,
        created REAL NOT NULL,
        spec TEXT NOT NULL,
        varies TEXT NOT NULL
    )""",
)

# Columns added since a schema version, for stores written by an older TF Lab.
_ADDED_COLUMNS = (
    (3, "runs", "label", "TEXT NOT NULL DEFAULT ''"),
    (3, "runs", "profile", "TEXT NOT NULL DEFAULT '{}'"),
    (3, "metrics", "time", "REAL"),  # when an epoch was written (unix s), for the time left
    (6, "runs", "said", "TEXT NOT NULL DEFAULT '[]'"),  # the message's phrases (tflab.words)
    (7, "runs", "sweep", "TEXT"),  # the sweep the run is a variant of (NULL: none)
    (8, "runs", "place", "TEXT NOT NULL DEFAULT 'local'"),  # who trains it: PLACES
)

# One row per run plus how many distinct epochs it has logged (`records.run_from_row`).
SELECT_RUNS = """
    SELECT r.*, (SELECT COUNT(DISTINCT m.epoch) FROM metrics m
                 WHERE m.run_id = r.id AND m.kind = 'epoch') AS epochs_done
    FROM runs r"""


class Database:
    """The database file of the store at `root` (`root/runs.sqlite3`), its connections
    and transactions: what each part of `RunStore` builds on. Opens nothing until used.

    Args:
        root: the store's folder.
    """

    def __init__(self, root: Path):
        self.root = root
        self.path = root / DATABASE_FILE
        # Who writes: a queued or claimed row keeps them, so a later open can tell a row
        # left by a dead process from one a live process still works on (tflab.liveness).
        self._pid = os.getpid()
        self._pid_started = process_start_time(self._pid)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._closed = False

    def close(self) -> None:
        """Close every thread's connection. The store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            for connection in self._connections.values():
                connection.close()
            self._connections.clear()

    def _db(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and not self._closed:
            return connection
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self!r} is closed; open a new RunStore.")
            # Streamlit runs each rerun of a page in a new thread: close the
            # connections of threads that have ended so they do not pile up.
            for thread in [t for t in self._connections if not t.is_alive()]:
                self._connections.pop(thread).close()
            # isolation_level=None: transactions are begun explicitly (see below).
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS,
                                         isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            # In WAL mode NORMAL is still crash-safe for the database; it only skips
            # an fsync per commit, which keeps a training loop's writes cheap.
            connection.execute("PRAGMA synchronous = NORMAL")
            self._connections[threading.current_thread()] = connection
        self._local.connection = connection
        return connection

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """One read transaction: every read inside sees the database as at its first."""
        db = self._db()
        db.execute("BEGIN")  # deferred: a reader in WAL mode never waits for the writer
        try:
            yield
        finally:
            db.execute("COMMIT")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        # IMMEDIATE takes the write lock up front, so a busy writer makes this one
        # wait (busy timeout) rather than fail when a read would upgrade to a write.
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _create_schema(self) -> None:
        """Make the tables, or add the columns an older TF Lab's file lacks; refuse a
        file written by a newer one (`StoreUnavailable`)."""
        # The journal mode is stored in the file: once set, every connection uses it.
        self._db().execute("PRAGMA journal_mode = WAL")
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreUnavailable("newer", self.root, self.path, version=version,
                                       supported=SCHEMA_VERSION)
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA:
                    db.execute(statement)
                for since, table, column, declaration in _ADDED_COLUMNS:
                    have = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
                    if version < since and column not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _claim_oldest(self, table: str, also: dict | None = None,
                      where: str = "1") -> str | None:
        """Mark the oldest queued row of `table` (runs, finder_jobs) meeting `where` (SQL)
        running for this process, setting the columns in `also` too; its id, or None when
        none waits."""
        sets = {"status": "running", **(also or {}), "pid": self._pid,
                "pid_started": self._pid_started}
        with self._transaction() as db:  # one transaction: two workers never take one row
            row = db.execute(f"SELECT id FROM {table} WHERE status = 'queued' AND {where}"
                             " ORDER BY created, id LIMIT 1").fetchone()
            if row is None:
                return None
            db.execute(f"UPDATE {table} SET {', '.join(f'{name} = ?' for name in sets)}"
                       " WHERE id = ?", (*sets.values(), row["id"]))
            return row["id"]
