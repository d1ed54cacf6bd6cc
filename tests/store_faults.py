"""Real faults in a run store's folder, for the tests of `tflab.store_health`: a store with
runs and a model file in it, its database cut short or overwritten with garbage, a
TFLAB_HOME under a regular file, and a folder or file this process cannot write.
"""

from __future__ import annotations

import os
import random
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tflab.store import RunStore

RUNS = 3


def store_with_runs(root: Path, runs: int = RUNS) -> tuple[list[str], dict[str, bytes]]:
    """A closed store at `root` with `runs` finished runs of 20 epochs and a model file
    each; returns the run ids and every file's bytes (to check that none was lost)."""
    with RunStore(root) as store:
        ids = []
        for number in range(runs):
            run_id = store.create_run("linear", {"fit": {"epochs": 20}}, epochs=20)
            store.add_epochs(run_id, [(epoch, {"loss": 1.0 / (epoch + 1 + number)})
                                      for epoch in range(20)])
            store.finish(run_id, "completed", final_metrics={"loss": 0.05})
            store.model_path(run_id).write_bytes(b"model of " + run_id.encode())
            ids.append(run_id)
    return ids, files_in(root)


def files_in(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path: bytes)."""
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def truncate_to_half(path: Path) -> bytes:
    """Cut the file at `path` to half its size, as a full disk or a stopped copy leaves it;
    returns what is left."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path.read_bytes()


def write_garbage(path: Path, size: int = 8192) -> bytes:
    """Put `size` random (seeded) bytes at `path`; returns them."""
    data = random.Random(12).randbytes(size)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a folder or a file) unwritable for this process while inside, for real.

    A user is stopped by its permission bits. Root is not (CI runs the tests as root):
    for root the file system's immutable attribute (`chattr +i`) stops every write, even
    root's. Where neither can be set (no chattr, a file system without the attribute)
    the test fails, saying why: it must run in CI, not skip there.
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    try:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.fail("running as root without chattr (e2fsprogs): no way to make a folder read-only")
    if made.returncode != 0:
        pytest.fail(f"running as root and chattr +i failed here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
