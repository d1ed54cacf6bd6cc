"""A person's CSV file, kept in the data folder so runs that read it stay reproducible.

The file is named by its content hash, and a spec names it by that id (`csv_id`), never
by a path: the same upload is the same file, and a run's spec points at bytes that never
change under it.

Example:

>>> import tempfile
>>> root = tempfile.mkdtemp()
>>> csv_id = store_csv(b"day,sales\\n1,10\\n2,12\\n3,15\\n", "sales.csv", root)
>>> len(csv_id), csv_columns(read_csv_text(csv_id, root))
(12, ['day', 'sales'])
"""

from __future__ import annotations

from pathlib import Path

from tflab import files
from tflab.data.dataset import DatasetUnavailable
from tflab.files import MAX_CSV_BYTES


class CsvUploadError(ValueError):
    """An upload that cannot be a series: the message names the file and the reason."""


def store_csv(data: bytes, name: str, root: str | Path | None = None) -> str:
    """Check an uploaded CSV and keep it under `<root>/datasets/csv/`; returns its id."""
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
    return Path(files.keep(data, files.CSV_FOLDER, ".csv", root)).stem


def read_csv_text(csv_id: str, root: str | Path | None = None) -> str:
    """The text of the CSV kept as `csv_id`, read with the upload's size limit.

    Raises:
        DatasetUnavailable: no such CSV in the store, or one too large or not text.
    """
    try:
        data = files.read_capped(files.path("csv", csv_id, root), MAX_CSV_BYTES, f"The CSV {csv_id}")
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise DatasetUnavailable(f"There is no CSV {csv_id} in TF Lab's store: upload the file "
                                 "again (Build, or `python -m tflab import file.csv`).") from None
    except (OSError, ValueError) as error:  # FileTooLarge and UnicodeDecodeError are ValueErrors
        raise DatasetUnavailable(f"The CSV {csv_id} cannot be read: {error}") from None


def csv_columns(text: str) -> list[str]:
    """The first row's cells (a header, or the first values), to choose a column from."""
    for line in text.splitlines():
        if line.strip():
            separator = ";" if ";" in line else "\t" if "\t" in line else ","
            return [cell.strip().strip('"').strip() for cell in line.split(separator)]
    return []
