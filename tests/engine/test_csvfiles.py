"""CSV uploads for series: checked, kept by content, and readable by the series dataset."""

import re

import pytest

from tflab.data import DatasetUnavailable, load_dataset
from tflab.data.csvfiles import CsvUploadError, csv_columns, read_csv_text, store_csv


def sales(rows=200):
    return ("day;sales\n" + "\n".join(f"{i};{10 + (i % 7) * 2.5}" for i in range(rows))).encode()


def test_a_csv_is_kept_once_by_content_and_feeds_a_series(tflab_home):
    first = store_csv(sales(), "sales.csv")
    again = store_csv(sales(), "copy.csv")
    assert first == again and re.fullmatch(r"[0-9a-f]{12}", first)  # an id, not a path
    assert list((tflab_home / "datasets" / "csv").iterdir()) == [
        tflab_home / "datasets" / "csv" / f"{first}.csv"]
    data = load_dataset("series", {"csv_id": first, "csv_column": "sales", "window": 10},
                        0.2, 0)
    assert data.x_train.shape[1:] == (10, 1) and data.x_val.shape[1:] == (10, 1)
    assert float(data.x_train[0, 0, 0]) == 10.0


@pytest.mark.parametrize("data,message", [
    (b"", "is empty"),
    (b"\xff\xfe\x00\x01bad", "not UTF-8"),
    (b"a,b\n1,\x002\n", "binary data"),
    (b"\n\n\n", "no rows"),
])
def test_bad_csv_uploads_are_refused_with_the_reason(tmp_path, data, message):
    with pytest.raises(CsvUploadError, match=message) as caught:
        store_csv(data, "mine.csv", tmp_path)
    assert "'mine.csv'" in str(caught.value)
    assert not (tmp_path / "datasets" / "csv").exists() or not any(
        (tmp_path / "datasets" / "csv").iterdir())


def test_an_oversize_csv_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("tflab.data.csvfiles.MAX_CSV_BYTES", 100)
    with pytest.raises(CsvUploadError, match="the limit"):
        store_csv(sales(), "big.csv", tmp_path)


def test_columns_are_read_from_the_first_row():
    assert csv_columns("\n a ; b \n1;2") == ["a", "b"]
    assert csv_columns('"x","y"\n1,2') == ["x", "y"]


def test_a_kept_csv_over_the_limit_is_not_read(tflab_home, monkeypatch):
    csv_id = store_csv(sales(), "sales.csv")
    monkeypatch.setattr("tflab.data.csvfiles.MAX_CSV_BYTES", 100)
    with pytest.raises(DatasetUnavailable, match=f"The CSV {csv_id} cannot be read: .* over the "
                                                 "limit of 100 bytes"):
        read_csv_text(csv_id)


def test_a_csv_id_that_was_never_kept_is_unavailable_by_its_id():
    with pytest.raises(DatasetUnavailable, match="There is no CSV 0123456789ab in TF Lab's store"):
        load_dataset("series", {"csv_id": "0123456789ab"}, 0.2, 0)
