"""A run store that cannot be opened, provoked for real: each case is named with its folder
or file and the fix (`tflab.store_health.StoreUnavailable`), and no run or file is lost.

- a database cut to half its size (a full disk, a copy stopped half way);
- a file of random bytes named runs.sqlite3;
- a database whose pages were overwritten in the middle (same size, SQLite's own check);
- a TFLAB_HOME whose parent is a regular file;
- a TFLAB_HOME holding runs, made read-only (for root: the immutable attribute);
- a database file made read-only;
- a TFLAB_HOME that cannot be made: under /sys, where nobody may make a folder.
"""

from pathlib import Path

import pytest

from store_faults import files_in, read_only, store_with_runs, truncate_to_half, write_garbage
from tflab.store import RunStore, start_new_store
from tflab.store_health import StoreUnavailable, keep_damaged_copy
from tflab.words import Words


def refused(root: Path) -> StoreUnavailable:
    with pytest.raises(StoreUnavailable) as caught:
        RunStore(root)
    return caught.value


def test_a_truncated_database_is_named_kept_on_request_and_a_new_store_starts(tmp_path):
    root = tmp_path / "home"
    ids, _ = store_with_runs(root)
    database = root / "runs.sqlite3"
    left = truncate_to_half(database)
    before = files_in(root)

    error = refused(root)
    assert (error.problem, error.path, error.can_start_new) == ("damaged", database, True)
    said = str(error)
    assert f"`{database}`" in said and "cut short" in said and f"{len(left):,} bytes" in said
    assert "keep it as a copy" in said and "nothing is deleted" in said
    assert "está dañada" in Words.load("es").say(error.phrase)
    assert files_in(root) == before  # refusing changed nothing: no file touched or made

    store, copy = start_new_store(root)
    with store:
        assert store.list_runs() == []
        store.create_run("linear", {}, epochs=1)  # the new store works
        assert len(store.list_runs()) == 1
    assert copy.parent == root and copy.name.startswith("runs.sqlite3.damaged-")
    assert copy.read_bytes() == left  # the old database kept, byte for byte
    for run_id in ids:  # the models stay where they were
        assert (root / "models" / f"{run_id}.keras").read_bytes() == before[f"models/{run_id}.keras"]


def test_a_file_of_garbage_named_runs_sqlite3_is_not_a_database(tmp_path):
    root = tmp_path / "home"
    root.mkdir()
    garbage = write_garbage(root / "runs.sqlite3")

    error = refused(root)
    assert (error.problem, error.path, error.can_start_new) == (
        "not_a_database", root / "runs.sqlite3", True)
    assert "is not a database file" in str(error) and str(root / "runs.sqlite3") in str(error)
    assert (root / "runs.sqlite3").read_bytes() == garbage

    store, copy = start_new_store(root)
    store.close()
    assert copy.read_bytes() == garbage
    assert sorted(p.name for p in root.iterdir()) == sorted(["models", "runs.sqlite3", copy.name])


def test_pages_overwritten_in_the_middle_are_found_by_sqlites_own_check(tmp_path):
    root = tmp_path / "home"
    store_with_runs(root, runs=30)
    database = root / "runs.sqlite3"
    data = bytearray(database.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page: len(data) - page] = b"\xa5" * (len(data) - 2 * page)  # keep the header page
    database.write_bytes(bytes(data))

    error = refused(root)
    assert error.problem == "damaged" and error.can_start_new
    assert "SQLite says" in str(error)
    assert database.read_bytes() == bytes(data)


def test_a_home_whose_parent_is_a_regular_file_says_which_file(tmp_path, monkeypatch):
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("my notes")
    home = in_the_way / "tflab"
    monkeypatch.setenv("TFLAB_HOME", str(home))

    error = refused(None)  # from TFLAB_HOME, as the app and the CLI open it
    assert (error.problem, error.root, error.path, error.can_start_new) == (
        "not_a_folder", home, in_the_way, False)
    assert str(error).startswith(f"TF Lab keeps its runs in the folder `{home}`, but "
                                 f"`{in_the_way}` is a file, not a folder.")
    assert "Set TFLAB_HOME to a folder" in str(error)
    assert in_the_way.read_text() == "my notes"
    with pytest.raises(StoreUnavailable):  # nothing to rename: the fix is the person's
        start_new_store(home)
    assert in_the_way.read_text() == "my notes"


def test_a_read_only_home_with_runs_is_named_and_its_runs_stay(tmp_path):
    root = tmp_path / "home"
    ids, before = store_with_runs(root)
    with read_only(root):
        error = refused(root)
        assert (error.problem, error.path, error.can_start_new) == ("read_only_folder", root, False)
        assert f"cannot write in the folder `{root}`" in str(error)
        assert "Make the folder writable" in str(error)
        with pytest.raises(StoreUnavailable):  # never renames a sound database
            start_new_store(root)
    assert files_in(root) == before
    with RunStore(root) as store:  # writable again: every run is there
        assert sorted(run.id for run in store.list_runs()) == sorted(ids)


def test_a_read_only_database_file_is_named(tmp_path):
    root = tmp_path / "home"
    ids, before = store_with_runs(root)
    with read_only(root / "runs.sqlite3"):
        error = refused(root)
        assert (error.problem, error.path) == ("read_only_file", root / "runs.sqlite3")
        assert "the file is read-only" in str(error)
    assert files_in(root) == before
    with RunStore(root) as store:
        assert len(store.list_runs()) == len(ids)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's /sys")
def test_a_home_that_cannot_be_made_names_the_folder_that_refuses():
    # sysfs makes no folders for anyone, root included.
    error = refused(Path("/sys/tflab-home"))
    assert (error.problem, error.path) == ("read_only_folder", Path("/sys"))
    assert not Path("/sys/tflab-home").exists()


def test_a_damaged_copy_takes_its_journal_along_and_never_overwrites(tmp_path):
    database = tmp_path / "runs.sqlite3"
    for side, data in (("", b"db"), ("-wal", b"wal"), ("-shm", b"shm")):
        (tmp_path / f"runs.sqlite3{side}").write_bytes(data)
    first = keep_damaged_copy(database, now=1796032800.0)
    database.write_bytes(b"db again")
    second = keep_damaged_copy(database, now=1796032800.0)  # the same second: another name
    assert first != second and second.name == first.name + "-2"
    assert first.read_bytes() == b"db" and second.read_bytes() == b"db again"
    assert Path(f"{first}-wal").read_bytes() == b"wal" and Path(f"{first}-shm").read_bytes() == b"shm"
    assert not database.exists() and not Path(f"{database}-wal").exists()


def test_a_sound_store_is_never_renamed(tmp_path):
    ids, before = store_with_runs(tmp_path / "home")
    store, copy = start_new_store(tmp_path / "home")
    with store:
        assert copy is None and len(store.list_runs()) == len(ids)
    assert {name for name in files_in(tmp_path / "home")} == set(before)

