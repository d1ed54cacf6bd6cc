"""tflab.progress: the epoch count, the time left and the waiting words, on synthetic times."""

import math
from types import SimpleNamespace

import pytest

from tflab.progress import (STARTING, epoch_in_progress, epochs_shown, progress,
                            seconds_left, seconds_per_epoch, short_status, waiting_text)


def steady(first: int, last: int, start: float, pace: float) -> list[tuple[int, float]]:
    """Epochs `first..last` written one by one, `pace` seconds apart, from `start`."""
    return [(epoch, start + (epoch - first + 1) * pace) for epoch in range(first, last + 1)]


def flushed(epochs: list[tuple[int, float]], every: float) -> list[tuple[int, float]]:
    """The same epochs as the store records them: stamped when the worker's buffer is
    written, at most every `every` seconds (several epochs share a time)."""
    return [(epoch, math.ceil(round(at / every, 6)) * every) for epoch, at in epochs]


def run(status="running", epochs=300, done=0, started=0.0, ended=None):
    return SimpleNamespace(status=status, epochs=epochs, epochs_done=done, started=started,
                           ended=ended)


def test_the_pace_is_the_recent_one_not_the_whole_runs_average():
    # TensorFlow took 60 s to load, then one epoch a second: the whole-run average
    # (elapsed / done) would say 2 s an epoch after 60 epochs.
    times = steady(1, 60, start=60.0, pace=1.0)

    assert seconds_per_epoch(times) == pytest.approx(1.0)
    assert seconds_left(times, total=300, now=120.0) == pytest.approx(240.0)


def test_epochs_written_in_bursts_give_the_true_pace():
    times = flushed(steady(1, 400, start=0.0, pace=0.01), every=0.1)  # ten epochs a flush
    assert len({at for _, at in times}) < len(times) / 5

    assert seconds_per_epoch(times) == pytest.approx(0.01, rel=0.05)


def test_a_slow_stretch_moves_the_estimate_a_little_not_by_half():
    """Issue 8: the estimate swung 1243 -> 1735 -> 865 -> 1115 s within 90 s while
    another run shared the CPU. One epoch five times slower now moves it by under 25%."""
    times = steady(1, 100, start=30.0, pace=1.0)
    before = seconds_left(times, total=1300, now=times[-1][1])
    times.append((101, times[-1][1] + 5.0))
    after = seconds_left(times, total=1300, now=times[-1][1])

    assert before == pytest.approx(1200.0)
    assert abs(after - before) / before < 0.25


def test_refreshes_between_two_epochs_count_down_instead_of_standing_still():
    times = steady(1, 50, start=0.0, pace=2.0)  # the last epoch was written at 100 s

    estimates = [seconds_left(times, total=100, now=100.0 + t) for t in (0.0, 0.5, 1.0, 1.5)]

    assert estimates == pytest.approx([100.0, 99.5, 99.0, 98.5])
    # An epoch that takes longer than the pace does not drive the estimate to nothing.
    assert seconds_left(times, total=100, now=150.0) == pytest.approx(98.0)


@pytest.mark.parametrize("times, total", [
    ([], 100),                      # nothing written yet
    ([(1, 5.0)], 100),              # one epoch: no pace yet
    ([(1, 5.0), (2, 5.0)], 100),    # two epochs in one write: no time between them
    (steady(1, 20, 0.0, 1.0), None),  # an open-ended run
])
def test_no_estimate_before_there_is_a_pace(times, total):
    assert seconds_left(times, total, now=30.0) is None


def test_the_last_epoch_done_leaves_no_time():
    assert seconds_left(steady(1, 300, 0.0, 1.0), total=300, now=400.0) == 0.0


def test_epochs_are_never_counted_past_the_end():
    assert epochs_shown(301, 300) == 300
    assert str(progress(run(done=301), [], now=10.0).text()).startswith("Epoch 300 of 300 · ")
    assert progress(run(done=301), [], now=10.0).fraction == 1.0
    assert str(short_status(run(done=301), None, 1)) == "epoch 300 of 300"


def test_the_progress_text_has_the_time_left_only_while_training():
    times = steady(1, 100, start=0.0, pace=1.0)

    training = progress(run(done=100, started=0.0), times, now=100.0)
    stopped = progress(run(status="stopped", done=100, started=0.0, ended=100.0), times,
                       now=500.0)

    assert str(training.text()) == "Epoch 100 of 300 · 100.0 s · about 3 min left"
    assert str(stopped.text()) == "Epoch 100 of 300 · 100.0 s"


def test_no_batch_chart_once_the_last_epoch_is_done_or_the_run_ended():
    assert epoch_in_progress(run(done=299), 300) == 300
    assert epoch_in_progress(run(done=300), 301) is None   # "Epoch 301" after a 300-epoch run
    assert epoch_in_progress(run(done=300), 300) is None   # the last epoch, already a point
    assert epoch_in_progress(run(status="completed", done=120), 121) is None
    assert epoch_in_progress(run(done=0), None) is None


@pytest.mark.parametrize("place, training_now, text", [
    (1, 0, STARTING),        # the worker is starting, or about to take the run
    (None, 0, STARTING),
    (1, 1, "Queued: place 1 in the queue. It starts when the runs before it end."),
    (2, 0, "Queued: place 2 in the queue. It starts when the runs before it end."),
])
def test_a_queued_run_with_nothing_ahead_is_starting(place, training_now, text):
    assert str(waiting_text(place, training_now)) == str(text)
    assert str(short_status(run(status="queued"), place, training_now)) == (
        "starting" if text == STARTING else f"queued, place {place}")


def test_docstring_examples_run():
    import doctest

    import tflab.progress

    result = doctest.testmod(tflab.progress)
    assert result.attempted > 0 and result.failed == 0
