"""Specs written by older TF Lab versions, which named files by path: their paths as ids.

Runs kept in a person's store may hold `data.options.csv_path` and a `model.base.weights`
path. When such a path is the store's own file (a CSV uploaded in Build, a weights file or
model kept there, a finished run's model), it becomes that file's id, so the old run still
opens, predicts and exports. Any other path is refused with a SpecError saying how to bring
the file in: TF Lab no longer reads a file by a name from a spec. Links never come here
(`components.urlspec` refuses paths outright).

Example:

>>> old = {"data": {"dataset": "series", "options": {"csv_path": "/lab/datasets/csv/3fa2b1c4d5e6.csv"}}}
>>> upgrade_paths(old, "/lab")["data"]["options"]
{'csv_id': '3fa2b1c4d5e6'}
>>> upgrade_paths({"data": {"dataset": "series", "options": {"csv_path": "/home/me/sales.csv"}}}, "/lab")
Traceback (most recent call last):
...
tflab.params.SpecError: `data.options.csv_path` must be a CSV kept by TF Lab (files are named by id now); received '/home/me/sales.csv'. ...
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from tflab.files import id_of_path  # the one place that knows where ids live
from tflab.params import SpecError
from tflab.words import Phrase

_IMPORT = Phrase("errors.hint.bring_file_in")


def upgrade_paths(data: Any, root: str | Path | None = None) -> Any:
    """`data` (a spec as plain data) with the store's own paths replaced by their ids.

    Args:
        data: a spec dict; anything else is returned as it is (from_dict names it).
        root: the store whose files are recognised. Defaults to `default_root()`.
    """
    if not isinstance(data, dict):
        return data
    section = data.get("data")
    options = section.get("options") if isinstance(section, dict) else None
    model = data.get("model")
    base = model.get("base") if isinstance(model, dict) else None
    old_csv = isinstance(options, dict) and "csv_path" in options
    old_weights = isinstance(base, dict) and _is_path(base.get("weights"))
    if not (old_csv or old_weights):
        return data
    data = copy.deepcopy(data)
    if old_csv:
        options = data["data"]["options"]
        path = options.pop("csv_path")
        if path:
            csv_id = id_of_path("csv", path, root)
            if csv_id is None:
                raise SpecError("data.options.csv_path", path, Phrase("allowed.kept_csv"), _IMPORT)
            options["csv_id"] = csv_id
    if old_weights:
        base = data["model"]["base"]
        kind = "base model" if base.get("name") == "run" else "weights"
        name = id_of_path(kind, base["weights"], root)
        if name is None:
            kept = "allowed.kept_base_model" if kind == "base model" else "allowed.kept_weights"
            raise SpecError("model.base.weights", base["weights"], Phrase(kept), _IMPORT)
        base["weights"] = name
    return data


def _is_path(value: Any) -> bool:
    return isinstance(value, str) and ("/" in value or "\\" in value)
