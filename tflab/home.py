"""Where TF Lab keeps its things: the `TFLAB_HOME` folder, its layout, and how files are
written there (whole or not at all).

The folder is `TFLAB_HOME`, else `~/.tflab`. Inside it:

    runs.sqlite3                 the runs, their metrics and views (`tflab.store`)
    models/<run id>.keras        a finished run's model
    models/<run id>/epoch-N.npz  the weights a run kept at past epochs (`tflab.kept`)
    runs/<run id>/               other files of a run, deleted with it
    datasets/csv/<id>.csv        kept CSV files (`tflab.files`)
    datasets/<id>/               uploaded picture datasets (`tflab.data.folders`)
    weights/<id><suffix>         uploaded weights and models (`tflab.weights`)

A file kept for a spec is named by its content (`content_id`: the first 12 hex digits of
its sha256), so the same bytes are kept once and a spec naming them stays reproducible.
Every file is written through `write_whole`: into a hidden partial file beside it, renamed
into place at the end, so a reader (another thread, the worker, a page) never finds half
a file, and a failed write leaves nothing.

Example:

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> model_path(root, "r0abc12").relative_to(root).as_posix()
'models/r0abc12.keras'
>>> name = keep_by_content(b"day,sales\\n1,10\\n", root.joinpath(*CSV_FOLDER), ".csv")
>>> name == content_id(b"day,sales\\n1,10\\n") + ".csv"
True
>>> sorted(path.name for path in root.joinpath(*CSV_FOLDER).iterdir()) == [name]
True
"""

from __future__ import annotations

import hashlib
import numbers
import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

DATABASE_FILE = "runs.sqlite3"
MODELS_FOLDER = ("models",)
RUNS_FOLDER = ("runs",)
DATASETS_FOLDER = ("datasets",)
CSV_FOLDER = ("datasets", "csv")
WEIGHTS_FOLDER = ("weights",)

_RUN_ID = re.compile(r"[0-9a-z]+")
_WEIGHTS_FILE = re.compile(r"epoch-([0-9]+)\.npz")


def default_root() -> Path:
    """The store's folder: the `TFLAB_HOME` environment variable, else `~/.tflab`.

    Example:

    >>> default_root()  # doctest: +SKIP
    PosixPath('/home/ana/.tflab')
    """
    home = os.environ.get("TFLAB_HOME")
    return Path(home).expanduser() if home else Path.home() / ".tflab"


def root_or_default(root: str | os.PathLike[str] | None) -> Path:
    """`root` as a path (`~` expanded), or `default_root()` when it is None.

    Example:

    >>> root_or_default("/lab").as_posix()
    '/lab'
    """
    return Path(root).expanduser() if root is not None else default_root()


def model_path(root: str | os.PathLike[str], run_id: str) -> Path:
    """Where the run's trained model is saved: `<root>/models/<run_id>.keras`.

    The id is checked first, so a path is never made of anything but a run id.

    Example:

    >>> model_path("/lab", "../etc")
    Traceback (most recent call last):
    ...
    ValueError: `run_id` must be a run id of lowercase letters and digits; received '../etc'.
    """
    return Path(root).joinpath(*MODELS_FOLDER, f"{_checked(run_id)}.keras")


def weights_folder(root: str | os.PathLike[str], run_id: str) -> Path:
    """Where the weights a run kept at past epochs go: `<root>/models/<run_id>/`, beside
    its model (`tflab.kept`).

    Example:

    >>> weights_folder("/lab", "r0abc12").as_posix()
    '/lab/models/r0abc12'
    """
    return model_path(root, run_id).with_suffix("")


def run_folder(root: str | os.PathLike[str], run_id: str) -> Path:
    """The folder of a run's other files, `<root>/runs/<run_id>/`, deleted with the run.

    Example:

    >>> run_folder("/lab", "r0abc12").as_posix()
    '/lab/runs/r0abc12'
    """
    return Path(root).joinpath(*RUNS_FOLDER, _checked(run_id))


def weights_file(folder: str | os.PathLike[str], epoch: int) -> Path:
    """The file holding a run's weights at `epoch` (counted from 1) in `folder`
    (`tflab.kept`).

    Example:

    >>> weights_file("models/r1", 7).name
    'epoch-7.npz'
    """
    if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 1:
        raise ValueError(f"`epoch` must be a whole number from 1; received {epoch!r}.")
    return Path(folder) / f"epoch-{int(epoch)}.npz"


def kept_weight_epochs(folder: str | os.PathLike[str]) -> list[int]:
    """The epochs whose weights `folder` holds, oldest first; [] when it does not exist.

    Example:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for epoch in (12, 1):
    ...     _ = weights_file(folder, epoch).write_bytes(b"")
    >>> kept_weight_epochs(folder), kept_weight_epochs(folder / "none")
    ([1, 12], [])
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(int(match[1]) for path in folder.iterdir()
                  if (match := _WEIGHTS_FILE.fullmatch(path.name)))


def content_id(data: bytes) -> str:
    """The id of a kept file or upload: the first 12 hex digits of its bytes' sha256.

    Example:

    >>> content_id(b"hello")
    '2cf24dba5fb0'
    """
    return hashlib.sha256(data).hexdigest()[:12]


@contextmanager
def write_whole(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Write `path` whole or not at all: the block writes the partial file it is given,
    which becomes `path` when the block ends, and is removed when it raises.

    The partial file is hidden, beside `path` (the same disk, so the rename is atomic)
    and ends with the same suffix (`numpy.savez` adds `.npz` to a name without it); its
    name is drawn at random, so two writers of one file never write into each other's.

    Example:

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with write_whole(target) as partial:
    ...     _ = partial.write_text("whole")
    ...     target.exists()
    False
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('whole', ['notes.txt'])
    """
    path = Path(path)
    partial = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def keep_by_content(data: bytes, folder: str | os.PathLike[str], suffix: str) -> str:
    """Keep `data` once in `folder` as `<content id><suffix>`, written whole; returns the
    file's name. The same bytes kept again are not written again.

    Example:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "weights"
    >>> keep_by_content(b"hello", folder, ".h5"), keep_by_content(b"hello", folder, ".h5")
    ('2cf24dba5fb0.h5', '2cf24dba5fb0.h5')
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{content_id(data)}{suffix}"
    target = folder / name
    if not target.exists():
        with write_whole(target) as partial:
            partial.write_bytes(data)
    return name


def _checked(run_id: str) -> str:
    if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id):
        raise ValueError("`run_id` must be a run id of lowercase letters and digits; "
                         f"received {run_id!r}.")
    return run_id
