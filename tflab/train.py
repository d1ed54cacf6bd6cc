"""One training run: data and model from a spec, model.fit with streaming, a final status.

Example:

>>> from tflab.recipes import get_recipe
>>> from tflab.stream import ListSink
>>> result = train(get_recipe("linear").spec.with_setting("fit.epochs", 3), ListSink())
>>> result.status, result.epochs_done
('completed', 3)
"""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass, field
from typing import Callable

import keras
import tensorflow as tf

from tflab.build import BuildError, ShapeMismatch, build_model, check_data, compile_model
from tflab.data import Dataset, DatasetUnavailable, load_dataset
from tflab.hints import baseline, near_chance_hint
from tflab.kept import KeepWeights
from tflab.metrics import early_stopping_monitor, mode
from tflab.profile import profile_pictures
from tflab.progress import run_message
from tflab.spec import ExperimentSpec, SpecError
from tflab.stream import Diverged, ListSink, Sink, StopRequested, StreamCallback
from tflab.views import ViewCallback, view_kind

log = logging.getLogger(__name__)


@dataclass
class TrainingResult:
    """How a run ended: status, a message for people, the epochs done and the model."""

    status: str
    message: str = ""
    epochs_done: int = 0
    final_metrics: dict = field(default_factory=dict)
    model: keras.Model | None = None
    seconds: float = 0.0
    profile: dict | None = None  # an image run's training pictures (tflab.profile), as JSON
    said: tuple = ()  # the message as phrases (tflab.words), said in the reader's language


def pipelines(x_train, y_train, x_val, y_val, batch_size, seed):
    """Training and validation tf.data pipelines, built once for the whole run.

    The training set is shuffled again at every pass and repeated, so Keras keeps one
    iterator for all epochs (`steps_per_epoch`) instead of turning the arrays into a new
    pipeline each epoch, which dominates the time of small data.
    """
    steps = math.ceil(len(x_train) / batch_size)
    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
             .shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
             .batch(batch_size)
             .repeat()
             .prefetch(tf.data.AUTOTUNE))
    val = None
    if len(x_val):
        val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size).cache()
    return train, steps, val


def train(spec: ExperimentSpec, sink: Sink | None = None,
          should_stop: Callable[[], bool] = lambda: False,
          data: Dataset | None = None,
          keep_weights: str | os.PathLike[str] | None = None) -> TrainingResult:
    """Train `spec` to its end, a stop request, divergence or a failure; never raises.

    Args:
        spec: the experiment.
        sink: receives epoch logs and throttled batch progress. Default: a ListSink.
        should_stop: asked after each batch; True stops the run within that batch.
        data: the dataset, when the caller already loaded it (benchmarks).
        keep_weights: a folder for the weights of the first and the best epoch so far
            (`tflab.kept.KeepWeights`). Defaults to None: none kept.
    """
    sink = sink if sink is not None else ListSink()
    started = time.monotonic()
    stream = StreamCallback(sink, should_stop)
    model = profile = None
    try:
        if data is None:
            data = load_dataset(spec.data.dataset, dict(spec.data.options),
                                spec.data.validation_split, spec.seed)
        if data.summary.image:
            profile = profile_pictures(data.x_train).to_dict()
        model = build_model(spec)
        check_data(model, data.x_train)
        compile_model(model, spec)
        train_ds, steps, val_ds = pipelines(data.x_train, data.y_train, data.x_val, data.y_val,
                                            spec.fit.batch_size, spec.seed)
        callbacks: list = [stream]
        kind = view_kind(data.summary)
        if kind is not None:
            callbacks.append(ViewCallback(kind, data, sink))
        monitor = early_stopping_monitor(has_validation=val_ds is not None)
        if keep_weights is not None:
            callbacks.append(KeepWeights(keep_weights, monitor))
        early = None
        if spec.fit.early_stopping:
            early = keras.callbacks.EarlyStopping(monitor=monitor, mode=mode(monitor),
                                                  patience=spec.fit.patience,
                                                  restore_best_weights=True)
            callbacks.append(early)
        fitted = model.fit(train_ds, epochs=spec.fit.epochs, steps_per_epoch=steps,
                           validation_data=val_ds, callbacks=callbacks, verbose=0, shuffle=False)
        message, said = "", ()
        if early is not None and early.stopped_epoch:
            message = (f"Stopped early after epoch {stream.epochs_done}: {early.monitor} did not "
                       f"improve for {spec.fit.patience} epochs; the best weights were kept.")
        # A run that learned next to nothing says what to change (issue 8: the spiral at 66%).
        hint = near_chance_hint(spec, fitted.history, baseline(spec, data))
        if hint is not None:
            said = (*run_message(message), hint) if message else (hint,)
            message = f"{message} {hint}".strip()
        status = "completed"
    except StopRequested:
        said = ()
        status, message = "stopped", f"Stopped on request during epoch {stream.epoch_index + 1}."
    except Diverged as error:
        status, message, said = "diverged", str(error), ()
    except (SpecError, ShapeMismatch, DatasetUnavailable, BuildError) as error:
        status, message = "failed", str(error)
        said = (error.phrase,) if getattr(error, "phrase", None) is not None else ()
    except Exception as error:  # a run must end with a status, whatever Keras raised
        log.exception("run failed")
        status, message, said = "failed", f"{type(error).__name__}: {error}", ()
    finally:
        sink.flush()
    return TrainingResult(status, message, getattr(stream, "epochs_done", 0),
                          getattr(stream, "last_logs", {}),
                          model if status in ("completed", "stopped") else None,
                          time.monotonic() - started, profile=profile, said=said)

