"""Learning-rate finder jobs: queued in the store, done by the real worker, read back."""

import sqlite3
import time

import pytest

from tflab.executor import ProcessExecutor
from tflab.finder import RangeTest
from tflab.job import run_finder
from tflab.recipes import get_recipe
from tflab.store import RunNotFound, RunStore
from tflab.worker import serve


def linear():
    return get_recipe("linear").spec


def test_a_queued_job_is_claimed_once_and_is_not_a_run(tflab_home):
    store = RunStore(tflab_home)
    job_id = store.queue_finder(linear().to_dict())
    job = store.finder(job_id)
    assert (job.status, job.progress, job.result, job.done) == ("queued", 0.0, {}, False)
    assert job.spec == linear().to_dict()
    assert store.list_runs() == [] and store.queued_ids() == [] and store.claim_next() is None
    assert store.claim_finder() == job_id
    assert RunStore(tflab_home).claim_finder() is None
    assert store.finder(job_id).status == "running"


def test_progress_and_the_result_are_read_back(tflab_home):
    store = RunStore(tflab_home)
    job_id = store.queue_finder({})
    store.claim_finder()
    store.finder_progress(job_id, 0.5)
    assert store.finder(job_id).progress == 0.5
    store.finish_finder(job_id, "completed", {"suggestion": 0.01})
    job = store.finder(job_id)
    assert (job.status, job.progress, job.result, job.done) == ("completed", 1.0,
                                                                {"suggestion": 0.01}, True)
    with pytest.raises(ValueError, match="`status`"):
        store.finish_finder(job_id, "running")
    with pytest.raises(RunNotFound):
        store.finder("fnothere")


def test_a_job_left_running_by_a_dead_worker_is_interrupted(tflab_home):
    store = RunStore(tflab_home)
    job_id = store.queue_finder({})
    store.claim_finder()
    with sqlite3.connect(store.path) as db:  # as if a worker that has gone claimed it
        db.execute("UPDATE finder_jobs SET pid = 999999999 WHERE id = ?", (job_id,))
    assert RunStore(tflab_home).finder(job_id).status == "interrupted"


def test_an_older_store_gets_the_finder_table(tflab_home):
    RunStore(tflab_home).close()
    with sqlite3.connect(tflab_home / "runs.sqlite3") as db:
        db.execute("DROP TABLE finder_jobs")
        db.execute("PRAGMA user_version = 4")
    store = RunStore(tflab_home)
    assert store.finder(store.queue_finder({})).status == "queued"


def test_run_finder_records_the_curve_and_the_suggestion(tflab_home):
    store = RunStore(tflab_home)
    job_id = store.queue_finder(linear().to_dict())
    store.claim_finder()
    assert run_finder(store, job_id, interval=0.0) == "completed"
    job = store.finder(job_id)
    test = RangeTest.from_dict(job.result)
    assert job.status == "completed" and test.exploded and test.suggestion.value > 0
    assert len(test.lrs) == len(test.losses) > 10


def test_run_finder_records_why_it_failed(tflab_home):
    store = RunStore(tflab_home)
    spec = linear().to_dict()
    spec["model"]["input_shape"] = [3]  # the line's examples have one number
    job_id = store.queue_finder(spec)
    store.claim_finder()
    assert run_finder(store, job_id) == "failed"
    job = store.finder(job_id)
    assert job.status == "failed" and "shape" in job.message


def test_the_worker_takes_finder_jobs_before_queued_runs(tflab_home, monkeypatch):
    import tflab.job

    done = []
    for name in ("run_finder", "run_job"):
        real = getattr(tflab.job, name)
        monkeypatch.setattr(tflab.job, name, lambda store, job, *a, real=real, name=name, **k:
                            (real(store, job, *a, **k), done.append(name))[0])
    store = RunStore(tflab_home)
    run_id = store.create_run("linear", linear().with_setting("fit.epochs", 2).to_dict(), 2)
    job_id = store.queue_finder(linear().to_dict())
    serve(store, once=True)
    assert done == ["run_finder", "run_job"]  # queued later, taken first
    assert store.finder(job_id).status == "completed"
    assert store.get_run(run_id).status == "completed"


def test_the_worker_process_does_a_finder_job(tflab_home):
    """As Build does it: queue the job, make sure the worker runs, read the result."""
    store = RunStore(tflab_home)
    executor = ProcessExecutor(store)
    try:
        job_id = store.queue_finder(linear().to_dict())
        executor.ensure_worker()
        deadline = time.monotonic() + 120
        while not store.finder(job_id).done:
            assert time.monotonic() < deadline, (tflab_home / "worker.log").read_text()[-2000:]
            time.sleep(0.1)
        job = store.finder(job_id)
        assert job.status == "completed", job.message
        assert RangeTest.from_dict(job.result).suggestion.value is not None
    finally:
        executor.shutdown()
