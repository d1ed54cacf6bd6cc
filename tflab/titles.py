"""How a run is named for people: its label, recipe, data and id, so runs tell apart.

Two CNN runs, one on drawn shapes and one on a person's own pictures, read
"cnn · shapes: circle, square · 1a2b" and "cnn · your pictures: cats, dogs · 3c4d";
a label the person gave comes first. Each function takes the reader's `Words` (English
when left out: the command line, file names' defaults); the words are under `titles.`
and `datasets.` in the catalogs (a dataset's title under `sources.`).

Example:

>>> data_label({"data": {"dataset": "points", "options": {"pattern": "spiral"}}})
'points: spiral'
>>> data_label({"data": {"dataset": "digit_pair", "options": {"first": 3, "second": 8}}})
'digits 3 vs 8'
>>> data_label({"data": {"dataset": "points", "options": {"pattern": "spiral"}}}, Words.load("es"))
'puntos: espiral'
"""

from __future__ import annotations

from typing import Any

from tflab.data import CATALOG, DatasetUnavailable
from tflab.data.catalog import dataset_title
from tflab.spec import SpecError
from tflab.words import Words

_MOST_CLASSES = 3  # more class names would make a selector's line too long


def _english() -> Words:
    return Words.load("en")


def _known(w: Words, key: str, value: object) -> str:
    """`value`'s name under `key` when the catalog has one (a pattern, a shape), else as is."""
    return w(f"{key}.{value}") if w.has(f"{key}.{value}") else str(value)


def data_label(spec: dict[str, Any], words: Words | None = None) -> str:
    """The run's data in a few words, from its spec (as stored: a plain dict)."""
    w = words or _english()
    data = spec.get("data", {}) if isinstance(spec, dict) else {}
    name = data.get("dataset", "")
    options = data.get("options", {}) or {}
    if name == "points":
        pattern = _known(w, "datasets.pattern_names", options.get("pattern", "circles"))
        return w("titles.points", pattern=pattern)
    if name == "digit_pair":
        return w("titles.digit_pair", first=options.get("first", 3),
                 second=options.get("second", 8))
    if name == "shapes":
        classes = str(options.get("classes", "circle,square")).split(",")
        return w("titles.shapes", classes=", ".join(
            _known(w, "datasets.shape_names", shape) for shape in classes))
    if name == "series":
        # Runs made by older versions name their CSV by `csv_path` in the stored spec.
        return w("titles.series_csv") if options.get("csv_id") or options.get("csv_path") \
            else w("titles.series_generated")
    if name == "folder":
        return w("titles.folder", classes=_folder_classes(options, w))
    if name in CATALOG:
        return w.say(dataset_title(name)).lower()
    return str(name or "?")


def _folder_classes(options: dict, w: Words) -> str:
    from tflab.data.folders import read_record  # reads one small JSON file

    try:
        names = read_record(options.get("dataset_id", "")).class_names
    except (DatasetUnavailable, SpecError):
        return w("titles.deleted")
    shown = ", ".join(names[:_MOST_CLASSES])
    return shown + (f" +{len(names) - _MOST_CLASSES}" if len(names) > _MOST_CLASSES else "")


def run_title(run, words: Words | None = None) -> str:
    """`label · recipe · data · id` (no label: `recipe · data · id`) for a stored Run.

    Example:

    >>> from types import SimpleNamespace
    >>> run = SimpleNamespace(id="k3x9", recipe="cnn", label="first try",
    ...                       spec={"data": {"dataset": "shapes", "options": {}}})
    >>> run_title(run)
    'first try · cnn · shapes: circle, square · k3x9'
    >>> run_title(run, Words.load("es"))
    'first try · cnn · formas: círculo, cuadrado · k3x9'
    """
    parts = [run.label] if getattr(run, "label", "") else []
    return " · ".join(parts + [run.recipe, data_label(run.spec, words), run.id])


def model_choices(epochs_done: int, kept_epochs: list[int], has_validation: bool = True,
                  words: Words | None = None) -> dict[int | None, str]:
    """The models Predict offers for a run: the final one, then each kept past epoch.

    The weights kept as a run trains (`tflab.kept.KeepWeights`) are its first epoch's
    and its best epoch's by the validation loss (the training loss without a validation
    part). A kept epoch that is the last one is the final model already, so it is not
    offered twice.

    Args:
        epochs_done: the epochs the run trained (`Run.epochs_done`).
        kept_epochs: `RunStore.weight_epochs(run_id)`, oldest first.
        has_validation: whether the run kept a validation part. Defaults to True.
        words: the reader's words. Defaults to English.

    Returns:
        {None: the final model's label, epoch: its label, ...}, in the order to offer.

    Example:

    >>> model_choices(40, [1, 23])
    {None: 'final model (epoch 40)', 1: 'epoch 1 (the first)', 23: 'epoch 23 (lowest validation loss)'}
    >>> model_choices(40, [1, 40])
    {None: 'final model (epoch 40, lowest validation loss)', 1: 'epoch 1 (the first)'}
    >>> model_choices(40, [1], has_validation=False)
    {None: 'final model (epoch 40)', 1: 'epoch 1 (the first, lowest training loss)'}
    >>> model_choices(40, [1, 23], words=Words.load("es"))[23]
    'época 23 (menor pérdida de validación)'
    """
    w = words or _english()
    lowest = w("titles.lowest_validation" if has_validation else "titles.lowest_training")
    best = kept_epochs[-1] if kept_epochs else None  # only [1]: the first was the best
    final = w("titles.final_best", epoch=epochs_done, why=lowest) if best == epochs_done \
        else w("titles.final", epoch=epochs_done)
    choices: dict[int | None, str] = {None: final}
    for epoch in kept_epochs:
        if epoch >= epochs_done:
            continue  # the final model itself
        said = [w("titles.first")] * (epoch == 1) + [lowest] * (epoch == best)
        choices[epoch] = w("titles.epoch", epoch=epoch, why=", ".join(said))
    return choices
