"""Your own pictures, once imported: the stored datasets runs can use.

`tflab.data.zip_import` turns an uploaded zip of class folders into a dataset kept as
`<root>/datasets/<id>/<class>/<n>.<ext>` with its record in `dataset.json`; this module
reads those records (`read_record`, `list_records`), says what a model needs to know of
one (`folder_summary`) and reads its pictures as the model sees them (`load_folder`).

Example:

>>> import tempfile
>>> from pathlib import Path
>>> record = DatasetRecord("0123456789ab", "pets.zip", ("cats", "dogs"), {"cats": 2, "dogs": 2})
>>> summary = folder_summary(record, 32)
>>> summary.kind, summary.input_shape, summary.class_names
('binary', (32, 32, 3), ('cats', 'dogs'))
>>> list_records(Path(tempfile.mkdtemp()))
[]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tflab.data.dataset import DataSummary, Dataset, DatasetUnavailable
from tflab.data.split import split
from tflab.home import DATASETS_FOLDER, root_or_default
from tflab.image_arrays import to_model_array
from tflab.images import ImageInputError, read_image
from tflab.params import said
from tflab.words import Phrase

RECORD_FILE = "dataset.json"
_ID = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class DatasetRecord:
    """An imported dataset, as written to `<root>/datasets/<id>/dataset.json`.

    Args:
        id: the first 12 hex digits of the zip's sha256.
        name: the uploaded file's name.
        class_names: the class folders' names, sorted; label i is class_names[i].
        counts: readable images kept per class.
        skipped: (file in the zip, reason) for every file left out.
    """

    id: str
    name: str
    class_names: tuple[str, ...]
    counts: Mapping[str, int]
    skipped: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "class_names": list(self.class_names),
                "counts": dict(self.counts), "skipped": [list(s) for s in self.skipped]}

    @classmethod
    def from_dict(cls, data: dict) -> "DatasetRecord":
        return cls(id=data["id"], name=data["name"], class_names=tuple(data["class_names"]),
                   counts={k: int(v) for k, v in data["counts"].items()},
                   skipped=tuple((str(f), str(r)) for f, r in data["skipped"]))


def read_record(dataset_id: str, root: Path | None = None) -> DatasetRecord:
    """The record of an imported dataset.

    Raises:
        DatasetUnavailable: no dataset with this id (never imported, or deleted).
    """
    if not isinstance(dataset_id, str) or not _ID.fullmatch(dataset_id):
        raise DatasetUnavailable(Phrase("errors.dataset.not_an_id", {"id": repr(dataset_id)}))
    path = datasets_folder(root) / dataset_id / RECORD_FILE
    try:
        from tflab.files import MAX_RECORD_BYTES, read_capped  # a spec names it: read capped

        text = read_capped(path, MAX_RECORD_BYTES,
                           Phrase("errors.dataset.the_record", {"id": repr(dataset_id)}))
        return DatasetRecord.from_dict(json.loads(text.decode("utf-8")))
    except FileNotFoundError:
        raise DatasetUnavailable(Phrase("errors.dataset.not_uploaded", {
            "id": repr(dataset_id), "folder": str(path.parent)})) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DatasetUnavailable(Phrase("errors.dataset.record_unreadable", {
            "id": repr(dataset_id), "error": said(error)})) from None


def list_records(root: Path | None = None) -> list[DatasetRecord]:
    """Every imported dataset, by name then id."""
    datasets = datasets_folder(root)
    if not datasets.is_dir():
        return []
    records = [read_record(p.name, root) for p in datasets.iterdir()
               if _ID.fullmatch(p.name) and (p / RECORD_FILE).is_file()]
    return sorted(records, key=lambda r: (r.name, r.id))


def folder_summary(record: DatasetRecord, image_size: int) -> DataSummary:
    """What a model needs to know about an imported dataset at `image_size` pixels."""
    shape = (image_size, image_size, 3)
    if len(record.class_names) == 2:
        return DataSummary(kind="binary", input_shape=shape, target_shape=(1,),
                           class_names=record.class_names, image=True)
    return DataSummary(kind="multiclass", input_shape=shape, class_names=record.class_names,
                       image=True)


def load_folder(dataset_id: str, image_size: int, validation_split: float, seed: int,
                root: Path | None = None) -> Dataset:
    """Read an imported dataset's pictures as the model sees them, and split them.

    Each picture goes through `read_image` and `to_model_array(image, size, size, 3)`,
    the preprocessing of predictions, so a model sees the same arrays in both.

    Args:
        dataset_id: the id `tflab.data.zip_import.import_zip` gave.
        image_size: the side of each picture, in pixels.
        validation_split: fraction kept for validation, 0 to below 1.
        seed: the shuffle's seed.
        root: the store's folder. Defaults to `tflab.home.default_root()`.

    Returns:
        A Dataset: x float32 (n, size, size, 3) in 0..255; y float32 (n, 1) for two
        classes, int32 (n,) for more.

    Raises:
        DatasetUnavailable: the dataset or one of its pictures is gone or unreadable.
    """
    record = read_record(dataset_id, root)
    folder = datasets_folder(root) / dataset_id
    arrays, labels = [], []
    for label, class_name in enumerate(record.class_names):
        files = sorted((p for p in (folder / class_name).glob("*") if p.stem.isdigit()),
                       key=lambda p: int(p.stem))
        if len(files) != record.counts[class_name]:
            raise DatasetUnavailable(Phrase("errors.dataset.pictures_missing", {
                "id": repr(dataset_id), "found": len(files), "class_name": repr(class_name),
                "expected": record.counts[class_name]}))
        for path in files:
            try:
                image = read_image(path.read_bytes(), name=f"{class_name}/{path.name}")
                arrays.append(to_model_array(image, image_size, image_size, 3))
            except (OSError, ImageInputError) as error:
                raise DatasetUnavailable(Phrase("errors.dataset.picture_unreadable", {
                    "id": repr(dataset_id), "error": said(error)})) from None
            labels.append(label)
    summary = folder_summary(record, image_size)
    x = np.stack(arrays).astype(np.float32)
    if summary.kind == "binary":
        y = np.asarray(labels, dtype=np.float32).reshape(-1, 1)
    else:
        y = np.asarray(labels, dtype=np.int32)
    return Dataset(*split(x, y, validation_split, seed), summary=summary)


def datasets_folder(root: Path | None = None) -> Path:
    """Where the imported datasets are kept: `<root>/datasets/`."""
    return root_or_default(root).joinpath(*DATASETS_FOLDER)
