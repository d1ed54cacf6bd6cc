"""Tests for tflab.store: a real SQLite file in a temporary folder, real processes."""

import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tflab.store import (FINISHED, MAX_VIEW_SNAPSHOTS, SCHEMA_VERSION, STATUSES, RunNotFound,
                         RunStore, kept_view_epochs)

REPO = Path(__file__).resolve().parents[2]
HAS_PROC = Path("/proc/self/stat").exists()


@pytest.fixture
def store(tmp_path):
    with RunStore(tmp_path) as store:
        yield store


def test_statuses():
    assert STATUSES[:2] == ("queued", "running")
    assert FINISHED == ("completed", "stopped", "failed", "diverged", "interrupted")


def test_files_and_schema(tmp_path):
    RunStore(tmp_path).close()
    assert (tmp_path / "models").is_dir()
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        index_columns = [row[2] for row in db.execute("PRAGMA index_info(metrics_by_run)")]
    assert index_columns == ["run_id", "kind", "epoch"]


def test_newer_schema_is_refused(tmp_path):
    RunStore(tmp_path).close()
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RuntimeError, match="newer TF Lab.*version 99"):
        RunStore(tmp_path)


def test_a_store_from_before_labels_gains_them_and_keeps_its_runs(tmp_path):
    # Schema version 2, as TF Lab wrote it before runs had labels and input profiles.
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        db.execute("""CREATE TABLE runs (id TEXT PRIMARY KEY, recipe TEXT NOT NULL,
            spec TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL DEFAULT '',
            created REAL NOT NULL, started REAL, ended REAL, epochs INTEGER,
            final_metrics TEXT NOT NULL DEFAULT '{}', pid INTEGER, pid_started REAL,
            stop_requested INTEGER NOT NULL DEFAULT 0)""")
        db.execute("INSERT INTO runs (id, recipe, spec, status, created, epochs) "
                   "VALUES ('old1', 'cnn', '{}', 'completed', 1.0, 3)")
        db.execute("PRAGMA user_version = 2")
    with RunStore(tmp_path) as store:
        run = store.get_run("old1")
        assert (run.recipe, run.label, run.profile) == ("cnn", "", None)
        assert store.set_label("old1", "shapes, first try") == "shapes, first try"
        store.set_profile("old1", {"mean": 33.5})
        run = store.get_run("old1")
        assert (run.label, run.profile) == ("shapes, first try", {"mean": 33.5})
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_labels_are_one_line_and_short(store):
    run_id = store.create_run("cnn", {})
    assert store.set_label(run_id, " two\n\tlines ") == "two lines"
    assert store.get_run(run_id).label == "two lines"
    with pytest.raises(ValueError, match="at most 60 characters; received 61"):
        store.set_label(run_id, "x" * 61)
    with pytest.raises(RunNotFound):
        store.set_label("nope", "x")
    assert store.set_label(run_id, "") == ""


def test_tflab_home_is_respected(tmp_path, monkeypatch):
    monkeypatch.setenv("TFLAB_HOME", str(tmp_path / "home"))
    with RunStore() as store:
        run_id = store.create_run("mlp", {})
        assert store.root == tmp_path / "home"
    assert (tmp_path / "home" / "runs.sqlite3").is_file()
    assert store.model_path(run_id) == tmp_path / "home" / "models" / f"{run_id}.keras"


def test_run_lifecycle(store):
    spec = {"model": {"layers": [{"units": 8}]}, "fit": {"epochs": 3}}
    run_id = store.create_run("mlp", spec, epochs=3)
    run = store.get_run(run_id)
    assert (run.status, run.recipe, run.spec, run.epochs) == ("queued", "mlp", spec, 3)
    assert run.started is None and run.ended is None and run.duration is None
    assert run.pid == os.getpid() and run.epochs_done == 0 and run.final_metrics == {}

    store.mark_running(run_id)
    store.add_epochs(run_id, [(0, {"loss": 1.0}), (1, {"loss": 0.5})])
    run = store.get_run(run_id)
    assert run.status == "running" and run.started is not None and run.ended is None
    assert run.epochs_done == 2 and run.duration >= 0

    store.finish(run_id, "completed", "done", final_metrics={"accuracy": 0.9})
    run = store.get_run(run_id)
    assert (run.status, run.message, run.final_metrics) == ("completed", "done",
                                                            {"accuracy": 0.9})
    assert run.ended >= run.started and run.duration == run.ended - run.started


def test_finish_with_bad_status_names_the_field(store):
    run_id = store.create_run("mlp", {})
    with pytest.raises(ValueError) as error:
        store.finish(run_id, "done")
    message = str(error.value)
    assert "`status`" in message and "'done'" in message and "completed" in message
    assert store.get_run(run_id).status == "queued"


def test_bad_arguments_name_the_field(store):
    with pytest.raises(ValueError, match="`epochs`.*received 0"):
        store.create_run("mlp", {}, epochs=0)
    with pytest.raises(ValueError, match="`spec` must be a dict"):
        store.create_run("mlp", [1, 2])
    with pytest.raises(ValueError, match="`spec` must hold only JSON"):
        store.create_run("mlp", {"f": object()})
    with pytest.raises(ValueError, match="`statuses`.*'done'"):
        store.list_runs(statuses=["done"])
    with pytest.raises(ValueError, match="`run_id`.*'../etc'"):
        store.model_path("../etc")


def test_unknown_run_raises_key_error_naming_it(store):
    with pytest.raises(KeyError) as error:
        store.get_run("rnope")
    assert str(error.value) == "no run with id 'rnope'"
    for call in (store.mark_running, store.request_stop, store.stop_requested,
                 store.delete_run, lambda run_id: store.finish(run_id, "failed")):
        with pytest.raises(RunNotFound, match="rnope"):
            call("rnope")


def test_run_ids_are_unique_short_and_sorted_by_creation(store):
    ids = []
    for _ in range(3):
        ids.append(store.create_run("mlp", {}))
        time.sleep(0.003)
    ids += [store.create_run("mlp", {}) for _ in range(300)]
    assert len(set(ids)) == len(ids)
    assert sorted(ids[:4]) == ids[:4]
    assert all(len(run_id) == 13 and run_id.isalnum() and run_id.islower() for run_id in ids)


def test_resolve_prefix(store):
    first = store.create_run("mlp", {})
    second = store.create_run("mlp", {})
    assert store.resolve(first) == first
    assert store.resolve(f"  {first} ") == first
    common = os.path.commonprefix([first, second])
    assert store.resolve(first[:len(common) + 1]) == first
    with pytest.raises(KeyError) as error:
        store.resolve(common)
    assert str(error.value) == f"{common!r} matches 2 runs: {first}, {second}"
    with pytest.raises(KeyError) as error:
        store.resolve("x")
    assert str(error.value) == "no run matches 'x'"
    with pytest.raises(KeyError, match="no run matches ''"):
        store.resolve("")


def test_list_runs_and_queue(store):
    ids = []
    for _ in range(4):
        ids.append(store.create_run("mlp", {}))
        time.sleep(0.002)
    store.mark_running(ids[0])
    store.finish(ids[1], "failed", "boom")
    assert [run.id for run in store.list_runs()] == ids[::-1]
    assert [run.id for run in store.list_runs(limit=2)] == [ids[3], ids[2]]
    assert [run.id for run in store.list_runs(statuses=["failed", "running"])] == [ids[1],
                                                                                  ids[0]]
    assert [run.id for run in store.list_runs(statuses="failed")] == [ids[1]]
    assert store.queued_ids() == [ids[2], ids[3]]


def test_history_is_ordered_by_epoch(store):
    run_id = store.create_run("mlp", {})
    store.add_epochs(run_id, [(1, {"loss": 0.5, "accuracy": 0.8})])
    store.add_epochs(run_id, [(0, {"loss": 1.0, "accuracy": 0.6}), (2, {"loss": 0.2})])
    assert store.history(run_id) == {"loss": [(0, 1.0), (1, 0.5), (2, 0.2)],
                                     "accuracy": [(0, 0.6), (1, 0.8)]}
    assert store.get_run(run_id).epochs_done == 3
    assert store.history("rother") == {}


def test_nan_and_inf_round_trip(store):
    run_id = store.create_run("mlp", {})
    store.add_epochs(run_id, [(0, {"loss": float("nan"), "grad": float("inf")}),
                              (1, {"loss": 0.5, "grad": float("-inf")})])
    history = store.history(run_id)
    assert math.isnan(history["loss"][0][1]) and history["loss"][1] == (1, 0.5)
    assert history["grad"] == [(0, math.inf), (1, -math.inf)]
    store.add_batches(run_id, [(1, 0, {"loss": math.nan})])
    assert math.isnan(store.batches(run_id)["loss"][0][1])
    store.finish(run_id, "diverged", final_metrics={"loss": math.nan})
    assert math.isnan(store.get_run(run_id).final_metrics["loss"])


def test_a_bad_value_stores_none_of_the_buffer(store):
    run_id = store.create_run("mlp", {})
    with pytest.raises(ValueError, match="Metric `loss`.*'high'"):
        store.add_epochs(run_id, [(0, {"loss": 1.0}), (1, {"loss": "high"})])
    assert store.history(run_id) == {}


def test_batches_keep_only_the_last_two_epochs(store):
    run_id = store.create_run("mlp", {})
    store.add_batches(run_id, [(0, step, {"loss": 1.0 - step / 10}) for step in range(3)])
    store.add_batches(run_id, [(1, 0, {"loss": 0.6, "accuracy": 0.5}), (1, 1, {"loss": 0.5})])
    assert store.batches(run_id) == {"loss": [(0, 0.6), (1, 0.5)], "accuracy": [(0, 0.5)]}
    assert store.batches(run_id, epoch=0) == {"loss": [(0, 1.0), (1, 0.9), (2, 0.8)]}

    store.add_batches(run_id, [(2, 0, {"loss": 0.4})])
    assert store.batches(run_id, epoch=0) == {}
    assert store.batches(run_id, epoch=1)["loss"] == [(0, 0.6), (1, 0.5)]
    assert store.batches(run_id) == {"loss": [(0, 0.4)]}
    with sqlite3.connect(store.path) as db:
        epochs = {row[0] for row in db.execute("SELECT epoch FROM metrics WHERE kind='batch'")}
    assert epochs == {1, 2}


def test_stop_request(store):
    run_id = store.create_run("mlp", {})
    other = store.create_run("mlp", {})
    assert store.stop_requested(run_id) is False
    store.request_stop(run_id)
    assert store.stop_requested(run_id) is True
    assert store.stop_requested(other) is False


def test_delete_removes_rows_and_files(store):
    run_id = store.create_run("mlp", {})
    kept = store.create_run("mlp", {})
    store.add_epochs(run_id, [(0, {"loss": 1.0})])
    store.add_epochs(kept, [(0, {"loss": 2.0})])
    store.add_batches(run_id, [(0, 0, {"loss": 1.0})])
    store.model_path(run_id).write_bytes(b"model")
    store.model_path(kept).write_bytes(b"model")
    (store.root / "runs" / run_id).mkdir(parents=True)
    (store.root / "runs" / run_id / "log.csv").write_text("epoch,loss\n")

    store.delete_run(run_id)

    assert not store.model_path(run_id).exists()
    assert not (store.root / "runs" / run_id).exists()
    with pytest.raises(KeyError):
        store.get_run(run_id)
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM metrics WHERE run_id = ?",
                          (run_id,)).fetchone()[0] == 0
    assert store.model_path(kept).exists() and store.history(kept) == {"loss": [(0, 2.0)]}


def test_delete_refuses_a_running_run(store):
    run_id = store.create_run("mlp", {})
    store.mark_running(run_id)
    with pytest.raises(ValueError, match="is running; stop it first"):
        store.delete_run(run_id)
    assert store.get_run(run_id).status == "running"


def test_closed_store_refuses_use(tmp_path):
    store = RunStore(tmp_path)
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.list_runs()


def test_runs_of_this_live_process_survive_reopening(tmp_path):
    with RunStore(tmp_path) as first:
        running = first.create_run("mlp", {}, epochs=5)
        first.mark_running(running)
        first.add_epochs(running, [(0, {"loss": 1.0})])
        queued = first.create_run("mlp", {})
        with RunStore(tmp_path) as second:
            assert second.get_run(running).status == "running"
            assert second.get_run(queued).status == "queued"
            assert second.get_run(running).ended is None


@pytest.mark.skipif(not HAS_PROC, reason="start times come from /proc")
def test_a_reused_pid_does_not_keep_a_run_alive(tmp_path):
    with RunStore(tmp_path) as store:
        run_id = store.create_run("mlp", {}, epochs=4)
        store.mark_running(run_id)
    # Same pid as this process, but a different start: another process had it.
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        db.execute("UPDATE runs SET pid_started = pid_started - 1")
    with RunStore(tmp_path) as store:
        run = store.get_run(run_id)
    assert run.status == "interrupted"
    assert run.message == ("The process running this run ended before it finished "
                           "(epoch 0 of 4).")


CHILD = textwrap.dedent("""
    import sys, time
    from tflab.store import RunStore
    store = RunStore(sys.argv[1])
    run_id = store.create_run("mlp", {"fit": {"epochs": 10}}, epochs=10)
    queued = store.create_run("mlp", {})
    store.mark_running(run_id)
    store.add_epochs(run_id, [(0, {"loss": 1.0}), (1, {"loss": 0.5})])
    store.add_epochs(run_id, [(2, {"loss": 0.25})])
    print(run_id, queued, "ready", flush=True)
    time.sleep(120)
""")


def test_a_killed_process_leaves_its_runs_interrupted(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE, text=True)
    guard = threading.Timer(60, child.kill)  # readline must not hang the suite
    guard.start()
    try:
        run_id, queued, ready = child.stdout.readline().split()
    finally:
        guard.cancel()
    assert ready == "ready"

    # While the other process lives, opening the store leaves its runs alone.
    with RunStore(tmp_path) as store:
        assert store.get_run(run_id).status == "running"
        assert store.get_run(queued).status == "queued"

    os.kill(child.pid, signal.SIGKILL)
    if hasattr(os, "waitid"):
        # Wait for the exit but leave the child unreaped: a zombie, as the child of
        # an app that has not collected it yet. It must count as dead too.
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)

    with RunStore(tmp_path) as store:
        run = store.get_run(run_id)
        assert run.status == "interrupted"
        assert run.message == ("The process running this run ended before it finished "
                               "(epoch 3 of 10).")
        assert run.ended is not None and run.epochs_done == 3
        assert store.history(run_id) == {"loss": [(0, 1.0), (1, 0.5), (2, 0.25)]}
        queued_run = store.get_run(queued)
        assert queued_run.status == "interrupted"
        assert queued_run.message == "The app stopped before this run started."
        assert store.queued_ids() == []
    child.wait(timeout=30)
    child.stdout.close()


def test_a_run_whose_process_is_gone_is_interrupted(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    with RunStore(tmp_path) as store:
        run_id = store.create_run("mlp", {})
        store.mark_running(run_id)
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        db.execute("UPDATE runs SET pid = ?", (int(finished.stdout),))
    with RunStore(tmp_path) as store:
        run = store.get_run(run_id)
    assert run.status == "interrupted"
    assert run.message == "The process running this run ended before it finished (epoch 0)."


def test_readers_see_whole_buffers_while_a_thread_writes(tmp_path):
    buffers, buffer_size = 150, 3
    errors, lengths = [], []
    with RunStore(tmp_path) as store:
        run_id = store.create_run("mlp", {}, epochs=buffers * buffer_size)
        store.mark_running(run_id)
        done = threading.Event()

        def write():
            try:
                for first in range(0, buffers * buffer_size, buffer_size):
                    store.add_epochs(run_id, [(epoch, {"loss": 1 / (epoch + 1), "acc": 0.5,
                                                       "val_loss": 0.1})
                                              for epoch in range(first, first + buffer_size)])
                    store.add_batches(run_id, [(first, step, {"loss": 0.1})
                                               for step in range(5)])
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                done.set()

        def read(reader_store):
            seen = 0
            try:
                while not done.is_set():
                    history = reader_store.history(run_id)
                    sizes = {len(series) for series in history.values()}
                    size = max(sizes, default=0)
                    # One transaction per buffer: never a partial buffer or metric.
                    assert len(sizes) <= 1 and size % buffer_size == 0, history
                    assert size >= seen, f"history shrank from {seen} to {size} epochs"
                    seen = size
                    lengths.append(size)
                    reader_store.get_run(run_id)
                    reader_store.batches(run_id)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        with RunStore(tmp_path) as other_store:  # as another process would open it
            threads = [threading.Thread(target=write),
                       threading.Thread(target=read, args=(store,)),
                       threading.Thread(target=read, args=(other_store,))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

        assert errors == []
        assert lengths, "the readers never read"
        assert len(store.history(run_id)["loss"]) == buffers * buffer_size


def test_a_store_whose_metrics_kept_no_time_gains_the_column_and_keeps_its_epochs(tmp_path):
    # Schema version 2's metrics table, written before epochs kept the time they ended.
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        db.execute("""CREATE TABLE metrics (run_id TEXT NOT NULL, kind TEXT NOT NULL
            CHECK (kind IN ('epoch', 'batch')), epoch INTEGER NOT NULL, step INTEGER,
            name TEXT NOT NULL, value REAL)""")
        db.execute("INSERT INTO metrics VALUES ('old1', 'epoch', 1, NULL, 'loss', 0.5)")
        db.execute("PRAGMA user_version = 2")
    with RunStore(tmp_path) as store:
        assert store.history("old1") == {"loss": [(1, 0.5)]}
        assert store.epoch_times("old1") == []  # no time kept: no pace from them
        store.add_epochs("old1", [(2, {"loss": 0.4})], at=1000.0)
        assert store.epoch_times("old1") == [(2, 1000.0)]


def test_epochs_keep_when_they_were_written(store):
    run_id = store.create_run("mlp", {}, epochs=5)
    before = time.time()
    store.add_epochs(run_id, [(1, {"loss": 0.9, "acc": 0.1}), (2, {"loss": 0.8, "acc": 0.2})])
    after = time.time()
    store.add_epochs(run_id, [(3, {"loss": 0.7})], at=before + 100)

    times = store.epoch_times(run_id)

    assert [epoch for epoch, _ in times] == [1, 2, 3]
    assert all(before <= at <= after for _, at in times[:2])
    assert times[2][1] == before + 100
    store.add_batches(run_id, [(4, 1, {"loss": 0.6})])
    assert [epoch for epoch, _ in store.epoch_times(run_id)] == [1, 2, 3]  # batches aside


def test_a_snapshot_holds_the_run_its_metrics_and_its_place(store):
    running = store.create_run("mlp", {}, epochs=10)
    queued = store.create_run("mlp", {}, epochs=10)
    assert store.claim_next() == running
    store.add_epochs(running, [(1, {"loss": 0.9}), (2, {"loss": 0.8})], at=50.0)
    store.add_batches(running, [(3, 1, {"loss": 0.75}), (3, 2, {"loss": 0.7})])
    store.set_view(running, "curve", 2, {"x": [1]})

    snap = store.snapshot(running)

    assert (snap.run.id, snap.run.status, snap.run.epochs_done) == (running, "running", 2)
    assert snap.history == {"loss": [(1, 0.9), (2, 0.8)]}
    assert snap.epoch_times == [(1, 50.0), (2, 50.0)]
    assert (snap.batch_epoch, snap.batches) == (3, {"loss": [(1, 0.75), (2, 0.7)]})
    assert snap.view == ("curve", 2, {"x": [1]})
    assert (snap.place, snap.training_now) == (None, 1)
    waiting = store.snapshot(queued)
    assert (waiting.place, waiting.training_now, waiting.batch_epoch) == (1, 1, None)
    with pytest.raises(RunNotFound):
        store.snapshot("nope")
    store.add_epochs(running, [(3, {"loss": 0.7})])  # the read transaction was ended


def test_a_snapshot_taken_while_a_worker_writes_counts_the_epochs_it_holds(tmp_path):
    """The progress text (the run's epoch count) and the curves (its history) come from
    one snapshot: they never name different epochs, however the writes fall."""
    epochs, mismatches, snapshots = 600, [], []
    with RunStore(tmp_path) as store:
        run_id = store.create_run("mlp", {}, epochs=epochs)
        store.mark_running(run_id)
        done = threading.Event()

        def write():
            try:
                for epoch in range(1, epochs + 1):
                    store.add_epochs(run_id, [(epoch, {"loss": 1 / epoch, "val_loss": 0.1})])
            finally:
                done.set()

        with RunStore(tmp_path) as reader:  # as the dashboard's process opens it
            writer = threading.Thread(target=write)
            writer.start()
            while not done.is_set() or not snapshots:
                snap = reader.snapshot(run_id)
                snapshots.append(snap.run.epochs_done)
                if len(snap.history.get("loss", [])) != snap.run.epochs_done or \
                        len(snap.epoch_times) != snap.run.epochs_done:
                    mismatches.append(snap.run.epochs_done)
            writer.join(timeout=60)

    assert mismatches == []
    assert len(snapshots) > 1


def test_history_since_returns_only_the_epochs_after_the_last_one_drawn(store):
    run_id = store.create_run("mlp", {}, epochs=10_000)
    store.mark_running(run_id)
    store.add_epochs(run_id, [(epoch, {"loss": 1 / epoch, "val_loss": 2 / epoch})
                              for epoch in range(1, 9_998)], at=10.0)
    store.add_epochs(run_id, [(9_998, {"loss": 0.5}), (9_999, {"loss": 0.25})], at=20.0)

    since = store.history_since(run_id, 9_997)

    assert since == {"loss": [(9_998, 0.5), (9_999, 0.25)]}
    assert store.history_since(run_id, 9_999) == {}
    assert len(store.history_since(run_id, 0)["val_loss"]) == 9_997
    snap = store.snapshot(run_id, after_epoch=9_997)
    assert snap.history == since
    assert snap.epoch_times == [(9_998, 20.0), (9_999, 20.0)]
    assert snap.run.epochs_done == 9_999  # the run itself is whole
    assert len(store.snapshot(run_id).history["loss"]) == 9_999


def test_history_since_names_a_bad_epoch(store):
    run_id = store.create_run("mlp", {})
    for bad in ("3", 2.5, True, None):
        with pytest.raises(ValueError, match=r"`after_epoch` must be a whole number.*received"):
            store.history_since(run_id, bad)
    with pytest.raises(ValueError, match="`after_epoch`.*received '3'"):
        store.snapshot(run_id, after_epoch="3")


def test_views_are_kept_per_epoch_and_read_back_at_the_nearest_kept_epoch(store):
    run_id = store.create_run("mlp", {}, epochs=10)
    for epoch in (1, 2, 4):
        store.set_view(run_id, "curve", epoch, {"curve_y": [epoch]})

    assert store.view_epochs(run_id) == [1, 2, 4]
    assert store.view_at(run_id, 1) == ("curve", 1, {"curve_y": [1]})
    assert store.view_at(run_id, 3) == ("curve", 2, {"curve_y": [2]})  # nearest at or before
    assert store.view_at(run_id, 99) == ("curve", 4, {"curve_y": [4]})
    assert store.view_at(run_id, 0) is None
    assert store.view_at(run_id, 4, kind="boundary") is None
    assert store.view(run_id) == ("curve", 4, {"curve_y": [4]})  # the latest, as before
    assert store.snapshot(run_id).view_epochs == (1, 2, 4)
    with pytest.raises(ValueError, match=r"`epoch` must be a whole number.*received '3'"):
        store.view_at(run_id, "3")
    store.delete_run(run_id)
    assert store.view_epochs(run_id) == [] and store.view_at(run_id, 4) is None


def test_a_long_run_keeps_a_bounded_even_spread_of_views(store):
    run_id = store.create_run("mlp", {}, epochs=5_000)
    sizes = []
    for epoch in range(1, 5_001):
        store.set_view(run_id, "boundary", epoch, {"epoch": epoch})
        sizes.append(len(store.view_epochs(run_id)))

    kept = store.view_epochs(run_id)
    assert max(sizes) <= MAX_VIEW_SNAPSHOTS
    assert sizes[:MAX_VIEW_SNAPSHOTS] == list(range(1, MAX_VIEW_SNAPSHOTS + 1))  # all, at first
    assert kept[0] == 1 and kept[-1] == 5_000
    assert len(kept) > MAX_VIEW_SNAPSHOTS // 2
    gaps = {b - a for a, b in zip(kept[:-2], kept[1:-1])}
    assert gaps == {32}  # evenly spread: 5000 epochs in buckets of 32
    assert kept == kept_view_epochs(range(1, 5_001))  # the same as the rule applied once
    for epoch in kept:
        assert store.view_at(run_id, epoch) == ("boundary", epoch, {"epoch": epoch})


def test_the_view_rule_keeps_firsts_of_buckets_and_names_a_bad_limit():
    assert kept_view_epochs([], limit=4) == []
    assert kept_view_epochs([4, 3, 3, 1], limit=4) == [1, 3, 4]  # up to the limit: all
    assert kept_view_epochs([7, 3, 3, 1], limit=4) == [1, 7]  # buckets 1-4 and 5-8
    # Views sent every third epoch (throttled): buckets of 4 keep their first view.
    assert kept_view_epochs(range(1, 23, 3), limit=8) == [1, 7, 10, 13, 19, 22]
    assert kept_view_epochs(range(1, 23, 3), limit=8) == kept_view_epochs(
        kept_view_epochs(range(1, 17, 3), limit=8) + [19, 22], limit=8)
    with pytest.raises(ValueError, match=r"`limit` must be a whole number of at least 2; "
                                         r"received 1"):
        kept_view_epochs([1, 2], limit=1)


def test_a_store_that_kept_only_the_latest_view_opens_and_offers_that_epoch(tmp_path):
    # Schema version 3: the views table held the latest view only, no view_history.
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        db.execute("""CREATE TABLE views (run_id TEXT NOT NULL, kind TEXT NOT NULL,
            epoch INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (run_id, kind))""")
        db.execute("""INSERT INTO views VALUES ('old1', 'boundary', 40, '{"p": [0.5]}')""")
        db.execute("PRAGMA user_version = 3")
    with RunStore(tmp_path) as store:
        assert store.view("old1") == ("boundary", 40, {"p": [0.5]})
        assert store.view_epochs("old1") == [40]
        assert store.view_at("old1", 50) == ("boundary", 40, {"p": [0.5]})
        assert store.view_at("old1", 39) is None
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
