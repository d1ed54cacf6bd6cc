"""Predictions from a finished run: inputs prepared exactly as in training, then the model.

The run's spec says how its data looked (image size, channels, 0..255 pixels; numbers;
a series), and the model itself holds its scaling (a Rescaling layer), so an uploaded
image goes through the same steps as a training image. The run's profile of its
training pictures (`tflab.profile`) says the rest: which pictures to invert, whether to
fit drawings as its strokes are (`tflab.prepare`), and when an answer is unsure
(`tflab.unsure`).

Example:

>>> predictor = Predictor.from_run(store, run_id)          # doctest: +SKIP
>>> predictor.numbers([[10.0]])                            # doctest: +SKIP
array([18.98], dtype=float32)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from tflab.data import DataSummary, summarize
from tflab.image_arrays import preview
from tflab.images import ImageInputError, read_image
from tflab.prepare import COLOURS, prepare, reading_side
from tflab.profile import PictureProfile, profile_for_run
from tflab.run import open_run
from tflab.spec import ExperimentSpec
from tflab.store import RunStore
from tflab.unsure import unsure_phrase
from tflab.words import Phrase, PhrasedError


BATCH = 64  # inputs per model call (`TracedModel`)


class PredictionError(PhrasedError, ValueError):
    """The input or the model cannot give a prediction; the message says why, for people.

    Args:
        phrase: why, as a `tflab.words.Phrase` of the catalog's `predict.errors`: a page
            says it in the reader's language; `str(error)` is the English.

    Example:

    >>> str(PredictionError(Phrase("predict.errors.finite")))
    'Inputs must be finite numbers; received NaN or infinity.'
    """


class TracedModel:
    """A model's outputs for inputs, as numpy: the model called in inference mode through
    a TensorFlow graph traced on the first call, a batch of inputs at a time.

    For what a person types or uploads (a few pictures, a table of numbers, a forecast).
    `model.predict` builds a tf.data pipeline and an iterator on every call: 50 ms before
    any work on this machine. Calling the model directly runs each layer's Python every
    time: 2.8 ms for the digits' 28x28 pictures. Traced once (as `fit` and `predict` trace
    it), a call takes 0.3 to 0.5 ms; the first call traces (tenths of a second; a new
    shape of inputs traces again, then the graph takes any batch size). The outputs are
    those of `predict`, within float rounding (the tests hold them to 1e-5). Calls from
    several threads (a server's sessions) share the graph.

    Args:
        model: a Keras model.
        batch: how many inputs go through the model at a time, bounding the memory a
            long list of inputs takes. Defaults to `BATCH`.

    Example:

    >>> import keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> TracedModel(model)(np.zeros((3, 1), dtype="float32")).shape
    (3, 1)
    """

    def __init__(self, model: keras.Model, batch: int = BATCH):
        if not isinstance(batch, int) or batch < 1:
            raise ValueError(f"`batch` must be a whole number of at least 1; received: "
                             f"batch={batch!r}")
        self.model = model
        self.batch = batch
        self._graph = tf.function(self._forward, reduce_retracing=True)

    def _forward(self, x):
        return self.model(x, training=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if len(x) <= self.batch:
            return np.asarray(self._graph(x))
        return np.concatenate([np.asarray(self._graph(x[start:start + self.batch]))
                               for start in range(0, len(x), self.batch)])


@dataclass
class ImagePrediction:
    """One uploaded picture: what was done to it, what the model saw and answered, whether
    to trust the answer; or why it could not be used.

    Args:
        name: the file's name.
        preview: the picture as uploaded, uint8 RGB at most 140 pixels a side, safe for
            any page to show (`tflab.image_arrays.preview`); None when it could not be read.
        view: what the model saw, float32 (height, width, channels) in 0..255.
        top: the top classes and their probabilities, most likely first.
        inverted: True when the picture's brightness was turned over.
        notes: what was done to the picture and why, a sentence each.
        unsure_phrase: None, or why the answer should not be trusted (`tflab.unsure`).
        error_phrase: None, or why the picture could not be used.

    `unsure` and `error` are those sentences in English ('' for None); a page says the
    phrases in the reader's language.
    """

    name: str
    preview: np.ndarray | None = None
    view: np.ndarray | None = None
    top: list[tuple[str, float]] = field(default_factory=list)
    inverted: bool = False
    notes: tuple[str, ...] = ()
    unsure_phrase: Phrase | None = None
    error_phrase: Phrase | None = None

    @property
    def unsure(self) -> str:
        return str(self.unsure_phrase or "")

    @property
    def error(self) -> str:
        return str(self.error_phrase or "")


class Predictor:
    """A run's model with the preprocessing its data used.

    Args:
        model: the trained model.
        spec: the run's experiment spec.
        profile: its training pictures (`tflab.profile`), for image runs; None when
            unknown (pictures are then used as they are). Defaults to None.
        profile_note: None, or a phrase on where the profile came from. Defaults to None.
    """

    def __init__(self, model: keras.Model, spec: ExperimentSpec,
                 profile: PictureProfile | None = None, profile_note: Phrase | None = None):
        self.model = model
        self.answers = TracedModel(model)
        self.spec = spec
        self.summary: DataSummary = summarize(spec.data.dataset, dict(spec.data.options))
        self.profile = profile
        self.profile_note = profile_note

    @classmethod
    def from_run(cls, store: RunStore, run_id: str, epoch: int | None = None) -> "Predictor":
        """The run's model, spec and, for pictures, the profile of its training pictures
        (measured now and kept if the run predates profiles, see `profile_for_run`).

        `epoch`, one of `store.weight_epochs(run_id)`, predicts with the model as it was
        at that epoch; None (the default) with the final model.

        Raises:
            SpecError: the run's spec no longer reads (`tflab.run.OpenRun.spec_error`).
            tflab.models.ModelFileError: the model cannot be loaded.
        """
        opened = open_run(store, run_id)
        spec, model = opened.spec, opened.model(epoch)
        profile, note = None, None
        if opened.summary.image:
            profile, note = profile_for_run(store, opened.run)
        return cls(model, spec, profile, note)

    # -- images ------------------------------------------------------------------------

    @property
    def can_invert(self) -> bool:
        """True for grayscale image models: a picture's colours can be turned over.
        Colour models take pictures as they are."""
        return self.summary.image and self.summary.input_shape[-1] == 1

    @property
    def reading_side(self) -> int:
        """The longest side a picture is read at for this model (`tflab.prepare.reading_side`):
        448 pixels for 28x28 digits, so a large JPEG decodes straight to a small size."""
        return reading_side(self.summary.input_shape)

    @property
    def fits_strokes(self) -> bool:
        """True when pictures are cropped, fitted and centred as drawings (digits)."""
        return self.profile is not None and self.profile.fits_strokes

    def images(self, files: list[tuple[str, bytes]], top_k: int = 3,
               colours: str | list[str] = "auto",
               autocontrast: bool = False) -> list[ImagePrediction]:
        """Each (name, bytes) file prepared as the training pictures were, and answered.

        A file that cannot be read or prepared gets its own error and the others still
        answer.

        Args:
            files: (name, bytes) pairs, as uploaded.
            top_k: how many classes to give per picture. Defaults to 3.
            colours: "auto", "as_is" or "invert" (see `tflab.prepare.prepare`), for all
                files or one per file; colour models take "auto" and "as_is". Defaults
                to "auto".
            autocontrast: stretch each picture's levels first. Defaults to False.

        Returns:
            One `ImagePrediction` per file, in order.
        """
        if not self.summary.image:
            raise PredictionError(Phrase("predict.errors.not_images", {"kind": self.summary.kind}))
        files = list(files)
        choices = [colours] * len(files) if isinstance(colours, str) else list(colours)
        allowed = COLOURS if self.can_invert else COLOURS[:2]
        if len(choices) != len(files) or any(choice not in allowed for choice in choices):
            raise ValueError(
                f"Received an invalid value for `colours`, expected one of "
                f"{', '.join(map(repr, allowed))} or a list of them, one per file "
                f"({len(files)}). Received: colours={colours!r}")
        results, prepared = [], []
        for (name, data), choice in zip(files, choices):
            try:
                image = read_image(data, name, max_side=self.reading_side)
                ready = prepare(image, self.summary.input_shape, self.profile, choice,
                                autocontrast)
                results.append(ImagePrediction(name, preview(image), ready.view,
                                               inverted=ready.inverted, notes=ready.notes))
                prepared.append((results[-1], ready))
            except ImageInputError as error:
                results.append(ImagePrediction(name, error_phrase=error.phrase))
            except Exception as error:  # one odd picture must not stop the others answering
                results.append(ImagePrediction(name, error_phrase=Phrase(
                    "images.not_prepared", {"name": repr(name), "kind": type(error).__name__,
                                            "error": str(error)})))
        if prepared:
            self._answer(prepared, top_k)
        return results

    def _answer(self, prepared: list, top_k: int) -> None:
        """Top-k and unsure for each prepared picture, in one batch through the model."""
        names = self.summary.class_names
        try:
            probabilities = self._class_probabilities(np.stack([r.view for r, _ in prepared]))
        except Exception as error:  # a model that does not take these pictures
            for result, _ in prepared:
                result.error_phrase = Phrase("predict.errors.no_answer", {
                    "name": repr(result.name), "kind": type(error).__name__,
                    "error": str(error)[:200]})
            return
        for (result, ready), row in zip(prepared, probabilities):
            order = np.argsort(row)[::-1][:top_k]
            result.top = [(names[i], float(row[i])) for i in order]
            result.unsure_phrase = unsure_phrase(result.view, row, names, self.profile,
                                                 ready.plain)

    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        out = self.answers(x)
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
            raise PredictionError(Phrase("predict.errors.inputs", {
                "features": features, "rows": repr(rows)})) from None
        if not np.all(np.isfinite(x)):
            raise PredictionError(Phrase("predict.errors.finite"))
        if self.summary.kind == "series":
            raise PredictionError(Phrase("predict.errors.use_forecast"))
        out = self.answers(x).reshape(len(x), -1)
        return out[:, 0] if out.shape[1] == 1 else out

    def forecast(self, history, steps: int) -> np.ndarray:
        """The next `steps` values after `history`, each fed back as the next input."""
        if self.summary.kind != "series":
            raise PredictionError(Phrase("predict.errors.forecast_is_for_series"))
        window = self.spec.data.options.get("window", 30)
        values = [float(v) for v in history]
        if len(values) < 1 or not np.all(np.isfinite(values)):
            raise PredictionError(Phrase("predict.errors.history"))
        for _ in range(steps):
            x = np.asarray(values[-window:], dtype="float32").reshape(1, -1, 1)
            values.append(float(self.answers(x)[0, -1, 0]))
        return np.asarray(values[len(values) - steps:], dtype="float32")
