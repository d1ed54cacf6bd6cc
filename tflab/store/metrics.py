"""A run's metrics in a `RunStore`: what each epoch and batch logged, and when.

The worker appends buffers of epochs (`add_epochs`) and batches (`add_batches`), each in
one transaction, so a reader sees a whole buffer or none of it; pages read the history
(`history`, or only the new epochs: `history_since`), the epochs' times for the time left
(`epoch_times`) and the current epoch's batches (`batches`).

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     run_id = store.create_run("mlp", {})
...     store.add_batches(run_id, [(1, 0, {"loss": 0.9}), (1, 1, {"loss": float("nan")})])
...     store.batches(run_id)
{'loss': [(0, 0.9), (1, nan)]}
"""

from __future__ import annotations

import math
import time
from typing import Iterable

from tflab.store.records import check_epoch, series, to_real
from tflab.store.schema import Database


class Metrics(Database):
    """The `metrics` table's part of `RunStore` (see there)."""

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
        values = [(run_id, "epoch", int(epoch), None, name, to_real(name, value), at)
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
        values = [(run_id, "batch", int(epoch), int(step), name, to_real(name, value))
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
        >>> from tflab.store import RunStore
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     run_id = store.create_run("mlp", {})
        ...     store.add_epochs(run_id, [(1, {"loss": 0.9}), (2, {"loss": 0.5})])
        ...     store.history_since(run_id, 1)
        {'loss': [(2, 0.5)]}
        """
        return self._history(run_id, check_epoch("after_epoch", after_epoch))

    def _history(self, run_id: str, after_epoch: int | None) -> dict[str, list[tuple[int, float]]]:
        sql = "SELECT name, epoch, value FROM metrics WHERE run_id = ? AND kind = 'epoch'"
        params: tuple = (run_id,)
        if after_epoch is not None:
            sql, params = sql + " AND epoch > ?", (run_id, after_epoch)
        return series(self._db().execute(sql + " ORDER BY epoch, rowid", params), "epoch")

    def epoch_times(self, run_id: str, after_epoch: int | None = None) -> list[tuple[int, float]]:
        """When each epoch was written, as `[(epoch, unix seconds), ...]` by epoch.

        Epochs written by an older TF Lab, which kept no time, are left out.

        Args:
            run_id: the run's id.
            after_epoch: only the epochs after this one. Defaults to None: all.
        """
        after = -math.inf if after_epoch is None else check_epoch("after_epoch", after_epoch)
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
        return epoch, series(rows, "step")
