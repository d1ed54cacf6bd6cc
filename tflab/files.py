"""Files TF Lab keeps in its store, named by id: where each id lives, and reading them capped.

A spec never holds a path: a CSV, a weights file or a saved model is named by the id TF
Lab gave it when it was kept (its content id, `tflab.home.content_id`, with its suffix
for weights and models), and a finished run's model by `run:<run id>`. This module is the
one place that turns those ids into paths, always inside the store (`TFLAB_HOME`, else
`~/.tflab`: `tflab.home`), and the one place that keeps new files there. Every read of a
file named by a spec is capped, so a spec cannot make the server read more than the limit
(a link once named `/dev/zero`).

Example:

>>> relative("csv", "3fa2b1c4d5e6")
('datasets', 'csv', '3fa2b1c4d5e6.csv')
>>> relative("base model", "run:r0abc1234ef01")
('models', 'r0abc1234ef01.keras')
>>> relative("weights", "../../etc/passwd")
Traceback (most recent call last):
...
ValueError: `weights` must be '' (random), ...; received '../../etc/passwd'.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePath

from tflab.home import CSV_FOLDER, MODELS_FOLDER, WEIGHTS_FOLDER, keep_by_content, root_or_default
from tflab.names import BASE_MODEL, CSV_ID, NETWORK_WEIGHTS, RUN_PREFIX, TextPattern
from tflab.params import Amount
from tflab.words import Phrase, PhrasedError

MB = 1024 * 1024
MAX_CSV_BYTES = 20 * MB
MAX_WEIGHTS_BYTES = 600 * MB  # InceptionV3's full weights are about 92 MB; a .keras model too
MAX_RECORD_BYTES = 4 * MB     # an uploaded dataset's record: names and skipped files

_KINDS: dict[str, TextPattern] = {"csv": CSV_ID, "weights": NETWORK_WEIGHTS,
                                  "base model": BASE_MODEL}


class FileTooLarge(PhrasedError, ValueError):
    """A file over its size limit, or not a regular file; the message names both.

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """


def relative(kind: str, name: str) -> tuple[str, ...]:
    """The parts of the path, inside the store, of the file a spec names.

    Args:
        kind: "csv" (a `data.options.csv_id`), "weights" (a network base's
            `model.base.weights` file id) or "base model" (a run base's `model.base.weights`).
        name: the id, checked again here against the spec's alphabet.

    Raises:
        ValueError: `name` is not an id of this kind (or is empty: nothing to read).
    """
    pattern = _KINDS[kind]
    if not name or not pattern.matches(name) or name == "imagenet":
        raise ValueError(f"`{kind}` must be {pattern.words}; received {name!r}.")
    if kind == "csv":
        return (*CSV_FOLDER, f"{name}.csv")
    if name.startswith(RUN_PREFIX):
        return (*MODELS_FOLDER, f"{name[len(RUN_PREFIX):]}.keras")
    return (*WEIGHTS_FOLDER, name)


def path(kind: str, name: str, root: str | Path | None = None) -> Path:
    """Where the file a spec names lives in the store at `root` (default: `default_root()`).

    Example:

    >>> path("weights", "3fa2b1c4d5e6.h5", "/lab").as_posix()
    '/lab/weights/3fa2b1c4d5e6.h5'
    """
    return root_or_default(root).joinpath(*relative(kind, name))


def id_of_path(kind: str, old: str, root: str | Path | None = None) -> str | None:
    """The id of a file an older spec named by its path, when that path is the store's own
    file of this kind; None for any other path.

    Only the text is compared (no file is opened), so this cannot be used to read
    anything: it only recognises the paths TF Lab itself once wrote into specs.

    Example:

    >>> id_of_path("base model", "/lab/models/r12ab.keras", "/lab")
    'run:r12ab'
    >>> id_of_path("csv", "/home/me/sales.csv", "/lab") is None
    True
    """
    if not isinstance(old, str) or not old:
        return None
    given = PurePath(os.path.normpath(old))
    folder = str(given.parent)
    home = root_or_default(root)
    candidates = {
        "csv": [(home.joinpath(*CSV_FOLDER), given.stem, given.suffix == ".csv")],
        "weights": [(home.joinpath(*WEIGHTS_FOLDER), given.name, True)],
        "base model": [(home.joinpath(*MODELS_FOLDER), RUN_PREFIX + given.stem,
                        given.suffix == ".keras"),
                       (home.joinpath(*WEIGHTS_FOLDER), given.name, True)],
    }[kind]
    for where, name, fits in candidates:
        if fits and folder == os.path.normpath(str(where)) and _KINDS[kind].matches(name) \
                and name not in ("", "imagenet"):
            return name
    return None


def keep(data: bytes, folder: tuple[str, ...], suffix: str,
         root: str | Path | None = None) -> str:
    """Write `data` once as `<root>/<folder>/<content id><suffix>`, whole or not at all;
    returns the kept file's name (its id with the suffix): `tflab.home.keep_by_content`."""
    return keep_by_content(data, root_or_default(root).joinpath(*folder), suffix)


def check_size(file: str | Path, limit: int, what: Phrase | str) -> Path:
    """`file` when it is a regular file of at most `limit` bytes, for a loader that opens it
    itself (Keras); FileTooLarge or FileNotFoundError otherwise."""
    file = Path(file)
    info = file.stat()  # FileNotFoundError when it is not there
    if not stat.S_ISREG(info.st_mode):
        raise FileTooLarge(Phrase("errors.file.not_regular", {"what": what}))
    if info.st_size > limit:
        raise FileTooLarge(Phrase("errors.file.too_large", {
            "what": what, "size": _size(info.st_size), "limit": _size(limit)}))
    return file


def read_capped(file: str | Path, limit: int, what: Phrase | str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileTooLarge otherwise.

    The size is checked on the open file and the read itself stops one byte past the
    limit, so neither a file that grows nor a device that never ends can exceed it.

    Example:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "big.csv").write_bytes(b"x" * 100)
    >>> read_capped(folder / "big.csv", 10, "big.csv")
    Traceback (most recent call last):
    ...
    tflab.files.FileTooLarge: big.csv is over the limit of 10 bytes.
    """
    with open(file, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise FileTooLarge(Phrase("errors.file.not_regular", {"what": what}))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(Phrase("errors.file.over_limit", {"what": what, "limit": _size(limit)}))
    return data


def _size(count: int) -> Phrase:
    if count >= MB:
        return Phrase("errors.size.megabytes", {"n": Amount(count / MB, ",.0f")})
    return Phrase("errors.size.bytes", {"n": Amount(count, ",")})

