"""Weights files people bring for a pretrained base: checked, then kept in the data folder.

Only HDF5 files are taken (.h5 as in the notes, or Keras 3's .weights.h5); they are named
by content, so a run that names one loads the same weights later. Whether they fit the
network is checked when the model is built (tflab.build raises BuildError naming the file).

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
MAX_WEIGHTS_BYTES = 600 * 1024 * 1024


class WeightsUploadError(ValueError):
    """An upload that cannot be a weights file; the message names it and says why."""


def store_weights(data: bytes, name: str, root: str | Path | None = None) -> Path:
    """Keep an uploaded .h5 / .weights.h5 under `<root>/weights/`; returns its path."""
    if root is None:
        from tflab.store import default_root

        root = default_root()
    if not name.endswith(".h5"):
        raise WeightsUploadError(f"{name!r} is not a .h5 or .weights.h5 file.")
    if len(data) > MAX_WEIGHTS_BYTES:
        raise WeightsUploadError(f"{name!r} is {len(data) / 2**20:.0f} MB; the limit is "
                                 f"{MAX_WEIGHTS_BYTES // 2**20} MB.")
    if not data.startswith(HDF5_SIGNATURE):
        raise WeightsUploadError(f"{name!r} is not an HDF5 weights file (it does not start with "
                                 "HDF5's signature); save the weights with "
                                 "model.save_weights('name.weights.h5').")
    folder = Path(root) / "weights"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".weights.h5" if name.endswith(".weights.h5") else ".h5"
    path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    if not path.exists():
        partial = folder / (path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)
    return path
