"""Tests for tflab.home: the TFLAB_HOME folder, its layout, and writing files whole."""

import numpy as np
import pytest

from tflab.home import (content_id, default_root, keep_by_content, model_path, run_folder,
                        weights_folder, write_whole)


def test_tflab_home_is_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TFLAB_HOME", str(tmp_path / "home"))
    assert default_root() == tmp_path / "home"


def test_without_tflab_home_the_folder_is_dot_tflab(tmp_path, monkeypatch):
    monkeypatch.delenv("TFLAB_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_root() == tmp_path / ".tflab"


@pytest.mark.parametrize("where", [model_path, weights_folder, run_folder])
@pytest.mark.parametrize("bad", ["../etc", "R1", "", "r1/x", 7])
def test_a_path_is_made_only_of_a_run_id(tmp_path, where, bad):
    with pytest.raises(ValueError, match=f"`run_id` must be a run id.*received {bad!r}"):
        where(tmp_path, bad)


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / "model.keras"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"):
        with write_whole(target) as partial:
            partial.write_bytes(b"half of the n")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["model.keras"]


def test_numpy_writes_its_npz_whole_under_the_name_asked(tmp_path):
    target = tmp_path / "epoch-3.npz"
    with write_whole(target) as partial:
        assert partial.suffix == ".npz" and partial.name.startswith(".")
        np.savez(partial, np.arange(3))
    with np.load(target) as saved:
        assert saved["arr_0"].tolist() == [0, 1, 2]
    assert [path.name for path in tmp_path.iterdir()] == ["epoch-3.npz"]


def test_two_writers_of_one_file_get_partials_of_their_own(tmp_path):
    target = tmp_path / "w.h5"
    with write_whole(target) as first, write_whole(target) as second:
        assert first != second
        first.write_bytes(b"first")
        second.write_bytes(b"second")
    assert target.read_bytes() == b"first"  # the outer block ends last: its bytes stay


def test_the_same_bytes_are_kept_once(tmp_path):
    folder = tmp_path / "datasets" / "csv"
    name = keep_by_content(b"day,sales\n1,10\n", folder, ".csv")
    (folder / name).touch()  # a later keep must not write it again
    before = (folder / name).stat().st_mtime_ns
    assert keep_by_content(b"day,sales\n1,10\n", folder, ".csv") == name
    assert (folder / name).stat().st_mtime_ns == before
    assert name == content_id(b"day,sales\n1,10\n") + ".csv"
    assert keep_by_content(b"day,sales\n1,11\n", folder, ".csv") != name
