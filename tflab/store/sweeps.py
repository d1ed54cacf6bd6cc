"""The sweeps of a `RunStore`: one experiment with a few settings varied, whose variants
are runs that name it.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     sweep_id = store.create_sweep({"vary": []}, ["fit.epochs"])
...     run_id = store.create_run("linear", {}, 5, sweep=sweep_id)
...     print(store.get_sweep(sweep_id).varies, store.sweep_sizes([sweep_id])[sweep_id],
...           [r.id for r in store.sweep_runs(sweep_id)] == [run_id],
...           [s.id for s in store.list_sweeps()] == [sweep_id])
('fit.epochs',) 1 True True
"""

from __future__ import annotations

import json
import time
from typing import Any, Iterable

from tflab.store.records import (Run, RunNotFound, Sweep, new_id, run_from_row,
                                 sweep_from_row, to_json)
from tflab.store.schema import SELECT_RUNS, Database


class Sweeps(Database):
    """The `sweeps` table's part of `RunStore` (see there)."""

    def create_sweep(self, spec: dict[str, Any], varies: Iterable[str]) -> str:
        """Keep a sweep (`spec` as `SweepSpec.to_dict` gives it, `varies` its settings'
        paths); returns its id, for `create_run(..., sweep=...)` of each variant (the
        module's example makes one).
        """
        spec_json = to_json("spec", spec)
        varies = list(varies)
        if not all(isinstance(path, str) and path for path in varies):
            raise ValueError(f"`varies` must hold settings' paths; received {varies!r}.")
        sweep_id = new_id("s")
        with self._transaction() as db:
            db.execute("INSERT INTO sweeps (id, created, spec, varies) VALUES (?, ?, ?, ?)",
                       (sweep_id, time.time(), spec_json, json.dumps(varies)))
        return sweep_id

    def get_sweep(self, sweep_id: str) -> Sweep:
        """The sweep `sweep_id`; `RunNotFound` if there is none."""
        row = self._db().execute("SELECT * FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no sweep with id {sweep_id!r}")
        return sweep_from_row(row)

    def list_sweeps(self, limit: int = 50) -> list[Sweep]:
        """The newest sweeps first, at most `limit`."""
        rows = self._db().execute("SELECT id FROM sweeps ORDER BY created DESC, id DESC"
                                  " LIMIT ?", (limit,)).fetchall()
        return [self.get_sweep(row["id"]) for row in rows]

    def sweep_sizes(self, sweep_ids: Iterable[str]) -> dict[str, int]:
        """How many variants each of these sweeps has, without reading them: a list of
        sweeps names each by its size, and only the one opened needs its variants."""
        ids = list(sweep_ids)
        rows = self._db().execute(
            f"SELECT sweep, COUNT(*) AS n FROM runs WHERE sweep IN ({', '.join('?' * len(ids))})"
            " GROUP BY sweep", ids).fetchall()
        return {sweep_id: 0 for sweep_id in ids} | {row["sweep"]: row["n"] for row in rows}

    def sweep_runs(self, sweep_id: str) -> list[Run]:
        """The sweep's variants, in the order they were queued; `RunNotFound` if there is
        no such sweep. Its best is `tflab.metrics.best_run` of them."""
        with self._reading():
            self.get_sweep(sweep_id)
            rows = self._db().execute(SELECT_RUNS + " WHERE r.sweep = ? ORDER BY r.created, r.id",
                                      (sweep_id,)).fetchall()
        return [run_from_row(row) for row in rows]
