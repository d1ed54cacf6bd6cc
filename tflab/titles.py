"""How a run is named for people: its label, recipe, data and id, so runs tell apart.

Two CNN runs, one on drawn shapes and one on a person's own pictures, read
"cnn · shapes: circle, square · 1a2b" and "cnn · your pictures: cats, dogs · 3c4d";
a label the person gave comes first.

Example:

>>> data_label({"data": {"dataset": "points", "options": {"pattern": "spiral"}}})
'points: spiral'
>>> data_label({"data": {"dataset": "digit_pair", "options": {"first": 3, "second": 8}}})
'digits 3 vs 8'
"""

from __future__ import annotations

from typing import Any

from tflab.data import CATALOG, DatasetUnavailable
from tflab.spec import SpecError

_MOST_CLASSES = 3  # more class names would make a selector's line too long


def data_label(spec: dict[str, Any]) -> str:
    """The run's data in a few words, from its spec (as stored: a plain dict)."""
    data = spec.get("data", {}) if isinstance(spec, dict) else {}
    name = data.get("dataset", "")
    options = data.get("options", {}) or {}
    if name == "points":
        return f"points: {options.get('pattern', 'circles')}"
    if name == "digit_pair":
        return f"digits {options.get('first', 3)} vs {options.get('second', 8)}"
    if name == "shapes":
        return "shapes: " + str(options.get("classes", "circle,square")).replace(",", ", ")
    if name == "series":
        # Runs made by older versions name their CSV by `csv_path` in the stored spec.
        return "series from a CSV" if options.get("csv_id") or options.get("csv_path") \
            else "generated series"
    if name == "folder":
        return "your pictures: " + _folder_classes(options)
    info = CATALOG.get(name)
    return info.title.lower() if info is not None else str(name or "?")


def _folder_classes(options: dict) -> str:
    from tflab.data.folders import read_record  # reads one small JSON file

    try:
        names = read_record(options.get("dataset_id", "")).class_names
    except (DatasetUnavailable, SpecError):
        return "(deleted)"
    shown = ", ".join(names[:_MOST_CLASSES])
    return shown + (f" +{len(names) - _MOST_CLASSES}" if len(names) > _MOST_CLASSES else "")


def run_title(run) -> str:
    """`label · recipe · data · id` (no label: `recipe · data · id`) for a stored Run.

    Example:

    >>> from types import SimpleNamespace
    >>> run = SimpleNamespace(id="k3x9", recipe="cnn", label="first try",
    ...                       spec={"data": {"dataset": "shapes", "options": {}}})
    >>> run_title(run)
    'first try · cnn · shapes: circle, square · k3x9'
    """
    parts = [run.label] if getattr(run, "label", "") else []
    return " · ".join(parts + [run.recipe, data_label(run.spec), run.id])


def model_choices(epochs_done: int, kept_epochs: list[int],
                  has_validation: bool = True) -> dict[int | None, str]:
    """The models Predict offers for a run: the final one, then each kept past epoch.

    The weights kept as a run trains (`tflab.kept.KeepWeights`) are its first epoch's
    and its best epoch's by the validation loss (the training loss without a validation
    part). A kept epoch that is the last one is the final model already, so it is not
    offered twice.

    Args:
        epochs_done: the epochs the run trained (`Run.epochs_done`).
        kept_epochs: `RunStore.weight_epochs(run_id)`, oldest first.
        has_validation: whether the run kept a validation part. Defaults to True.

    Returns:
        {None: the final model's label, epoch: its label, ...}, in the order to offer.

    Example:

    >>> model_choices(40, [1, 23])
    {None: 'final model (epoch 40)', 1: 'epoch 1 (the first)', 23: 'epoch 23 (lowest validation loss)'}
    >>> model_choices(40, [1, 40])
    {None: 'final model (epoch 40, lowest validation loss)', 1: 'epoch 1 (the first)'}
    >>> model_choices(40, [1], has_validation=False)
    {None: 'final model (epoch 40)', 1: 'epoch 1 (the first, lowest training loss)'}
    """
    lowest = "lowest validation loss" if has_validation else "lowest training loss"
    best = kept_epochs[-1] if kept_epochs else None  # only [1]: the first was the best
    final = f"final model (epoch {epochs_done}, {lowest})" if best == epochs_done \
        else f"final model (epoch {epochs_done})"
    choices: dict[int | None, str] = {None: final}
    for epoch in kept_epochs:
        if epoch >= epochs_done:
            continue  # the final model itself
        said = ["the first"] * (epoch == 1) + [lowest] * (epoch == best)
        choices[epoch] = f"epoch {epoch} ({', '.join(said)})"
    return choices
