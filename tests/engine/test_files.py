"""Files kept in the store by id: ids never leave the store, and every read is capped."""

import os

import pytest

from tflab import files
from tflab.files import FileTooLarge, check_size, read_capped


@pytest.mark.parametrize("kind,name", [
    ("csv", "../../etc/passwd"), ("csv", "/etc/passwd"), ("csv", "3fa2b1c4d5e6.csv"),
    ("csv", ""), ("weights", "/root/.ssh/id_rsa.h5"), ("weights", "../3fa2b1c4d5e6.h5"),
    ("weights", "imagenet"), ("weights", "3fa2b1c4d5e6.keras"),
    ("base model", "run:../../x"), ("base model", "/tmp/m.keras"), ("base model", "run:"),
])
def test_a_name_that_is_not_an_id_never_becomes_a_path(kind, name):
    with pytest.raises(ValueError, match=f"received {name!r}"):
        files.path(kind, name, "/lab")


def test_ids_resolve_inside_the_store_only(tflab_home):
    assert files.path("csv", "3fa2b1c4d5e6") == tflab_home / "datasets" / "csv" / "3fa2b1c4d5e6.csv"
    assert files.path("weights", "3fa2b1c4d5e6.weights.h5") == \
        tflab_home / "weights" / "3fa2b1c4d5e6.weights.h5"
    assert files.path("base model", "3fa2b1c4d5e6.keras") == tflab_home / "weights" / "3fa2b1c4d5e6.keras"
    assert files.path("base model", "run:r0abc12") == tflab_home / "models" / "r0abc12.keras"


def test_a_device_that_never_ends_is_refused_without_reading_it():
    # /dev/zero once grew the server to 16.5 GB when a link named it as a CSV.
    with pytest.raises(FileTooLarge, match="not a regular file"):
        read_capped("/dev/zero", 1024, "/dev/zero")
    with pytest.raises(FileTooLarge, match="not a regular file"):
        check_size("/dev/zero", 1024, "/dev/zero")


def test_a_read_stops_past_the_limit(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"1\n" * 1000)
    assert read_capped(big, 2000, "big.csv") == b"1\n" * 1000
    with pytest.raises(FileTooLarge, match="big.csv is over the limit of 1,999 bytes"):
        read_capped(big, 1999, "big.csv")
    with pytest.raises(FileTooLarge, match="big.csv is 2,000 bytes; the limit is 1,999 bytes"):
        check_size(big, 1999, "big.csv")


def test_a_symlink_out_of_the_store_is_not_followed_to_a_device(tflab_home):
    folder = tflab_home / "datasets" / "csv"
    folder.mkdir(parents=True)
    os.symlink("/dev/zero", folder / "0123456789ab.csv")
    with pytest.raises(FileTooLarge):
        read_capped(files.path("csv", "0123456789ab"), files.MAX_CSV_BYTES, "the CSV")


@pytest.mark.parametrize("kind,old,expected", [
    ("csv", "/lab/datasets/csv/3fa2b1c4d5e6.csv", "3fa2b1c4d5e6"),
    ("csv", "/lab/datasets/csv/../csv/3fa2b1c4d5e6.csv", "3fa2b1c4d5e6"),
    ("csv", "/home/me/sales.csv", None),
    ("csv", "/lab/datasets/csv/notanid.csv", None),
    ("csv", "/lab/weights/3fa2b1c4d5e6.csv", None),
    ("weights", "/lab/weights/3fa2b1c4d5e6.weights.h5", "3fa2b1c4d5e6.weights.h5"),
    ("weights", "/home/me/inception_v3.h5", None),
    ("base model", "/lab/models/r0abc12.keras", "run:r0abc12"),
    ("base model", "/lab/weights/3fa2b1c4d5e6.keras", "3fa2b1c4d5e6.keras"),
    ("base model", "/elsewhere/models/r0abc12.keras", None),
])
def test_older_specs_paths_are_recognised_only_as_the_stores_own_files(kind, old, expected):
    assert files.id_of_path(kind, old, "/lab") == expected
