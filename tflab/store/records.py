"""What the run store gives back (`Run`, `Sweep`, `FinderJob`, `RunSnapshot`), made from
its rows, and the checks of what goes into it.

The store's modules share these: a row becomes a `Run` in one place, and a value that
SQLite cannot keep as given (a NaN, a numpy scalar in a dict) is turned into one it can
in one place.

Example:

>>> to_json("spec", {"fit": {"epochs": 3}})
'{"fit": {"epochs": 3}}'
>>> to_json("spec", [1])
Traceback (most recent call last):
...
ValueError: `spec` must be a dict; received [1].
>>> to_real("loss", float("nan")) is None, to_real("loss", 2)
(True, 2.0)
"""

from __future__ import annotations

import json
import math
import numbers
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Iterable

from tflab.words import from_data

STATUSES = ("queued", "running", "completed", "stopped", "failed", "diverged", "interrupted")
FINISHED = STATUSES[2:]
FINDER_STATUSES = ("queued", "running", "completed", "failed", "interrupted")
# Who trains a queued run: this machine's workers (`tflab.worker`), or a Ray cluster
# (`tflab.ray_executor`). A worker claims only local runs: a run queued for Ray waits in
# the store too, and a worker taking it would train it twice into one run.
PLACES = ("local", "ray")
MAX_LABEL = 60

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

    @property
    def recipe(self) -> str:
        """The recipe the sweep's variants train ('' when its spec names none)."""
        base = self.spec.get("base")
        return base.get("recipe", "") if isinstance(base, dict) else ""


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


def run_from_row(row: sqlite3.Row) -> Run:
    """The `Run` of a row of `tflab.store.schema.SELECT_RUNS`."""
    return Run(id=row["id"], recipe=row["recipe"], spec=json.loads(row["spec"]),
               status=row["status"], message=row["message"], created=row["created"],
               started=row["started"], ended=row["ended"], epochs=row["epochs"],
               final_metrics=json.loads(row["final_metrics"]),
               epochs_done=row["epochs_done"], pid=row["pid"], label=row["label"],
               profile=json.loads(row["profile"]) or None, said=from_data(json.loads(row["said"])),
               sweep=row["sweep"], place=row["place"])


def finder_job_from_row(row: sqlite3.Row) -> FinderJob:
    """The `FinderJob` of a row of the `finder_jobs` table."""
    return FinderJob(id=row["id"], spec=json.loads(row["spec"]), status=row["status"],
                     created=row["created"], progress=row["progress"],
                     result=json.loads(row["result"]), message=row["message"])


def sweep_from_row(row: sqlite3.Row) -> Sweep:
    """The `Sweep` of a row of the `sweeps` table."""
    return Sweep(id=row["id"], created=row["created"], spec=json.loads(row["spec"]),
                 varies=tuple(json.loads(row["varies"])))


def series(rows: Iterable[sqlite3.Row], x: str) -> dict[str, list[tuple[int, float]]]:
    """Metric rows as `{name: [(row[x], value), ...]}`, NULL read back as NaN."""
    found: dict[str, list[tuple[int, float]]] = {}
    for row in rows:
        value = math.nan if row["value"] is None else row["value"]
        found.setdefault(row["name"], []).append((row[x], value))
    return found


def require_row(cursor: sqlite3.Cursor, run_id: str) -> None:
    """`RunNotFound` when the statement just run changed no row of run `run_id`."""
    if cursor.rowcount == 0:
        raise RunNotFound(f"no run with id {run_id!r}")


def check_epoch(field: str, value: Any) -> int:
    """`value` as an int, or a ValueError naming `field` when it is no whole number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"`{field}` must be a whole number (an epoch); received {value!r}.")
    return int(value)


def to_real(name: str, value: Any) -> float | None:
    """A metric as SQLite stores it: a float, with NaN as NULL (SQLite has no NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Metric `{name}` must be a number; received {value!r}.") from None
    return None if math.isnan(number) else number


def to_json(field: str, value: Any) -> str:
    """A dict as the JSON text the store keeps; a ValueError naming `field` otherwise."""
    if not isinstance(value, dict):
        raise ValueError(f"`{field}` must be a dict; received {value!r}.")
    try:
        return json.dumps(value, default=_plain)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`{field}` must hold only JSON values (strings, numbers, bools, "
                         f"None, lists, dicts); received {value!r} ({error}).") from None


def new_id(prefix: str) -> str:
    """`prefix` + milliseconds since 1970 in base 36 + 4 random hex digits.

    Eight base-36 digits last until 2059, so until then ids sort by creation time:
    runs are "r...", sweeps "s..." and finder jobs "f...".

    Example:

    >>> run_id = new_id("r")
    >>> run_id[0], len(run_id)
    ('r', 13)
    """
    millis, digits = time.time_ns() // 1_000_000, ""
    while millis:
        millis, digit = divmod(millis, 36)
        digits = _BASE36[digit] + digits
    return prefix + digits.rjust(8, "0") + secrets.token_hex(2)


def _plain(value: Any) -> Any:
    # Keras logs hold numpy scalars; `.item()` turns them into Python numbers.
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")
