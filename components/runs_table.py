"""The Runs page's table and downloads, computed from the store without widgets.

Example:

>>> rows = run_rows(store, store.list_runs())      # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import unicodedata

from tflab import progress
from tflab.metrics import best_of
from tflab.store import Run, RunStore
from tflab.titles import data_label, run_title
from tflab.words import Words

MAX_STEM = 80  # characters of a download's file name before its extension
# The table's columns, in order: what tells runs apart first (names under `runs.column.`).
COLUMNS = ("run", "label", "recipe", "data", "status", "epochs", "best", "duration", "when")


def _english() -> Words:
    return Words.load("en")


def significant(w: Words, value: float, digits: int = 4) -> str:
    """`value` with about `digits` significant digits, written the language's way.

    Example:

    Trailing zeros go, as Python's `g` format drops them.

    >>> significant(Words.load("es"), 0.912345), significant(Words.load("en"), 1234.56)
    ('0,9123', '1,235')
    >>> significant(Words.load("en"), 0.5), significant(Words.load("es"), 0.0012)
    ('0.5', '0,0012')
    """
    if not math.isfinite(value) or value == 0:
        return w.number(value, 0) if value == 0 else str(value)
    decimals = min(max(digits - 1 - math.floor(math.log10(abs(value))), 0), 8)
    text = w.number(value, decimals)
    mark = w.number(0.5, 1)[1]  # the language's decimal mark
    return text.rstrip("0").rstrip(mark) if decimals else text


def status_word(status: str, words: Words | None = None) -> str:
    """A run's state (`completed`) in the reader's language, as the Train page says it
    (`tflab.progress.status_word`); a state the catalog does not know, as stored."""
    w = words or _english()
    phrase = progress.status_word(status)
    return w.say(phrase) if w.has(phrase.key) else status


def run_rows(store: RunStore, runs: list[Run], words: Words | None = None) -> list[dict]:
    """One row per run: what tells it apart (label, recipe, data), then how it went.

    Columns are named in `words`' language (English when left out); numbers and dates
    are written its way. When a run is a variant of a sweep, a column after the run's id
    names each run's sweep.
    """
    w = words or _english()
    column = {name: w(f"runs.column.{name}") for name in COLUMNS}
    # A variant of a sweep shows its sweep's id, as the Sweeps section names it; a list
    # without variants keeps the columns it always had.
    sweep = w("runs.sweep.column.sweep") if any(run.sweep for run in runs) else None
    rows = []
    for run in runs:
        best = best_of(store.history(run.id))  # (metric, epoch, value) of its headline
        rows.append({
            column["run"]: run.id, **({sweep: run.sweep or ""} if sweep else {}),
            column["label"]: run.label, column["recipe"]: run.recipe,
            column["data"]: data_label(run.spec, w), column["status"]: status_word(run.status, w),
            column["epochs"]: f"{run.epochs_done}/{run.epochs or '?'}",
            column["best"]: f"{best[0]} {significant(w, best[2])}" if best else "",
            column["duration"]: w.number(run.duration, 1) if run.duration is not None else None,
            column["when"]: w.date(run.created),
        })
    return rows


def chart_name(run: Run, words: Words | None = None) -> str:
    """The run's title for a Plotly legend, which reads <b>, <a href=...> and other tags:
    escaped, so a label shows as typed.

    Example:

    >>> from types import SimpleNamespace
    >>> chart_name(SimpleNamespace(id="k3", recipe="linear", label="<b>x</b>",
    ...                            spec={"data": {"dataset": "line"}}))
    "&lt;b&gt;x&lt;/b&gt; · linear · the notes' six points · k3"
    """
    return html.escape(run_title(run, words), quote=False)


def file_stem(run: Run, words: Words | None = None) -> str:
    """A download's file name, without extension, from the run's title: label, recipe,
    data and id in letters, digits, dots and dashes; the data named in `words`' language.

    Example:

    >>> from types import SimpleNamespace
    >>> file_stem(SimpleNamespace(id="k3x9", recipe="cnn", label="niños / día 2",
    ...                           spec={"data": {"dataset": "shapes", "options": {}}}))
    'ninos-dia-2-cnn-shapes-circle-square-k3x9'
    """
    text = unicodedata.normalize("NFKD", run_title(run, words)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")
    if len(stem) > MAX_STEM:  # the id, at the end, is what keeps names apart: keep it
        stem = stem[:MAX_STEM - len(run.id) - 1].rstrip("-.") + "-" + run.id
    return stem


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


def differences(specs: dict[str, dict], words: Words | None = None) -> list[dict]:
    """The settings that differ between runs, one row per setting, a column per run.

    What TensorBoard's hyperparameter table shows: only what changed, so two runs'
    curves can be read against the one knob that was turned. A setting a run does not
    have reads "-". The first column is named in `words`' language (English when left out).

    Example:

    >>> a = {"fit": {"epochs": 5, "batch_size": 32}, "seed": 1}
    >>> b = {"fit": {"epochs": 9, "batch_size": 32}, "seed": 1}
    >>> differences({"run a": a, "run b": b})
    [{'setting': 'fit.epochs', 'run a': '5', 'run b': '9'}]
    """
    setting = (words or _english())("runs.column.setting")
    flat = {label: settings(spec) for label, spec in specs.items()}
    paths = sorted({path for values in flat.values() for path in values})
    rows = []
    for path in paths:
        shown = {label: _text(values.get(path, "-")) for label, values in flat.items()}
        if len(set(shown.values())) > 1:
            rows.append({setting: path, **shown})
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
