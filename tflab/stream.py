"""The Keras callback that streams a run's progress to a sink while it trains.

Per-epoch logs (loss, metrics, val_*) go to the sink at every epoch end; per-batch
progress goes at most every `batch_interval` seconds, so reading a loss tensor (which
waits for the device) costs nothing measurable. A stop request ends training after the
current batch; a NaN or infinite loss ends it as diverged.

Example:

>>> sink = ListSink()
>>> callback = StreamCallback(sink)
>>> callback.set_params({"epochs": 2, "steps": 3})
>>> callback.on_train_begin()
>>> callback.on_epoch_begin(0)
>>> callback.on_epoch_end(0, {"loss": 0.5})
>>> sink.epochs
[(1, {'loss': 0.5})]
"""

from __future__ import annotations

import math
import time
from typing import Callable, Protocol

import keras


class Sink(Protocol):
    """Where a run's progress goes (the run store, a list in a test, a terminal)."""

    def epoch(self, epoch: int, logs: dict[str, float]) -> None: ...

    def batch(self, epoch: int, step: int, logs: dict[str, float]) -> None: ...

    def view(self, epoch: int, kind: str, payload: dict) -> None: ...

    def flush(self) -> None: ...


class ListSink:
    """A sink that keeps everything in lists; for tests and quick scripts."""

    def __init__(self):
        self.epochs: list[tuple[int, dict]] = []
        self.batches: list[tuple[int, int, dict]] = []
        self.views: list[tuple[int, str, dict]] = []

    def epoch(self, epoch, logs):
        self.epochs.append((epoch, logs))

    def batch(self, epoch, step, logs):
        self.batches.append((epoch, step, logs))

    def view(self, epoch, kind, payload):
        self.views.append((epoch, kind, payload))

    def flush(self):
        pass


class StopRequested(Exception):
    """Raised inside fit to end it after the current batch, skipping the epoch's end."""


class Diverged(Exception):
    """The loss became NaN or infinite."""


class StreamCallback(keras.callbacks.Callback):
    """Streams epoch logs and throttled batch progress; stops on request or divergence.

    Args:
        sink: receives `epoch(n, logs)` with n counted from 1, and `batch(n, step, logs)`.
        should_stop: asked after every batch; True ends the run within that batch.
        batch_interval: least seconds between two batch reports. Default: 0.25.
        clock: a monotonic clock (tests pass a fake one). Default: time.monotonic.
    """

    def __init__(self, sink: Sink, should_stop: Callable[[], bool] = lambda: False,
                 batch_interval: float = 0.25, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.sink = sink
        self.should_stop = should_stop
        self.batch_interval = batch_interval
        self.clock = clock
        self.epochs = 0
        self.steps = 0

    def set_params(self, params):
        super().set_params(params)
        self.epochs = params.get("epochs") or 0
        self.steps = params.get("steps") or 0

    def on_train_begin(self, logs=None):
        self.epoch_index = 0
        self.epochs_done = 0
        self.last_logs: dict[str, float] = {}
        self._last_batch_report = self.clock()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_index = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.should_stop():
            raise StopRequested()
        now = self.clock()
        if now - self._last_batch_report < self.batch_interval:
            return
        self._last_batch_report = now
        values = _floats(logs or {})
        _check_finite(values, f"epoch {self.epoch_index + 1}, batch {batch + 1}")
        self.sink.batch(self.epoch_index + 1, batch + 1, values)

    def on_epoch_end(self, epoch, logs=None):
        values = _floats(logs or {})
        self.sink.epoch(epoch + 1, values)
        self.epochs_done = epoch + 1
        self.last_logs = values
        _check_finite(values, f"epoch {epoch + 1}")

    def on_train_end(self, logs=None):
        self.sink.flush()


def _floats(logs: dict) -> dict[str, float]:
    return {name: float(value) for name, value in logs.items()
            if not name.startswith("learning_rate")}


def _check_finite(values: dict[str, float], where: str) -> None:
    for name in ("loss", "val_loss"):
        value = values.get(name)
        if value is not None and not math.isfinite(value):
            raise Diverged(f"The {name.replace('_', ' ')} became {value} at {where}: the weights "
                           "blew up. Lower the learning rate, or scale the inputs.")
