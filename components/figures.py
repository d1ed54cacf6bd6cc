"""Pure figure builders: plain data in, a Plotly figure out.

Every chart of the dashboard is drawn here, so the pages only fetch data and call
`st.plotly_chart`, or `components.live_chart` for the Train page's live charts. The look follows TensorBoard's scalars dashboard for training
curves (training solid, validation dashed, the same two colours in every chart,
an exponential moving average over a faint raw curve) and TensorFlow Playground for
two-class data (orange for class 0, blue for class 1).

Data comes as the run store gives it: a history is `{name: [(epoch, value), ...]}`
ordered by epoch and counted from 1, with names such as "loss", "val_loss",
"accuracy"; batches have the same shape with the batch step instead of the epoch.
NaN values leave a gap in a line instead of breaking the chart.

Nothing here touches Streamlit, TensorFlow, files or the network, and nothing is
kept between calls: each call builds a new figure.

Every builder takes `words` (`tflab.words.Words`), the reader's language: titles, axes,
legend and hover texts come from its catalog (section `charts`), and numbers use its
decimal mark (`layout.separators`). Without it, a chart reads in English.

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

import math
import numbers
from typing import Iterable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from tflab.words import Words

History = Mapping[str, Sequence[tuple[int, float]]]

TRAINING_COLOR = "#0077bb"
VALIDATION_COLOR = "#ee7733"
MODEL_COLOR = "#cc3311"
ACCENT_COLOR = "#009988"
CLASS_COLORS = ("#f59322", "#0877bd")
# Paul Tol's "vibrant" qualitative palette (colour-blind safe), as TensorBoard uses for runs.
RUN_COLORS = ("#0077bb", "#ee7733", "#009988", "#ee3377", "#33bbee", "#cc3311", "#bbbbbb")
# Beyond two classes: Playground's pair first, then the run palette without near repeats.
MANY_CLASS_COLORS = CLASS_COLORS + ("#009988", "#ee3377", "#33bbee", "#cc3311", "#7b3294",
                                    "#999933", "#555555", "#bbbbbb")
# Playground paints the background at alpha 160/255 so same-coloured points still show.
BACKGROUND_OPACITY = 160 / 255
PROBABILITY_COLORSCALE = ((0.0, CLASS_COLORS[0]), (0.5, "#ffffff"), (1.0, CLASS_COLORS[1]))
COUNT_COLORSCALE = ((0.0, "#ffffff"), (1.0, CLASS_COLORS[1]))

TEMPLATE = "plotly_white"
HEIGHT = 340
SQUARE_HEIGHT = 440
MAX_CURVE_POINTS = 1000  # per curve drawn; TensorBoard too keeps ~1,000 points a series
_ENGLISH = Words.load("en")  # a chart drawn without the reader's words reads in English
WAITING_FOR_EPOCHS = _ENGLISH("charts.waiting_epochs")
WAITING_FOR_BATCHES = _ENGLISH("charts.waiting_batches")
# Metrics with a name in the catalog (`charts.metric.<name>`); others show as logged
# ("precision" is "precisión" in Spanish, which the notes use for accuracy: left as logged).
NAMED_METRICS = ("loss", "accuracy", "binary_accuracy", "categorical_accuracy",
                 "sparse_categorical_accuracy", "mae", "mse")

# Name parts of metrics where a higher value is better; every other metric is an error.
_HIGHER_IS_BETTER = frozenset({"acc", "accuracy", "auc", "precision", "recall", "f1", "r2",
                               "iou", "io_u"})


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
    bases = {_base_name(name) for name in history}
    return sorted(bases, key=lambda name: (name != "loss", name))


def metric_label(metric: str, words: Words | None = None) -> str:
    """A metric's name as a person reads it: "loss" is "pérdida" in Spanish.

    Example:

    >>> metric_label("accuracy", Words.load("es")), metric_label("my_metric")
    ('precisión', 'my_metric')
    """
    words = words or _ENGLISH
    key = f"charts.metric.{metric}"
    return words(key) if words.has(key) else metric


def thin_indices(values: Sequence[float], limit: int = MAX_CURVE_POINTS) -> list[int]:
    """Which points of a long curve to draw: at most about `limit`, its shape kept.

    A browser redraws a chart of 10,000 points slowly, and a chart half a page wide
    shows no more than ~1,000 anyway. The curve is cut into `limit // 2` stretches and
    each keeps its lowest and highest value, so spikes and the best value stay visible;
    the first and last points are always kept, so a live chart ends at the newest epoch.
    A stretch of only non-finite values (a diverged run) keeps its first point.

    Example:

    >>> thin_indices([5.0, 1.0, 9.0, 2.0, 3.0, 8.0, 4.0, 7.0], limit=4)
    [0, 1, 2, 4, 5, 7]
    >>> thin_indices([1.0, 2.0, 3.0], limit=4)
    [0, 1, 2]
    """
    count = len(values)
    if count <= limit:
        return list(range(count))
    array = np.asarray(values, dtype=float)
    finite = np.isfinite(array)
    keep = {0, count - 1}
    edges = np.linspace(0, count, max(limit // 2, 1) + 1).astype(int)
    for start, stop in zip(edges[:-1], edges[1:]):
        if stop <= start:
            continue
        stretch = np.where(finite[start:stop], array[start:stop], np.nan)
        if np.isnan(stretch).all():
            keep.add(int(start))
        else:
            keep.update((int(start + np.nanargmin(stretch)), int(start + np.nanargmax(stretch))))
    return sorted(keep)


def _thinned(epochs: list[int], values: list[float], *more: list) -> tuple[list, ...]:
    keep = thin_indices(values)
    if len(keep) == len(values):
        return (epochs, values, *more)
    return tuple([series[i] for i in keep] for series in (epochs, values, *more))


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
    words = words or _ENGLISH
    name = metric_label(metric, words)
    fig = go.Figure()
    _style(fig, words, title=name if title is None else title, x_title=words("charts.epoch"),
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
        epochs, values = _thinned(*_unzip(points))
        last_epoch = max(last_epoch, max(epochs))
        fig.add_trace(go.Scatter(
            x=epochs, y=_gaps(values), name=label, mode="lines+markers" if len(epochs) < 2
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
        _annotate(fig, words("charts.waiting_epochs") if not any(history.values())
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
    words = words or _ENGLISH
    loss = metric_label("loss", words)
    fig = go.Figure()
    _style(fig, words, title=words("charts.batch_title", epoch=epoch),
           x_title=words("charts.batch"), y_title=loss,
           hover_title=f"{words('charts.batch')} %{{x}}")
    last_step = 0
    if batches.get("loss"):
        steps, values = _unzip(batches["loss"])
        last_step = max(steps)
        fig.add_trace(go.Scatter(x=steps, y=_gaps(values), name=loss, mode="lines+markers",
                                 line=dict(color=TRAINING_COLOR, width=2), marker=dict(size=4),
                                 hovertemplate="%{y:.4g}"))
    accuracy = _accuracy_name(batches)
    if accuracy is not None:
        steps, values = _unzip(batches[accuracy])
        last_step = max(last_step, max(steps))
        fig.add_trace(go.Scatter(x=steps, y=_gaps(values), name=metric_label(accuracy, words),
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
        _annotate(fig, words("charts.waiting_batches"))
    return fig


def smooth(values: Iterable[float], weight: float) -> list[float]:
    """TensorBoard's smoothing: a debiased exponential moving average.

    Each smoothed value is `last = last * weight + (1 - weight) * value`, divided by
    `1 - weight ** n` after n finite values, so the first values are not pulled
    toward 0. A series where every value is the same comes back unchanged. NaN and
    infinite values come back as they are and leave the average untouched, so the
    values after them stay finite.

    Args:
        values: the raw values, in order.
        weight: how much of the past to keep, in [0, 1); 0 returns the values as
            they are, 0.99 smooths hard.

    Returns:
        The smoothed values, as many as given.

    Raises:
        ValueError: `weight` is outside [0, 1).

    Example:

    >>> smooth([1.0, 0.0, 1.0], 0.5)
    [1.0, 0.3333333333333333, 0.7142857142857143]
    >>> smooth([1.0, 1.0, 1.0], 0.9)
    [1.0, 1.0, 1.0]
    """
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) \
            or not 0.0 <= weight < 1.0:
        raise ValueError("Received an invalid value for `weight`, expected a number in "
                         f"[0, 1) (0 means no smoothing). Received: weight={weight!r}")
    values = [float(value) for value in values]
    if all(value == values[0] for value in values):
        return values
    smoothed = []
    last, count = 0.0, 0
    for value in values:
        if not math.isfinite(value):
            smoothed.append(value)
            continue
        last = last * weight + (1.0 - weight) * value
        count += 1
        smoothed.append(last / (1.0 - weight ** count))
    return smoothed


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
    words = words or _ENGLISH
    shown = metric_label(metric, words)
    fig = go.Figure()
    _style(fig, words, title=shown, x_title=words("charts.epoch"), y_title=shown,
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
            epochs, values, smoothed = _thinned(epochs, values, smoothed)  # smoothed in full first
            trace_name = words("charts.run_validation", run=label) if validation else label
            line = dict(color=color, width=width, dash=dash)
            if smoothing > 0:
                fig.add_trace(go.Scatter(
                    x=epochs, y=_gaps(values), name=trace_name, legendgroup=label,
                    showlegend=False, mode="lines", line=dict(color=color, width=1, dash=dash),
                    opacity=0.25, hoverinfo="skip"))
                fig.add_trace(go.Scatter(
                    x=epochs, y=_gaps(smoothed), name=trace_name,
                    legendgroup=label, mode="lines", line=line, customdata=_gaps(values),
                    opacity=opacity, hovertemplate=f"%{{y:.4g}} ({raw} %{{customdata:.4g}})"))
            else:
                fig.add_trace(go.Scatter(
                    x=epochs, y=_gaps(values), name=trace_name, legendgroup=label,
                    mode="lines+markers" if len(epochs) < 2 else "lines", line=line,
                    opacity=opacity, hovertemplate="%{y:.4g}"))
    _integer_ticks(fig, max((x for trace in fig.data for x in trace.x), default=0))
    if not fig.data:
        _annotate(fig, words("charts.no_runs"))
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
    _style(fig, words, x_title="x1", y_title="x2", height=SQUARE_HEIGHT)
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
    _square(fig)
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

    words = words or _ENGLISH
    model = words("charts.model")
    fig = go.Figure()
    _style(fig, words, x_title="x", y_title="y")
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
    words = words or _ENGLISH
    step = words("charts.time_step")
    fig = go.Figure()
    _style(fig, words, x_title=step, y_title=words("charts.value"), hover_title=f"{step} %{{x}}")
    fig.add_trace(go.Scatter(x=list(range(values.size)), y=_gaps(values),
                             name=words("charts.series"),
                             mode="lines", line=dict(color=TRAINING_COLOR, width=1.5),
                             hovertemplate="%{y:.4g}"))
    if forecast is not None:
        forecast = _vector("forecast", forecast)
        if forecast_start is None:
            forecast_start = split if split is not None else values.size - forecast.size
        start = int(forecast_start)
        fig.add_trace(go.Scatter(x=list(range(start, start + forecast.size)), y=_gaps(forecast),
                                 name=words("charts.forecast"), mode="lines",
                                 line=dict(color=MODEL_COLOR, width=2),
                                 hovertemplate="%{y:.4g}"))
    if split is not None:
        fig.add_vline(x=split, line=dict(color="#555555", width=1, dash="dot"),
                      annotation_text=words("charts.validation"),
                      annotation_position="top right",
                      annotation_font=dict(color="#555555", size=11))
    return fig


def top_k_chart(top: Sequence[tuple[str, float]], *, words: Words | None = None) -> go.Figure:
    """A prediction's most likely classes as horizontal bars, the most likely on top.

    Args:
        top: `[(class name, probability), ...]`, highest first (sorted again here, so
            the most likely is on top whatever the order).
        words: the reader's language. Defaults to None: English.

    Returns:
        A compact figure: one bar per class, its probability written as a percentage,
        the x axis from 0 to 1.

    Raises:
        ValueError: a probability lies outside [0, 1].

    Example:

    >>> fig = top_k_chart([("cat", 0.9), ("dog", 0.08), ("horse", 0.02)])
    >>> fig.data[0].y, fig.data[0].text
    (('cat', 'dog', 'horse'), ('90.0%', '8.0%', '2.0%'))
    """
    rows = sorted(((str(name), float(probability)) for name, probability in top),
                  key=lambda row: -row[1])
    for name, probability in rows:
        if not 0.0 <= probability <= 1.0:
            raise ValueError("Received an invalid value for `top`, expected probabilities in "
                             f"[0, 1]. Received: ({name!r}, {probability!r})")
    words = words or _ENGLISH
    fig = go.Figure()
    _style(fig, words, height=max(120, 34 * len(rows) + 50))
    fig.update_layout(margin=dict(t=8), showlegend=False, bargap=0.25)
    fig.update_xaxes(range=[0, 1], tickformat=".0%", fixedrange=True)
    fig.update_yaxes(type="category", autorange="reversed", fixedrange=True)
    if not rows:
        _annotate(fig, words("charts.no_prediction"))
        return fig
    names = [name for name, _ in rows]
    probabilities = [probability for _, probability in rows]
    colors = [CLASS_COLORS[1]] + ["#9dbcd4"] * (len(rows) - 1)
    fig.add_trace(go.Bar(x=probabilities, y=names, orientation="h", marker_color=colors,
                         text=[words.percent(p, 1) for p in probabilities], textposition="auto",
                         cliponaxis=False, hovertemplate="%{y}: %{x:.2%}<extra></extra>"))
    return fig


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
    _style(fig, words, x_title="x1", y_title="x2", height=SQUARE_HEIGHT)
    for label, name in enumerate(class_names):
        chosen = labels == label
        fig.add_trace(_class_scatter(points[chosen, 0], points[chosen, 1], name,
                                     colors[label % len(colors)]))
    _square(fig)
    return fig


def confusion_chart(matrix, class_names: Sequence[str], *,
                    words: Words | None = None) -> go.Figure:
    """A confusion matrix: true class by row, predicted class by column, counts written in.

    The first class is at the top left, so correct predictions run down the diagonal
    from the top left to the bottom right. A click on a cell selects it: plotly cannot
    select a heatmap's cells, so an invisible square marker sits on each cell, with
    `customdata` `[true, predicted]`, and the cursor's nearest marker is the cell under it.

    Args:
        matrix: square, `matrix[i][j]` examples of true class i predicted as class j.
        class_names: the classes' names, in the matrix's order.
        words: the reader's language. Defaults to None: English.

    Returns:
        The figure: a heatmap from white (none) to blue (most), then the cells' markers,
        row by row, which carry the hover text and the selection.

    Raises:
        ValueError: the matrix is not square or does not match `class_names`.

    Example:

    >>> fig = confusion_chart([[5, 1], [0, 4]], ["cat", "dog"])
    >>> [list(row) for row in fig.data[0].text], fig.layout.yaxis.range
    ([['5', '1'], ['0', '4']], (1.5, -0.5))
    >>> [list(cell) for cell in fig.data[1].customdata]
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    counts = np.asarray(matrix, dtype=float)
    class_names = [str(name) for name in class_names]
    if counts.ndim != 2 or counts.shape != (len(class_names), len(class_names)):
        raise ValueError("Received an invalid value for `matrix`, expected a square array with "
                         f"one row and one column per class: {len(class_names)} x "
                         f"{len(class_names)}. Received: matrix with shape {counts.shape}")
    words = words or _ENGLISH
    whole = bool(np.all(counts == np.round(counts)))
    text = [[f"{value:.0f}" if whole else _decimal(f"{value:.2g}", words) for value in row]
            for row in counts]
    true, predicted = words("charts.true"), words("charts.predicted")
    cells = [(true, predicted) for true in range(len(class_names))
             for predicted in range(len(class_names))]
    fig = go.Figure()
    _style(fig, words, x_title=predicted, y_title=true, height=SQUARE_HEIGHT)
    fig.add_trace(go.Heatmap(
        z=counts, x=class_names, y=class_names, text=text, texttemplate="%{text}",
        colorscale=COUNT_COLORSCALE, zmin=0, showscale=False, xgap=1, ygap=1, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=[class_names[predicted] for _, predicted in cells],
        y=[class_names[true] for true, _ in cells],
        customdata=cells, text=[text[true][predicted] for true, predicted in cells],
        mode="markers", name="cells", showlegend=False,
        # Small enough not to overlap on a big matrix; the hover distance reaches the corners.
        marker=dict(symbol="square", size=6, color="rgba(0,0,0,0)"),
        hovertemplate=f"{true} %{{y}}<br>{predicted} %{{x}}<br>%{{text}} "
                      f"{words('charts.examples')}<extra></extra>"))
    fig.update_layout(hoverdistance=-1)
    # Fixed ranges: autorange would pad around the markers, a margin outside the cells.
    edges = [-0.5, len(class_names) - 0.5]
    fig.update_xaxes(type="category", range=edges, side="bottom", showgrid=False)
    fig.update_yaxes(type="category", range=edges[::-1], showgrid=False)
    _square(fig)
    return fig


def _style(fig: go.Figure, words: Words | None, *, title: str | None = None,
           x_title: str | None = None, y_title: str | None = None,
           hover_title: str | None = None, height: int = HEIGHT) -> None:
    """The look every chart shares: white template, small margins, legend on top, and the
    reader's decimal mark."""
    fig.update_layout(
        separators=(words or _ENGLISH).plotly_separators,
        # The template itself, not its name: given a name, Plotly copies the template
        # into the figure again, half the time of building a chart (measured: 64 ms for
        # a metric chart by name, 35 ms with the template; plotly keeps it once loaded).
        template=pio.templates[TEMPLATE], height=height,
        margin=dict(l=8, r=8, t=44 if title else 28, b=8),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom",
                    bgcolor="rgba(0,0,0,0)"),
        hovermode="x unified" if hover_title else "closest",
    )
    if title:
        fig.update_layout(title=dict(text=title, x=0, xref="paper", xanchor="left",
                                     y=1, yref="paper", yanchor="bottom", pad=dict(b=8),
                                     font=dict(size=15), automargin=True))
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    if hover_title:
        fig.update_xaxes(unifiedhovertitle=dict(text=hover_title))


def _annotate(fig: go.Figure, text: str) -> None:
    """A friendly message in the middle of a chart that has nothing to draw yet."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=14, color="#888888"))
    fig.update_xaxes(showticklabels=bool(fig.layout.xaxis.range))
    fig.update_yaxes(showticklabels=False)


def _decimal(text: str, words: Words) -> str:
    """A number already written with a point, in the reader's way ("0.25" -> "0,25")."""
    return text.replace(".", ",") if words.language == "es" else text


def _square(fig: go.Figure) -> None:
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.update_xaxes(constrain="domain")


def _integer_ticks(fig: go.Figure, last: float) -> None:
    """Whole-number ticks on an epoch or step axis: plotly would show 1.5 on short runs."""
    if 0 < last <= 10:
        fig.update_xaxes(tick0=1, dtick=1)
    else:
        fig.update_xaxes(tickformat="d")


def _padded_range(last: int) -> list[float]:
    """1..last with half a step either side, so the end points are not cut in half."""
    return [0.5, last + 0.5]


def _class_scatter(x, y, name: str, color: str) -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode="markers",
                      marker=dict(color=color, size=8, line=dict(color="white", width=1)),
                      hovertemplate=f"{name}<br>x1 %{{x:.3g}}, x2 %{{y:.3g}}<extra></extra>")


def _data_scatter(x, y, name: str, color: str) -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode="markers",
                      marker=dict(color=color, size=9, line=dict(color="white", width=1)),
                      hovertemplate=f"x %{{x:.4g}}<br>y %{{y:.4g}}<extra>{name}</extra>")


def _best_point(series, metric: str):
    """(label, epoch, value, colour) of the best finite value, validation first; or None."""
    pick = max if _higher_is_better(metric) else min
    for label, points, color, _ in reversed(series):
        finite = [(epoch, value) for epoch, value in points if math.isfinite(value)]
        if finite:
            # The earliest epoch wins a tie, as early stopping counts it.
            epoch, value = pick(finite, key=lambda point: point[1])
            return label, epoch, value, color
    return None


def _higher_is_better(metric: str) -> bool:
    name = metric.lower()
    return any(part in _HIGHER_IS_BETTER for part in name.split("_")) or "io_u" in name


def _base_name(name: str) -> str:
    return name[len("val_"):] if name.startswith("val_") else name


def _accuracy_name(batches: History) -> str | None:
    """The batch metric to draw as accuracy: "accuracy", else any "*accuracy" name."""
    if batches.get("accuracy"):
        return "accuracy"
    names = sorted(name for name, points in batches.items()
                   if points and name.endswith(("accuracy", "acc")))
    return names[0] if names else None


def _unzip(points: Sequence[tuple[int, float]]) -> tuple[list[int], list[float]]:
    return [int(x) for x, _ in points], [float(value) for _, value in points]


def _gaps(values: Iterable[float]) -> list[float | None]:
    """Non-finite values as None: plotly leaves a gap there instead of failing to draw."""
    return [float(value) if math.isfinite(value) else None for value in values]


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


def _optional_count(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Received an invalid value for `{name}`, expected a positive integer "
                         f"or None. Received: {name}={value!r}")
    return int(value)
