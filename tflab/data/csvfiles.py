"""A person's CSV file, kept in the data folder so runs that read it stay reproducible.

The file is named by its content hash: the same upload is the same file, and a run's
spec points at bytes that never change under it.

Example:

>>> import tempfile
>>> path = store_csv(b"day,sales\\n1,10\\n2,12\\n3,15\\n", "sales.csv", tempfile.mkdtemp())
>>> path.name.endswith(".csv"), csv_columns(path.read_text())
(True, ['day', 'sales'])
"""

from __future__ import annotations

import hashlib
from pathlib import Path

MAX_CSV_BYTES = 20 * 1024 * 1024


class CsvUploadError(ValueError):
    """An upload that cannot be a series: the message names the file and the reason."""


def store_csv(data: bytes, name: str, root: str | Path | None = None) -> Path:
    """Check an uploaded CSV and keep it under `<root>/datasets/csv/`; returns its path."""
    if root is None:
        from tflab.store import default_root

        root = default_root()
    if not data:
        raise CsvUploadError(f"{name!r} is empty.")
    if len(data) > MAX_CSV_BYTES:
        raise CsvUploadError(f"{name!r} is {len(data) / 2**20:.1f} MB; the limit for a CSV is "
                             f"{MAX_CSV_BYTES // 2**20} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvUploadError(f"{name!r} is not UTF-8 text: save it as CSV (UTF-8) and upload "
                             "it again.") from None
    if "\x00" in text:
        raise CsvUploadError(f"{name!r} is not a text file (it holds binary data).")
    if not csv_columns(text):
        raise CsvUploadError(f"{name!r} has no rows.")
    folder = Path(root) / "datasets" / "csv"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)  # whole or nothing: a reader never sees half a file
    return path


def csv_columns(text: str) -> list[str]:
    """The first row's cells (a header, or the first values), to choose a column from."""
    for line in text.splitlines():
        if line.strip():
            separator = ";" if ";" in line else "\t" if "\t" in line else ","
            return [cell.strip().strip('"').strip() for cell in line.split(separator)]
    return []
