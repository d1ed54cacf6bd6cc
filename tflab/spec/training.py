"""How a model learns: the compile settings (optimizer, loss, metrics) and the fit settings.

Example:

>>> CompileSpec(optimizer="sgd", learning_rate=0.01, loss="mean_squared_error").optimizer
'sgd'
>>> OPTIMIZERS["rmsprop"]
'RMSprop'
>>> FitSpec(epochs=0)
Traceback (most recent call last):
...
tflab.params.SpecError: `epochs` must be a whole number from 1 to 10000; received 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from tflab.params import check_declared, param

# The optimizers a spec may name, each with its class in `keras.optimizers`: the spec allows
# exactly these names, `tflab.build` makes the class and `tflab.codegen` writes its name.
OPTIMIZERS = MappingProxyType({"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"})
REGRESSION_LOSSES = ("mean_squared_error", "mean_absolute_error", "huber")
CLASSIFICATION_LOSSES = ("binary_crossentropy", "sparse_categorical_crossentropy")
METRICS = ("accuracy", "mae", "mse")


@dataclass(frozen=True)
class CompileSpec:
    """The optimizer, its learning rate, the loss and the metrics reported each epoch."""

    optimizer: str = param("adam", choices=tuple(OPTIMIZERS))
    learning_rate: float = param(0.001, low=0.0, low_open=True, high=10.0, step=0.0001)
    loss: str = param("mean_squared_error", choices=REGRESSION_LOSSES + CLASSIFICATION_LOSSES)
    metrics: tuple = param((), choices=METRICS, multiple=True, kind=tuple)

    def __post_init__(self):
        check_declared(self)


@dataclass(frozen=True)
class FitSpec:
    """How long and in what batches to train, and when to stop early."""

    epochs: int = param(10, low=1, high=10000)
    batch_size: int = param(32, low=1, high=4096)
    early_stopping: bool = param(False)
    patience: int = param(5, low=1, high=1000)

    def __post_init__(self):
        check_declared(self)
