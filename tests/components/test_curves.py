"""A run's metric curves (components/curves.py): epoch by epoch, batch by batch, and
several runs on one chart, thinned when long."""

import copy
import json

import plotly.io as pio
import pytest

from components.curve_points import MAX_CURVE_POINTS, smooth
from components.curves import (
    TRAINING_COLOR,
    VALIDATION_COLOR,
    WAITING_FOR_EPOCHS,
    batch_chart,
    metric_chart,
    metric_names,
    overlay_chart,
)

NAN = float("nan")

HISTORY = {
    "loss": [(1, 0.9), (2, 0.6), (3, 0.4), (4, 0.3)],
    "accuracy": [(1, 0.5), (2, 0.7), (3, 0.8), (4, 0.9)],
    "val_loss": [(1, 1.0), (2, 0.7), (3, 0.5), (4, 0.55)],
    "val_accuracy": [(1, 0.4), (2, 0.6), (3, 0.85), (4, 0.8)],
}


def annotation_texts(fig):
    return [annotation.text for annotation in fig.layout.annotations]


# metric_names


def test_metric_names_loss_first_without_val_duplicates():
    history = {"val_mae": [], "mae": [], "accuracy": [], "val_loss": [], "loss": []}
    assert metric_names(history) == ["loss", "accuracy", "mae"]


def test_metric_names_keeps_a_validation_only_metric():
    assert metric_names({"loss": [], "val_auc": []}) == ["loss", "auc"]
    assert metric_names({}) == []


# metric_chart


def test_metric_chart_draws_training_and_validation_in_the_shared_colours():
    fig = metric_chart(HISTORY, "loss")
    training, validation, best = fig.data
    assert (training.name, validation.name) == ("training", "validation")
    assert list(training.x) == [1, 2, 3, 4]
    assert list(training.y) == [0.9, 0.6, 0.4, 0.3]
    assert list(validation.y) == [1.0, 0.7, 0.5, 0.55]
    assert training.line.color == TRAINING_COLOR and training.line.dash == "solid"
    assert validation.line.color == VALIDATION_COLOR and validation.line.dash == "dash"
    assert TRAINING_COLOR != VALIDATION_COLOR
    # The accuracy chart uses the very same two colours.
    accuracy = metric_chart(HISTORY, "accuracy")
    assert [trace.line.color for trace in accuracy.data[:2]] == [TRAINING_COLOR,
                                                                 VALIDATION_COLOR]


def test_metric_chart_marks_the_lowest_validation_loss():
    best = metric_chart(HISTORY, "loss").data[-1]
    assert best.name == "best validation"
    assert (list(best.x), list(best.y)) == ([3], [0.5])
    assert best.mode == "markers"


def test_metric_chart_marks_the_highest_accuracy():
    best = metric_chart(HISTORY, "accuracy").data[-1]
    assert (best.name, list(best.x), list(best.y)) == ("best validation", [3], [0.85])


def test_metric_chart_marks_training_when_there_is_no_validation():
    best = metric_chart({"mae": [(1, 3.0), (2, 1.0), (3, 2.0)]}, "mae").data[-1]
    assert (best.name, list(best.x), list(best.y)) == ("best training", [2], [1.0])


def test_metric_chart_higher_is_better_for_accuracy_like_names():
    history = {"sparse_categorical_accuracy": [(1, 0.2), (2, 0.9), (3, 0.5)]}
    best = metric_chart(history, "sparse_categorical_accuracy").data[-1]
    assert list(best.x) == [2]


def test_metric_chart_nan_leaves_a_gap_and_is_never_best():
    history = {"loss": [(1, 0.9), (2, NAN), (3, 0.7)], "val_loss": [(1, NAN), (2, NAN)]}
    fig = metric_chart(history, "loss")
    assert list(fig.data[0].y) == [0.9, None, 0.7]
    # Validation has no finite value, so the best marker falls back to training.
    assert (fig.data[-1].name, list(fig.data[-1].x)) == ("best training", [3])
    assert "NaN" not in fig.to_json()


def test_metric_chart_x_axis_spans_the_planned_epochs():
    fig = metric_chart({"loss": [(1, 0.9), (2, 0.8)]}, "loss", total_epochs=20)
    low, high = fig.layout.xaxis.range
    assert low <= 1 and 20 <= high < 21
    assert metric_chart({"loss": [(1, 0.9)]}, "loss").layout.xaxis.range is None


def test_metric_chart_x_axis_grows_past_the_plan_rather_than_hide_points():
    history = {"loss": [(epoch, 1.0 / epoch) for epoch in range(1, 8)]}
    low, high = metric_chart(history, "loss", total_epochs=5).layout.xaxis.range
    assert low <= 1 and high >= 7


@pytest.mark.parametrize("total_epochs", [0, -3, 2.5, True])
def test_metric_chart_refuses_a_bad_total(total_epochs):
    with pytest.raises(ValueError, match=r"`total_epochs`.*Received: total_epochs="):
        metric_chart(HISTORY, "loss", total_epochs=total_epochs)


def test_metric_chart_empty_history_is_waiting():
    fig = metric_chart({}, "loss", total_epochs=10)
    assert len(fig.data) == 0
    assert annotation_texts(fig) == [WAITING_FOR_EPOCHS]
    assert WAITING_FOR_EPOCHS == "Waiting for the first epoch..."
    assert fig.layout.xaxis.range == (0.5, 10.5)
    json.loads(fig.to_json())


def test_metric_chart_missing_metric_says_so_instead_of_waiting():
    fig = metric_chart({"loss": [(1, 0.5)]}, "accuracy")
    assert len(fig.data) == 0
    assert annotation_texts(fig) == ["No accuracy recorded for this run."]


def test_metric_chart_title_log_scale_and_look():
    fig = metric_chart(HISTORY, "loss")
    assert fig.layout.title.text == "loss"
    assert fig.layout.yaxis.type is None
    assert fig.layout.template == pio.templates["plotly_white"]
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y > 1
    assert fig.layout.hovermode == "x unified"
    assert fig.layout.xaxis.unifiedhovertitle.text == "epoch %{x}"
    assert "%{y" in fig.data[0].hovertemplate
    assert max(fig.layout.margin.l, fig.layout.margin.r, fig.layout.margin.b) <= 20
    logged = metric_chart(HISTORY, "loss", title="Loss (log)", log_y=True)
    assert (logged.layout.title.text, logged.layout.yaxis.type) == ("Loss (log)", "log")


def test_metric_chart_does_not_change_the_history():
    history = copy.deepcopy(HISTORY)
    metric_chart(history, "loss", total_epochs=10)
    assert history == HISTORY


# batch_chart


def test_batch_chart_loss_and_accuracy_on_two_axes():
    batches = {"loss": [(1, 0.7), (2, 0.65), (3, 0.6)], "accuracy": [(1, 0.5), (2, 0.55), (3, 0.6)]}
    fig = batch_chart(batches, epoch=4, steps_per_epoch=30)
    assert fig.layout.title.text == "Epoch 4, batch by batch"
    loss, accuracy = fig.data
    assert (loss.name, list(loss.x), list(loss.y)) == ("loss", [1, 2, 3], [0.7, 0.65, 0.6])
    assert loss.yaxis in (None, "y")
    assert (accuracy.name, accuracy.yaxis) == ("accuracy", "y2")
    assert list(accuracy.y) == [0.5, 0.55, 0.6]
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.range == (0, 1)
    assert fig.layout.yaxis2.tickformat == ".0%" and fig.layout.yaxis2.dtick == 0.25
    low, high = fig.layout.xaxis.range
    assert low <= 1 and 30 <= high < 31
    assert fig.layout.xaxis.title.text == "batch"


def test_batch_chart_without_accuracy_has_one_axis():
    fig = batch_chart({"loss": [(1, 0.7)], "mae": [(1, 0.3)]}, epoch=1)
    assert [trace.name for trace in fig.data] == ["loss"]
    assert "yaxis2" not in fig.to_plotly_json()["layout"]
    assert fig.layout.xaxis.range is None


def test_batch_chart_finds_a_prefixed_accuracy():
    fig = batch_chart({"loss": [(1, 0.7)], "binary_accuracy": [(1, 0.6)]}, epoch=1)
    assert [(trace.name, trace.yaxis) for trace in fig.data][1] == ("binary_accuracy", "y2")


def test_batch_chart_empty_is_waiting():
    fig = batch_chart({}, epoch=1, steps_per_epoch=10)
    assert len(fig.data) == 0
    assert annotation_texts(fig) == ["Waiting for the first batch..."]


# overlay_chart


RUNS = {
    "run a": {"loss": [(1, 0.9), (2, 0.5), (3, 0.4)]},
    "run b": {"loss": [(1, 0.8), (2, 0.3), (3, 0.2)], "val_loss": [(1, 0.9), (2, 0.6), (3, 0.5)]},
}


def test_overlay_chart_one_trace_per_series_without_smoothing():
    fig = overlay_chart(RUNS, "loss")
    assert [trace.name for trace in fig.data] == ["run a", "run b", "run b (validation)"]
    a, b, b_val = fig.data
    assert a.line.color != b.line.color
    assert b.line.color == b_val.line.color
    assert (b.line.dash, b_val.line.dash) == ("solid", "dash")
    assert list(b_val.y) == [0.9, 0.6, 0.5]
    assert fig.layout.hovermode == "x unified"
    assert fig.layout.xaxis.unifiedhovertitle.text == "epoch %{x}"


def test_overlay_chart_smoothed_over_a_faint_raw_curve():
    fig = overlay_chart(RUNS, "loss", smoothing=0.6)
    per_run = {label: [trace for trace in fig.data if trace.legendgroup == label]
               for label in RUNS}
    assert {label: len(traces) for label, traces in per_run.items()} == {"run a": 2, "run b": 4}
    raw, smoothed = per_run["run a"]
    assert raw.opacity < 0.5 and raw.showlegend is False and raw.hoverinfo == "skip"
    assert list(raw.y) == [0.9, 0.5, 0.4]
    assert list(smoothed.y) == pytest.approx(smooth([0.9, 0.5, 0.4], 0.6))
    assert list(smoothed.y) != list(raw.y)
    assert smoothed.opacity is None and smoothed.line.color == raw.line.color
    assert smoothed.name == "run a" and list(smoothed.customdata) == [0.9, 0.5, 0.4]
    assert "%{customdata" in smoothed.hovertemplate


def test_overlay_chart_skips_runs_without_the_metric():
    fig = overlay_chart({"a": {"loss": [(1, 1.0)]}, "b": {"mae": [(1, 1.0)]}}, "loss")
    assert [trace.name for trace in fig.data] == ["a"]


def test_overlay_chart_empty_says_so():
    fig = overlay_chart({}, "loss")
    assert len(fig.data) == 0 and len(fig.layout.annotations) == 1


def test_overlay_chart_refuses_a_bad_smoothing():
    with pytest.raises(ValueError, match="`weight`"):
        overlay_chart(RUNS, "loss", smoothing=1.0)


# thinning


def test_a_long_curve_is_thinned_but_keeps_its_ends_its_spikes_and_its_best_value():
    epochs = list(range(1, 10_001))
    values = [1.0 / e for e in epochs]
    values[4321] = 50.0                 # one spike
    values[7000] = float("nan")          # one epoch that diverged
    history = {"loss": list(zip(epochs, values)), "val_loss": list(zip(epochs, values))}
    fig = metric_chart(history, "loss", total_epochs=20_000)
    training = next(trace for trace in fig.data if trace.name == "training")
    assert len(training.x) <= MAX_CURVE_POINTS + 2
    assert training.x[0] == 1 and training.x[-1] == 10_000  # a live chart ends at the newest
    assert 4322 in training.x and 50.0 in training.y
    assert list(training.x) == sorted(training.x)
    best = fig.data[-1]
    assert best.name == "best validation" and best.x == (10_000,)  # found on every point


def test_short_curves_and_the_overlay_are_drawn_whole_or_thinned_alike():
    short = {"loss": [(1, 0.5), (2, 0.4), (3, float("inf"))]}
    [trace, _] = metric_chart(short, "loss").data
    assert list(trace.x) == [1, 2, 3] and trace.y[-1] is None
    long = {"a": {"loss": [(e, 1.0 / e) for e in range(1, 5001)]}}
    raw, smoothed = overlay_chart(long, "loss", smoothing=0.9).data
    assert raw.x == smoothed.x and len(raw.x) <= MAX_CURVE_POINTS + 2
    assert smoothed.customdata == raw.y  # the hover's raw value is the raw curve's
