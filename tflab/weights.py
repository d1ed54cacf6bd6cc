"""Files people bring for a pretrained base: checked, then kept in the data folder.

Weights are HDF5 files (.h5 as in the notes, or Keras 3's .weights.h5); whether they fit
the network is checked when the model is built (tflab.build raises BuildError naming the
file). A whole saved model (.keras) is loaded once with safe_mode before it is kept, so a
file holding a Python lambda, or no model at all, is refused at upload. Both are named by
content, so a run that names one loads the same file later.

Example:

>>> import tempfile
>>> store_weights(b"not hdf5", "w.h5", tempfile.mkdtemp())
Traceback (most recent call last):
...
tflab.weights.WeightsUploadError: 'w.h5' is not an HDF5 weights file (it does not start with HDF5's signature); save the weights with model.save_weights('name.weights.h5').
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"  # a .keras file is a zip archive
MAX_WEIGHTS_BYTES = 600 * 1024 * 1024


class WeightsUploadError(ValueError):
    """An upload that cannot be a weights file; the message names it and says why."""


def store_weights(data: bytes, name: str, root: str | Path | None = None) -> Path:
    """Keep an uploaded .h5 / .weights.h5 under `<root>/weights/`; returns its path."""
    if not name.endswith(".h5"):
        raise WeightsUploadError(f"{name!r} is not a .h5 or .weights.h5 file.")
    _check_size(data, name)
    if not data.startswith(HDF5_SIGNATURE):
        raise WeightsUploadError(f"{name!r} is not an HDF5 weights file (it does not start with "
                                 "HDF5's signature); save the weights with "
                                 "model.save_weights('name.weights.h5').")
    suffix = ".weights.h5" if name.endswith(".weights.h5") else ".h5"
    return _keep(data, suffix, root)


def store_model(data: bytes, name: str, root: str | Path | None = None) -> Path:
    """Keep an uploaded .keras model under `<root>/weights/` once it loads with safe_mode.

    Example:

    >>> import tempfile
    >>> store_model(b"PK\\x03\\x04 not really", "mine.keras", tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    tflab.weights.WeightsUploadError: mine.keras is not a Keras model file that can be loaded (...).
    """
    if not name.endswith(".keras"):
        raise WeightsUploadError(f"{name!r} is not a saved Keras model (.keras); save one with "
                                 "model.save('name.keras').")
    _check_size(data, name)
    if not data.startswith(ZIP_SIGNATURE):
        raise WeightsUploadError(f"{name!r} is not a saved Keras model (a .keras file is a zip "
                                 "archive and this is not one); save one with "
                                 "model.save('name.keras').")
    path = _keep(data, ".keras", root)
    from tflab.predict import PredictionError, load_model  # loads TensorFlow

    try:
        load_model(path)
    except PredictionError as error:
        path.unlink(missing_ok=True)
        # The message names the kept copy; the person knows the file by its own name.
        text = str(error).replace(str(path), name).replace(path.name, name)
        raise WeightsUploadError(text) from None
    return path


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_WEIGHTS_BYTES:
        raise WeightsUploadError(f"{name!r} is {len(data) / 2**20:.0f} MB; the limit is "
                                 f"{MAX_WEIGHTS_BYTES // 2**20} MB.")


def _keep(data: bytes, suffix: str, root: str | Path | None) -> Path:
    """Write `data` once as `<root>/weights/<content hash><suffix>`, whole or not at all."""
    if root is None:
        from tflab.store import default_root

        root = default_root()
    folder = Path(root) / "weights"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    if not path.exists():
        partial = folder / (path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)
    return path
