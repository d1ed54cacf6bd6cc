"""Live views: decision boundary, fitted curve and forecast, sent while a run trains."""

import numpy as np

from tflab.job import run_job
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.stream import ListSink
from tflab.train import train
from tflab.views import MAX_MATRIX_EXAMPLES, ViewCallback


class FakeClock:
    """Seconds that pass only when a test moves `now`."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_points_runs_send_a_decision_boundary_that_learns():
    sink = ListSink()
    train(get_recipe("binary_points").spec.with_setting("fit.epochs", 40), sink)
    assert sink.views, "no view was sent"
    epoch, kind, payload = sink.views[-1]
    assert kind == "boundary" and epoch == 40
    z = np.array(payload["probabilities"])
    assert z.shape == (len(payload["grid_y"]), len(payload["grid_x"])) == (41, 41)
    assert ((0 <= z) & (z <= 1)).all()
    # circles: the blue class (1) sits in the middle, so the centre is blue, corners orange
    assert z[20, 20] > 0.5 and z[0, 0] < 0.5
    assert len(payload["points_x"]) == len(payload["labels"]) <= 400


def test_regression_runs_send_the_fitted_curve():
    sink = ListSink()
    train(get_recipe("linear").spec.with_setting("fit.epochs", 300), sink)
    _, kind, payload = sink.views[-1]
    assert kind == "curve"
    x, y = np.array(payload["curve_x"]), np.array(payload["curve_y"])
    assert np.allclose(y, 2 * x - 1, atol=0.3)


def epochs_sent(kind: str, epochs: int, epoch_seconds: float, view_seconds: float = 0.0):
    """The epochs a ViewCallback (interval 0.5 s) sends a view at, on a fake clock: each
    epoch takes `epoch_seconds`, each view `view_seconds` to compute."""
    clock, sink = FakeClock(), ListSink()
    callback = ViewCallback(kind, None, sink, interval=0.5, clock=clock)

    def send():
        clock.now += view_seconds
        sink.views.append((callback._epoch, kind, {}))
        callback._sent = callback._epoch

    callback._send = send
    callback.on_train_begin()
    for epoch in range(epochs):
        clock.now += epoch_seconds
        callback.on_epoch_end(epoch)
    callback.on_train_end()
    return [e for e, _, _ in sink.views]


def test_views_are_throttled_and_the_last_epoch_is_always_sent():
    assert epochs_sent("curve", 10, epoch_seconds=0.2) == [1, 4, 7, 10]


def test_the_store_keeps_the_latest_view_of_a_series_run(tflab_home):
    store = RunStore(tflab_home)
    spec = get_recipe("time_series").spec.with_setting("fit.epochs", 1).with_setting(
        "data.options.length", 400)
    run_id = store.create_run(spec.recipe, spec.to_dict(), 1)
    assert run_job(store, run_id).status == "completed"
    kind, epoch, payload = store.view(run_id)
    assert kind == "forecast" and epoch == 1
    assert len(payload["forecast"]) == len(payload["values"]) - payload["split"]
    store.delete_run(run_id)
    assert store.view(run_id) is None


def test_a_spiral_run_keeps_its_past_boundaries_and_the_first_differs_from_the_last(spiral_run):
    store, run_id = spiral_run

    epochs = store.view_epochs(run_id)
    assert epochs[0] == 1 and epochs[-1] == 30
    first, last = store.view_at(run_id, 1), store.view_at(run_id, 30)
    assert first[:2] == ("boundary", 1) and last[:2] == ("boundary", 30)
    before, after = (np.array(view[2]["probabilities"]) for view in (first, last))
    assert before.shape == after.shape == (41, 41)
    assert np.abs(before - after).max() > 0.05, "the boundary did not change while training"
    assert last == store.view(run_id)


def test_a_slow_view_is_sent_less_often_so_views_take_a_tenth_of_the_time():
    # A view that takes 1 s to compute: the next waits 9 s.
    assert epochs_sent("matrix", 100, epoch_seconds=0.25, view_seconds=1.0) == [1, 37, 73, 100]


def test_a_digits_run_keeps_the_confusion_matrix_of_its_epochs(tflab_home, digits):
    store = RunStore(tflab_home)
    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 3)
    run_id = store.create_run(spec.recipe, spec.to_dict(), 3)
    assert run_job(store, run_id).status == "completed"

    epochs = store.view_epochs(run_id)
    assert epochs[0] == 1 and epochs[-1] == 3
    kind, epoch, payload = store.view_at(run_id, 3)
    assert (kind, epoch, payload["part"]) == ("matrix", 3, "validation")
    counts = np.array(payload["matrix"])
    assert counts.shape == (10, 10) and payload["class_names"] == list("0123456789")
    assert payload["examples"] == counts.sum() == len(digits.y_val) <= MAX_MATRIX_EXAMPLES
    # rows are the true classes: each row adds up to that digit's validation examples
    assert counts.sum(axis=1).tolist() == np.bincount(digits.y_val.reshape(-1).astype(int),
                                                      minlength=10).tolist()
    assert payload["accuracy"] == round(np.trace(counts) / counts.sum(), 4) > 0.8
