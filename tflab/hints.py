"""What to change when a run learned next to nothing: a plain hint from its spec and history.

A classifier that ends near chance (a coin toss for two balanced classes, always
answering the largest class otherwise), or a regression no better than predicting the
mean, gets one sentence naming what it scored against what guessing scores, and the
settings worth changing, read from its spec: a non-linear activation where the hidden
layers have none, more units, a learning rate that moves the weights, more epochs when
the loss was still falling.

Example:

>>> from tflab.recipes import get_recipe
>>> spec = get_recipe("binary_points").spec
>>> spec = spec.with_setting("model.layers[0].units", 8).with_setting("model.layers[1].units", 4)
>>> history = {"loss": [0.7, 0.69, 0.69, 0.69, 0.69], "val_accuracy": [0.5, 0.5, 0.6, 0.6, 0.6]}
>>> print(near_chance_hint(spec, history, Baseline("accuracy", 0.5, 2)))
Validation accuracy ended at 60%, near chance (50% for 2 classes): the model learned \
little. What to change: more units (the widest hidden layer has 8: try 32 or 64, \
`model.layers[0].units`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tflab.data import Dataset
from tflab.spec import ExperimentSpec

FEW_UNITS = 16        # a hidden layer narrower than this draws few bends
SMALL_RATE = 1e-4     # below this, adam's and rmsprop's steps barely move the weights
SMALL_SGD_RATE = 1e-3
LARGE_RATE = 0.1      # above this, steps jump over the minimum
FEW_EPOCHS = 5        # fewer epochs than this cannot show whether a model learns
_WEIGHTED = ("Dense", "Conv2D", "Conv1D")


@dataclass(frozen=True)
class Baseline:
    """What a model that learned nothing scores on the run's data.

    Args:
        metric: "accuracy" (classifiers: higher is better) or "loss" (regression: the
            loss of always predicting the training mean; lower is better).
        value: that score.
        classes: the number of classes (0 for regression).
    """

    metric: str
    value: float
    classes: int = 0


def baseline(spec: ExperimentSpec, data: Dataset) -> Baseline | None:
    """Chance accuracy, or the loss of predicting the mean, on the data the run is judged by
    (validation when there is some); None when there is nothing to compare with.

    Example:

    >>> import numpy as np
    >>> from tflab.data import DataSummary
    >>> from tflab.recipes import get_recipe
    >>> summary = DataSummary("binary", (2,), (1,), ("a", "b"))
    >>> y = np.array([[0.0], [0.0], [0.0], [1.0]])
    >>> baseline(get_recipe("binary_points").spec, Dataset(y, y, y, y, summary))
    Baseline(metric='accuracy', value=0.75, classes=2)
    """
    y = data.y_val if data.has_validation else data.y_train
    if not len(y):
        return None
    summary = data.summary
    if summary.is_classification:
        if "accuracy" not in spec.compile.metrics:
            return None
        labels = np.asarray(y).reshape(-1).astype(int)
        shares = np.bincount(labels, minlength=summary.num_classes) / len(labels)
        return Baseline("accuracy", float(max(1 / summary.num_classes, shares.max())),
                        summary.num_classes)
    error = np.asarray(y, dtype="float64") - float(np.mean(data.y_train))
    losses = {"mean_squared_error": error ** 2, "mean_absolute_error": np.abs(error),
              # Keras' Huber loss, delta 1: squared near zero, absolute beyond.
              "huber": np.where(np.abs(error) <= 1, 0.5 * error ** 2, np.abs(error) - 0.5)}
    return Baseline("loss", float(np.mean(losses[spec.compile.loss])))


def near_chance_hint(spec: ExperimentSpec, history: dict[str, list[float]],
                     base: Baseline | None) -> str:
    """A hint when the run ended near `base`; "" when it learned, or cannot be judged.

    Args:
        spec: the run's experiment.
        history: each metric's values by epoch, as `model.fit(...).history` gives them.
        base: what guessing scores (see `baseline`).
    """
    if base is None:
        return ""
    name = f"val_{base.metric}" if f"val_{base.metric}" in history else base.metric
    values = [v for v in history.get(name, []) if np.isfinite(v)]
    if not values:
        return ""
    final, split = values[-1], "Validation" if name.startswith("val_") else "Training"
    if base.metric == "accuracy":
        if final >= base.value + (1 - base.value) / 3:  # a third of the way to perfect
            return ""
        guess = (f"{base.value:.0%} for {base.classes} classes"
                 if np.isclose(base.value, 1 / base.classes, atol=0.005) else
                 f"{base.value:.0%}, what always answering the largest class scores")
        what = f"{split} accuracy ended at {final:.0%}, near chance ({guess})"
    else:
        if final < 0.9 * base.value:
            return ""
        what = (f"{split} loss ended at {final:.4g}, no better than always predicting the "
                f"mean ({base.value:.4g})")
    advice = _advice(spec, history.get("loss", []))
    return f"{what}: the model learned little. What to change: {'; '.join(advice)}."


def _advice(spec: ExperimentSpec, losses: list[float]) -> list[str]:
    """The changes worth trying, from the spec and the training loss by epoch."""
    advice = []
    layers = spec.model.layers
    found = spec.model.output_layer
    output = found[0] if found is not None else len(layers)
    hidden = [(i, layer) for i, layer in enumerate(layers[:output]) if layer.type in _WEIGHTED]
    classifier = spec.compile.loss.endswith("crossentropy")
    # A regression may well be a line (the notes' y = 2x - 1): only a boundary needs bends.
    if classifier and spec.model.base is None and not any(
            layer.type in _WEIGHTED + ("LSTM",) for layer in layers[:output]):
        advice.append("a hidden layer before the output (for example Dense(32, relu)): one "
                      "layer alone draws a straight boundary")
    elif hidden and all(layer.args["activation"] == "linear" for _, layer in hidden):
        first = hidden[0][0]
        advice.append("a non-linear activation such as relu in the hidden layers (they have "
                      "none, so together they still draw a straight line: "
                      f"`model.layers[{first}].activation`)")
    widths = [(layer.args["units"], i) for i, layer in enumerate(layers[:output])
              if layer.type in ("Dense", "LSTM")]
    if widths and max(widths)[0] < FEW_UNITS:
        units, i = max(widths, key=lambda width: width[0])  # the first of the widest
        advice.append(f"more units (the widest hidden layer has {units}: try 32 or 64, "
                      f"`model.layers[{i}].units`)")
    rate, optimizer = spec.compile.learning_rate, spec.compile.optimizer
    if rate < (SMALL_SGD_RATE if optimizer == "sgd" else SMALL_RATE):
        advice.append(f"a higher learning rate (`compile.learning_rate` is {rate:g}: steps that "
                      "small barely move the weights; try 0.001 to 0.01)")
    elif rate > LARGE_RATE:
        advice.append(f"a lower learning rate (`compile.learning_rate` is {rate:g}: steps that "
                      "large jump over the best weights; try 0.001 to 0.01)")
    done = sum(1 for v in losses if np.isfinite(v))
    if 0 < done < FEW_EPOCHS:
        advice.append(f"more epochs (it trained for {done}: too few to judge, "
                      f"`fit.epochs`)")
    elif _still_falling(losses):
        advice.append(f"more epochs (the loss was still falling when the run ended; "
                      f"`fit.epochs` is {spec.fit.epochs})")
    return advice or ["more units or layers, more epochs, or another learning rate "
                      "(`compile.learning_rate`)"]


def _still_falling(losses: list[float]) -> bool:
    """True when the last fifth of the epochs lowered the loss by more than 5%.

    Example:

    >>> _still_falling([1.0, 0.8, 0.6, 0.4, 0.2]), _still_falling([0.7, 0.69, 0.69, 0.69, 0.69])
    (True, False)
    """
    values = [v for v in losses if np.isfinite(v)]
    if len(values) < 2:
        return False
    back = values[-1 - max(1, len(values) // 5)]
    return values[-1] < 0.95 * back
