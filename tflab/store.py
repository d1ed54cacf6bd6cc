"""The run store: every training run, its metrics and its saved model, on disk.

A `RunStore` keeps runs in a SQLite database (`runs.sqlite3`) and each run's model
beside it (`models/<run_id>.keras`), in one folder: `TFLAB_HOME`, else `~/.tflab`.
A training worker thread writes to it while the dashboard reads from other threads
(or other processes); SQLite's WAL journal lets readers see the latest committed
epochs without waiting for the writer.

Opening a store also tidies up after a crash: a run left `running` or `queued` by a
process that no longer exists becomes `interrupted`, its metrics kept.

Example:

>>> import tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> store = RunStore(folder.name)
>>> run_id = store.create_run("mlp", {"fit": {"epochs": 2}}, epochs=2)
>>> store.mark_running(run_id)
>>> store.add_epochs(run_id, [(0, {"loss": 0.9}), (1, {"loss": 0.5})])
>>> store.history(run_id)
{'loss': [(0, 0.9), (1, 0.5)]}
>>> store.finish(run_id, "completed", final_metrics={"loss": 0.5})
>>> store.get_run(run_id).status
'completed'
>>> store.close(); folder.cleanup()
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import secrets
import shutil
import signal
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from tflab import store_health
from tflab.store_health import StoreUnavailable
from tflab.words import from_data, to_data

STATUSES = ("queued", "running", "completed", "stopped", "failed", "diverged", "interrupted")
FINISHED = STATUSES[2:]
FINDER_STATUSES = ("queued", "running", "completed", "failed", "interrupted")

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
# Who trains a queued run: this machine's workers (`tflab.worker`), or a Ray cluster
# (`tflab.ray_executor`). A worker claims only local runs: a run queued for Ray waits in
# the store too, and a worker taking it would train it twice into one run.
PLACES = ("local", "ray")
MAX_LABEL = 60
MAX_VIEW_SNAPSHOTS = 200  # past views kept per run and kind: every epoch up to this many

# One row per run plus how many distinct epochs it has logged.
_SELECT_RUNS = """
    SELECT r.*, (SELECT COUNT(DISTINCT m.epoch) FROM metrics m
                 WHERE m.run_id = r.id AND m.kind = 'epoch') AS epochs_done
    FROM runs r"""

_RUN_ID = re.compile(r"[0-9a-z]+")
_WEIGHTS_FILE = re.compile(r"epoch-([0-9]+)\.npz")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class RunNotFound(KeyError):
    """No run matches the id (or prefix) given, or a prefix matches several.

    A `KeyError` whose text reads plainly (`KeyError` would show it in quotes).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Run:
    """One run as stored: what was trained, how it went, and when.

    `created`, `started` and `ended` are unix seconds (None until set); `epochs` is
    the number planned (None if open-ended) and `epochs_done` the number logged.
    `label` is the person's short name for the run ('' until given); `profile` what the
    training inputs looked like (see `set_profile`), None until training recorded it.
    """

    id: str
    recipe: str
    spec: dict[str, Any]
    status: str
    message: str
    created: float
    started: float | None
    ended: float | None
    epochs: int | None
    final_metrics: dict[str, Any]
    epochs_done: int
    pid: int | None
    label: str = ""
    profile: dict[str, Any] | None = None
    said: tuple = ()  # the message as phrases (tflab.words), to say in any language
    sweep: str | None = None  # the sweep the run is a variant of
    place: str = "local"  # who trains it: PLACES

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, or to now while it runs; None if not started."""
        if self.started is None:
            return None
        return (self.ended if self.ended is not None else time.time()) - self.started


@dataclass(frozen=True)
class Sweep:
    """One sweep as stored (`RunStore.create_sweep`): its variants are the runs that name
    it (`RunStore.sweep_runs`).

    `spec` is the sweep as `tflab.sweep.SweepSpec.to_dict` gives it; `varies` the varied
    settings' paths, in order; `created` unix seconds.
    """

    id: str
    created: float
    spec: dict[str, Any]
    varies: tuple[str, ...]


@dataclass(frozen=True)
class FinderJob:
    """One learning-rate finder job as stored (`RunStore.queue_finder`).

    `status` is one of `FINDER_STATUSES`; `progress` the share of its batches done (0..1);
    `result` the range test as `tflab.finder.RangeTest.to_dict` gives it ({} until it is
    done); `message` what went wrong when it failed, and `result` then may hold the
    error's phrase as {"phrase": {"key": ..., "values": {...}}}.
    """

    id: str
    spec: dict[str, Any]
    status: str
    created: float
    progress: float
    result: dict[str, Any]
    message: str

    @property
    def done(self) -> bool:
        return self.status in FINDER_STATUSES[2:]


@dataclass(frozen=True)
class RunSnapshot:
    """A run and what it has written, read at one moment (`RunStore.snapshot`).

    `history` and `batches` are as `RunStore.history` and `RunStore.batches` give them
    (`history` and `epoch_times` only after `after_epoch` when the snapshot was asked so),
    `batch_epoch` the epoch of those batches (None before the first), `epoch_times` as
    `RunStore.epoch_times`, `view` as `RunStore.view`, `view_epochs` (the epochs an epoch
    slider offers) as `RunStore.view_epochs`; `place` is the run's place in the queue from
    1 (None unless queued) and `training_now` the runs training at that moment.
    """

    run: Run
    history: dict[str, list[tuple[int, float]]]
    epoch_times: list[tuple[int, float]]
    batches: dict[str, list[tuple[int, float]]]
    batch_epoch: int | None
    view: tuple[str, int, dict[str, Any]] | None
    place: int | None
    training_now: int
    view_epochs: tuple[int, ...] = ()


def kept_view_epochs(epochs: Iterable[int], limit: int = MAX_VIEW_SNAPSHOTS) -> list[int]:
    """Which of a run's view epochs to keep: every one while the latest is at most
    `limit`, then at most `limit` spread evenly, epoch 1 and the latest always among them.

    Past `limit` the epochs 1..latest are cut into equal buckets of a power-of-two width,
    the narrowest giving fewer than `limit` buckets, and the first view of each bucket is
    kept, with the latest. The rule depends only on the epochs given, so it is the same
    whenever it is applied, and it only ever drops epochs as a run grows: the width
    doubles, two buckets become one, and the first of the two firsts stays.

    Args:
        epochs: the epochs that have a view (any order; repeats ignored).
        limit: the most to keep, at least 2. Defaults to `MAX_VIEW_SNAPSHOTS`.

    Example:

    >>> kept_view_epochs(range(1, 11), limit=4)
    [1, 5, 9, 10]
    >>> kept_view_epochs([1, 2, 3], limit=4)
    [1, 2, 3]
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 2:
        raise ValueError(f"`limit` must be a whole number of at least 2; received {limit!r}.")
    epochs = sorted(set(epochs))
    if not epochs or epochs[-1] <= limit:
        return epochs
    latest, width = epochs[-1], 1
    while math.ceil(latest / width) > limit - 1:
        width *= 2
    firsts: dict[int, int] = {}
    for epoch in epochs:
        firsts.setdefault((epoch - 1) // width, epoch)
    return sorted({*firsts.values(), latest})


def weights_file(folder: str | os.PathLike[str], epoch: int) -> Path:
    """The file holding a run's weights at `epoch` (counted from 1) in `folder`
    (`tflab.kept`).

    Example:

    >>> weights_file("models/r1", 7).name
    'epoch-7.npz'
    """
    if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 1:
        raise ValueError(f"`epoch` must be a whole number from 1; received {epoch!r}.")
    return Path(folder) / f"epoch-{int(epoch)}.npz"


def kept_weight_epochs(folder: str | os.PathLike[str]) -> list[int]:
    """The epochs whose weights `folder` holds, oldest first; [] when it does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(int(match[1]) for path in folder.iterdir()
                  if (match := _WEIGHTS_FILE.fullmatch(path.name)))


def default_root() -> Path:
    """The store's folder: the `TFLAB_HOME` environment variable, else `~/.tflab`.

    Example:

    >>> default_root()  # doctest: +SKIP
    PosixPath('/home/ana/.tflab')
    """
    home = os.environ.get("TFLAB_HOME")
    return Path(home).expanduser() if home else Path.home() / ".tflab"


def start_new_store(root: str | os.PathLike[str] | None = None) -> tuple["RunStore", Path | None]:
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


class RunStore:
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
        self.root = Path(root).expanduser() if root is not None else default_root()
        self.path = self.root / "runs.sqlite3"
        self._pid = os.getpid()
        self._pid_started = _process_start_time(self._pid)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._closed = False
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

    # -- writing -------------------------------------------------------------

    def create_run(self, recipe: str, spec: dict[str, Any], epochs: int | None = None,
                   sweep: str | None = None, place: str = "local") -> str:
        """Add a `queued` run and return its id.

        Args:
            recipe: the name of the recipe the run trains.
            spec: the full spec, as a JSON-ready dict.
            epochs: the number of epochs planned. Defaults to None (open-ended).
            sweep: the id of the sweep the run is a variant of (`create_sweep`).
                Defaults to None: none.
            place: who trains it, one of `PLACES`: "local" (this machine's workers claim
                it) or "ray" (a `RayExecutor` sends it to Ray). Defaults to "local".
        """
        if not isinstance(recipe, str) or not recipe:
            raise ValueError(f"`recipe` must be a non-empty string; received {recipe!r}.")
        if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int)
                                   or epochs < 1):
            raise ValueError(
                f"`epochs` must be a positive whole number or None; received {epochs!r}.")
        if place not in PLACES:
            raise ValueError(f"`place` must be one of {', '.join(PLACES)}; received {place!r}.")
        spec_json = _to_json("spec", spec)
        while True:
            run_id = _new_run_id()
            try:
                with self._transaction() as db:
                    # The creator's pid lets a later open tell a queue left by a dead
                    # app from one that a live process is still working through.
                    if sweep is not None and db.execute(
                            "SELECT 1 FROM sweeps WHERE id = ?", (sweep,)).fetchone() is None:
                        raise RunNotFound(f"no sweep with id {sweep!r}")
                    db.execute(
                        "INSERT INTO runs (id, recipe, spec, status, created, epochs, pid,"
                        " pid_started, sweep, place) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
                        (run_id, recipe, spec_json, time.time(), epochs, self._pid,
                         self._pid_started, sweep, place))
                return run_id
            except sqlite3.IntegrityError:
                continue  # same millisecond and same random suffix: draw again

    def mark_running(self, run_id: str) -> None:
        """Mark the run `running`, started now, owned by this process."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE runs SET status = 'running', started = ?, pid = ?, pid_started = ?"
                " WHERE id = ?", (time.time(), self._pid, self._pid_started, run_id))
            _require_row(cursor, run_id)

    def claim_next(self) -> str | None:
        """Take the oldest queued local run (`PLACES`) for this process, marked running;
        None when none.

        Atomic: two workers never take the same run.
        """
        return self._claim_oldest("runs", {"started": time.time()}, "place = 'local'")

    def cancel_queued(self, run_id: str, message: str) -> bool:
        """Stop a run that has not started; False when it already has (ask it to stop)."""
        with self._transaction() as db:
            cursor = db.execute("UPDATE runs SET status = 'stopped', message = ?, ended = ?"
                                " WHERE id = ? AND status = 'queued'", (message, time.time(), run_id))
            return cursor.rowcount == 1

    def finish(self, run_id: str, status: str, message: str = "",
               final_metrics: dict[str, Any] | None = None, said: tuple = ()) -> None:
        """Record how the run ended.

        Args:
            run_id: the run's id.
            status: one of `FINISHED`.
            message: a line for the user, such as the error, in English. Defaults to "".
            final_metrics: metrics of the finished model. Defaults to None (none).
            said: the same message as phrases and text (`tflab.words.Phrase`), which
                pages say in the reader's language. Defaults to () (only `message`).
        """
        if status not in FINISHED:
            raise ValueError(
                f"`status` must be one of {', '.join(FINISHED)}; received {status!r}.")
        metrics_json = _to_json("final_metrics", final_metrics or {})
        said_json = json.dumps(to_data(tuple(said)))
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE runs SET status = ?, message = ?, ended = ?, final_metrics = ?, said = ?"
                " WHERE id = ?", (status, message, time.time(), metrics_json, said_json, run_id))
            _require_row(cursor, run_id)

    def add_epochs(self, run_id: str, rows: Iterable[tuple[int, dict[str, float]]],
                   at: float | None = None) -> None:
        """Append epoch metrics, given as `[(epoch, {name: value}), ...]`, at once.

        All rows go in one transaction, so a reader sees the whole buffer or none
        of it. NaN is kept (read back as NaN), and so are infinities.

        Args:
            run_id: the run's id.
            rows: the epochs and their metrics.
            at: when they were written, in unix seconds (`epoch_times`). Defaults to
                None: now.
        """
        at = time.time() if at is None else float(at)
        values = [(run_id, "epoch", int(epoch), None, name, _to_real(name, value), at)
                  for epoch, metrics in rows for name, value in metrics.items()]
        if values:
            with self._transaction() as db:
                db.executemany(
                    "INSERT INTO metrics (run_id, kind, epoch, step, name, value, time)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", values)

    def add_batches(self, run_id: str,
                    rows: Iterable[tuple[int, int, dict[str, float]]]) -> None:
        """Append batch metrics, given as `[(epoch, step, {name: value}), ...]`, at once.

        Readers only show the current epoch's batches, so rows older than the
        previous epoch are deleted in the same transaction: the table stays small.
        """
        values = [(run_id, "batch", int(epoch), int(step), name, _to_real(name, value))
                  for epoch, step, metrics in rows for name, value in metrics.items()]
        if not values:
            return
        latest = max(row[2] for row in values)
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO metrics (run_id, kind, epoch, step, name, value)"
                " VALUES (?, ?, ?, ?, ?, ?)", values)
            db.execute("DELETE FROM metrics WHERE run_id = ? AND kind = 'batch' AND epoch < ?",
                       (run_id, latest - 1))

    def set_view(self, run_id: str, kind: str, epoch: int, payload: dict[str, Any]) -> None:
        """Keep `payload` (plain JSON data) as the latest view of `kind` for the run, and
        among its past views; past views beyond `kept_view_epochs` are dropped at once."""
        text = _to_json("payload", payload)
        epoch = _check_epoch("epoch", epoch)
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO views (run_id, kind, epoch, payload)"
                       " VALUES (?, ?, ?, ?)", (run_id, kind, epoch, text))
            db.execute("INSERT OR REPLACE INTO view_history (run_id, kind, epoch, payload)"
                       " VALUES (?, ?, ?, ?)", (run_id, kind, epoch, text))
            have = [row[0] for row in db.execute(
                "SELECT epoch FROM view_history WHERE run_id = ? AND kind = ?", (run_id, kind))]
            dropped = set(have) - set(kept_view_epochs(have))
            db.executemany("DELETE FROM view_history WHERE run_id = ? AND kind = ? AND epoch = ?",
                           [(run_id, kind, e) for e in dropped])

    def view(self, run_id: str) -> tuple[str, int, dict[str, Any]] | None:
        """The run's latest view as (kind, epoch, payload), or None before the first."""
        row = self._db().execute("SELECT kind, epoch, payload FROM views WHERE run_id = ?"
                                 " ORDER BY epoch DESC LIMIT 1", (run_id,)).fetchone()
        return None if row is None else (row["kind"], row["epoch"], json.loads(row["payload"]))

    def view_epochs(self, run_id: str, kind: str | None = None) -> list[int]:
        """The epochs whose view is kept, oldest first: what an epoch slider offers.

        Every epoch that sent a view while the run is short, a bounded spread over a long
        one (`kept_view_epochs`). A run from a TF Lab that kept only the latest view has
        that one epoch. [] before the first view.

        Args:
            run_id: the run's id.
            kind: only views of this kind ('boundary', 'matrix', ...). Defaults to None:
                any (a run sends one kind).

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     run_id = store.create_run("mlp", {})
        ...     for epoch in (1, 2, 5):
        ...         store.set_view(run_id, "curve", epoch, {"curve_y": [epoch]})
        ...     store.view_epochs(run_id), store.view_at(run_id, 4)
        ([1, 2, 5], ('curve', 2, {'curve_y': [2]}))
        """
        where, params = self._view_filter(run_id, kind)
        rows = self._db().execute(
            f"SELECT epoch FROM view_history WHERE {where} UNION"
            f" SELECT epoch FROM views WHERE {where} ORDER BY epoch", params * 2)
        return [row["epoch"] for row in rows]

    def view_at(self, run_id: str, epoch: int,
                kind: str | None = None) -> tuple[str, int, dict[str, Any]] | None:
        """The view as it was at `epoch`: (kind, kept epoch, payload), or None.

        Not every epoch's view is kept (`view_epochs` says which are), so this is the view
        of the nearest kept epoch at or before `epoch`; the epoch returned says which.
        None when no view is kept at or before it.

        Args:
            run_id: the run's id.
            epoch: the epoch wanted, counted from 1.
            kind: only views of this kind. Defaults to None: any.
        """
        epoch = _check_epoch("epoch", epoch)
        where, params = self._view_filter(run_id, kind)
        row = self._db().execute(
            f"SELECT kind, epoch, payload FROM view_history WHERE {where} AND epoch <= ?"
            f" UNION ALL SELECT kind, epoch, payload FROM views WHERE {where} AND epoch <= ?"
            " ORDER BY epoch DESC LIMIT 1", (*params, epoch, *params, epoch)).fetchone()
        return None if row is None else (row["kind"], row["epoch"], json.loads(row["payload"]))

    @staticmethod
    def _view_filter(run_id: str, kind: str | None) -> tuple[str, tuple]:
        if kind is None:
            return "run_id = ?", (run_id,)
        return "run_id = ? AND kind = ?", (run_id, kind)

    def set_label(self, run_id: str, label: str) -> str:
        """Give the run a short name of the person's; returns it as kept ('' clears it).

        Whitespace runs (newlines included) become one space; at most `MAX_LABEL` characters.

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     run_id = store.create_run("cnn", {})
        ...     store.set_label(run_id, "  my cats\\n vs dogs ")
        'my cats vs dogs'
        """
        if not isinstance(label, str):
            raise ValueError(f"`label` must be text; received {label!r}.")
        label = " ".join(label.split())
        if len(label) > MAX_LABEL:
            raise ValueError(f"`label` must be at most {MAX_LABEL} characters; received "
                             f"{len(label)}.")
        with self._transaction() as db:
            _require_row(db.execute("UPDATE runs SET label = ? WHERE id = ?", (label, run_id)),
                         run_id)
        return label

    def set_profile(self, run_id: str, profile: dict[str, Any]) -> None:
        """Keep what the run's training inputs looked like (plain JSON data), so predictions
        can tell an input unlike them; written once the data is loaded."""
        text = _to_json("profile", profile)
        with self._transaction() as db:
            _require_row(db.execute("UPDATE runs SET profile = ? WHERE id = ?", (text, run_id)),
                         run_id)

    def request_stop(self, run_id: str) -> None:
        """Ask the process running this run to stop it after the current batch."""
        with self._transaction() as db:
            _require_row(db.execute("UPDATE runs SET stop_requested = 1 WHERE id = ?",
                                    (run_id,)), run_id)

    def delete_run(self, run_id: str) -> None:
        """Delete the run, its metrics, its model file, its kept weights and its
        `runs/<run_id>/` folder."""
        with self._transaction() as db:
            row = db.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise RunNotFound(f"no run with id {run_id!r}")
            if row["status"] == "running":
                raise ValueError(
                    f"Run {run_id!r} is running; stop it first (request_stop) and delete "
                    "it once it has finished.")
            db.execute("DELETE FROM metrics WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM views WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM view_history WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        self.model_path(run_id).unlink(missing_ok=True)
        for folder in (self.weights_folder(run_id), self.root / "runs" / run_id):
            if folder.is_dir():
                shutil.rmtree(folder)

    # -- reading -------------------------------------------------------------

    def get_run(self, run_id: str) -> Run:
        """The run with this id; `RunNotFound` (a `KeyError`) if there is none."""
        row = self._db().execute(_SELECT_RUNS + " WHERE r.id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no run with id {run_id!r}")
        return _run_from_row(row)

    def list_runs(self, limit: int = 200, statuses: Iterable[str] | None = None) -> list[Run]:
        """The newest runs first.

        Args:
            limit: the most runs to return. Defaults to 200.
            statuses: only runs with one of these statuses. Defaults to None (all).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"`limit` must be a positive whole number; received {limit!r}.")
        sql, params = _SELECT_RUNS, []
        if statuses is not None:
            wanted = (statuses,) if isinstance(statuses, str) else tuple(statuses)
            unknown = [status for status in wanted if status not in STATUSES]
            if unknown:
                raise ValueError(f"`statuses` must hold only {', '.join(STATUSES)}; "
                                 f"received {unknown!r}.")
            sql += f" WHERE r.status IN ({', '.join('?' * len(wanted))})"
            params += wanted
        sql += " ORDER BY r.created DESC, r.id DESC LIMIT ?"
        rows = self._db().execute(sql, (*params, limit)).fetchall()
        return [_run_from_row(row) for row in rows]

    def queued_ids(self, place: str = "local") -> list[str]:
        """Ids of the queued runs `place` trains (`PLACES`), oldest first: the order to
        train them in."""
        rows = self._db().execute(
            "SELECT id FROM runs WHERE status = 'queued' AND place = ? ORDER BY created, id",
            (place,))
        return [row["id"] for row in rows]

    def stop_requested(self, run_id: str) -> bool:
        """Whether `request_stop` was called for this run."""
        row = self._db().execute("SELECT stop_requested FROM runs WHERE id = ?",
                                 (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no run with id {run_id!r}")
        return bool(row["stop_requested"])

    def history(self, run_id: str) -> dict[str, list[tuple[int, float]]]:
        """Epoch metrics as `{name: [(epoch, value), ...]}`, by epoch; {} if none."""
        return self._history(run_id, None)

    def history_since(self, run_id: str, after_epoch: int) -> dict[str, list[tuple[int, float]]]:
        """The epoch metrics written after epoch `after_epoch`, as `history` gives them.

        A page that has drawn up to epoch N asks for the epochs after N, so what it reads
        per update stays small however long the run is. One SELECT: one read transaction,
        so an epoch the worker is writing is in it whole or not at all.

        Args:
            run_id: the run's id.
            after_epoch: the last epoch already drawn (0 or less: from the start).

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     run_id = store.create_run("mlp", {})
        ...     store.add_epochs(run_id, [(1, {"loss": 0.9}), (2, {"loss": 0.5})])
        ...     store.history_since(run_id, 1)
        {'loss': [(2, 0.5)]}
        """
        return self._history(run_id, _check_epoch("after_epoch", after_epoch))

    def _history(self, run_id: str, after_epoch: int | None) -> dict[str, list[tuple[int, float]]]:
        sql = "SELECT name, epoch, value FROM metrics WHERE run_id = ? AND kind = 'epoch'"
        params: tuple = (run_id,)
        if after_epoch is not None:
            sql, params = sql + " AND epoch > ?", (run_id, after_epoch)
        return _series(self._db().execute(sql + " ORDER BY epoch, rowid", params), "epoch")

    def epoch_times(self, run_id: str, after_epoch: int | None = None) -> list[tuple[int, float]]:
        """When each epoch was written, as `[(epoch, unix seconds), ...]` by epoch.

        Epochs written by an older TF Lab, which kept no time, are left out.

        Args:
            run_id: the run's id.
            after_epoch: only the epochs after this one. Defaults to None: all.
        """
        after = -math.inf if after_epoch is None else _check_epoch("after_epoch", after_epoch)
        rows = self._db().execute(
            "SELECT epoch, MIN(time) AS time FROM metrics WHERE run_id = ? AND kind = 'epoch'"
            " AND time IS NOT NULL AND epoch > ? GROUP BY epoch ORDER BY epoch",
            (run_id, after))
        return [(row["epoch"], row["time"]) for row in rows]

    def batches(self, run_id: str, epoch: int | None = None) -> dict[str, list[tuple[int, float]]]:
        """One epoch's batch metrics as `{name: [(step, value), ...]}`; {} if none.

        Args:
            run_id: the run's id.
            epoch: which epoch. Defaults to None: the latest one with batch rows.
        """
        return self._batches(run_id, epoch)[1]

    def _batches(self, run_id: str, epoch: int | None) -> tuple[int | None, dict]:
        """(the epoch, its batches) for `batches`; the latest epoch with batches by default."""
        if epoch is None:
            epoch = self._db().execute(
                "SELECT MAX(epoch) FROM metrics WHERE run_id = ? AND kind = 'batch'",
                (run_id,)).fetchone()[0]
        rows = self._db().execute(
            "SELECT name, step, value FROM metrics WHERE run_id = ? AND kind = 'batch'"
            " AND epoch = ? ORDER BY step, rowid", (run_id, epoch))
        return epoch, _series(rows, "step")

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
            _check_epoch("after_epoch", after_epoch)
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

    def resolve(self, prefix: str) -> str:
        """The full id of the one run whose id starts with `prefix`.

        Raises `RunNotFound` (a `KeyError`) when no run, or more than one, matches.
        """
        prefix = prefix.strip()
        if not prefix:
            raise RunNotFound("no run matches ''; type the start of a run id")
        ids = [row["id"] for row in self._db().execute(
            "SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY created, id",
            (len(prefix), prefix))]
        if prefix in ids or len(ids) == 1:
            return prefix if prefix in ids else ids[0]
        if not ids:
            raise RunNotFound(f"no run matches {prefix!r}")
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        raise RunNotFound(f"{prefix!r} matches {len(ids)} runs: {shown}")

    def model_path(self, run_id: str) -> Path:
        """Where the run's trained model is saved: `root/models/<run_id>.keras`."""
        if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id):
            raise ValueError("`run_id` must be a run id of lowercase letters and digits; "
                             f"received {run_id!r}.")
        return self.root / "models" / f"{run_id}.keras"

    def weights_folder(self, run_id: str) -> Path:
        """Where the weights kept at past epochs go: `root/models/<run_id>/`, beside the
        model (`tflab.kept`)."""
        return self.model_path(run_id).with_suffix("")

    def weight_epochs(self, run_id: str) -> list[int]:
        """The epochs whose weights the run kept, oldest first: its first epoch and its
        best by validation loss (`tflab.kept.KeepWeights`); [] when none.

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     store.weight_epochs(store.create_run("mlp", {}))
        []
        """
        return kept_weight_epochs(self.weights_folder(run_id))

    def close(self) -> None:
        """Close every thread's connection. The store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            for connection in self._connections.values():
                connection.close()
            self._connections.clear()

    # -- sweeps ------------------------------------------------------------------

    def create_sweep(self, spec: dict[str, Any], varies: Iterable[str]) -> str:
        """Keep a sweep (`spec` as `SweepSpec.to_dict` gives it, `varies` its settings'
        paths); returns its id, for `create_run(..., sweep=...)` of each variant.

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     sweep_id = store.create_sweep({"vary": []}, ["fit.epochs"])
        ...     run_id = store.create_run("mlp", {}, 2, sweep=sweep_id)
        ...     store.get_sweep(sweep_id).varies, [r.id for r in store.sweep_runs(sweep_id)] == [run_id]
        (('fit.epochs',), True)
        """
        spec_json = _to_json("spec", spec)
        varies = list(varies)
        if not all(isinstance(path, str) and path for path in varies):
            raise ValueError(f"`varies` must hold settings' paths; received {varies!r}.")
        sweep_id = "s" + _new_run_id()[1:]
        with self._transaction() as db:
            db.execute("INSERT INTO sweeps (id, created, spec, varies) VALUES (?, ?, ?, ?)",
                       (sweep_id, time.time(), spec_json, json.dumps(varies)))
        return sweep_id

    def get_sweep(self, sweep_id: str) -> Sweep:
        """The sweep `sweep_id`; `RunNotFound` if there is none."""
        row = self._db().execute("SELECT * FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no sweep with id {sweep_id!r}")
        return Sweep(id=row["id"], created=row["created"], spec=json.loads(row["spec"]),
                     varies=tuple(json.loads(row["varies"])))

    def list_sweeps(self, limit: int = 50) -> list[Sweep]:
        """The newest sweeps first, at most `limit`."""
        rows = self._db().execute("SELECT id FROM sweeps ORDER BY created DESC, id DESC"
                                  " LIMIT ?", (limit,)).fetchall()
        return [self.get_sweep(row["id"]) for row in rows]

    def sweep_runs(self, sweep_id: str) -> list[Run]:
        """The sweep's variants, in the order they were queued; `RunNotFound` if there is
        no such sweep. Its best is `tflab.metrics.best_run` of them."""
        with self._reading():
            self.get_sweep(sweep_id)
            rows = self._db().execute(_SELECT_RUNS + " WHERE r.sweep = ? ORDER BY r.created, r.id",
                                      (sweep_id,)).fetchall()
        return [_run_from_row(row) for row in rows]

    # -- learning-rate finder jobs ---------------------------------------------
    # A range test is not a run: it keeps no model and no epochs, and lists of runs
    # (Runs, the sidebar) must not show it. It has its own small table, and the worker
    # takes these jobs before queued runs: they last seconds and a person is waiting.

    def queue_finder(self, spec: dict[str, Any]) -> str:
        """Queue a learning-rate finder job for `spec` (a JSON-ready dict); returns its id.

        Example:

        >>> import tempfile
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     job_id = store.queue_finder({"recipe": "linear"})
        ...     store.finder(job_id).status, store.claim_finder() == job_id
        ('queued', True)
        """
        spec_json = _to_json("spec", spec)
        job_id = "f" + _new_run_id()[1:]
        with self._transaction() as db:
            db.execute("INSERT INTO finder_jobs (id, spec, status, created, pid, pid_started)"
                       " VALUES (?, ?, 'queued', ?, ?, ?)",
                       (job_id, spec_json, time.time(), self._pid, self._pid_started))
        return job_id

    def claim_finder(self) -> str | None:
        """Take the oldest queued finder job for this process, marked running; None when
        none. Atomic, as `claim_next`."""
        return self._claim_oldest("finder_jobs")

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
        result_json = _to_json("result", result or {})
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE finder_jobs SET status = ?, result = ?, message = ?, progress = ?"
                " WHERE id = ?", (status, result_json, message,
                                  1.0 if status == "completed" else 0.0, job_id))
            _require_row(cursor, job_id)

    def finder(self, job_id: str) -> FinderJob:
        """The finder job `job_id`; `RunNotFound` if there is none."""
        row = self._db().execute("SELECT * FROM finder_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no finder job with id {job_id!r}")
        return FinderJob(id=row["id"], spec=json.loads(row["spec"]), status=row["status"],
                         created=row["created"], progress=row["progress"],
                         result=json.loads(row["result"]), message=row["message"])

    # -- internals -----------------------------------------------------------

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

    def recover(self) -> None:
        """Mark `interrupted` the unfinished runs whose process has ended.

        Nobody saw the process end, so a run that trained is given as its end the time of
        the last epoch it wrote (else its start): when it last made progress, a lower bound
        of when it died, rather than now, which may be days later.
        """
        self._recover_finder_jobs()
        rows = self._db().execute(
            _SELECT_RUNS + " WHERE r.status IN ('running', 'queued')").fetchall()
        orphans = [row for row in rows
                   if row["pid"] is None or not _process_alive(row["pid"], row["pid_started"])]
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

        >>> import tempfile
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
        rows = self._db().execute(_SELECT_RUNS + " WHERE r.status = 'running' AND r.pid = ?",
                                  (pid,)).fetchall()
        with self._transaction() as db:
            for row in rows:
                epoch = row["epochs_done"] + 1  # the epoch it was in, or saving after the last
                if row["epochs"] is not None:
                    epoch = min(epoch, row["epochs"])
                db.execute("UPDATE runs SET status = 'interrupted', message = ?, ended = ?"
                           " WHERE id = ? AND status = 'running'",
                           (f"The training process {_how_ended(returncode)} during epoch "
                            f"{epoch}.", at, row["id"]))
        return [row["id"] for row in rows]

    def _recover_finder_jobs(self) -> None:
        """Mark `interrupted` the unfinished finder jobs whose process has ended."""
        rows = self._db().execute("SELECT id, status, pid, pid_started FROM finder_jobs"
                                  " WHERE status IN ('running', 'queued')").fetchall()
        orphans = [row for row in rows
                   if row["pid"] is None or not _process_alive(row["pid"], row["pid_started"])]
        if orphans:
            with self._transaction() as db:
                db.executemany("UPDATE finder_jobs SET status = 'interrupted' WHERE id = ?"
                               " AND status = ?", [(row["id"], row["status"]) for row in orphans])


def _how_ended(returncode: int) -> str:
    """A process's end in words, from its return code (negative: the signal that ended it).

    Example:

    >>> _how_ended(-9), _how_ended(1)
    ('was killed (SIGKILL)', 'exited (code 1)')
    """
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed ({name})"
    return f"exited (code {returncode})"


def _interrupted_message(row: sqlite3.Row) -> str:
    if row["status"] == "queued":
        return "The app stopped before this run started."
    progress = f"epoch {row['epochs_done']}"
    if row["epochs"] is not None:
        progress += f" of {row['epochs']}"
    return f"The process running this run ended before it finished ({progress})."


def _run_from_row(row: sqlite3.Row) -> Run:
    return Run(id=row["id"], recipe=row["recipe"], spec=json.loads(row["spec"]),
               status=row["status"], message=row["message"], created=row["created"],
               started=row["started"], ended=row["ended"], epochs=row["epochs"],
               final_metrics=json.loads(row["final_metrics"]),
               epochs_done=row["epochs_done"], pid=row["pid"], label=row["label"],
               profile=json.loads(row["profile"]) or None, said=from_data(json.loads(row["said"])),
               sweep=row["sweep"], place=row["place"])


def _series(rows: Iterable[sqlite3.Row], x: str) -> dict[str, list[tuple[int, float]]]:
    series: dict[str, list[tuple[int, float]]] = {}
    for row in rows:
        value = math.nan if row["value"] is None else row["value"]
        series.setdefault(row["name"], []).append((row[x], value))
    return series


def _require_row(cursor: sqlite3.Cursor, run_id: str) -> None:
    if cursor.rowcount == 0:
        raise RunNotFound(f"no run with id {run_id!r}")


def _check_epoch(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"`{field}` must be a whole number (an epoch); received {value!r}.")
    return int(value)


def _to_real(name: str, value: Any) -> float | None:
    """A metric as SQLite stores it: a float, with NaN as NULL (SQLite has no NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Metric `{name}` must be a number; received {value!r}.") from None
    return None if math.isnan(number) else number


def _to_json(field: str, value: Any) -> str:
    if not isinstance(value, dict):
        raise ValueError(f"`{field}` must be a dict; received {value!r}.")
    try:
        return json.dumps(value, default=_plain)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`{field}` must hold only JSON values (strings, numbers, bools, "
                         f"None, lists, dicts); received {value!r} ({error}).") from None


def _plain(value: Any) -> Any:
    # Keras logs hold numpy scalars; `.item()` turns them into Python numbers.
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _new_run_id() -> str:
    """`r` + milliseconds since 1970 in base 36 + 4 random hex digits.

    Eight base-36 digits last until 2059, so until then ids sort by creation time.
    """
    millis, digits = time.time_ns() // 1_000_000, ""
    while millis:
        millis, digit = divmod(millis, 36)
        digits = _BASE36[digit] + digits
    return "r" + digits.rjust(8, "0") + secrets.token_hex(2)


def _read_proc_stat(pid: int) -> tuple[str, float] | None:
    """The state letter and start time (clock ticks since boot) of `pid`, from /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 2, the command name, is in parentheses and may hold spaces: split after it.
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], float(fields[19])  # fields 3 (state) and 22 (starttime)


def _process_start_time(pid: int) -> float | None:
    """A number that changes when `pid` is reused by another process; None without /proc."""
    stat = _read_proc_stat(pid)
    return stat[1] if stat else None


def _process_alive(pid: int, started: float | None) -> bool:
    """Whether process `pid`, started at `started`, still exists."""
    if os.path.exists("/proc/self/stat"):
        stat = _read_proc_stat(pid)
        if stat is None:
            return False
        state, start = stat
        if state in ("Z", "X"):  # exited; only waiting for its parent to reap it
            return False
        return started is None or start == started
    if os.name != "posix":
        # os.kill on Windows ends the process rather than probing it, and the
        # standard library has no safe probe there: leave the run as it is.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but belongs to another user
    return True
