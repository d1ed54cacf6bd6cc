"""One run trained on a Ray worker: `run_trial`, what `tflab.ray_executor.RayExecutor`
sends to the cluster.

A trial trains with plain Keras by `tflab.job.run_job`, as the local worker trains a run,
on what may be another machine: it sees the store as a `TrialStore`, which posts its
epochs, batches, views and pictures' profile to the executor's `tflab.ray_relay.Relay`,
and it returns how the run ended with the model's bytes. Its `StopListener` waits on the
executor's `tflab.ray_relay.StopFlags`, so a stop ends the batch the trial is in. The files
the run reads (`tflab.parcels`) are unpacked into a temporary TFLAB_HOME: no disk is shared.

Example:

>>> import tempfile
>>> store = TrialStore(relay=None, run_id="r1", spec={"recipe": "linear"},
...                    folder=Path(tempfile.mkdtemp()))
>>> store.get_run("r1").spec, store.model_path("r1").name
({'recipe': 'linear'}, 'model.keras')
>>> store.finish("r1", "completed", final_metrics={"loss": 0.1})
>>> store.outcome
{'status': 'completed', 'message': '', 'final_metrics': {'loss': 0.1}, 'said': ()}
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tflab.parcels import KERAS_FOLDER, Parcel, unpack, uses_keras_cache
from tflab.ray_cluster import import_ray

log = logging.getLogger(__name__)

STOPPED_QUEUED = "Stopped before it started."


class StopListener:
    """A trial's ear for its stop request: a thread waits for `StopFlags.wait_for_stop`,
    and `should_stop`, asked after every batch, only reads a local flag.

    Args:
        flags: the StopFlags actor's handle.
        run_id: the run the trial trains.
        get: `ray.get`.
    """

    def __init__(self, flags, run_id: str, get):
        self.flags, self.run_id, self._get = flags, run_id, get
        self.asked = 0
        self._heard: tuple[float, float, int] | None = None  # asked at, heard at, batches then
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name=f"stop {run_id}", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        try:
            requested = self._get(self.flags.wait_for_stop.remote(self.run_id))
        except Exception:  # the actor is gone: the run trains on to its end
            log.exception("run %s can no longer hear stop requests", self.run_id)
            return
        if requested is not None:
            self._heard = (requested, time.time(), self.asked)
            self._stop.set()

    def should_stop(self) -> bool:
        self.asked += 1
        return self._stop.is_set()

    def close(self) -> dict | None:
        """Stop listening; returns the report of a stop heard (`StopFlags.stop_report`)."""
        self.flags.release.remote(self.run_id)
        self._thread.join(timeout=10)
        if self._heard is None:
            return None
        requested, heard, asked = self._heard
        return {"reached_s": max(0.0, heard - requested), "batches_after": self.asked - asked}


class TrialStore:
    """The run store as a trial sees it: `tflab.job.run_job` trains against it unchanged.

    Progress goes to the relay, posted without waiting for an answer (a trial only waits
    for its stop flag); the model and the kept weights go to the trial's own folder, and
    how the run ended to `outcome`, which the trial returns with the model's bytes.

    Args:
        relay: the Relay actor's handle (anything with `post.remote`).
        run_id: the run this trial trains.
        spec: the run's spec, as `ExperimentSpec.to_dict` gives it.
        folder: where the trial keeps the model and the weights it returns.
    """

    def __init__(self, relay, run_id: str, spec: dict, folder: Path):
        self.relay, self.run_id, self.spec, self.folder = relay, run_id, spec, Path(folder)
        self.outcome: dict[str, Any] | None = None

    def get_run(self, run_id: str) -> SimpleNamespace:
        return SimpleNamespace(spec=self.spec)

    def mark_running(self, run_id: str) -> None:
        """Nothing: the trial told the relay it began before it loaded TensorFlow."""

    def add_epochs(self, run_id: str, rows) -> None:
        self.relay.post.remote(run_id, "epochs", list(rows))

    def add_batches(self, run_id: str, rows) -> None:
        self.relay.post.remote(run_id, "batches", list(rows))

    def set_view(self, run_id: str, kind: str, epoch: int, payload: dict) -> None:
        self.relay.post.remote(run_id, "view", (kind, epoch, payload))

    def set_profile(self, run_id: str, profile: dict) -> None:
        self.relay.post.remote(run_id, "profile", profile)

    def model_path(self, run_id: str) -> Path:
        return self.folder / "model.keras"

    def weights_folder(self, run_id: str) -> Path:
        return self.folder / "weights"

    def finish(self, run_id: str, status: str, message: str = "",
               final_metrics: dict | None = None, said: tuple = ()) -> None:
        self.outcome = {"status": status, "message": message,
                        "final_metrics": dict(final_metrics or {}), "said": tuple(said)}


def run_trial(run_id: str, spec: dict, parcels: list, relay, flags, cpus: float) -> dict:
    """Train one run on a Ray worker; what `RayExecutor` sends to the cluster.

    Returns how the run ended ({"status", "message", "final_metrics", "said"}) with the
    model's bytes ("model", None when none was kept) and the kept weights ("weights",
    {file name: bytes}); "began" is False when the run was stopped before it began.
    """
    ray = import_ray()
    worker = {"pid": os.getpid(), "node": ray.get_runtime_context().get_node_id()}
    if not ray.get(flags.begin.remote(run_id)):
        return {"status": "stopped", "message": STOPPED_QUEUED, "final_metrics": {}, "said": (),
                "model": None, "weights": {}, "began": False}
    relay.post.remote(run_id, "begun", worker)
    listener = StopListener(flags, run_id, ray.get)
    before = {name: os.environ.get(name) for name in ("TFLAB_HOME", "KERAS_HOME")}
    try:
        _settle(cpus)
        from tflab.job import run_job

        with tempfile.TemporaryDirectory(prefix="tflab-trial-") as home:
            got: list[Parcel] = ray.get(list(parcels))
            unpack(got, home)
            # The run reads its files where the store would hold them; this worker runs one
            # task at a time, so changing its environment affects no other run.
            os.environ["TFLAB_HOME"] = home
            if uses_keras_cache(got):
                os.environ["KERAS_HOME"] = str(Path(home) / KERAS_FOLDER)
            store = TrialStore(relay, run_id, spec, Path(home) / "trial")
            run_job(store, run_id, listener.should_stop)
            model, weights = store.model_path(run_id), store.weights_folder(run_id)
            outcome = {**store.outcome, "began": True,
                       "model": model.read_bytes() if model.is_file() else None,
                       "weights": {path.name: path.read_bytes() for path in weights.iterdir()}
                       if weights.is_dir() else {}}
    finally:
        report = listener.close()
        if report is not None:
            flags.report.remote(run_id, report)
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    ray.get(relay.barrier.remote())  # the epochs it posted are in before it returns
    return outcome


def _settle(cpus: float) -> None:
    """A trial's worker: at the local worker's lower priority (`tflab.worker.NICENESS`),
    so a dashboard on the same machine stays quick, and TensorFlow on as many threads as
    Ray gave it CPUs, so trials side by side do not fight over every core."""
    from tflab.worker import NICENESS

    if os.nice(0) < NICENESS:
        os.nice(NICENESS - os.nice(0))
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(max(1, int(cpus)))
    except RuntimeError:
        pass  # this worker trained before: TensorFlow keeps the number it first had
