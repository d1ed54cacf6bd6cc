"""Data as a person looks at it: 2-D points by class, a model's decision boundary over
them, regression points and the model's line, a time series and its forecast.

The two-class look is TensorFlow Playground's (orange for class 0, blue for class 1, the
background the probability of class 1); the shared look is `components.chart_style`.
Plain arrays in, a new Plotly figure out; shapes that do not fit raise ValueError naming
the argument, what was expected and what was received.

Example:

>>> fig = points_chart([[0, 0], [1, 1]], [0, 1], ["orange", "blue"])
>>> [trace.name for trace in fig.data], fig.layout.yaxis.scaleanchor
(['orange', 'blue'], 'x')
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from components.chart_style import (BACKGROUND_OPACITY, CLASS_COLORS, ENGLISH,
                                    MANY_CLASS_COLORS, MODEL_COLOR, PROBABILITY_COLORSCALE,
                                    SQUARE_HEIGHT, TRAINING_COLOR, VALIDATION_COLOR, gaps,
                                    square, style)
from tflab.words import Words


def points_chart(x, labels: Sequence[int], class_names: Sequence[str], *,
                 words: Words | None = None) -> go.Figure:
    """2-D points coloured by class: Playground's orange and blue for two classes.

    Args:
        x: the points, shape (n, 2).
        labels: each point's class index, 0..len(class_names) - 1 (a column of
            shape (n, 1) is fine).
        class_names: the classes' names, in class index order.
        words: the reader's language (its decimal mark). Defaults to None: English.

    Returns:
        The figure: one scatter trace per class, even a class with no points, so the
        legend and colours stay the same; one unit on x as long as one on y.

    Raises:
        ValueError: `x` is not (n, 2), or a label is not a class index.

    Example:

    >>> fig = points_chart([[0, 0], [1, 1], [2, 0]], [0, 1, 1], ["orange", "blue"])
    >>> [(trace.name, trace.marker.color, len(trace.x)) for trace in fig.data]
    [('orange', '#f59322', 1), ('blue', '#0877bd', 2)]
    """
    points = np.asarray(x, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError("Received an invalid value for `x`, expected points of shape (n, 2). "
                         f"Received: x with shape {points.shape}")
    class_names = [str(name) for name in class_names]
    if not class_names:
        raise ValueError("Received an invalid value for `class_names`, expected at least one "
                         "name. Received: class_names=[]")
    labels = _labels(labels, points.shape[0], classes=len(class_names))
    colors = CLASS_COLORS if len(class_names) <= 2 else MANY_CLASS_COLORS
    fig = go.Figure()
    style(fig, words, x_title="x1", y_title="x2", height=SQUARE_HEIGHT)
    for label, name in enumerate(class_names):
        chosen = labels == label
        fig.add_trace(_class_scatter(points[chosen, 0], points[chosen, 1], name,
                                     colors[label % len(colors)]))
    square(fig)
    return fig


def decision_boundary_chart(grid_x: Sequence[float], grid_y: Sequence[float],
                            probabilities, points_x: Sequence[float],
                            points_y: Sequence[float], labels: Sequence[int],
                            class_names: Sequence[str] = ("orange", "blue"), *,
                            words: Words | None = None) -> go.Figure:
    """The model's decision boundary with the data on top, as TensorFlow Playground draws it.

    The background is the probability of class 1 over a grid, from orange (class 0)
    through white (undecided) to blue (class 1); the points are coloured by their
    label with a white outline. One unit on x is as long as one unit on y.

    Args:
        grid_x: the grid's x coordinates (columns), ascending.
        grid_y: the grid's y coordinates (rows), ascending.
        probabilities: 2-D, `len(grid_y)` rows by `len(grid_x)` columns: the
            probability of class 1 at each grid point, in [0, 1].
        points_x: the data points' x coordinates.
        points_y: the data points' y coordinates.
        labels: each point's class, 0 or 1.
        class_names: the names of class 0 and class 1. Defaults to ("orange", "blue").
        words: the reader's language (its decimal mark). Defaults to None: English.

    Returns:
        The figure: a heatmap, then one scatter trace per class.

    Raises:
        ValueError: the shapes do not match, or a label is not 0 or 1.

    Example:

    >>> fig = decision_boundary_chart([0, 1], [0, 1, 2], [[0, 1], [0.5, 0.5], [1, 0]],
    ...                               [0.2, 0.8], [1.5, 0.5], [0, 1])
    >>> fig.data[0].z.shape, [trace.name for trace in fig.data[1:]]
    ((3, 2), ['orange', 'blue'])
    """
    grid_x, grid_y = _vector("grid_x", grid_x), _vector("grid_y", grid_y)
    z = np.asarray(probabilities, dtype=float)
    if z.shape != (grid_y.size, grid_x.size):
        raise ValueError("Received an invalid value for `probabilities`, expected a 2-D array "
                         f"of len(grid_y) x len(grid_x) = {(grid_y.size, grid_x.size)}. "
                         f"Received: probabilities with shape {z.shape}")
    class_names = _two_names(class_names)
    points_x, points_y = _vector("points_x", points_x), _vector("points_y", points_y)
    labels = _labels(labels, points_x.size, classes=2)
    _same_length(("points_x", points_x), ("points_y", points_y))

    fig = go.Figure()
    style(fig, words, x_title="x1", y_title="x2", height=SQUARE_HEIGHT)
    fig.add_trace(go.Heatmap(
        x=grid_x, y=grid_y, z=z, zmin=0.0, zmax=1.0, colorscale=PROBABILITY_COLORSCALE,
        name=f"P({class_names[1]})", opacity=BACKGROUND_OPACITY,
        colorbar=dict(title=dict(text=f"P({class_names[1]})", side="right"), thickness=10,
                      len=0.8, tickformat=".0%"),
        hovertemplate=f"x1 %{{x:.2f}}, x2 %{{y:.2f}}<br>P({class_names[1]}) %{{z:.0%}}"
                      "<extra></extra>"))
    for label, name in enumerate(class_names):
        chosen = labels == label
        fig.add_trace(_class_scatter(points_x[chosen], points_y[chosen], name,
                                     CLASS_COLORS[label]))
    square(fig)
    fig.update_xaxes(range=[grid_x.min(), grid_x.max()], showgrid=False, zeroline=False)
    fig.update_yaxes(range=[grid_y.min(), grid_y.max()], showgrid=False, zeroline=False)
    return fig


def regression_chart(x: Sequence[float], y: Sequence[float], curve_x: Sequence[float],
                     curve_y: Sequence[float], x_val: Sequence[float] | None = None,
                     y_val: Sequence[float] | None = None, *,
                     words: Words | None = None) -> go.Figure:
    """Regression data as points and the model's prediction as a line.

    Args:
        x: the training inputs.
        y: the training targets.
        curve_x: where the model was evaluated; the line is drawn in ascending x.
        curve_y: the model's predictions at `curve_x`.
        x_val: the validation inputs. Defaults to None: no validation points.
        y_val: the validation targets; given together with `x_val`. Defaults to None.
        words: the reader's language. Defaults to None: English.

    Returns:
        The figure: the model's line (drawn first, below the points), the training
        points, then the validation points when given.

    Raises:
        ValueError: lengths differ, or only one of `x_val` and `y_val` is given.

    Example:

    >>> fig = regression_chart([-1, 0, 1], [-3, -1, 1], [2, -1], [3, -3])
    >>> [trace.name for trace in fig.data], fig.data[0].x.tolist()
    (['model', 'training data'], [-1.0, 2.0])
    """
    x, y = _vector("x", x), _vector("y", y)
    curve_x, curve_y = _vector("curve_x", curve_x), _vector("curve_y", curve_y)
    _same_length(("x", x), ("y", y))
    _same_length(("curve_x", curve_x), ("curve_y", curve_y))
    if (x_val is None) != (y_val is None):
        raise ValueError("Received only one of `x_val` and `y_val`, expected both or neither. "
                         f"Received: x_val={'None' if x_val is None else '...'}, "
                         f"y_val={'None' if y_val is None else '...'}")

    if x_val is not None:
        x_val, y_val = _vector("x_val", x_val), _vector("y_val", y_val)
        _same_length(("x_val", x_val), ("y_val", y_val))

    words = words or ENGLISH
    model = words("charts.model")
    fig = go.Figure()
    style(fig, words, x_title="x", y_title="y")
    fig.add_trace(_data_scatter(x, y, words("charts.training_data"), TRAINING_COLOR))
    if x_val is not None:
        fig.add_trace(_data_scatter(x_val, y_val, words("charts.validation_data"),
                                    VALIDATION_COLOR))
    order = np.argsort(curve_x, kind="stable")
    # Drawn first so the points stay visible on it, listed last in the legend.
    fig.add_trace(go.Scatter(x=curve_x[order], y=curve_y[order], name=model, mode="lines",
                             line=dict(color=MODEL_COLOR, width=2.5), legendrank=1001,
                             hovertemplate=f"x %{{x:.4g}}<br>{words('charts.predicted')} "
                                           f"%{{y:.4g}}<extra>{model}</extra>"))
    fig.data = (fig.data[-1],) + fig.data[:-1]
    return fig


def series_chart(values: Sequence[float], forecast: Sequence[float] | None = None,
                 forecast_start: int | None = None, split: int | None = None, *,
                 words: Words | None = None) -> go.Figure:
    """A time series over its index, where validation starts, and the model's forecast.

    Args:
        values: the series, one value per time step.
        forecast: the model's predictions, one per time step. Defaults to None.
        forecast_start: the time step of the first forecast value. Defaults to None:
            `split` when given, else the forecast ends with the series.
        split: the first time step of the validation part, marked with a dotted
            vertical line labelled "validation". Defaults to None: no mark.
        words: the reader's language. Defaults to None: English.

    Returns:
        The figure: the series, then the forecast when given.

    Raises:
        ValueError: `split` lies outside the series.

    Example:

    >>> fig = series_chart([1, 2, 3, 4, 5], forecast=[4.1, 4.9], split=3)
    >>> fig.data[1].x, fig.layout.shapes[0].x0
    ((3, 4), 3)
    """
    values = _vector("values", values)
    if split is not None and not (isinstance(split, (int, np.integer))
                                  and 0 <= split <= values.size):
        raise ValueError("Received an invalid value for `split`, expected a time step in "
                         f"0..{values.size} (the series' length). Received: split={split!r}")
    words = words or ENGLISH
    step = words("charts.time_step")
    fig = go.Figure()
    style(fig, words, x_title=step, y_title=words("charts.value"), hover_title=f"{step} %{{x}}")
    fig.add_trace(go.Scatter(x=list(range(values.size)), y=gaps(values),
                             name=words("charts.series"),
                             mode="lines", line=dict(color=TRAINING_COLOR, width=1.5),
                             hovertemplate="%{y:.4g}"))
    if forecast is not None:
        forecast = _vector("forecast", forecast)
        if forecast_start is None:
            forecast_start = split if split is not None else values.size - forecast.size
        start = int(forecast_start)
        fig.add_trace(go.Scatter(x=list(range(start, start + forecast.size)), y=gaps(forecast),
                                 name=words("charts.forecast"), mode="lines",
                                 line=dict(color=MODEL_COLOR, width=2),
                                 hovertemplate="%{y:.4g}"))
    if split is not None:
        fig.add_vline(x=split, line=dict(color="#555555", width=1, dash="dot"),
                      annotation_text=words("charts.validation"),
                      annotation_position="top right",
                      annotation_font=dict(color="#555555", size=11))
    return fig


def _class_scatter(x, y, name: str, color: str) -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode="markers",
                      marker=dict(color=color, size=8, line=dict(color="white", width=1)),
                      hovertemplate=f"{name}<br>x1 %{{x:.3g}}, x2 %{{y:.3g}}<extra></extra>")


def _data_scatter(x, y, name: str, color: str) -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode="markers",
                      marker=dict(color=color, size=9, line=dict(color="white", width=1)),
                      hovertemplate=f"x %{{x:.4g}}<br>y %{{y:.4g}}<extra>{name}</extra>")


def _vector(name: str, values) -> np.ndarray:
    """Numbers as a 1-D float array; a single column such as (n, 1) counts as 1-D."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"Received an invalid value for `{name}`, expected a 1-D sequence of "
                         f"numbers. Received: {name} with shape {array.shape}")
    return array


def _same_length(*named: tuple[str, np.ndarray]) -> None:
    sizes = {name: array.size for name, array in named}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"len({name})={size}" for name, size in sizes.items())
        raise ValueError(f"Received sequences of different lengths, expected one value each: "
                         f"{listed}")


def _labels(labels, count: int, classes: int) -> np.ndarray:
    array = np.asarray(labels, dtype=float).reshape(-1)
    if array.size != count:
        raise ValueError(f"Received an invalid value for `labels`, expected one per point "
                         f"({count}). Received: {array.size} labels")
    valid = (array == np.round(array)) & (array >= 0) & (array < classes)
    if not np.all(valid):
        raise ValueError(f"Received an invalid value for `labels`, expected class indices "
                         f"0..{classes - 1}. Received: {array[~valid][0]:g}")
    return array.astype(int)


def _two_names(class_names: Sequence[str]) -> tuple[str, str]:
    names = tuple(str(name) for name in class_names)
    if len(names) != 2:
        raise ValueError("Received an invalid value for `class_names`, expected two names "
                         f"(class 0, class 1). Received: class_names={class_names!r}")
    return names
