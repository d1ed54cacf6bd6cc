"""A worker's memory over many runs (issue 12, item 3): one worker process grew by megabytes
a binary_points run (733 to 841 MB over 20, and on) until the machine ran out. A worker
forgets Keras' models between runs (`tflab.worker.forget_models`) and, since a TensorFlow
process grows all the same, makes way for a new one after `recycle_after` runs, the queue
going on. Figures: benchmarks/worker_memory.py."""

import keras
import pytest

from tflab.executor import ProcessExecutor
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.worker import serve

SHORT = get_recipe("linear").spec.with_setting("fit.epochs", 2)


def test_the_worker_starts_each_run_with_keras_as_new(tflab_home):
    """After a run the worker's Keras holds no trace of its model: Keras names layers from
    a global counter; cleared, the next Dense is `dense` again, where without clearing it
    is `dense_N` (the run built three Dense layers)."""
    keras.layers.Dense(1)  # the counter is past 0 whatever ran before in this process
    store = RunStore(tflab_home)
    spec = get_recipe("binary_points").spec.with_setting("fit.epochs", 2)
    run_id = store.create_run(spec.recipe, spec.to_dict(), 2)
    serve(store, once=True)
    assert store.get_run(run_id).status == "completed"
    assert keras.layers.Dense(1).name == "dense"


def test_a_worker_stops_after_its_runs_leaving_the_rest_queued(tflab_home):
    store = RunStore(tflab_home)
    runs = [store.create_run(SHORT.recipe, SHORT.to_dict(), 2) for _ in range(3)]
    serve(store, max_runs=2)  # no `once`, no idle exit: it returns only because of max_runs
    assert [store.get_run(run_id).status for run_id in runs] == ["completed", "completed",
                                                                  "queued"]


@pytest.mark.slow
def test_the_pool_replaces_a_worker_that_made_way_and_loses_no_run(tflab_home):
    """3 runs queued at once on a pool whose workers make way after 2 runs: every run
    completes, the third by a second worker process, none interrupted; the watch starts
    the new worker, nobody calls `ensure_worker` again."""
    executor = ProcessExecutor(RunStore(tflab_home), recycle_after=2)
    try:
        runs = [executor.submit(SHORT) for _ in range(3)]
        assert [executor.wait(run_id, timeout=180) for run_id in runs] == ["completed"] * 3
        pids = [executor.store.get_run(run_id).pid for run_id in runs]
        assert pids[0] == pids[1] != pids[2]
    finally:
        executor.shutdown()
