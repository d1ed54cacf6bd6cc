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


def settings(spec: dict, prefix: str = "") -> dict[str, object]:
    """A spec as flat `path: value` pairs, paths written as `--set` takes them.

    Layers are keyed by their place and type, so a layer added in the middle shows as
    changed types from there on, as it changes the model.

    Example:

    >>> settings({"fit": {"epochs": 5}, "model": {"layers": [{"type": "Dense", "units": 8}]}})
    {'fit.epochs': 5, 'model.layers[0].type': 'Dense', 'model.layers[0].units': 8}
    """
    flat: dict[str, object] = {}
    for key, value in spec.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(settings(value, path))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                flat.update(settings(item, f"{path}[{index}]"))
        else:
            flat[path] = value
    return flat


def differences(specs: dict[str, dict]) -> list[dict]:
    """The settings that differ between runs, one row per setting, a column per run.

    What TensorBoard's hyperparameter table shows: only what changed, so two runs'
    curves can be read against the one knob that was turned. A setting a run does not
    have reads "-".

    Example:

    >>> a = {"fit": {"epochs": 5, "batch_size": 32}, "seed": 1}
    >>> b = {"fit": {"epochs": 9, "batch_size": 32}, "seed": 1}
    >>> differences({"run a": a, "run b": b})
    [{'setting': 'fit.epochs', 'run a': '5', 'run b': '9'}]
    """
    flat = {label: settings(spec) for label, spec in specs.items()}
    paths = sorted({path for values in flat.values() for path in values})
    rows = []
    for path in paths:
        shown = {label: _text(values.get(path, "-")) for label, values in flat.items()}
        if len(set(shown.values())) > 1:
            rows.append({"setting": path, **shown})
    return rows


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


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
