"""Files people bring for a pretrained base: checked, then kept in the data folder.

Weights are HDF5 files (.h5 as in the notes, or Keras 3's .weights.h5); whether they fit
the network is checked when the model is built (tflab.build raises BuildError naming the
file). A whole saved model (.keras) is loaded once with safe_mode before it is kept, so a
file holding a Python lambda, or no model at all, is refused at upload. Both are named by
content, and a spec names one by that id ("3fa2b1c4d5e6.weights.h5", "3fa2b1c4d5e6.keras"),
so a run that names one loads the same file later (`tflab.files` finds it).

Example:

>>> import tempfile
>>> store_weights(b"not hdf5", "w.h5", tempfile.mkdtemp())
Traceback (most recent call last):
...
tflab.weights.WeightsUploadError: 'w.h5' is not an HDF5 weights file (it does not start with HDF5's signature); save the weights with model.save_weights('name.weights.h5').
"""

from __future__ import annotations

from pathlib import Path

from tflab import files
from tflab.files import MAX_WEIGHTS_BYTES
from tflab.words import Phrase, PhrasedError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"  # a .keras file is a zip archive


class WeightsUploadError(PhrasedError, ValueError):
    """An upload that cannot be a weights file; the message names it and says why.

    Args:
        phrase: why, as a `tflab.words.Phrase` (catalog section `images.weights`): a page
            says it in the reader's language; `str(error)` is the English.
    """


def store_weights(data: bytes, name: str, root: str | Path | None = None) -> str:
    """Keep an uploaded .h5 / .weights.h5 under `<root>/weights/`; returns its id, the
    value of `model.base.weights` that names it."""
    if not name.endswith(".h5"):
        raise WeightsUploadError(Phrase("images.weights.not_h5", {"name": repr(name)}))
    _check_size(data, name)
    if not data.startswith(HDF5_SIGNATURE):
        raise WeightsUploadError(Phrase("images.weights.not_hdf5", {"name": repr(name)}))
    suffix = ".weights.h5" if name.endswith(".weights.h5") else ".h5"
    return files.keep(data, files.WEIGHTS_FOLDER, suffix, root)


def store_model(data: bytes, name: str, root: str | Path | None = None) -> str:
    """Keep an uploaded .keras model under `<root>/weights/` once it loads with safe_mode;
    returns its id, the value of `model.base.weights` (with the base "run") that names it.

    Example:

    >>> import tempfile
    >>> store_model(b"PK\\x03\\x04 not really", "mine.keras", tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    tflab.weights.WeightsUploadError: mine.keras is not a Keras model file that can be loaded (...).
    """
    if not name.endswith(".keras"):
        raise WeightsUploadError(Phrase("images.weights.not_keras", {"name": repr(name)}))
    _check_size(data, name)
    if not data.startswith(ZIP_SIGNATURE):
        raise WeightsUploadError(Phrase("images.weights.not_zip", {"name": repr(name)}))
    kept = files.keep(data, files.WEIGHTS_FOLDER, ".keras", root)
    path = files.path("base model", kept, root)
    from tflab.models import ModelFileError, load_model  # loads TensorFlow

    try:
        load_model(path)
    except ModelFileError as error:
        path.unlink(missing_ok=True)
        # The message names the kept copy; the person knows the file by its own name.
        raise WeightsUploadError(_renamed(error.phrase, path, name)) from None
    return kept


def _renamed(phrase: Phrase, path: Path, name: str) -> Phrase:
    """`phrase` with the kept file's path or name, wherever a value says it, as `name`."""
    values = {key: value.replace(str(path), name).replace(path.name, name)
              if isinstance(value, str) else value for key, value in phrase.values.items()}
    return Phrase(phrase.key, values)


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_WEIGHTS_BYTES:
        raise WeightsUploadError(Phrase("images.weights.too_big", {
            "name": repr(name), "megabytes": round(len(data) / 2**20),
            "limit": MAX_WEIGHTS_BYTES // 2**20}))
