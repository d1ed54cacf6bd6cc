"""Tests for components.figures: small data in, the figure's data and layout checked."""

import copy
import doctest
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import components.figures
from components.figures import (
    CLASS_COLORS,
    TRAINING_COLOR,
    VALIDATION_COLOR,
    WAITING_FOR_EPOCHS,
    batch_chart,
    confusion_chart,
    decision_boundary_chart,
    metric_chart,
    metric_names,
    overlay_chart,
    points_chart,
    regression_chart,
    series_chart,
    smooth,
    top_k_chart,
)

REPO = Path(__file__).resolve().parents[2]
NAN = float("nan")

HISTORY = {
    "loss": [(1, 0.9), (2, 0.6), (3, 0.4), (4, 0.3)],
    "accuracy": [(1, 0.5), (2, 0.7), (3, 0.8), (4, 0.9)],
    "val_loss": [(1, 1.0), (2, 0.7), (3, 0.5), (4, 0.55)],
    "val_accuracy": [(1, 0.4), (2, 0.6), (3, 0.85), (4, 0.8)],
}


def annotation_texts(fig):
    return [annotation.text for annotation in fig.layout.annotations]


def test_docstring_examples_run():
    result = doctest.testmod(components.figures)
    assert result.attempted > 10 and result.failed == 0


def test_import_loads_neither_streamlit_nor_tensorflow():
    code = ("import sys, components.figures; "
            "print(sorted(m for m in sys.modules"
            " if m.split('.')[0] in ('streamlit', 'tensorflow', 'keras')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_module_level_values_are_immutable():
    public = {name: value for name, value in vars(components.figures).items()
              if not name.startswith("__") and not callable(value)
              and not isinstance(value, types.ModuleType)
              and name not in ("annotations", "History")}
    assert public, "the palette constants should be found"
    mutable = {name for name, value in public.items()
               if not isinstance(value, (str, int, float, tuple, frozenset))}
    assert mutable == set()


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


# smooth


def test_smooth_is_debiased_on_a_constant():
    assert smooth([1, 1, 1], 0.9) == [1, 1, 1]
    # Not the constant shortcut: a NaN makes the series non-constant, and still no bias.
    assert smooth([2.0, 2.0, 2.0, NAN], 0.9)[:3] == pytest.approx([2.0, 2.0, 2.0])


def test_smooth_first_value_is_not_pulled_toward_zero():
    assert smooth([5.0, 0.0], 0.9)[0] == pytest.approx(5.0)


def test_smooth_matches_the_moving_average_by_hand():
    # last: 0.5, 0.25, 0.625; debiased by 1 - 0.5**n: 0.5, 0.75, 0.875.
    assert smooth([1.0, 0.0, 1.0], 0.5) == pytest.approx([1.0, 1 / 3, 5 / 7])


def test_smooth_weight_zero_returns_the_input():
    values = [0.3, 0.9, NAN, 0.1]
    result = smooth(values, 0)
    assert result[:2] == [0.3, 0.9] and math.isnan(result[2]) and result[3] == 0.1


def test_smooth_passes_nan_through_without_poisoning():
    result = smooth([1.0, NAN, 3.0], 0.5)
    assert result[0] == 1.0
    assert math.isnan(result[1])
    # The NaN did not count: last = 0.25 + 1.5, debiased by 1 - 0.5**2.
    assert result[2] == pytest.approx(1.75 / 0.75)


def test_smooth_empty():
    assert smooth([], 0.6) == []


@pytest.mark.parametrize("weight", [-0.1, 1.0, 1.5, NAN, "0.5", None])
def test_smooth_refuses_a_bad_weight(weight):
    with pytest.raises(ValueError, match=r"`weight`.*\[0, 1\).*Received: weight="):
        smooth([1.0, 2.0], weight)


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


# decision_boundary_chart


def test_decision_boundary_like_playground():
    grid_x, grid_y = [-1.0, 0.0, 1.0], [-1.0, 1.0]
    probabilities = [[0.0, 0.5, 1.0], [0.2, 0.6, 0.9]]
    labels = np.array([[1.0], [0.0], [1.0]])  # A column of floats, as tflab.data gives it.
    fig = decision_boundary_chart(grid_x, grid_y, probabilities,
                                  [0.5, -0.5, 0.2], [0.5, -0.5, 0.1], labels)
    heatmap, orange, blue = fig.data
    assert isinstance(heatmap, go.Heatmap)
    assert np.shape(heatmap.z) == (2, 3)
    assert (heatmap.zmin, heatmap.zmax) == (0, 1)
    scale = heatmap.colorscale
    assert (scale[0][0], scale[0][1]) == (0, "#f59322")
    assert (scale[-1][0], scale[-1][1]) == (1, "#0877bd")
    assert 0.5 < heatmap.opacity < 1
    assert (orange.name, orange.marker.color) == ("orange", "#f59322")
    assert (blue.name, blue.marker.color) == ("blue", "#0877bd")
    assert list(blue.x) == [0.5, 0.2] and list(orange.y) == [-0.5]
    assert orange.marker.line.color == "white" == blue.marker.line.color
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.range == (-1.0, 1.0)


def test_decision_boundary_class_names():
    fig = decision_boundary_chart([0, 1], [0, 1], [[0, 1], [1, 0]], [0.5], [0.5], [1],
                                  class_names=("cats", "dogs"))
    assert [trace.name for trace in fig.data] == ["P(dogs)", "cats", "dogs"]


def test_decision_boundary_refuses_a_transposed_grid():
    with pytest.raises(ValueError, match=r"`probabilities`.*\(2, 3\).*\(3, 2\)"):
        decision_boundary_chart([0, 1, 2], [0, 1], np.zeros((3, 2)), [0], [0], [0])


def test_decision_boundary_refuses_a_third_class():
    with pytest.raises(ValueError, match="`labels`.*0..1.*Received: 2"):
        decision_boundary_chart([0, 1], [0, 1], np.zeros((2, 2)), [0, 1], [0, 1], [0, 2])


# regression_chart


def test_regression_chart_points_and_sorted_model_line():
    fig = regression_chart([-1, 0, 1], [-3, -1, 1], [4, -1, 1.5], [7, -3, 2],
                           x_val=[2, 3], y_val=[3, 5])
    model, training, validation = fig.data
    assert model.legendrank > max(training.legendrank or 1000, validation.legendrank or 1000)
    assert (training.name, training.mode, training.marker.color) == ("training data", "markers",
                                                                    TRAINING_COLOR)
    assert (validation.name, validation.marker.color) == ("validation data", VALIDATION_COLOR)
    assert validation.x.tolist() == [2, 3] and validation.y.tolist() == [3, 5]
    assert (model.name, model.mode) == ("model", "lines")
    assert model.x.tolist() == [-1, 1.5, 4] and model.y.tolist() == [-3, 2, 7]


def test_regression_chart_needs_both_validation_arrays():
    with pytest.raises(ValueError, match="`x_val` and `y_val`"):
        regression_chart([0], [0], [0], [0], x_val=[1])


def test_regression_chart_refuses_different_lengths():
    with pytest.raises(ValueError, match=r"len\(x\)=3, len\(y\)=2"):
        regression_chart([0, 1, 2], [0, 1], [0], [0])


# series_chart


def test_series_chart_split_and_forecast():
    fig = series_chart(np.arange(10.0), forecast=[6.1, 7.2, 8.3], forecast_start=7, split=6)
    series, forecast = fig.data
    assert list(series.x) == list(range(10)) and list(series.y) == list(np.arange(10.0))
    assert (forecast.name, list(forecast.x), list(forecast.y)) == ("forecast", [7, 8, 9],
                                                                   [6.1, 7.2, 8.3])
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.line.dash) == (6, 6, "dot")
    assert annotation_texts(fig) == ["validation"]


def test_series_chart_forecast_starts_at_the_split_by_default():
    fig = series_chart([1, 2, 3, 4, 5], forecast=[3.5, 4.5], split=3)
    assert list(fig.data[1].x) == [3, 4]
    assert list(series_chart([1, 2, 3, 4, 5], forecast=[4.5]).data[1].x) == [4]


def test_series_chart_without_split_has_no_line():
    fig = series_chart([1, 2, 3])
    assert len(fig.data) == 1 and fig.layout.shapes == ()


def test_series_chart_refuses_a_split_outside_the_series():
    with pytest.raises(ValueError, match=r"`split`.*0..3.*Received: split=7"):
        series_chart([1, 2, 3], split=7)


# top_k_chart


def test_top_k_chart_highest_on_top_with_percentages():
    fig = top_k_chart([("7", 0.05), ("1", 0.9), ("4", 0.05)])
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["1", "7", "4"]
    assert list(bars.x) == [0.9, 0.05, 0.05]
    assert list(bars.text) == ["90.0%", "5.0%", "5.0%"]
    # Category names such as digits stay categories, the first one on top.
    assert fig.layout.yaxis.type == "category" and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.range == (0, 1)
    assert fig.layout.height <= 200


def test_top_k_chart_refuses_a_probability_above_one():
    with pytest.raises(ValueError, match="`top`.*Received: \\('cat', 1.5\\)"):
        top_k_chart([("cat", 1.5)])


def test_top_k_chart_empty():
    fig = top_k_chart([])
    assert len(fig.data) == 0 and annotation_texts(fig) == ["No prediction yet."]


# points_chart


def test_points_chart_two_classes_in_playground_colours():
    fig = points_chart(np.array([[0, 0], [1, 1], [2, 0], [3, 3]]), [0, 1, 1, 0], ["neg", "pos"])
    neg, pos = fig.data
    assert (neg.name, neg.marker.color, list(neg.x), list(neg.y)) == ("neg", "#f59322",
                                                                     [0, 3], [0, 3])
    assert (pos.name, pos.marker.color, list(pos.x)) == ("pos", "#0877bd", [1, 2])
    assert CLASS_COLORS == ("#f59322", "#0877bd")
    assert fig.layout.yaxis.scaleanchor == "x"


def test_points_chart_more_classes_get_distinct_colours():
    fig = points_chart(np.zeros((4, 2)), [0, 1, 2, 2], ["a", "b", "c", "d"])
    colors = [trace.marker.color for trace in fig.data]
    assert len(fig.data) == 4 and len(set(colors)) == 4
    assert colors[:2] == list(CLASS_COLORS)
    assert [len(trace.x) for trace in fig.data] == [1, 1, 2, 0]


def test_points_chart_refuses_points_not_in_the_plane():
    with pytest.raises(ValueError, match=r"`x`.*\(n, 2\).*\(3, 3\)"):
        points_chart(np.zeros((3, 3)), [0, 1, 0], ["a", "b"])


# confusion_chart


def test_confusion_chart_counts_in_cells_diagonal_top_left():
    fig = confusion_chart(np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]]), ["0", "1", "2"])
    cells = fig.data[0]
    assert cells.type == "heatmap"
    assert [list(row) for row in cells.text] == [["5", "1", "0"], ["2", "7", "1"],
                                                 ["0", "0", "9"]]
    assert cells.texttemplate == "%{text}"
    assert list(cells.x) == ["0", "1", "2"] and list(cells.y) == ["0", "1", "2"]
    assert fig.layout.xaxis.title.text == "predicted" and fig.layout.yaxis.title.text == "true"
    assert fig.layout.xaxis.range == (-0.5, 2.5) and fig.layout.yaxis.range == (2.5, -0.5)
    assert fig.layout.xaxis.type == "category" == fig.layout.yaxis.type


def test_confusion_chart_has_one_clickable_marker_per_cell_naming_it():
    fig = confusion_chart([[5, 1], [2, 7]], ["cat", "dog"])
    heatmap, markers = fig.data
    assert heatmap.hoverinfo == "skip"  # the markers hover and are selected instead
    assert markers.type == "scatter" and markers.mode == "markers"
    assert [tuple(cell) for cell in markers.customdata] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert list(zip(markers.y, markers.x, markers.text)) == [
        ("cat", "cat", "5"), ("cat", "dog", "1"), ("dog", "cat", "2"), ("dog", "dog", "7")]
    assert markers.marker.color == "rgba(0,0,0,0)" and markers.showlegend is False
    assert "%{text} examples" in markers.hovertemplate
    assert fig.layout.hoverdistance == -1  # the nearest marker answers anywhere in its cell


def test_confusion_chart_refuses_a_matrix_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"`matrix`.*2 x 2.*\(3, 3\)"):
        confusion_chart(np.zeros((3, 3)), ["a", "b"])


# all charts


ALL_FIGURES = {
    "metric": lambda: metric_chart(HISTORY, "loss", total_epochs=10),
    "batch": lambda: batch_chart({"loss": [(1, 0.5), (2, NAN)]}, epoch=1),
    "overlay": lambda: overlay_chart(RUNS, "loss", smoothing=0.5),
    "boundary": lambda: decision_boundary_chart([0, 1], [0, 1], [[0, 1], [1, 0]], [0], [0], [1]),
    "regression": lambda: regression_chart([0, 1], [0, 1], [0, 1], [0, 1]),
    "series": lambda: series_chart([1.0, NAN, 3.0], forecast=[2.0], split=1),
    "top_k": lambda: top_k_chart([("a", 0.6), ("b", 0.4)]),
    "points": lambda: points_chart([[0, 0]], [0], ["a", "b"]),
    "confusion": lambda: confusion_chart([[1, 0], [0, 1]], ["a", "b"]),
}


@pytest.mark.parametrize("name", ALL_FIGURES)
def test_every_figure_is_white_valid_json_and_new_each_call(name):
    fig = ALL_FIGURES[name]()
    assert isinstance(fig, go.Figure)
    assert fig.layout.template == pio.templates["plotly_white"]
    text = fig.to_json()
    assert "NaN" not in text
    json.loads(text)
    again = ALL_FIGURES[name]()
    assert again is not fig and again.to_json() == text


def test_a_long_curve_is_thinned_but_keeps_its_ends_its_spikes_and_its_best_value():
    epochs = list(range(1, 10_001))
    values = [1.0 / e for e in epochs]
    values[4321] = 50.0                 # one spike
    values[7000] = float("nan")          # one epoch that diverged
    history = {"loss": list(zip(epochs, values)), "val_loss": list(zip(epochs, values))}
    fig = components.figures.metric_chart(history, "loss", total_epochs=20_000)
    training = next(trace for trace in fig.data if trace.name == "training")
    assert len(training.x) <= components.figures.MAX_CURVE_POINTS + 2
    assert training.x[0] == 1 and training.x[-1] == 10_000  # a live chart ends at the newest
    assert 4322 in training.x and 50.0 in training.y
    assert list(training.x) == sorted(training.x)
    best = fig.data[-1]
    assert best.name == "best validation" and best.x == (10_000,)  # found on every point


def test_short_curves_and_the_overlay_are_drawn_whole_or_thinned_alike():
    short = {"loss": [(1, 0.5), (2, 0.4), (3, float("inf"))]}
    [trace, _] = components.figures.metric_chart(short, "loss").data
    assert list(trace.x) == [1, 2, 3] and trace.y[-1] is None
    long = {"a": {"loss": [(e, 1.0 / e) for e in range(1, 5001)]}}
    raw, smoothed = components.figures.overlay_chart(long, "loss", smoothing=0.9).data
    assert raw.x == smoothed.x and len(raw.x) <= components.figures.MAX_CURVE_POINTS + 2
    assert smoothed.customdata == raw.y  # the hover's raw value is the raw curve's
