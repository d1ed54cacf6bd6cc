"""Data charts (components/data_figures.py): points by class, a decision boundary,
regression points and line, a series and its forecast."""

import numpy as np
import plotly.graph_objects as go
import pytest

from components.chart_style import CLASS_COLORS, TRAINING_COLOR, VALIDATION_COLOR
from components.data_figures import (
    decision_boundary_chart,
    points_chart,
    regression_chart,
    series_chart,
)


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
    assert [annotation.text for annotation in fig.layout.annotations] == ["validation"]


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
