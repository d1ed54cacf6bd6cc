"""A run's metric curves: epoch by epoch, batch by batch, and several runs on one chart.

The look follows TensorBoard's scalars dashboard (training solid, validation dashed, the
same two colours in every chart, an exponential moving average over a faint raw curve);
the shared look is `components.chart_style`, the thinning and smoothing
`components.curve_points`.

Data comes as the run store gives it: a history is `{name: [(epoch, value), ...]}`
ordered by epoch and counted from 1, with names such as "loss", "val_loss",
"accuracy"; batches have the same shape with the batch step instead of the epoch.
NaN values leave a gap in a line instead of breaking the chart. Each call builds a new
figure; without `words` (`tflab.words.Words`), a chart reads in English.

Example:

>>> history = {"loss": [(1, 0.9), (2, 0.5)], "val_loss": [(1, 1.0), (2, 0.7)]}
>>> metric_names(history)
['loss']
>>> fig = metric_chart(history, "loss", total_epochs=10)
>>> [trace.name for trace in fig.data]
['training', 'validation', 'best validation']
>>> fig = metric_chart(history, "loss", words=Words.load("es"))
>>> [trace.name for trace in fig.data], fig.layout.title.text, fig.layout.separators
(['entrenamiento', 'validación', 'mejor validación'], 'pérdida', ',.')
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from components.chart_style import (ACCENT_COLOR, ENGLISH, RUN_COLORS, TRAINING_COLOR,
                                    VALIDATION_COLOR, annotate, gaps, style)
from components.curve_points import smooth, thinned
from tflab.metrics import base_name, best_point
from tflab.words import Words

History = Mapping[str, Sequence[tuple[int, float]]]

WAITING_FOR_EPOCHS = ENGLISH("charts.waiting_epochs")
WAITING_FOR_BATCHES = ENGLISH("charts.waiting_batches")
# Metrics with a name in the catalog (`charts.metric.<name>`); others show as logged
# ("precision" is "precisión" in Spanish, which the notes use for accuracy: left as logged).
NAMED_METRICS = ("loss", "accuracy", "binary_accuracy", "categorical_accuracy",
                 "sparse_categorical_accuracy", "mae", "mse")


def metric_names(history: History) -> list[str]:
    """The base metrics of a history: "loss" first, then the others by name.

    A validation series counts for its base metric, so "loss" and "val_loss" give one
    "loss". A metric logged only for validation still appears under its base name.

    Args:
        history: `{name: [(epoch, value), ...]}`, as `RunStore.history` returns it.

    Returns:
        The base metric names, without duplicates, in an order that does not change
        from one poll to the next.

    Example:

    >>> metric_names({"val_accuracy": [], "accuracy": [], "val_loss": [], "loss": []})
    ['loss', 'accuracy']
    """
    bases = {base_name(name) for name in history}
    return sorted(bases, key=lambda name: (name != "loss", name))


def metric_label(metric: str, words: Words | None = None) -> str:
    """A metric's name as a person reads it: "loss" is "pérdida" in Spanish.

    Example:

    >>> metric_label("accuracy", Words.load("es")), metric_label("my_metric")
    ('precisión', 'my_metric')
    """
    words = words or ENGLISH
    key = f"charts.metric.{metric}"
    return words(key) if words.has(key) else metric


def metric_chart(history: History, metric: str, total_epochs: int | None = None,
                 title: str | None = None, *, log_y: bool = False,
                 words: Words | None = None) -> go.Figure:
    """Training and validation curves of one metric, epoch by epoch.

    "loss" draws `loss` (solid) and `val_loss` (dashed) when present, with a marker on
    the best value: of validation when it exists, else of training; the lowest for
    errors and losses, the highest for accuracy-like metrics.

    Args:
        history: `{name: [(epoch, value), ...]}` with epochs counted from 1.
        metric: the base metric, e.g. "loss" or "accuracy" (not "val_loss").
        total_epochs: the epochs the run will train. When given, the x axis spans
            1..total_epochs from the start, so a live chart does not jump as points
            arrive. Defaults to None: the axis fits the data.
        title: the chart's title. Defaults to None: the metric's name.
        log_y: whether the y axis is logarithmic. Defaults to False.
        words: the reader's language. Defaults to None: English.

    Returns:
        The figure; with no data yet, an empty chart saying it is waiting.

    Example:

    >>> history = {"loss": [(1, 0.9), (2, 0.4), (3, 0.5)]}
    >>> fig = metric_chart(history, "loss", total_epochs=20)
    >>> fig.data[-1].name, fig.data[-1].x, fig.data[-1].y
    ('best training', (2,), (0.4,))
    """
    total_epochs = _optional_count("total_epochs", total_epochs)
    words = words or ENGLISH
    name = metric_label(metric, words)
    fig = go.Figure()
    style(fig, words, title=name if title is None else title, x_title=words("charts.epoch"),
           y_title=name, hover_title=f"{words('charts.epoch')} %{{x}}")
    if log_y:
        fig.update_yaxes(type="log")

    series = [(label, history.get(name, ()), color, dash)
              for label, name, color, dash in (
                  (words("charts.training"), metric, TRAINING_COLOR, "solid"),
                  (words("charts.validation"), "val_" + metric, VALIDATION_COLOR, "dash"))]
    last_epoch = 0
    for label, points, color, dash in series:
        if not points:
            continue
        epochs, values = thinned(*_unzip(points))
        last_epoch = max(last_epoch, max(epochs))
        fig.add_trace(go.Scatter(
            x=epochs, y=gaps(values), name=label, mode="lines+markers" if len(epochs) < 2
            else "lines", line=dict(color=color, width=2, dash=dash),
            hovertemplate="%{y:.4g}"))

    best = _best_point(series, metric)
    if best is not None:
        label, epoch, value, color = best
        fig.add_trace(go.Scatter(
            x=[epoch], y=[value], name=words("charts.best", series=label), mode="markers",
            marker=dict(color=color, size=11, symbol="star", line=dict(color="white", width=1)),
            hovertemplate="%{y:.4g}"))

    if total_epochs is not None:
        fig.update_xaxes(range=_padded_range(max(total_epochs, last_epoch)))
    _integer_ticks(fig, total_epochs or last_epoch)
    if not fig.data:
        annotate(fig, words("charts.waiting_epochs") if not any(history.values())
                  else words("charts.no_metric", metric=name))
    return fig


def batch_chart(batches: History, epoch: int, steps_per_epoch: int | None = None, *,
                words: Words | None = None) -> go.Figure:
    """The current epoch's loss batch by batch, and its accuracy on a second y axis.

    Args:
        batches: `{name: [(step, value), ...]}` of one epoch, steps counted from 1, as
            `RunStore.batches` returns it.
        epoch: the epoch these batches belong to, counted from 1; it names the chart.
        steps_per_epoch: the batches in one epoch. When given, the x axis spans
            1..steps_per_epoch from the first batch on. Defaults to None: the axis fits
            the data.
        words: the reader's language. Defaults to None: English.

    Returns:
        The figure titled "Epoch N, batch by batch"; with no batches yet, an empty
        chart saying it is waiting.

    Example:

    >>> fig = batch_chart({"loss": [(1, 0.7), (2, 0.6)], "accuracy": [(1, 0.5), (2, 0.6)]},
    ...                   epoch=3, steps_per_epoch=10)
    >>> fig.layout.title.text, [trace.name for trace in fig.data], fig.data[1].yaxis
    ('Epoch 3, batch by batch', ['loss', 'accuracy'], 'y2')
    """
    steps_per_epoch = _optional_count("steps_per_epoch", steps_per_epoch)
    words = words or ENGLISH
    loss = metric_label("loss", words)
    fig = go.Figure()
    style(fig, words, title=words("charts.batch_title", epoch=epoch),
           x_title=words("charts.batch"), y_title=loss,
           hover_title=f"{words('charts.batch')} %{{x}}")
    last_step = 0
    if batches.get("loss"):
        steps, values = _unzip(batches["loss"])
        last_step = max(steps)
        fig.add_trace(go.Scatter(x=steps, y=gaps(values), name=loss, mode="lines+markers",
                                 line=dict(color=TRAINING_COLOR, width=2), marker=dict(size=4),
                                 hovertemplate="%{y:.4g}"))
    accuracy = _accuracy_name(batches)
    if accuracy is not None:
        steps, values = _unzip(batches[accuracy])
        last_step = max(last_step, max(steps))
        fig.add_trace(go.Scatter(x=steps, y=gaps(values), name=metric_label(accuracy, words),
                                 yaxis="y2",
                                 mode="lines+markers", marker=dict(size=4),
                                 line=dict(color=ACCENT_COLOR, width=2),
                                 hovertemplate="%{y:.1%}"))
        fig.update_layout(yaxis2=dict(title=dict(text=metric_label(accuracy, words),
                                                 font=dict(color=ACCENT_COLOR)),
                                      overlaying="y", side="right", range=[0, 1],
                                      tickmode="linear", tick0=0, dtick=0.25, tickformat=".0%",
                                      showgrid=False, automargin=True))
    if steps_per_epoch is not None:
        fig.update_xaxes(range=_padded_range(max(steps_per_epoch, last_step)))
    _integer_ticks(fig, steps_per_epoch or last_step)
    if not fig.data:
        annotate(fig, words("charts.waiting_batches"))
    return fig


def overlay_chart(runs: Mapping[str, History], metric: str, smoothing: float = 0.0, *,
                  words: Words | None = None, highlight: str | None = None) -> go.Figure:
    """One metric of several runs on one chart, one colour per run, as TensorBoard does.

    Each run's training curve is solid and its validation curve (when the run logged
    `val_<metric>`) dashed, in the run's colour. With smoothing, the smoothed curve is
    drawn over the raw one, which stays faint behind it.

    Args:
        runs: `{run label: history}`; the order gives the colours.
        metric: the base metric, e.g. "loss".
        smoothing: the `smooth` weight, in [0, 1). Defaults to 0.0: raw curves only.
        words: the reader's language. Defaults to None: English.
        highlight: the label of a run to draw over the others (a sweep's best): its lines
            wide, the others' thin and faint. Defaults to None: every run alike.

    Returns:
        The figure: per run and per series, one trace without smoothing, two with it
        (raw first, then smoothed). With no data, an empty chart saying so.

    Example:

    >>> runs = {"run a": {"loss": [(1, 0.9), (2, 0.5)]},
    ...         "run b": {"loss": [(1, 0.8), (2, 0.3)], "val_loss": [(1, 0.9), (2, 0.6)]}}
    >>> [trace.name for trace in overlay_chart(runs, "loss").data]
    ['run a', 'run b', 'run b (validation)']
    """
    smooth([], smoothing)  # Checks the weight before anything is drawn.
    words = words or ENGLISH
    shown = metric_label(metric, words)
    fig = go.Figure()
    style(fig, words, title=shown, x_title=words("charts.epoch"), y_title=shown,
           hover_title=f"{words('charts.epoch')} %{{x}}")
    raw = words("charts.raw")
    for index, (label, history) in enumerate(runs.items()):
        color = RUN_COLORS[index % len(RUN_COLORS)]
        width, opacity = (2, None) if highlight is None else (4, None) if label == highlight \
            else (1.5, 0.45)
        for name, validation, dash in ((metric, False, "solid"), ("val_" + metric, True, "dash")):
            if not history.get(name):
                continue
            epochs, values = _unzip(history[name])
            smoothed = smooth(values, smoothing) if smoothing > 0 else values
            epochs, values, smoothed = thinned(epochs, values, smoothed)  # smoothed in full first
            trace_name = words("charts.run_validation", run=label) if validation else label
            line = dict(color=color, width=width, dash=dash)
            if smoothing > 0:
                fig.add_trace(go.Scatter(
                    x=epochs, y=gaps(values), name=trace_name, legendgroup=label,
                    showlegend=False, mode="lines", line=dict(color=color, width=1, dash=dash),
                    opacity=0.25, hoverinfo="skip"))
                fig.add_trace(go.Scatter(
                    x=epochs, y=gaps(smoothed), name=trace_name,
                    legendgroup=label, mode="lines", line=line, customdata=gaps(values),
                    opacity=opacity, hovertemplate=f"%{{y:.4g}} ({raw} %{{customdata:.4g}})"))
            else:
                fig.add_trace(go.Scatter(
                    x=epochs, y=gaps(values), name=trace_name, legendgroup=label,
                    mode="lines+markers" if len(epochs) < 2 else "lines", line=line,
                    opacity=opacity, hovertemplate="%{y:.4g}"))
    _integer_ticks(fig, max((x for trace in fig.data for x in trace.x), default=0))
    if not fig.data:
        annotate(fig, words("charts.no_runs"))
    return fig


def _integer_ticks(fig: go.Figure, last: float) -> None:
    """Whole-number ticks on an epoch or step axis: plotly would show 1.5 on short runs."""
    if 0 < last <= 10:
        fig.update_xaxes(tick0=1, dtick=1)
    else:
        fig.update_xaxes(tickformat="d")


def _padded_range(last: int) -> list[float]:
    """1..last with half a step either side, so the end points are not cut in half."""
    return [0.5, last + 0.5]


def _best_point(series, metric: str):
    """(label, epoch, value, colour) of the best value (`tflab.metrics.best_point`),
    validation first; or None."""
    for label, points, color, _ in reversed(series):
        found = best_point(points, metric)
        if found is not None:
            return label, found[0], found[1], color
    return None


def _accuracy_name(batches: History) -> str | None:
    """The batch metric to draw as accuracy: "accuracy", else any "*accuracy" name."""
    if batches.get("accuracy"):
        return "accuracy"
    names = sorted(name for name, points in batches.items()
                   if points and name.endswith(("accuracy", "acc")))
    return names[0] if names else None


def _unzip(points: Sequence[tuple[int, float]]) -> tuple[list[int], list[float]]:
    return [int(x) for x, _ in points], [float(value) for _, value in points]


def _optional_count(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Received an invalid value for `{name}`, expected a positive integer "
                         f"or None. Received: {name}={value!r}")
    return int(value)
