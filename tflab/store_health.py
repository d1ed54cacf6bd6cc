"""Whether a run store's folder and database can be used, and what to say when not.

`RunStore` keeps its runs in `<TFLAB_HOME>/runs.sqlite3`. Before opening it, the store
asks here whether the folder can hold it (a file in the way, no permission to write)
and whether the database file is one (a file of garbage, a file cut short); whatever
SQLite or the system refuses while opening is named here too. Every refusal becomes one
`StoreUnavailable`, which names the folder or file, what is wrong and the fix, in the
reader's language (`tflab.words`).

Only a damaged database can be fixed by TF Lab, and only when asked:
`keep_damaged_copy` renames it (with its `-wal` and `-shm` files) beside itself, so a
new store can start where it was; nothing is ever deleted. For a read-only folder or a
file in the way the fix is the person's: the message says which.

Example:

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "runs.sqlite3").write_bytes(b"these are not the runs you are looking for" * 9)
378
>>> check_file(folder / "runs.sqlite3")
Traceback (most recent call last):
...
tflab.store_health.StoreUnavailable: The runs database `.../runs.sqlite3` is not a database file ...
>>> try:
...     check_file(folder / "runs.sqlite3")
... except StoreUnavailable as error:
...     fixable, copy = error.can_start_new, keep_damaged_copy(error.path, now=1796032800.0)
>>> fixable, copy.name.startswith("runs.sqlite3.damaged-2026"), copy.exists()
(True, True, True)
>>> (folder / "runs.sqlite3").exists()
False
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from pathlib import Path

from tflab.home import DATABASE_FILE, MODELS_FOLDER
from tflab.words import Amount, Phrase, PhrasedError

# Problems TF Lab can fix when asked (keep a copy, start a new store); the others are the
# person's to fix (free the folder, make it writable, upgrade), and the message says how.
DAMAGED = ("not_a_database", "damaged")
PROBLEMS = (*DAMAGED, "not_a_folder", "read_only_folder", "read_only_file", "newer",
            "cannot_open")
# A whole-file `PRAGMA quick_check` reads every page: 6 to 10 ms per MB on this machine
# (5.5 MB, 300 runs of 50 epochs with 4 metrics: 50-60 ms; 26 MB, 1000 such runs: 110-165
# ms), once per process that opens the store. Up to this size the whole file is checked;
# above it the runs table only (5 ms at 26 MB), which every page reads first.
FULL_CHECK_BYTES = 8 * 1024 * 1024
_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm")  # SQLite's journal files: they belong to the database
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}


class StoreUnavailable(PhrasedError, RuntimeError):
    """The run store cannot be opened: `problem` (one of `PROBLEMS`) at `path` (the file
    or folder at fault) in the store's folder `root`; `phrase` says it and the fix.

    `can_start_new`: the database is damaged, and keeping a copy and starting a new
    store (`tflab.store.start_new_store`) fixes it.
    """

    def __init__(self, problem: str, root: Path, path: Path, **values: object):
        self.problem, self.root, self.path = problem, Path(root), Path(path)
        super().__init__(Phrase(f"store_failures.{problem}",
                                {"root": str(root), "path": str(path), **values}))

    @property
    def can_start_new(self) -> bool:
        return self.problem in DAMAGED


def prepare_folder(root: Path) -> None:
    """Make `root` and its `models` folder, or say why they cannot be made or written in."""
    models = root.joinpath(*MODELS_FOLDER)
    in_the_way = _file_on_the_way(models)
    if in_the_way is not None:
        raise StoreUnavailable("not_a_folder", root, in_the_way)
    try:
        models.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise from_error(root, root / DATABASE_FILE, error) from error
    if not os.access(root, os.W_OK | os.X_OK):  # an existing store's folder made read-only
        raise StoreUnavailable("read_only_folder", root, root)


def check_file(path: Path) -> None:
    """Raise `StoreUnavailable` when the file at `path` is there but is no whole database.

    Reads only the first 100 bytes: a file that is not SQLite's, or shorter than its own
    header says (cut short by a full disk or a copy stopped half way), is named before
    SQLite opens it. A missing or empty file is a new store, and fine.
    """
    root = path.parent
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if not path.is_file():
        raise StoreUnavailable("cannot_open", root, path, reason="not a regular file")
    if not os.access(path, os.R_OK | os.W_OK):
        raise StoreUnavailable("read_only_file", root, path)
    if size == 0:
        return
    with open(path, "rb") as file:
        header = file.read(100)
    if len(header) < 100 or not header.startswith(_HEADER):
        raise StoreUnavailable("not_a_database", root, path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is trusted only when written by a SQLite that keeps it (both
    # counters equal), and only with no journal pending: a WAL not yet copied back
    # may hold pages the file will have after the next checkpoint.
    counted = header[24:28] == header[92:96]
    if counted and not _journal_pending(path) and size < pages * page_size:
        raise StoreUnavailable("damaged", root, path,
                               detail=Phrase("store_failures.truncated",
                                             {"size": Amount(size, ","),
                                              "expected": Amount(pages * page_size, ",")}))


def check_pages(db: sqlite3.Connection, path: Path) -> None:
    """SQLite's own check of the pages (`PRAGMA quick_check`): the whole file when small,
    else the runs table (see `FULL_CHECK_BYTES`); raises `StoreUnavailable` when damaged."""
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        return
    whole = size <= FULL_CHECK_BYTES
    has_runs = whole or db.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'runs'").fetchone()
    if not has_runs:
        return
    first = db.execute("PRAGMA quick_check" if whole else "PRAGMA quick_check(runs)").fetchone()
    if first is None or first[0] != "ok":
        raise StoreUnavailable("damaged", path.parent, path,
                               detail=Phrase("store_failures.sqlite_says",
                                             {"said": str(first[0] if first else "nothing")}))


def from_error(root: Path, path: Path, error: BaseException) -> StoreUnavailable:
    """The `StoreUnavailable` for what SQLite or the system refused while opening.

    >>> str(from_error(Path("/x"), Path("/x/runs.sqlite3"), OSError(errno.EROFS, "Read-only")))
    'TF Lab cannot write in the folder `/` (it is read-only, ...'
    """
    if isinstance(error, StoreUnavailable):
        return error
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith("SQLITE_NOTADB"):
        return StoreUnavailable("not_a_database", root, path)
    if name.startswith("SQLITE_CORRUPT"):
        return StoreUnavailable("damaged", root, path,
                                detail=Phrase("store_failures.sqlite_says", {"said": str(error)}))
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        in_the_way = _file_on_the_way(root.joinpath(*MODELS_FOLDER))
        if in_the_way is not None:
            return StoreUnavailable("not_a_folder", root, in_the_way)
    if (name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"))
            or getattr(error, "errno", None) in _READ_ONLY):
        if path.exists() and not os.access(path, os.W_OK):
            return StoreUnavailable("read_only_file", root, path)
        return StoreUnavailable("read_only_folder", root, _nearest_existing(root))
    return StoreUnavailable("cannot_open", root, path, reason=str(error))


def keep_damaged_copy(path: Path, now: float | None = None) -> Path:
    """Rename the database at `path` (and its `-wal` and `-shm` files) to
    `<name>.damaged-<date>-<time>` beside it, and return the copy's path.

    Renamed, never deleted or overwritten: SQLite (or a recovery tool) can still open
    the copy with its journal, whose names follow it.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while any(copy.with_name(copy.name + side).exists() for side in ("", *_SIDE_FILES)):
        number += 1
        copy = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    for side in ("", *_SIDE_FILES):
        source = path.with_name(path.name + side)
        if source.exists():
            os.rename(source, copy.with_name(copy.name + side))
    return copy


def _journal_pending(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _file_on_the_way(place: Path) -> Path | None:
    """The first file (not a folder) among `place` and the folders above it, if any."""
    for part in reversed((place, *place.parents)):
        if part.exists() and not part.is_dir():
            return part
    return None


def _nearest_existing(place: Path) -> Path:
    return next((part for part in (place, *place.parents) if part.exists()), place)
