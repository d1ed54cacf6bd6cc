"""The Ray executor on a real local Ray cluster of 2 CPUs, started once for this module.

Each trial runs in a Ray worker process, so these tests see what a cluster would: runs
recorded by this process only, stops heard through an actor, a killed worker, and a dataset
that reaches a trial through Ray's object store.
"""

import os
import signal
import sys
import time

import numpy as np
import pytest

from tflab.data.csvfiles import store_csv
from tflab.models import load_model
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.words import Phrase, Words

ray = pytest.importorskip("ray", reason="the dev requirements install Ray (requirements-ray.txt)")

from tflab.ray_cluster import RayMissing, import_ray, runtime_env  # noqa: E402
from tflab.ray_executor import RayExecutor  # noqa: E402

MULTICLASS = get_recipe("multiclass").spec.with_setting("fit.epochs", 2)


@pytest.fixture(scope="module", autouse=True)
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING",
             runtime_env=runtime_env())
    yield
    ray.shutdown()


@pytest.fixture
def store(tmp_path):
    with RunStore(tmp_path / "store") as store:  # not TFLAB_HOME: the trials have their own
        yield store


@pytest.fixture
def executor(store):
    executor = RayExecutor(store)
    yield executor
    executor.shutdown(timeout=60)


def _until(condition, timeout=120.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


def test_two_runs_train_side_by_side_into_the_store(executor, store):
    run_ids = [executor.submit(MULTICLASS), executor.submit(MULTICLASS.with_setting("seed", 7))]
    assert {executor.position(run_id) for run_id in run_ids} <= {0, 1, 2}

    assert [executor.wait(run_id, timeout=240) for run_id in run_ids] == ["completed"] * 2
    runs = [store.get_run(run_id) for run_id in run_ids]
    for run in runs:
        assert run.epochs_done == 2
        assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(store.history(run.id))
        assert 0 < run.final_metrics["val_accuracy"] <= 1
        assert run.profile is not None  # the pictures' profile came back for Predict
        assert store.view(run.id) is not None  # and the confusion matrix
        model = load_model(store.model_path(run.id))
        assert model.predict(np.zeros((1, 28, 28, 1), "float32"), verbose=0).shape == (1, 10)
        assert store.weight_epochs(run.id)  # the first and the best epoch's weights
        assert executor.position(run.id) is None
    first, second = runs
    assert first.started < second.ended and second.started < first.ended  # at once


def test_stop_reaches_a_training_trial_at_its_next_batch(executor, store):
    long = MULTICLASS.with_setting("fit.epochs", 60)
    training = [executor.submit(long), executor.submit(long.with_setting("seed", 1))]
    waiting = executor.submit(MULTICLASS)
    _until(lambda: all(store.get_run(run_id).epochs_done >= 1 for run_id in training),
           what="both runs' first epoch")
    assert executor.position(waiting) == 1

    executor.stop(waiting)  # both CPUs are taken: it has not begun
    assert store.get_run(waiting).status == "stopped"
    assert executor.position(waiting) is None

    asked = time.monotonic()
    executor.stop(training[0])
    assert executor.wait(training[0], timeout=60) == "stopped"
    seconds = time.monotonic() - asked
    # The trial heard at once, and ended the batch it was in.
    report = ray.get(executor.flags.stop_report.remote(training[0]))
    assert report["batches_after"] == 1 and report["reached_s"] < 0.25, report
    run = store.get_run(training[0])
    assert 1 <= run.epochs_done < 60 and "Stopped on request" in run.message
    assert store.model_path(run.id).is_file()  # a stopped run keeps its model, as locally
    assert seconds < 10

    store.request_stop(training[1])  # as another page, or the command line, asks
    assert executor.wait(training[1], timeout=60) == "stopped"
    assert ray.get(executor.flags.stop_report.remote(training[1]))["batches_after"] == 1
    _until(lambda: waiting not in executor.in_flight(), what="the waiting run's trial to end")
    run = store.get_run(waiting)
    assert run.status == "stopped" and run.epochs_done == 0 and run.started is None


def test_a_killed_worker_leaves_its_run_interrupted_and_the_other_completes(executor, store):
    doomed = executor.submit(MULTICLASS.with_setting("fit.epochs", 40))
    other = executor.submit(MULTICLASS.with_setting("fit.epochs", 3))
    _until(lambda: store.get_run(doomed).epochs_done >= 2 and executor.worker(doomed),
           what="the first run's second epoch")
    worker = executor.worker(doomed)
    assert worker["pid"] != os.getpid() and worker != executor.worker(other)

    os.kill(worker["pid"], signal.SIGKILL)

    assert executor.wait(doomed, timeout=120) == "interrupted"
    run = store.get_run(doomed)
    assert run.epochs_done >= 2
    assert run.said and run.said[0].key == "ray.worker_died"
    assert f"(epoch {run.epochs_done} of 40)" in run.message
    assert "época" in Words.load("es").say(run.said[0])
    assert not store.model_path(doomed).exists()
    assert executor.wait(other, timeout=240) == "completed"
    assert store.get_run(other).epochs_done == 3


def test_an_uploaded_csv_reaches_a_trial_through_the_object_store(executor, store):
    rows = "".join(f"{day},{10 + day % 7 + day / 50:.2f}\n" for day in range(240))
    csv_id = store_csv(("day,sales\n" + rows).encode(), "sales.csv", store.root)
    kept = store.root / "datasets" / "csv" / f"{csv_id}.csv"
    spec = get_recipe("time_series").spec.with_setting("data.options.csv_id", csv_id) \
        .with_setting("data.options.csv_column", "sales").with_setting("fit.epochs", 2)

    run_id = executor.submit(spec)
    # The bytes went to the object store when the run was sent: no trial reads this disk.
    kept.unlink()
    assert executor.wait(run_id, timeout=240) == "completed", store.get_run(run_id).message
    assert store.get_run(run_id).epochs_done == 2
    assert store.view(run_id)[0] == "forecast"

    missing = executor.submit(spec.with_setting("data.options.csv_id", "0" * 12))
    assert executor.wait(missing, timeout=240) == "failed"
    assert "000000000000" in store.get_run(missing).message


def test_without_ray_the_choice_says_how_to_install_it(monkeypatch, store):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when it is absent
    with pytest.raises(RayMissing, match="pip install -r requirements-ray.txt"):
        import_ray()
    with pytest.raises(RayMissing) as raised:
        RayExecutor(store)
    assert raised.value.phrase == Phrase("ray.missing")
    assert "requirements-ray.txt" in Words.load("es").say(raised.value.phrase)


def test_a_four_variant_sweep_runs_on_ray_from_the_command_line(tflab_home, capsys):
    """Issue 11: a 4-variant sweep of the multi-class recipe through a real local Ray
    cluster (this module's), each variant a run in the store with its epochs and model."""
    from tflab.metrics import best_run
    from tflab.cli import main

    code = main(["sweep", "multiclass", "--vary", "model.layers[1].units=16,64",
                 "--vary", "compile.learning_rate=0.001,0.01", "--set", "fit.epochs=2",
                 "--executor", "ray"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 variants" in out.splitlines()[0] and "Ray at" in out.splitlines()[0]
    with RunStore() as store:
        [sweep] = store.list_sweeps()
        runs = store.sweep_runs(sweep.id)
        assert [run.status for run in runs] == ["completed"] * 4
        assert all(run.epochs_done == 2 and store.model_path(run.id).is_file() for run in runs)
        best, _, _ = best_run(runs)
    assert out.splitlines()[-1].endswith(f"(run {best.id})")
