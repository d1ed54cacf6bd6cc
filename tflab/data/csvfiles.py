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
from tflab.params import Amount, said
from tflab.words import Phrase, PhrasedError


class CsvUploadError(PhrasedError, ValueError):
    """An upload that cannot be a series: the message names the file and the reason.

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """


def store_csv(data: bytes, name: str, root: str | Path | None = None) -> str:
    """Check an uploaded CSV and keep it under `<root>/datasets/csv/`; returns its id."""
    if not data:
        raise CsvUploadError(Phrase("errors.csv.empty", {"name": repr(name)}))
    if len(data) > MAX_CSV_BYTES:
        raise CsvUploadError(Phrase("errors.csv.too_large", {
            "name": repr(name), "size": Amount(len(data) / 2**20, ".1f"),
            "limit": MAX_CSV_BYTES // 2**20}))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvUploadError(Phrase("errors.csv.not_utf8", {"name": repr(name)})) from None
    if "\x00" in text:
        raise CsvUploadError(Phrase("errors.csv.binary", {"name": repr(name)}))
    if not csv_columns(text):
        raise CsvUploadError(Phrase("errors.csv.no_rows", {"name": repr(name)}))
    return Path(files.keep(data, files.CSV_FOLDER, ".csv", root)).stem


def read_csv_text(csv_id: str, root: str | Path | None = None) -> str:
    """The text of the CSV kept as `csv_id`, read with the upload's size limit.

    Raises:
        DatasetUnavailable: no such CSV in the store, or one too large or not text.
    """
    try:
        data = files.read_capped(files.path("csv", csv_id, root), MAX_CSV_BYTES,
                                 Phrase("errors.csv.the_csv", {"csv_id": csv_id}))
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise DatasetUnavailable(Phrase("errors.csv.not_kept", {"csv_id": csv_id})) from None
    except (OSError, ValueError) as error:  # FileTooLarge and UnicodeDecodeError are ValueErrors
        raise DatasetUnavailable(Phrase("errors.csv.unreadable", {
            "csv_id": csv_id, "error": said(error)})) from None


def csv_columns(text: str) -> list[str]:
    """The first row's cells (a header, or the first values), to choose a column from."""
    for line in text.splitlines():
        if line.strip():
            separator = ";" if ";" in line else "\t" if "\t" in line else ","
            return [cell.strip().strip('"').strip() for cell in line.split(separator)]
    return []
