"""CSV uploads for series: checked, kept by content, and readable by the series dataset."""

import pytest

from tflab.data import load_dataset
from tflab.data.csvfiles import CsvUploadError, csv_columns, store_csv


def sales(rows=200):
    return ("day;sales\n" + "\n".join(f"{i};{10 + (i % 7) * 2.5}" for i in range(rows))).encode()


def test_a_csv_is_kept_once_by_content_and_feeds_a_series(tmp_path):
    first = store_csv(sales(), "sales.csv", tmp_path)
    again = store_csv(sales(), "copy.csv", tmp_path)
    assert first == again and first.parent == tmp_path / "datasets" / "csv"
    assert list((tmp_path / "datasets" / "csv").iterdir()) == [first]
    data = load_dataset("series", {"csv_path": str(first), "csv_column": "sales", "window": 10},
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
