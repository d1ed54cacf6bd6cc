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
from tflab.words import Amount, Phrase

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
                     base: Baseline | None) -> Phrase | None:
    """A hint when the run ended near `base`; None when it learned, or cannot be judged.

    The hint is a `Phrase` (catalog section `hints`): its `str` is the English.

    Args:
        spec: the run's experiment.
        history: each metric's values by epoch, as `model.fit(...).history` gives them.
        base: what guessing scores (see `baseline`).
    """
    if base is None:
        return None
    name = f"val_{base.metric}" if f"val_{base.metric}" in history else base.metric
    values = [v for v in history.get(name, []) if np.isfinite(v)]
    if not values:
        return None
    final, split = values[-1], "validation" if name.startswith("val_") else "training"
    if base.metric == "accuracy":
        if final >= base.value + (1 - base.value) / 3:  # a third of the way to perfect
            return None
        guess = (Phrase("hints.guess_classes", {"base": Amount(base.value, ".0%"),
                                                 "classes": base.classes})
                 if np.isclose(base.value, 1 / base.classes, atol=0.005) else
                 Phrase("hints.guess_largest", {"base": Amount(base.value, ".0%")}))
        what = Phrase(f"hints.accuracy.{split}", {"final": Amount(final, ".0%"), "guess": guess})
    else:
        if final < 0.9 * base.value:
            return None
        what = Phrase(f"hints.loss.{split}", {"final": Amount(final, ".4g"),
                                               "base": Amount(base.value, ".4g")})
    advice = _advice(spec, history.get("loss", []))
    return Phrase("hints.near_chance", {"what": what, "advice": tuple(advice)})


def _advice(spec: ExperimentSpec, losses: list[float]) -> list[Phrase]:
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
        advice.append(Phrase("hints.advice.hidden_layer"))
    elif hidden and all(layer.args["activation"] == "linear" for _, layer in hidden):
        advice.append(Phrase("hints.advice.activation", {"first": hidden[0][0]}))
    widths = [(layer.args["units"], i) for i, layer in enumerate(layers[:output])
              if layer.type in ("Dense", "LSTM")]
    if widths and max(widths)[0] < FEW_UNITS:
        units, i = max(widths, key=lambda width: width[0])  # the first of the widest
        advice.append(Phrase("hints.advice.units", {"units": units, "layer": i}))
    rate, optimizer = spec.compile.learning_rate, spec.compile.optimizer
    if rate < (SMALL_SGD_RATE if optimizer == "sgd" else SMALL_RATE):
        advice.append(Phrase("hints.advice.higher_rate", {"rate": Amount(rate)}))
    elif rate > LARGE_RATE:
        advice.append(Phrase("hints.advice.lower_rate", {"rate": Amount(rate)}))
    done = sum(1 for v in losses if np.isfinite(v))
    if 0 < done < FEW_EPOCHS:
        advice.append(Phrase("hints.advice.few_epochs", {"done": done}))
    elif _still_falling(losses):
        advice.append(Phrase("hints.advice.still_falling", {"epochs": spec.fit.epochs}))
    return advice or [Phrase("hints.advice.anything")]


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
