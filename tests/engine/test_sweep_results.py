"""What a sweep holds (tflab.sweep_results), read from a real store, and the command line's
table, which reads it the same way."""

import pytest

from made_sweeps import digits_sweep, final, made_sweep
from tflab.cli_sweep import sweep_table
from tflab.store import RunNotFound, RunStore
from tflab.sweep_results import COUNTED, judged_text, sweep_results


@pytest.fixture
def store(tflab_home):
    with RunStore(tflab_home) as opened:
        yield opened


def test_each_variant_has_its_number_values_and_judged_number(store):
    sweep_id, run_ids = made_sweep(store, [("completed", final(0.81, 0.6)),
                                           ("completed", final(0.93, 0.3)),
                                           ("completed", final(0.42, 1.5)), None])
    results = sweep_results(store, sweep_id)

    assert results.settings == ("compile.learning_rate", "model.layers[1].activation")
    assert results.recipe == "multiclass"
    assert [v.number for v in results.variants] == [1, 2, 3, 4]
    assert [v.run.id for v in results.variants] == run_ids
    assert [v.values for v in results.variants] == [(0.001, "relu"), (0.001, "tanh"),
                                                    (0.1, "relu"), (0.1, "tanh")]
    assert [(v.metric, v.value) for v in results.variants] == [
        ("val_accuracy", 0.81), ("val_accuracy", 0.93), ("val_accuracy", 0.42), (None, None)]
    assert [judged_text(v) for v in results.variants] == [
        "val_accuracy=0.81", "val_accuracy=0.93", "val_accuracy=0.42", "-"]


def test_the_best_is_the_highest_validation_accuracy_among_completed_variants(store):
    # Variant 4 stopped with a higher number: a variant that did not finish is not the best.
    sweep_id, run_ids = made_sweep(store, [("completed", final(0.81, 0.6)),
                                           ("completed", final(0.93, 0.3)),
                                           ("completed", final(0.42, 1.5)),
                                           ("stopped", final(0.99, 0.1))])
    results = sweep_results(store, sweep_id)

    assert results.best.number == 2 and results.best.run.id == run_ids[1]
    assert results.metric == "val_accuracy" and results.value_of(results.best) == 0.93
    assert [v.number for v in results.completed()] == [1, 2, 3]


def test_without_accuracy_the_lowest_validation_loss_is_best(store):
    losses = [{"loss": 0.5, "val_loss": 0.7}, {"loss": 0.2, "val_loss": 0.25},
              {"loss": 0.1, "val_loss": 0.4}, {"loss": 0.9, "val_loss": 1.0}]
    sweep_id, _ = made_sweep(store, [("completed", metrics) for metrics in losses])
    results = sweep_results(store, sweep_id)

    assert (results.metric, results.best.number) == ("val_loss", 2)


def test_counts_and_finished_follow_the_variants_states(store):
    sweep_id, _ = made_sweep(store, [("completed", final(0.8, 0.5)), "running", None,
                                     ("diverged", {})])
    results = sweep_results(store, sweep_id)

    assert list(results.counts) == list(COUNTED)
    assert results.counts == {"done": 1, "running": 1, "queued": 1, "failed": 1, "stopped": 0}
    assert not results.finished
    assert results.best.number == 1

    store.finish(results.variants[1].run.id, "stopped")
    store.finish(results.variants[2].run.id, "stopped")
    after = sweep_results(store, sweep_id)
    assert after.finished and after.counts["stopped"] == 2


def test_a_sweep_with_nothing_completed_has_no_best(store):
    sweep_id, _ = made_sweep(store, ["running", None, None, ("failed", {})])
    results = sweep_results(store, sweep_id)

    assert results.best is None and results.metric is None
    assert results.completed() == [] and results.value_of(results.variants[0]) is None


def test_an_unknown_sweep_is_named(store):
    with pytest.raises(RunNotFound, match="no sweep with id 'snope'"):
        sweep_results(store, "snope")


def test_the_command_line_table_marks_the_best_from_the_same_results(store):
    sweep = digits_sweep(("model.layers[1].units=16,64",))
    sweep_id, run_ids = made_sweep(store, [("completed", final(0.7, 0.9)),
                                           ("completed", final(0.9, 0.4))], sweep)

    lines = sweep_table(sweep_results(store, sweep_id)).splitlines()

    assert lines[0].split() == ["#", "model.layers[1].units", "status", "epochs", "result", "run"]
    assert lines[1].split() == ["1", "16", "completed", "3/3", "val_accuracy=0.7", run_ids[0]]
    assert lines[2].split() == ["*", "2", "64", "completed", "3/3", "val_accuracy=0.9", run_ids[1]]
    assert lines[-1] == f"best: variant 2, val_accuracy 0.9 (run {run_ids[1]})"
