"""The streaming callback, driven through its hooks on a fake clock (no fit needed)."""

import math

import pytest

from tflab.stream import Diverged, ListSink, StopRequested, StreamCallback


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def started(callback):
    callback.set_params({"epochs": 3, "steps": 10})
    callback.on_train_begin()
    callback.on_epoch_begin(0)
    return callback


def test_epoch_logs_go_to_the_sink_numbered_from_one():
    sink = ListSink()
    callback = started(StreamCallback(sink))
    callback.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.7, "accuracy": 0.8})
    callback.on_epoch_begin(1)
    callback.on_epoch_end(1, {"loss": 0.25})
    assert sink.epochs == [(1, {"loss": 0.5, "val_loss": 0.7, "accuracy": 0.8}), (2, {"loss": 0.25})]
    assert callback.epochs_done == 2 and callback.epochs == 3


def test_batch_progress_is_throttled_by_the_clock():
    sink, clock = ListSink(), FakeClock()
    callback = started(StreamCallback(sink, batch_interval=0.25, clock=clock))
    for step in range(10):
        clock.now += 0.1
        callback.on_train_batch_end(step, {"loss": 1.0 / (step + 1)})
    # 1 s of batches at 0.1 s each, reported at most every 0.25 s: steps 3, 6, 9
    assert [step for _, step, _ in sink.batches] == [3, 6, 9]
    assert sink.batches[0][2]["loss"] == pytest.approx(1 / 3)


def test_a_stop_request_ends_training_at_the_next_batch_end():
    asked = []
    callback = started(StreamCallback(ListSink(), should_stop=lambda: asked.append(1) or len(asked) >= 2))
    callback.on_train_batch_end(0, {"loss": 1.0})
    with pytest.raises(StopRequested):
        callback.on_train_batch_end(1, {"loss": 1.0})


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_non_finite_loss_ends_the_run_as_diverged(bad):
    callback = started(StreamCallback(ListSink()))
    with pytest.raises(Diverged, match="learning rate"):
        callback.on_epoch_end(0, {"loss": bad})


def test_a_non_finite_batch_loss_is_caught_between_epochs():
    clock = FakeClock()
    callback = started(StreamCallback(ListSink(), batch_interval=0.0, clock=clock))
    with pytest.raises(Diverged, match="epoch 1, batch 4"):
        callback.on_train_batch_end(3, {"loss": math.nan})


def test_the_callback_can_be_reused_for_a_second_fit():
    sink = ListSink()
    callback = started(StreamCallback(sink))
    callback.on_epoch_end(0, {"loss": 1.0})
    callback.on_train_begin()
    assert callback.epochs_done == 0 and callback.last_logs == {}
