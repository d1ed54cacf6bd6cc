"""The command line on a store it cannot open, in real processes: the message names the
folder or file and the fix, with no traceback, the exit status is 3, and `new-store`
keeps the damaged database as a copy and starts anew."""

import os
import subprocess
import sys
from pathlib import Path

from store_faults import files_in, read_only, store_with_runs, truncate_to_half, write_garbage

ROOT = Path(__file__).resolve().parents[2]


def tflab(*args, home):
    env = {**os.environ, "TFLAB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tflab", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_truncated_database_is_named_then_kept_by_new_store(tmp_path):
    home = tmp_path / "home"
    ids, _ = store_with_runs(home)
    left = truncate_to_half(home / "runs.sqlite3")

    listed = tflab("runs", home=home)
    assert listed.returncode == 3 and "Traceback" not in listed.stderr
    assert f"error: The runs database `{home / 'runs.sqlite3'}` is damaged (cut short" \
        in listed.stderr
    assert "To keep a copy and start a new store: python -m tflab new-store" in listed.stderr
    assert (home / "runs.sqlite3").read_bytes() == left

    started = tflab("new-store", home=home)
    assert started.returncode == 0, started.stderr
    [copy] = home.glob("runs.sqlite3.damaged-*")
    assert f"was kept as `{copy}`" in started.stdout and copy.read_bytes() == left
    again = tflab("runs", home=home)
    assert again.returncode == 0 and "no runs yet" in again.stdout
    assert all((home / "models" / f"{run_id}.keras").exists() for run_id in ids)


def test_garbage_and_a_home_under_a_file_exit_3(tmp_path):
    garbage_home = tmp_path / "garbage"
    garbage_home.mkdir()
    write_garbage(garbage_home / "runs.sqlite3")
    done = tflab("runs", home=garbage_home)
    assert done.returncode == 3 and "is not a database file" in done.stderr
    assert "Traceback" not in done.stderr

    (tmp_path / "a-file").write_text("x")
    done = tflab("runs", home=tmp_path / "a-file" / "home")
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert f"`{tmp_path / 'a-file'}` is a file, not a folder" in done.stderr
    assert "new-store" not in done.stderr  # not a fix for this one
    done = tflab("new-store", home=tmp_path / "a-file" / "home")
    assert done.returncode == 3 and (tmp_path / "a-file").read_text() == "x"
    (tmp_path / "sales.csv").write_text("sales\n1\n2\n")
    done = tflab("import", str(tmp_path / "sales.csv"), home=tmp_path / "a-file" / "home")
    assert done.returncode == 3 and "is a file, not a folder" in done.stderr


def test_a_read_only_home_exits_3_and_keeps_its_runs(tmp_path):
    home = tmp_path / "home"
    _, before = store_with_runs(home)
    with read_only(home):
        done = tflab("runs", home=home)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert f"cannot write in the folder `{home}`" in done.stderr
    assert files_in(home) == before
