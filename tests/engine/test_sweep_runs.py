"""A sweep's variants trained side by side by local worker processes, through a real store;
its table in the store; the command line that runs one."""

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tflab.cli import main
from tflab.executor import ProcessExecutor, default_workers, stop_sweep
from tflab.metrics import best_run
from tflab.models import load_model
from tflab.recipes import get_recipe
from tflab.store import SCHEMA_VERSION, RunNotFound, RunStore
from tflab.sweep import SweepSpec, parse_vary

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 2


def wait_for(condition, timeout=180.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def digits_sweep(epochs=EPOCHS) -> SweepSpec:
    """Four variants of the multi-class recipe: two widths times two learning rates."""
    base = get_recipe("multiclass").spec.with_setting("fit.epochs", epochs)
    return SweepSpec(base, (parse_vary("model.layers[1].units=16,64"),
                            parse_vary("compile.learning_rate=0.001,0.01")))


def queue(executor, sweep: SweepSpec) -> str:
    sweep_id = executor.store.create_sweep(sweep.to_dict(), sweep.settings)
    for variant in sweep.variants():
        executor.submit(variant, sweep=sweep_id)
    return sweep_id


def test_a_store_from_schema_6_gains_sweeps_and_keeps_its_runs(tmp_path):
    with RunStore(tmp_path) as store:
        old = store.create_run("linear", {}, 3)
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:  # as TF Lab 6 left it
        db.execute("DROP TABLE sweeps")
        db.execute("ALTER TABLE runs DROP COLUMN sweep")
        db.execute("PRAGMA user_version = 6")
    with RunStore(tmp_path) as store:
        assert store.get_run(old).sweep is None
        sweep_id = store.create_sweep({"vary": []}, ["fit.epochs"])
        run_id = store.create_run("linear", {}, 3, sweep=sweep_id)
        assert [run.id for run in store.sweep_runs(sweep_id)] == [run_id]
        assert store.get_run(run_id).sweep == sweep_id
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_sweep_is_kept_with_what_varies_and_its_variants_in_order(tmp_path):
    sweep = digits_sweep()
    with RunStore(tmp_path) as store:
        sweep_id = store.create_sweep(sweep.to_dict(), sweep.settings)
        runs = [store.create_run("multiclass", v.to_dict(), EPOCHS, sweep=sweep_id)
                for v in sweep.variants()]
        store.create_run("multiclass", sweep.base.to_dict(), EPOCHS)  # not a variant
        kept = store.get_sweep(sweep_id)
        assert kept.varies == ("model.layers[1].units", "compile.learning_rate")
        assert SweepSpec.from_dict(kept.spec) == sweep
        assert [run.id for run in store.sweep_runs(sweep_id)] == runs
        assert [s.id for s in store.list_sweeps()] == [sweep_id]
        with pytest.raises(RunNotFound, match="no sweep with id 'snothere'"):
            store.sweep_runs("snothere")
        with pytest.raises(RunNotFound, match="no sweep"):
            store.create_run("multiclass", {}, 1, sweep="snothere")


def test_the_number_of_workers_is_a_setting_of_one_by_default(tflab_home, monkeypatch):
    store = RunStore(tflab_home)
    monkeypatch.delenv("TFLAB_WORKERS", raising=False)
    assert ProcessExecutor(store).workers == 1
    monkeypatch.setenv("TFLAB_WORKERS", "3")
    assert ProcessExecutor(store).workers == 3
    monkeypatch.setenv("TFLAB_WORKERS", "many")
    with pytest.raises(ValueError, match="`TFLAB_WORKERS`.*Received: 'many'"):
        default_workers()
    with pytest.raises(ValueError, match=r"Received: workers=0"):
        ProcessExecutor(store, workers=0)


def test_a_pool_starts_no_more_workers_than_runs_wait(tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home), workers=3)
    try:
        run_id = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 5))
        assert len(executor._processes) == 1
        assert executor.wait(run_id, timeout=180) == "completed"
    finally:
        executor.shutdown()


def test_four_variants_train_side_by_side_on_two_workers(tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home), workers=2)
    sweep = digits_sweep()
    try:
        sweep_id = queue(executor, sweep)
        running_at_once = 0

        def all_finished():
            nonlocal running_at_once
            runs = executor.store.sweep_runs(sweep_id)
            running_at_once = max(running_at_once, sum(r.status == "running" for r in runs))
            return all(r.status not in ("queued", "running") for r in runs)

        wait_for(all_finished, timeout=300)
        assert len(executor._processes) == 2
        share = str(max(1, os.cpu_count() // 2)).encode()  # each TensorFlow its share of cores
        for worker in executor._processes:
            environ = Path(f"/proc/{worker.pid}/environ").read_bytes().split(b"\0")
            assert b"TF_NUM_INTRAOP_THREADS=" + share in environ
    finally:
        executor.shutdown()
    runs = executor.store.sweep_runs(sweep_id)
    assert [run.status for run in runs] == ["completed"] * 4
    assert running_at_once == 2 and len({run.pid for run in runs}) == 2
    assert any(a.started < b.ended and b.started < a.ended
               for a, b in itertools.combinations(runs, 2))  # two trained at the same time
    for run, (units, rate) in zip(runs, sweep.values()):
        assert run.epochs_done == EPOCHS and run.sweep == sweep_id
        assert len(executor.store.history(run.id)["val_accuracy"]) == EPOCHS
        assert run.spec["compile"]["learning_rate"] == rate
        model = load_model(executor.store.model_path(run.id))
        assert [layer.units for layer in model.layers if hasattr(layer, "units")] == [units, 10]
    best, metric, value = best_run(runs)
    assert metric == "val_accuracy"
    assert value == max(run.final_metrics["val_accuracy"] for run in runs)
    assert best.final_metrics["val_accuracy"] == value


def test_stopping_a_sweep_stops_every_variant_within_a_batch(tflab_home):
    executor = ProcessExecutor(RunStore(tflab_home), workers=2)
    store = executor.store
    try:
        sweep_id = queue(executor, digits_sweep(epochs=1000))
        wait_for(lambda: sum(bool(store.batches(r.id)) for r in store.sweep_runs(sweep_id)) == 2)
        stopped_at = time.monotonic()
        stop_sweep(executor, sweep_id)
        wait_for(lambda: all(r.status == "stopped" for r in store.sweep_runs(sweep_id)), timeout=30)
        took = time.monotonic() - stopped_at
    finally:
        executor.shutdown()
    runs = store.sweep_runs(sweep_id)
    trained = [run for run in runs if run.started is not None]
    assert len(trained) == 2 and took < 10  # a batch of digits lasts milliseconds
    for run in trained:
        assert run.message.startswith("Stopped on request") and run.epochs_done < 1000
        assert store.model_path(run.id).exists()
    assert all(run.message == "Stopped before it started." for run in runs if run not in trained)


def test_the_command_line_sweeps_and_marks_the_best(tflab_home, capsys):
    code = main(["sweep", "multiclass", "--vary", "model.layers[1].units=16,64",
                 "--vary", "compile.learning_rate=0.001,0.01", "--set", f"fit.epochs={EPOCHS}",
                 "--workers", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("sweep s") and "4 variants" in lines[0] and "2 local workers" in lines[0]
    finished = [line for line in lines if line.startswith("variant ")]
    assert sorted(line.split()[1] for line in finished) == ["1/4", "2/4", "3/4", "4/4"]
    assert all(" completed  val_accuracy=" in line for line in finished)
    with RunStore() as store:
        [sweep] = store.list_sweeps()
        runs = store.sweep_runs(sweep.id)
        best, _, value = best_run(runs)
    marked = [line for line in lines if line.startswith("*")]
    assert len(marked) == 1 and best.id in marked[0]
    assert lines[-1] == f"best: variant {runs.index(best) + 1}, val_accuracy {value:.4g} (run {best.id})"


def test_the_command_line_checks_every_variant_before_queuing_any(tflab_home, capsys):
    code = main(["sweep", "multiclass", "--vary", "model.layers[1].units=16,0"])
    err = capsys.readouterr().err
    assert code == 2
    assert "`model.layers[1].units`" in err and "In variant 2 of 2: model.layers[1].units=0." in err
    assert main(["sweep", "multiclass", "--vary", "model.layers[1].units=lin:1..64:64",
                 "--vary", "seed=1,2"]) == 2
    assert "at most 64 variants" in capsys.readouterr().err
    with RunStore() as store:
        assert store.list_runs() == [] and store.list_sweeps() == []



def as_a_terminal_starts_it() -> None:
    """Ctrl-C as a terminal's foreground job takes it. A command started in the background
    of a script inherits SIGINT ignored (POSIX), and the tests may run so (CI's did: the
    command ignored the Ctrl-C, rightly, while its workers, which set their own handler,
    stopped; its third variant then trained on)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_sweep_and_exits_130(tflab_home):
    env = {**os.environ, "TFLAB_HOME": str(tflab_home), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tflab", "sweep", "multiclass", "--vary", "seed=1,2,3",
         "--set", "fit.epochs=1000", "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own group, as a terminal's foreground job
        preexec_fn=as_a_terminal_starts_it)
    try:
        with RunStore(tflab_home) as store:
            wait_for(lambda: sum(r.status == "running" and bool(store.batches(r.id))
                                 for r in store.list_runs()) == 2)
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
            out, err = process.communicate(timeout=60)
            runs = store.list_runs()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, err
    assert "stopping every variant" in err
    assert [run.status for run in runs] == ["stopped"] * 3
    assert sum(run.started is not None for run in runs) == 2
    finished = [line for line in out.splitlines() if line.startswith("variant ")]
    assert len(finished) == 3 and all("  stopped  " in line for line in finished)
    assert out.splitlines()[-1].startswith("best: none")
