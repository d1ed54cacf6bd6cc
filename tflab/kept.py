"""Weights kept while a run trains, so Predict can use the model as it was at an epoch.

`KeepWeights` saves, at epoch ends, the weights of the model a run keeps (without its
augmentation layers, `tflab.saving.inference_model`): those of the first epoch, and
those of the best epoch so far by the validation loss (the training loss when the run
keeps no validation part), replacing the previous best. Each is one `epoch-<N>.npz`
file of plain arrays in the order of `model.weights`, which is the order of the run's
saved model too; `tflab.models.load_model_at` puts them back into it.

Example:

>>> import tempfile, numpy as np, keras
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
>>> model.compile("sgd", "mse")
>>> folder = tempfile.mkdtemp()
>>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=3, verbose=0,
...               callbacks=[KeepWeights(folder)])
>>> from tflab.home import kept_weight_epochs
>>> kept_weight_epochs(folder)
[1, 3]
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Callable

import keras
import numpy as np

from tflab.home import weights_file, write_whole
from tflab.saving import inference_model

SAVE_EVERY = 0.25  # seconds between best-weights files: see KeepWeights


def save_weights(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Write `model`'s weights to `path` (.npz) whole or not at all: a reader never
    finds half a file."""
    with write_whole(path) as partial:
        np.savez(partial, *[np.asarray(weight) for weight in model.weights])


def load_weights(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Put the weights saved by `save_weights` into `model`, which must be built alike.

    Raises `ValueError` naming the file when the arrays do not fit the model.
    """
    with np.load(path, allow_pickle=False) as saved:
        arrays = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    shapes = [tuple(weight.shape) for weight in model.weights]
    if [array.shape for array in arrays] != shapes:
        raise ValueError(f"The weights in {Path(path).name} do not fit this model: they hold "
                         f"{len(arrays)} arrays, the model has {len(shapes)} weights "
                         f"(shapes {[a.shape for a in arrays][:4]}... against {shapes[:4]}...).")
    model.set_weights(arrays)


class KeepWeights(keras.callbacks.Callback):
    """Saves the first epoch's weights and the best epoch's so far, in `folder`.

    A better epoch is saved at most every `every` seconds: the linear recipe's 500
    epochs take under a second and improve at each one, and writing each cost a third
    more time (0.4 s, measured). A better epoch that comes too soon after the last one
    saved is still saved when it is the run's last epoch (its weights are still the
    model's then); otherwise the best kept is the best of the epochs saved.

    Args:
        folder: where the `epoch-<N>.npz` files go; created when the first is saved.
        monitor: the log compared between epochs, lower is better. Defaults to
            "val_loss", and "loss" for epochs whose logs have no "val_loss".
        every: least seconds between two saves of a better epoch.
        clock: seconds, for the interval (tests pass their own).
    """

    def __init__(self, folder: str | os.PathLike[str], monitor: str = "val_loss",
                 every: float = SAVE_EVERY, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"`monitor` must be the name of a logged value such as "
                             f"'val_loss'; received {monitor!r}.")
        if not isinstance(every, (int, float)) or not every >= 0:
            raise ValueError(f"`every` must be a number of seconds, 0 or more; received {every!r}.")
        self.folder, self.monitor, self.every, self.clock = Path(folder), monitor, every, clock

    def on_train_begin(self, logs=None):
        self._kept = inference_model(self.model)  # shares the layers: always current
        self._best: tuple[float, int] | None = None     # the best epoch saved
        self._waiting: tuple[float, int] | None = None  # a better one not saved yet
        self._saved_at = -math.inf
        self._last = 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        value = logs.get(self.monitor, logs.get("loss"))
        number = self._last = epoch + 1
        best = self._waiting or self._best
        better = value is not None and math.isfinite(float(value)) and (
            best is None or float(value) < best[0])
        if number == 1:
            self._save(1)
        if not better:
            return
        if number == 1 or self.clock() - self._saved_at >= self.every:
            self._keep_best(float(value), number)
        else:
            self._waiting = (float(value), number)

    def on_train_end(self, logs=None):
        if self._waiting is not None and self._waiting[1] == self._last:
            self._keep_best(*self._waiting)
        self._waiting = None

    def _keep_best(self, value: float, number: int) -> None:
        if number != 1:
            self._save(number)
        if self._best is not None and self._best[1] not in (1, number):
            weights_file(self.folder, self._best[1]).unlink(missing_ok=True)
        self._best, self._waiting = (value, number), None

    def _save(self, number: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        save_weights(self._kept, weights_file(self.folder, number))
        self._saved_at = self.clock()
