"""Predictions from a finished run: inputs prepared exactly as in training, then the model.

The run's spec says how its data looked (image size, channels, 0..255 pixels; numbers;
a series), and the model itself holds its scaling (a Rescaling layer), so an uploaded
image goes through the same steps as a training image.

Example:

>>> predictor = Predictor.from_run(store, run_id)          # doctest: +SKIP
>>> predictor.numbers([[10.0]])                            # doctest: +SKIP
array([18.98], dtype=float32)
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from tflab.data import DataSummary, summarize
from tflab.images import ImageInputError, read_image, to_model_array
from tflab.saving import repaired_copy
from tflab.spec import ExperimentSpec
from tflab.store import RunStore


class PredictionError(ValueError):
    """The input or the model cannot give a prediction; the message says why, for people."""


def load_model(path: str | Path) -> keras.Model:
    """Load a .keras model with safe_mode on; clear messages for files that are not one.

    Python lambdas inside a model are code that would run on load, so safe mode refuses
    them: such a model must be rebuilt with serializable layers (Rescaling for `x * 400`).
    """
    path = Path(path)
    if not path.is_file():
        raise PredictionError(f"There is no model file at {path}: the run kept no model "
                              "(it failed, diverged or was deleted).")
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # Keras raises ValueError, OSError, zipfile errors, ...
        failure = error
        with tempfile.TemporaryDirectory() as folder:
            # A model saved with Keras 3.15's unloadable RandomShear setting (every CNN
            # trained with the notes' augmentation before TF Lab kept models without it).
            if (repaired := repaired_copy(path, folder)) is not None:
                try:
                    return keras.saving.load_model(repaired, safe_mode=True)
                except Exception as retry_error:
                    failure = retry_error
        text = str(failure)
        if "lambda" in text.lower() or "safe_mode" in text:
            raise PredictionError(
                f"{path.name} holds a Python lambda, which safe mode refuses to load because it "
                "would run code from the file. Rebuild the model with serializable layers "
                "(for example Rescaling in place of Lambda(lambda x: x * 400)).") from None
        raise PredictionError(f"{path.name} is not a Keras model file that can be loaded "
                              f"({type(failure).__name__}: {text[:200]}).") from None


@dataclass
class ImagePrediction:
    """One uploaded image: what the model saw and its top classes, or why it could not."""

    name: str
    view: np.ndarray | None = None
    top: list[tuple[str, float]] = field(default_factory=list)
    error: str = ""


class Predictor:
    """A run's model with the preprocessing its data used.

    Args:
        model: the trained model.
        spec: the run's experiment spec.
    """

    def __init__(self, model: keras.Model, spec: ExperimentSpec):
        self.model = model
        self.spec = spec
        self.summary: DataSummary = summarize(spec.data.dataset, dict(spec.data.options))

    @classmethod
    def from_run(cls, store: RunStore, run_id: str) -> "Predictor":
        run = store.get_run(run_id)
        spec = ExperimentSpec.from_dict(run.spec)
        return cls(load_model(store.model_path(run_id)), spec)

    # -- images ------------------------------------------------------------------------

    def images(self, files: list[tuple[str, bytes]], top_k: int = 3, invert: bool = False,
               autocontrast: bool = False) -> list[ImagePrediction]:
        """Top-k classes for each (name, bytes) file; a bad file gets its own error."""
        if not self.summary.image:
            raise PredictionError(f"This run's model takes {self.summary.kind} data, not images.")
        height, width, channels = self.summary.input_shape
        results, batch = [], []
        for name, data in files:
            try:
                image = read_image(data, name)
                view = to_model_array(image, height, width, channels, invert, autocontrast)
            except ImageInputError as error:
                results.append(ImagePrediction(name, error=str(error)))
                continue
            results.append(ImagePrediction(name, view=view))
            batch.append(view)
        if batch:
            probabilities = self._class_probabilities(np.stack(batch))
            ready = [r for r in results if not r.error]
            for result, row in zip(ready, probabilities):
                order = np.argsort(row)[::-1][:top_k]
                result.top = [(self.summary.class_names[i], float(row[i])) for i in order]
        return results

    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        out = np.asarray(self.model.predict(x, verbose=0))
        if self.summary.kind == "binary" and out.shape[-1] == 1:
            p = out.reshape(-1)
            return np.stack([1 - p, p], axis=1)
        return out

    # -- numbers and series ----------------------------------------------------------------

    def numbers(self, rows) -> np.ndarray:
        """Outputs for rows of input values: a number (regression) or the probability of
        the second class (binary points)."""
        features = self.summary.input_shape[-1]
        try:
            x = np.asarray(rows, dtype="float32").reshape(-1, features)
        except (TypeError, ValueError):
            raise PredictionError(f"Each input needs {features} number(s); received {rows!r}.") \
                from None
        if not np.all(np.isfinite(x)):
            raise PredictionError("Inputs must be finite numbers; received NaN or infinity.")
        if self.summary.kind == "series":
            raise PredictionError("This run forecasts a series: use forecast().")
        out = np.asarray(self.model.predict(x, verbose=0)).reshape(len(x), -1)
        return out[:, 0] if out.shape[1] == 1 else out

    def forecast(self, history, steps: int) -> np.ndarray:
        """The next `steps` values after `history`, each fed back as the next input."""
        if self.summary.kind != "series":
            raise PredictionError("forecast() is for series runs.")
        window = self.spec.data.options.get("window", 30)
        values = [float(v) for v in history]
        if len(values) < 1 or not np.all(np.isfinite(values)):
            raise PredictionError("The history must hold finite numbers.")
        for _ in range(steps):
            x = np.asarray(values[-window:], dtype="float32").reshape(1, -1, 1)
            values.append(float(np.asarray(self.model(x, training=False))[0, -1, 0]))
        return np.asarray(values[len(values) - steps:], dtype="float32")
