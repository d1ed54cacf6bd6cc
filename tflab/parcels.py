"""The files a run reads, as bytes that reach a trial on another machine without a shared disk.

A spec names files by id, never by path (`tflab.files`): a kept CSV (`data.options.csv_id`),
an uploaded picture dataset (`data.options.dataset_id`), a weights file or a saved model
(`model.base.weights`); ImageNet weights and MNIST come from the Keras cache. `needed(spec)`
lists them, each with a content id (the same bytes always have the same id, so a sweep of
64 variants over one CSV ships it once); `pack` reads one into a `Parcel`, its files' paths
inside the store with their bytes; `unpack` writes parcels into a fresh folder that the
trial then uses as its `TFLAB_HOME`, where the run finds them as it would in the store.
Built-in datasets are generated from the spec: nothing to ship.

Example:

>>> import tempfile
>>> from tflab.data.csvfiles import store_csv
>>> from tflab.recipes import get_recipe
>>> store, trial = tempfile.mkdtemp(), tempfile.mkdtemp()
>>> csv_id = store_csv(b"day,sales\\n1,10\\n2,12\\n", "sales.csv", store)
>>> spec = get_recipe("time_series").spec.with_setting("data.options.csv_id", csv_id)
>>> [item.content_id == f"csv:{csv_id}" for item in needed(spec)]
[True]
>>> unpack([pack(item, store) for item in needed(spec)], trial)
1
>>> (Path(trial) / "datasets" / "csv" / f"{csv_id}.csv").read_bytes()[:9]
b'day,sales'
>>> needed(get_recipe("multiclass").spec)
[]
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tflab import files
from tflab.home import DATASETS_FOLDER, root_or_default
from tflab.spec import ExperimentSpec

KERAS_FOLDER = ".keras"  # a trial's Keras cache, when the driver's cache had what it needs


@dataclass(frozen=True)
class Needed:
    """One file (or folder) a run reads: `kind` as `tflab.files` names kinds, or "folder"
    (an uploaded picture dataset), "imagenet" or "keras dataset"; `name` its id there."""

    kind: str
    name: str

    @property
    def content_id(self) -> str:
        """The same for the same bytes: every id in a spec is a content hash, a finished
        run's model never changes, and a Keras cache file is named by what it holds."""
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class Parcel:
    """A needed file's bytes: `{path inside the store, with /: bytes}` (a folder gives
    several, a file one, a file missing from the store none: the run then fails there
    with the same message as here)."""

    content_id: str
    contents: dict[str, bytes]


def needed(spec: ExperimentSpec) -> list[Needed]:
    """The files `spec`'s run reads from the store or the Keras cache, in a fixed order."""
    found = []
    options = spec.data.options
    if spec.data.dataset == "series" and options.get("csv_id"):
        found.append(Needed("csv", options["csv_id"]))
    if spec.data.dataset == "folder" and options.get("dataset_id"):
        found.append(Needed("folder", options["dataset_id"]))
    if spec.data.dataset in ("mnist", "fashion_mnist"):
        found.append(Needed("keras dataset", spec.data.dataset))
    base = spec.model.base
    if base is not None and base.weights:
        from tflab.spec.model import RUN_BASE

        if base.weights == "imagenet":
            found.append(Needed("imagenet", base.name))
        else:
            found.append(Needed("base model" if base.name == RUN_BASE else "weights", base.weights))
    return found


def pack(item: Needed, root: str | os.PathLike[str] | None = None) -> Parcel:
    """Read what `item` names from the store at `root` (default: `TFLAB_HOME`) or the
    Keras cache, each file capped at the limit its reader applies."""
    root = root_or_default(root)
    if item.kind == "folder":
        from tflab.data import DatasetUnavailable
        from tflab.data.folders import read_record

        try:
            read_record(item.name, root)  # the id is checked before a path is made of it
        except DatasetUnavailable:
            return Parcel(item.content_id, {})  # the trial says so, as a local run would
        folder = root.joinpath(*DATASETS_FOLDER, item.name)
        paths = {path.relative_to(root).as_posix(): path for path in sorted(folder.rglob("*"))}
        limit = files.MAX_WEIGHTS_BYTES
    elif item.kind == "imagenet":
        from tflab import imagenet

        found = imagenet.cached(item.name)
        paths = {} if found is None else {
            f"{KERAS_FOLDER}/models/{found.name}": found}
        limit = imagenet.MAX_BYTES
    elif item.kind == "keras dataset":
        from tflab.data.keras_sets import _cached_files, keras_cache_dirs

        paths = {}
        for folder in keras_cache_dirs():
            cached = _cached_files(item.name, folder)
            if all(os.path.isfile(path) for path in cached):
                paths = {f"{KERAS_FOLDER}/datasets/{Path(path).relative_to(folder).as_posix()}":
                         Path(path) for path in cached}
                break
        limit = files.MAX_WEIGHTS_BYTES
    else:
        paths = {"/".join(files.relative(item.kind, item.name)): files.path(item.kind, item.name, root)}
        limit = files.MAX_CSV_BYTES if item.kind == "csv" else files.MAX_WEIGHTS_BYTES
    contents = {}
    for name, path in paths.items():
        try:
            if stat.S_ISREG(path.lstat().st_mode):
                contents[name] = files.read_capped(path, limit, name)
        except FileNotFoundError:
            continue  # not kept: the trial reports it as the local run would
    return Parcel(item.content_id, contents)


def unpack(parcels: list[Parcel], home: str | os.PathLike[str]) -> int:
    """Write the parcels' files into `home`; returns how many. A path that would leave
    `home` (absolute, or with ..) is refused with a ValueError: parcels come over the
    network."""
    home = Path(home)
    written = 0
    for parcel in parcels:
        for name, data in parcel.contents.items():
            parts = PurePosixPath(name).parts
            if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
                raise ValueError(f"A parcel's file must be a path inside the store; received "
                                 f"{name!r} in {parcel.content_id!r}.")
            target = home.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
    return written


def uses_keras_cache(parcels: list[Parcel]) -> bool:
    """Whether the parcels bring Keras cache files (the trial then points KERAS_HOME at them)."""
    return any(name.startswith(KERAS_FOLDER + "/") for parcel in parcels for name in parcel.contents)
