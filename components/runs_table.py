"""The Runs page's table and downloads, computed from the store without widgets.

Example:

>>> rows = run_rows(store, store.list_runs())      # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime

from tflab.store import Run, RunStore


def best_validation(history: dict) -> tuple[str, float] | None:
    """The best validation number of a run: highest accuracy, else lowest loss."""
    for name, pick in (("val_accuracy", max), ("val_loss", min), ("loss", min)):
        values = [v for _, v in history.get(name, []) if not math.isnan(v)]
        if values:
            return name, pick(values)
    return None


def run_rows(store: RunStore, runs: list[Run]) -> list[dict]:
    rows = []
    for run in runs:
        best = best_validation(store.history(run.id))
        rows.append({
            "run": run.id, "recipe": run.recipe, "status": run.status,
            "epochs": f"{run.epochs_done}/{run.epochs or '?'}",
            "best": f"{best[0]} {best[1]:.4g}" if best else "",
            "duration (s)": round(run.duration, 1) if run.duration is not None else None,
            "when": datetime.fromtimestamp(run.created).strftime("%Y-%m-%d %H:%M"),
        })
    return rows


def history_csv(history: dict) -> str:
    """One row per epoch, one column per metric."""
    names = sorted(history)
    epochs = sorted({epoch for series in history.values() for epoch, _ in series})
    table = {name: dict(series) for name, series in history.items()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["epoch", *names])
    for epoch in epochs:
        writer.writerow([epoch, *[table[name].get(epoch, "") for name in names]])
    return out.getvalue()


def spec_json(run: Run) -> str:
    return json.dumps(run.spec, indent=2)
