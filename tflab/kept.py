"""Weights kept while a run trains, so Predict can use the model as it was at an epoch.

`KeepWeights` saves, at epoch ends, the weights of the model a run keeps (without its
augmentation layers, `tflab.saving.inference_model`): those of the first epoch, and
those of the best epoch so far by the validation loss (the training loss when the run
keeps no validation part), replacing the previous best. Each is one `epoch-<N>.npz`
file of plain arrays in the order of `model.weights`, which is the order of the run's
saved model too; `tflab.predict.load_model_at` puts them back into it.

Example:

>>> import tempfile, numpy as np, keras
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
>>> model.compile("sgd", "mse")
>>> folder = tempfile.mkdtemp()
>>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=3, verbose=0,
...               callbacks=[KeepWeights(folder)])
>>> from tflab.store import kept_weight_epochs
>>> kept_weight_epochs(folder)
[1, 3]
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import keras
import numpy as np

from tflab.saving import inference_model
from tflab.store import weights_file

def save_weights(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Write `model`'s weights to `path` (.npz) whole or not at all: a reader never
    finds half a file."""
    path = Path(path)
    partial = path.with_name(f".{path.stem}.partial.npz")
    np.savez(partial, *[np.asarray(weight) for weight in model.weights])
    os.replace(partial, path)


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

    Args:
        folder: where the `epoch-<N>.npz` files go; created when the first is saved.
        monitor: the log compared between epochs, lower is better. Defaults to
            "val_loss", and "loss" for epochs whose logs have no "val_loss".
    """

    def __init__(self, folder: str | os.PathLike[str], monitor: str = "val_loss"):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"`monitor` must be the name of a logged value such as "
                             f"'val_loss'; received {monitor!r}.")
        self.folder, self.monitor = Path(folder), monitor

    def on_train_begin(self, logs=None):
        self._kept = inference_model(self.model)  # shares the layers: always current
        self._best: tuple[float, int] | None = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        value = logs.get(self.monitor, logs.get("loss"))
        number = epoch + 1
        better = value is not None and math.isfinite(float(value)) and (
            self._best is None or float(value) < self._best[0])
        if number != 1 and not better:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        save_weights(self._kept, weights_file(self.folder, number))
        if better:
            if self._best is not None and self._best[1] != 1:
                weights_file(self.folder, self._best[1]).unlink(missing_ok=True)
            self._best = (float(value), number)
