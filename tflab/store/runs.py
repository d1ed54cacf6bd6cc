"""The runs of a `RunStore`: queueing one, claiming it, how it ended, its name, and
finding, listing and deleting runs.

A run is queued (`create_run`), taken by one worker (`claim_next`, atomic), and finished
once (`finish`); a person may name it (`set_label`), ask it to stop (`request_stop`)
or delete it with its files (`delete_run`).

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     run_id = store.create_run("mlp", {}, epochs=3)
...     store.claim_next() == run_id, store.claim_next()
...     store.finish(run_id, "stopped", "Stopped on request.")
...     store.get_run(run_id).status, store.resolve(run_id[:10]) == run_id
(True, None)
('stopped', True)
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

from tflab import home
from tflab.store.records import (FINISHED, MAX_LABEL, PLACES, STATUSES, Run, RunNotFound,
                                 new_id, require_row, run_from_row, to_json)
from tflab.store.schema import SELECT_RUNS, Database
from tflab.words import to_data


class Runs(Database):
    """The `runs` table's part of `RunStore` (see there)."""

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
        spec_json = to_json("spec", spec)
        while True:
            run_id = new_id("r")
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
            require_row(cursor, run_id)

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
        metrics_json = to_json("final_metrics", final_metrics or {})
        said_json = json.dumps(to_data(tuple(said)))
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE runs SET status = ?, message = ?, ended = ?, final_metrics = ?, said = ?"
                " WHERE id = ?", (status, message, time.time(), metrics_json, said_json, run_id))
            require_row(cursor, run_id)

    def set_label(self, run_id: str, label: str) -> str:
        """Give the run a short name of the person's; returns it as kept ('' clears it).

        Whitespace runs (newlines included) become one space; at most `MAX_LABEL` characters.

        Example:

        >>> import tempfile
        >>> from tflab.store import RunStore
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
            require_row(db.execute("UPDATE runs SET label = ? WHERE id = ?", (label, run_id)),
                        run_id)
        return label

    def set_profile(self, run_id: str, profile: dict[str, Any]) -> None:
        """Keep what the run's training inputs looked like (plain JSON data), so predictions
        can tell an input unlike them; written once the data is loaded."""
        text = to_json("profile", profile)
        with self._transaction() as db:
            require_row(db.execute("UPDATE runs SET profile = ? WHERE id = ?", (text, run_id)),
                        run_id)

    def request_stop(self, run_id: str) -> None:
        """Ask the process running this run to stop it after the current batch."""
        with self._transaction() as db:
            require_row(db.execute("UPDATE runs SET stop_requested = 1 WHERE id = ?",
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
        for folder in (self.weights_folder(run_id), home.run_folder(self.root, run_id)):
            if folder.is_dir():
                shutil.rmtree(folder)

    def get_run(self, run_id: str) -> Run:
        """The run with this id; `RunNotFound` (a `KeyError`) if there is none."""
        row = self._db().execute(SELECT_RUNS + " WHERE r.id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(f"no run with id {run_id!r}")
        return run_from_row(row)

    def list_runs(self, limit: int = 200, statuses: Iterable[str] | None = None) -> list[Run]:
        """The newest runs first.

        Args:
            limit: the most runs to return. Defaults to 200.
            statuses: only runs with one of these statuses. Defaults to None (all).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"`limit` must be a positive whole number; received {limit!r}.")
        sql, params = SELECT_RUNS, []
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
        return [run_from_row(row) for row in rows]

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
        return home.model_path(self.root, run_id)

    def weights_folder(self, run_id: str) -> Path:
        """Where the weights kept at past epochs go: `root/models/<run_id>/`, beside the
        model (`tflab.kept`)."""
        return home.weights_folder(self.root, run_id)

    def weight_epochs(self, run_id: str) -> list[int]:
        """The epochs whose weights the run kept, oldest first: its first epoch and its
        best by validation loss (`tflab.kept.KeepWeights`); [] when none.

        Example:

        >>> import tempfile
        >>> from tflab.store import RunStore
        >>> with RunStore(tempfile.mkdtemp()) as store:
        ...     store.weight_epochs(store.create_run("mlp", {}))
        []
        """
        return home.kept_weight_epochs(self.weights_folder(run_id))
