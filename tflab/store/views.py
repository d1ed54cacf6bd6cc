"""A run's live views in a `RunStore`: the picture a page draws of the model as it trains
(a decision boundary, a fitted curve, a forecast), the latest and those of past epochs.

The latest view of each kind is kept in `views`; past ones in `view_history`, every epoch
while a run is short and a bounded spread over a long one (`kept_view_epochs`): what an
epoch slider offers.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     run_id = store.create_run("mlp", {})
...     store.set_view(run_id, "boundary", 1, {"grid": [0, 1]})
...     store.view(run_id)
('boundary', 1, {'grid': [0, 1]})
"""

from __future__ import annotations

import json
import math
from typing import Any, Iterable

from tflab.store.records import check_epoch, to_json
from tflab.store.schema import Database

MAX_VIEW_SNAPSHOTS = 200  # past views kept per run and kind: every epoch up to this many


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


class Views(Database):
    """The `views` and `view_history` tables' part of `RunStore` (see there)."""

    def set_view(self, run_id: str, kind: str, epoch: int, payload: dict[str, Any]) -> None:
        """Keep `payload` (plain JSON data) as the latest view of `kind` for the run, and
        among its past views; past views beyond `kept_view_epochs` are dropped at once."""
        text = to_json("payload", payload)
        epoch = check_epoch("epoch", epoch)
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
        >>> from tflab.store import RunStore
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
        epoch = check_epoch("epoch", epoch)
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
