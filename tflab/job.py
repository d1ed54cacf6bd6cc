"""A queued run carried out against the run store: the seam between executors and training.

A job is a run id in the store. Any worker (a thread here, a process or a cluster node
elsewhere) runs it the same way: read the spec from the store, train, write metrics,
status and the model back. The store is the job's only output.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> from tflab.recipes import get_recipe
>>> store = RunStore(tempfile.mkdtemp())
>>> run_id = store.create_run("linear", get_recipe("linear").spec.with_setting("fit.epochs", 2).to_dict(), 2)
>>> run_job(store, run_id).status
'completed'
"""

from __future__ import annotations

import shutil
import time
from typing import Callable

from tflab.finder import range_test
from tflab.progress import run_message
from tflab.saving import save_model
from tflab.run import open_run
from tflab.spec import ExperimentSpec
from tflab.store import RunStore
from tflab.train import TrainingResult, train
from tflab.words import Phrase


class StoreSink:
    """Buffers a run's progress and writes it to the store ten times a second at most.

    One transaction per flush instead of one per epoch keeps a 500-epoch run of six
    points from spending its time in the database.
    """

    def __init__(self, store: RunStore, run_id: str, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic):
        self.store, self.run_id, self.interval, self.clock = store, run_id, interval, clock
        self._epochs: list = []
        self._batches: list = []
        self._last = clock()

    def epoch(self, epoch, logs):
        self._epochs.append((epoch, logs))
        self._maybe_flush()

    def batch(self, epoch, step, logs):
        self._batches.append((epoch, step, logs))
        self._maybe_flush()

    def view(self, epoch, kind, payload):
        self.store.set_view(self.run_id, kind, epoch, payload)  # already throttled

    def _maybe_flush(self):
        if self.clock() - self._last >= self.interval:
            self.flush()

    def flush(self):
        if self._batches:
            self.store.add_batches(self.run_id, self._batches)
            self._batches = []
        if self._epochs:
            self.store.add_epochs(self.run_id, self._epochs)
            self._epochs = []
        self._last = self.clock()


class TeeSink:
    """Sends progress to several sinks (the store, and a terminal watching)."""

    def __init__(self, *sinks):
        self.sinks = sinks

    def epoch(self, epoch, logs):
        for sink in self.sinks:
            sink.epoch(epoch, logs)

    def batch(self, epoch, step, logs):
        for sink in self.sinks:
            sink.batch(epoch, step, logs)

    def view(self, epoch, kind, payload):
        for sink in self.sinks:
            sink.view(epoch, kind, payload)

    def flush(self):
        for sink in self.sinks:
            sink.flush()


def run_job(store: RunStore, run_id: str, should_stop: Callable[[], bool] = lambda: False,
            watcher=None, why_stopped: Callable[[int], str | None] = lambda epoch: None
            ) -> TrainingResult:
    """Train the queued run `run_id` and record how it ended; the model goes beside the store,
    with the weights of its first and best epochs (`RunStore.weight_epochs`).

    `watcher`, a sink, also receives the progress (the command line prints it).
    `why_stopped(epoch)`, asked once `should_stop` has stopped the run during `epoch`, gives
    the message to keep when nobody asked for the stop (the worker's: the app shut down),
    None for a person's request ("Stopped on request during epoch N.").
    """
    opened = open_run(store, run_id)
    if opened.spec_error is not None:
        store.finish(run_id, "failed", f"The run's spec is not valid: {opened.spec_error}")
        return TrainingResult("failed", str(opened.spec_error))
    spec = opened.spec
    store.mark_running(run_id)
    sink = StoreSink(store, run_id)
    result = train(spec, TeeSink(sink, watcher) if watcher else sink, should_stop,
                   keep_weights=store.weights_folder(run_id))
    if result.status == "stopped":
        # A stop lands on a batch's end, before its epoch ends: the epoch after those done.
        message = why_stopped(result.epochs_done + 1)
        if message is not None:
            result.message, result.said = message, ()
    if result.profile is not None:
        store.set_profile(run_id, result.profile)  # how Predict prepares and judges pictures
    if result.model is not None:
        try:
            save_model(result.model, store.model_path(run_id))
        except Exception as error:  # disk full, permissions: the metrics are still worth keeping
            before = result.said or run_message(result.message)
            result.message = (result.message + f" The model could not be saved: {error}").strip()
            result.said = (*(part for part in before if part),
                           Phrase("hints.not_saved", {"error": str(error)}))
    if not store.model_path(run_id).is_file():
        # Past weights are put back into the kept model: without it they are of no use.
        shutil.rmtree(store.weights_folder(run_id), ignore_errors=True)
    store.finish(run_id, result.status, result.message, result.final_metrics, result.said)
    return result


def run_finder(store: RunStore, job_id: str, interval: float = 0.2,
               clock: Callable[[], float] = time.monotonic) -> str:
    """Run the queued learning-rate finder job `job_id` (`tflab.finder.range_test`) and
    record its curve and suggestion, or why it failed; returns its status.

    Its progress is written at most every `interval` seconds, for the page that waits.
    """
    last = [clock()]

    def progress(done: int, steps: int) -> None:
        if clock() - last[0] >= interval:
            store.finder_progress(job_id, done / steps)
            last[0] = clock()

    try:
        spec = ExperimentSpec.from_dict(store.finder(job_id).spec)
        result = range_test(spec, on_step=progress)
    except Exception as error:  # a job must end with a status, whatever Keras raised
        phrase = getattr(error, "phrase", None)
        store.finish_finder(job_id, "failed", {"phrase": {"key": phrase.key,
                                                          "values": dict(phrase.values)}}
                            if phrase is not None else {}, str(error) or type(error).__name__)
        return "failed"
    store.finish_finder(job_id, "completed", result.to_dict())
    return "completed"
