"""Live views of a model while it trains: what TensorFlow Playground draws beside the loss.

For 2-D points, the decision boundary (the probability of the second class over a grid);
for a 1-D regression, the fitted curve over the data; for a series, the forecast over
the validation part; for other classifiers (pictures), the confusion matrix of the
validation part. A `ViewCallback` computes the view at an epoch's end, at most every
`interval` seconds and never for more than a tenth of the time, and sends plain JSON
data to the sink (the store keeps past views for an epoch slider).

Example:

>>> from tflab.data import DataSummary
>>> view_kind(DataSummary("binary", (2,), (1,), ("orange", "blue")))
'boundary'
>>> view_kind(DataSummary("multiclass", (28, 28, 1), (), tuple("0123456789"), True))
'matrix'
"""

from __future__ import annotations

import time
from types import MappingProxyType
from typing import Callable, Mapping

import keras
import numpy as np

from tflab.data import Dataset, DataSummary
from tflab.evaluate import evaluate_predictions

MAX_POINTS = 400
MAX_MATRIX_EXAMPLES = 500  # validation examples a confusion-matrix view is counted on
MATRIX_BATCH = 64
VIEW_SHARE = 0.1  # the most of a run's time its views may take


def view_kind(summary: DataSummary) -> str | None:
    """Which live view fits the data: 'boundary', 'curve', 'forecast', 'matrix' or None."""
    if summary.kind == "binary" and tuple(summary.input_shape) == (2,):
        return "boundary"
    if summary.is_classification:
        return "matrix"
    if summary.kind == "regression" and tuple(summary.input_shape) == (1,):
        return "curve"
    if summary.kind == "series":
        return "forecast"
    return None


def _rounded(values) -> list:
    return np.round(np.asarray(values, dtype="float64"), 4).tolist()


def _sample(count: int, limit: int = MAX_POINTS) -> np.ndarray:
    """At most `limit` indices spread over `count`, so a view stays small."""
    return np.unique(np.linspace(0, count - 1, min(count, limit)).astype(int)) if count else \
        np.zeros(0, dtype=int)


def _predict(model: keras.Model, x: np.ndarray) -> np.ndarray:
    return np.asarray(model(x.astype("float32"), training=False))


def boundary(model: keras.Model, data: Dataset, resolution: int = 41) -> dict:
    """Probability of class 1 over a grid covering the points, and the points."""
    points = np.concatenate([data.x_train, data.x_val])
    labels = np.concatenate([data.y_train, data.y_val]).reshape(-1)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (high - low + 1e-6)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    probabilities = _predict(model, grid).reshape(resolution, resolution)
    keep = _sample(len(points))
    return {"grid_x": _rounded(xs), "grid_y": _rounded(ys), "probabilities": _rounded(probabilities),
            "points_x": _rounded(points[keep, 0]), "points_y": _rounded(points[keep, 1]),
            "labels": labels[keep].astype(int).tolist()}


def curve(model: keras.Model, data: Dataset, samples: int = 120) -> dict:
    """The model's curve over the data's x range, with the training and validation points."""
    x_all = np.concatenate([data.x_train, data.x_val]).reshape(-1)
    curve_x = np.linspace(x_all.min(), x_all.max(), samples)
    curve_y = _predict(model, curve_x.reshape(-1, 1)).reshape(-1)
    train, val = _sample(len(data.x_train)), _sample(len(data.x_val))
    return {"x": _rounded(data.x_train.reshape(-1)[train]), "y": _rounded(data.y_train.reshape(-1)[train]),
            "x_val": _rounded(data.x_val.reshape(-1)[val]), "y_val": _rounded(data.y_val.reshape(-1)[val]),
            "curve_x": _rounded(curve_x), "curve_y": _rounded(curve_y)}


def forecast(model: keras.Model, data: Dataset, history: int = 200) -> dict:
    """One-step forecasts over the validation part, after the end of the training part."""
    past = data.y_train[-history:, -1, 0]
    actual = data.y_val[:, -1, 0]
    predicted = _predict(model, data.x_val)[:, -1, 0] if len(data.x_val) else np.zeros(0)
    return {"values": _rounded(np.concatenate([past, actual])), "forecast": _rounded(predicted),
            "split": int(len(past))}


def matrix(model: keras.Model, data: Dataset) -> dict:
    """The confusion matrix on (at most MAX_MATRIX_EXAMPLES of) the validation examples.

    The training examples stand in when the run keeps none for validation; `part` says
    which. Rows are the true class, columns the predicted one, as `tflab.evaluate`.

    Example:

    >>> from tflab.data import load_dataset
    >>> data = load_dataset("digits", {}, 0.2, 42)
    >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(10, activation="softmax")])
    >>> view = matrix(model, data)
    >>> len(view["matrix"]), view["part"], sum(map(sum, view["matrix"])) == view["examples"]
    (10, 'validation', True)
    """
    part = "validation" if data.has_validation else "training"
    x, y = (data.x_val, data.y_val) if data.has_validation else (data.x_train, data.y_train)
    keep = _sample(len(x), MAX_MATRIX_EXAMPLES)
    x, y = x[keep], np.asarray(y)[keep]
    # Small batches: a transfer model's 224x224 pictures would not fit in memory at once.
    out = np.concatenate([_predict(model, x[i:i + MATRIX_BATCH])
                          for i in range(0, len(x), MATRIX_BATCH)]) if len(x) else np.zeros((0, 1))
    predicted = (out.reshape(-1) > 0.5).astype(int) if out.shape[-1] == 1 else out.argmax(axis=-1)
    evaluation = evaluate_predictions(y, predicted, data.summary.class_names)
    return {"matrix": evaluation.matrix, "class_names": list(data.summary.class_names),
            "accuracy": round(evaluation.accuracy, 4), "examples": int(len(x)), "part": part}


COMPUTE: Mapping[str, Callable[[keras.Model, Dataset], dict]] = MappingProxyType({
    "boundary": boundary, "curve": curve, "forecast": forecast, "matrix": matrix})


class ViewCallback(keras.callbacks.Callback):
    """Computes the live view at most every `interval` seconds, and once more at the end.

    A view slower to compute than a tenth of that (a confusion matrix through a large
    model) waits longer: views never take more than `VIEW_SHARE` of the run's time.

    Args:
        kind: a key of COMPUTE.
        data: the run's dataset.
        sink: receives `view(epoch, kind, payload)`.
        interval: least seconds between two views. Default: 0.5.
        clock: a monotonic clock. Default: time.monotonic.
    """

    def __init__(self, kind: str, data: Dataset, sink, interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.kind, self.data, self.sink, self.interval, self.clock = kind, data, sink, interval, clock

    def on_train_begin(self, logs=None):
        self._last = None
        self._cost = 0.0
        self._epoch = 0
        self._sent = 0

    def on_epoch_end(self, epoch, logs=None):
        self._epoch = epoch + 1
        now = self.clock()
        wait = max(self.interval, self._cost * (1 / VIEW_SHARE - 1))
        if self._last is None or now - self._last >= wait:
            self._send()
            self._last = self.clock()
            self._cost = self._last - now

    def on_train_end(self, logs=None):
        if self._sent != self._epoch:
            self._send()

    def _send(self):
        self.sink.view(self._epoch, self.kind, COMPUTE[self.kind](self.model, self.data))
        self._sent = self._epoch
