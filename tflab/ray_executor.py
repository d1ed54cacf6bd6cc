"""Runs queued runs as Ray tasks: on this machine's cores, or on an existing Ray cluster
(`tflab.ray_cluster`: TFLAB_RAY_ADDRESS=local, or a head's address).

`RayExecutor` has the seam of `tflab.executor.ProcessExecutor` (submit, stop, position,
wait, ensure_worker, shutdown), so pages and the command line use either the same way.
The store stays with the process that made the executor, which alone writes it. A trial
(one run, `tflab.ray_trial.run_trial`) may run on another machine: it posts its progress
to a `tflab.ray_relay.Relay` actor and returns how the run ended with the model's bytes.
A thread of the executor drains the relay into the store every `poll` seconds and
records each trial's end. A `tflab.ray_relay.StopFlags` actor answers each trial's
standing question "stop?" as soon as a stop is asked, and the trial ends the batch it is
in.

A trial whose worker dies (killed, out of memory, its machine gone) becomes `interrupted`
with the epochs it had sent: Ray does not retry it, since a retry would train it again
from epoch 1 into the same run. The files a run reads (an uploaded CSV or picture
dataset, a base model; `tflab.parcels`) go into Ray's object store once per content id.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> from tflab.recipes import get_recipe
>>> executor = RayExecutor(RunStore(tempfile.mkdtemp()), address="local")  # doctest: +SKIP
>>> run_id = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 5))  # doctest: +SKIP
>>> executor.wait(run_id, timeout=120)  # doctest: +SKIP
'completed'
>>> executor.shutdown()  # doctest: +SKIP
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from tflab.executor import wait_for_run
from tflab.parcels import needed, pack
from tflab.ray_cluster import ADDRESS_VARIABLE, LOCAL, import_ray, start_ray
from tflab.ray_relay import Relay, StopFlags
from tflab.ray_trial import STOPPED_QUEUED, run_trial
from tflab.spec import ExperimentSpec
from tflab.store import FINISHED, RunNotFound, RunStore
from tflab.words import Phrase

log = logging.getLogger(__name__)



class RayExecutor:
    """Trains queued runs as Ray tasks, several at once, and records them in `store`.

    Args:
        store: where runs are queued, followed and recorded; only this process writes it.
        address: "local" starts a Ray on this machine with all its CPUs; otherwise the
            address of a running cluster that this machine has joined ("10.0.0.5:6379",
            or "auto").
            Defaults to None: `TFLAB_RAY_ADDRESS`, else "local". When this process
            already started Ray, that Ray is used and `address` is not (start it with
            `ray.init(runtime_env=runtime_env())` so its workers can import tflab).
        cpus_per_trial: CPUs Ray reserves for each trial, and TensorFlow's threads in it.
            Defaults to 1: as many trials at once as the cluster has CPUs. The executor
            sends Ray no more trials than fit (the cluster's CPUs / cpus_per_trial, read
            again as machines join) and keeps the others waiting in order: Ray lends the
            CPU of a task waiting in `ray.get` to another task, and a trial's
            `StopListener` waits so all along, so Ray alone would start more trials than
            there are CPUs.
        poll: seconds between two drains of the relay into the store. Defaults to 0.1.

    Raises:
        RayMissing: Ray is not installed (the message says how to install it).
        RayUnreachable: no cluster answered at `address`.
    """

    def __init__(self, store: RunStore, address: str | None = None, cpus_per_trial: float = 1,
                 poll: float = 0.1):
        ray = import_ray()
        if isinstance(cpus_per_trial, bool) or not isinstance(cpus_per_trial, (int, float)) \
                or not cpus_per_trial > 0:
            raise ValueError("Received an invalid value for `cpus_per_trial`, expected a "
                             f"positive number. Received: cpus_per_trial={cpus_per_trial!r}")
        self.store = store
        self.address = address or os.environ.get(ADDRESS_VARIABLE) or LOCAL
        self.cpus_per_trial = cpus_per_trial
        self.poll = poll
        self._owns_ray = False
        self._ray_released = threading.Event()  # lets the thread that started Ray end
        if not ray.is_initialized():
            start_ray(ray, self.address, self._ray_released)
            self._owns_ray = True
        self.relay = ray.remote(num_cpus=0)(Relay).remote()
        self.flags = ray.remote(num_cpus=0)(StopFlags).remote()
        # No retry: a trial whose worker died would train its run again from epoch 1.
        self._trial = ray.remote(num_cpus=cpus_per_trial, max_retries=0)(run_trial)
        self._lock = threading.Lock()
        self._waiting: collections.deque[tuple[str, dict, list]] = collections.deque()
        self._tasks: dict[str, Any] = {}  # run id -> its trial's ObjectRef, oldest first
        self._capacity = (0, 0.0)  # trials the cluster holds at once, and when it was read
        self._workers: dict[str, dict] = {}  # run id -> where its trial runs, once begun
        self._cancelled: set[str] = set()
        self._forwarded: set[str] = set()  # runs whose stop from the store reached StopFlags
        self._parcels: dict[str, Any] = {}  # content id -> ObjectRef of its Parcel
        self._closed = False
        self._halt = threading.Event()
        self._pump: threading.Thread | None = None
        self.ensure_worker()

    def submit(self, spec: ExperimentSpec, sweep: str | None = None) -> str:
        """Queue `spec` as a run (of `sweep`, if given) and send its trial to Ray; returns
        the run id at once."""
        with self._lock:
            if self._closed:
                raise RuntimeError("This executor is shut down; start a new one to train.")
        run_id = self.store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs, sweep=sweep,
                                       place="ray")  # this machine's workers leave it to Ray
        parcels = [self._parcel(item) for item in needed(spec)]
        with self._lock:
            closed = self._closed  # shut down while the run was being made
            if not closed:
                self._waiting.append((run_id, spec.to_dict(), parcels))
        if closed:
            self.store.cancel_queued(run_id, "Stopped before it started: the app shut down.")
            raise RuntimeError("This executor is shut down; start a new one to train.")
        self._dispatch()
        self.ensure_worker()
        return run_id

    def _dispatch(self) -> None:
        """Send Ray the oldest waiting runs' trials while the cluster has room for them."""
        room = self._room()
        with self._lock:
            while self._waiting and len(self._tasks) < room:
                run_id, spec, parcels = self._waiting.popleft()
                self._tasks[run_id] = self._trial.options(name=f"tflab run {run_id}").remote(
                    run_id, spec, parcels, self.relay, self.flags, self.cpus_per_trial)

    def trials_at_once(self) -> int:
        """How many trials the cluster trains at once: its CPUs / `cpus_per_trial`."""
        return self._room()

    def _room(self) -> int:
        """How many trials the cluster runs at once, read again every few seconds."""
        count, read = self._capacity
        if time.monotonic() - read > 5:
            cpus = import_ray().cluster_resources().get("CPU", 0)
            count = max(1, int(cpus // self.cpus_per_trial))
            self._capacity = (count, time.monotonic())
        return count

    def _parcel(self, item) -> Any:
        """The ObjectRef of the file `item` names, put in Ray's object store once."""
        ray = import_ray()
        with self._lock:
            ref = self._parcels.get(item.content_id)
        if ref is None:
            ref = ray.put(pack(item, self.store.root))
            with self._lock:
                ref = self._parcels.setdefault(item.content_id, ref)
        return ref

    def stop(self, run_id: str) -> None:
        """Stop a run: a waiting one never trains, a training one ends after its current batch."""
        ray = import_ray()
        with self._lock:
            ours = run_id in self._tasks
            waiting = [item for item in self._waiting if item[0] == run_id]
            for item in waiting:
                self._waiting.remove(item)
        if waiting:
            self.store.cancel_queued(run_id, STOPPED_QUEUED)
            return
        if not ours:  # queued by another executor, or already over
            if not self.store.cancel_queued(run_id, STOPPED_QUEUED):
                self.store.request_stop(run_id)
            return
        if ray.get(self.flags.cancel.remote(run_id)):
            with self._lock:
                self._cancelled.add(run_id)
            self.store.cancel_queued(run_id, STOPPED_QUEUED)
        else:
            ray.get(self.flags.request_stop.remote(run_id))
            self.store.request_stop(run_id)

    def position(self, run_id: str) -> int | None:
        """0 while training, 1.. for the place among this executor's waiting runs (those
        sent to Ray first), None when not here."""
        with self._lock:
            if run_id in self._workers:
                return 0
            waiting = [r for r in self._tasks if r not in self._workers and r not in self._cancelled]
            waiting += [item[0] for item in self._waiting]
        return waiting.index(run_id) + 1 if run_id in waiting else None

    def worker(self, run_id: str) -> dict | None:
        """Where the run's trial trains ({"pid", "node"}: its Ray worker's process id and
        node id), once it has begun; None before, and after it ended."""
        with self._lock:
            found = self._workers.get(run_id)
        return dict(found) if found is not None else None

    def in_flight(self) -> list[str]:
        """The runs not yet recorded as ended: sent to Ray (waiting there, training or
        ending), then waiting here, oldest first."""
        with self._lock:
            return [*self._tasks, *(item[0] for item in self._waiting)]

    def wait(self, run_id: str, timeout: float | None = None) -> str:
        """Block until the run has finished; returns its status (TimeoutError past timeout)."""
        return wait_for_run(self.store, run_id, timeout)

    def ensure_worker(self, workers: int | None = None) -> None:
        """Start the thread that writes trials' progress into the store, unless it runs.
        `workers` is the local pool's: here the cluster's CPUs decide (`trials_at_once`)."""
        with self._lock:
            if self._closed or (self._pump is not None and self._pump.is_alive()):
                return
            self._pump = threading.Thread(target=self._drain_loop, name="tflab-ray-relay",
                                          daemon=True)
            self._pump.start()

    def shutdown(self, stop_running: bool = True, timeout: float = 30) -> None:
        """No new runs; waiting runs are stopped, training ones too unless told not, and
        this waits up to `timeout` seconds for them to be recorded. A trial still going
        then is cancelled and its run recorded as interrupted. Ray is shut down if this
        executor started it."""
        ray = import_ray()
        with self._lock:
            self._closed = True
            runs = list(self._tasks)
            waiting, self._waiting = [item[0] for item in self._waiting], collections.deque()
        for run_id in waiting:
            self.store.cancel_queued(run_id, "Stopped before it started: the app shut down.")
        for run_id in runs:
            if ray.get(self.flags.cancel.remote(run_id)):
                with self._lock:
                    self._cancelled.add(run_id)
                self.store.cancel_queued(run_id, "Stopped before it started: the app shut down.")
            elif stop_running:
                self.stop(run_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._tasks:
                    break
            time.sleep(self.poll)
        self._halt.set()
        if self._pump is not None:
            self._pump.join(timeout=max(1.0, 10 * self.poll))
        with self._lock:
            left, self._tasks = dict(self._tasks), {}
        for run_id, ref in left.items():
            ray.cancel(ref, force=True)
            phrase = Phrase("ray.left", self._progress(run_id))
            self._finish_once(run_id, "interrupted", str(phrase), (phrase,))
        ray.kill(self.relay)
        ray.kill(self.flags)
        if self._owns_ray:
            ray.shutdown()
        self._ray_released.set()

    # -- the drain thread ------------------------------------------------------

    def _drain_loop(self) -> None:
        ray = import_ray()
        checked = 0.0
        while not self._halt.is_set():
            try:
                with self._lock:
                    refs = {ref: run_id for run_id, ref in self._tasks.items()}
                ended = []
                if refs:
                    ended, _ = ray.wait(list(refs), num_returns=len(refs), timeout=self.poll)
                else:
                    self._halt.wait(self.poll)
                # Drained after the trials were seen to end: their last posts are in.
                self._record(ray.get(self.relay.drain.remote()))
                for ref in ended:
                    self._end(refs[ref], ref)
                self._dispatch()
                if time.monotonic() - checked > 0.5:
                    self._forward_stops()
                    checked = time.monotonic()
            except Exception:  # the thread must outlive a failed write or a lost actor
                log.exception("the Ray executor could not record its trials' progress")
                self._halt.wait(1.0)

    def _record(self, posts: list[tuple[str, str, Any]]) -> None:
        for run_id, kind, payload in posts:
            try:
                if kind == "begun":
                    with self._lock:
                        self._workers[run_id] = payload
                    if self.store.get_run(run_id).status == "queued":
                        self.store.mark_running(run_id)
                elif kind == "epochs":
                    self.store.add_epochs(run_id, payload)
                elif kind == "batches":
                    self.store.add_batches(run_id, payload)
                elif kind == "view":
                    self.store.set_view(run_id, *payload)
                elif kind == "profile":
                    self.store.set_profile(run_id, payload)
            except RunNotFound:
                continue  # deleted while it waited: nothing to record

    def _forward_stops(self) -> None:
        """Stops asked through the store (another page, the command line) reach the trials;
        a waiting run cancelled there never trains."""
        ray = import_ray()
        with self._lock:
            runs = [run_id for run_id in self._tasks if run_id not in self._forwarded]
            waiting = [item[0] for item in self._waiting]
        for run_id in waiting:
            try:
                gone = self.store.get_run(run_id).status in FINISHED
            except RunNotFound:
                gone = True
            if gone or self.store.stop_requested(run_id):
                self.stop(run_id)
        for run_id in runs:
            try:
                asked = self.store.stop_requested(run_id) or \
                    self.store.get_run(run_id).status in FINISHED
            except RunNotFound:
                asked = True
            if asked:
                ray.get(self.flags.request_stop.remote(run_id))
                with self._lock:
                    self._forwarded.add(run_id)

    def _end(self, run_id: str, ref) -> None:
        """Record how a trial ended, with its model and kept weights."""
        ray = import_ray()
        try:
            outcome = ray.get(ref)
        except ray.exceptions.TaskCancelledError:
            outcome = {"status": "stopped", "message": STOPPED_QUEUED, "began": False}
        except ray.exceptions.RayTaskError as error:  # the trial's own code raised
            cause = getattr(error, "cause", None) or error
            phrase = Phrase("ray.trial_failed", {"error": f"{type(cause).__name__}: {cause}"})
            outcome = {"status": "failed", "message": str(phrase), "said": (phrase,)}
        except ray.exceptions.RayError:  # its worker or its machine died
            phrase = Phrase("ray.worker_died", self._progress(run_id))
            outcome = {"status": "interrupted", "message": str(phrase), "said": (phrase,)}
        try:
            if outcome.get("began") is False:
                self._finish_once(run_id, "stopped", STOPPED_QUEUED)
            else:
                self._keep_model(run_id, outcome)
                self.store.finish(run_id, outcome["status"], outcome["message"],
                                  outcome.get("final_metrics"), outcome.get("said", ()))
        except RunNotFound:
            pass
        finally:
            self.flags.forget.remote(run_id)
            with self._lock:
                self._tasks.pop(run_id, None)
                self._workers.pop(run_id, None)
                self._cancelled.discard(run_id)
                self._forwarded.discard(run_id)

    def _keep_model(self, run_id: str, outcome: dict) -> None:
        """Write the model the trial sent where the store keeps models, whole or not at all;
        a failed write is said in the run's message, as `tflab.job.run_job` says it."""
        model = outcome.get("model")
        if model is None:
            return
        try:
            path = self.store.model_path(run_id)
            partial = path.with_name(path.name + ".part")
            partial.write_bytes(model)
            partial.replace(path)
            folder = self.store.weights_folder(run_id)
            for name, data in outcome.get("weights", {}).items():
                if Path(name).name != name or not name.endswith(".npz"):
                    continue  # only the weights files tflab.kept writes, never a path
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
        except OSError as error:
            before = outcome.get("said") or (outcome["message"],)
            outcome["message"] = f"{outcome['message']} The model could not be saved: {error}".strip()
            outcome["said"] = (*(part for part in before if part),
                               Phrase("hints.not_saved", {"error": str(error)}))

    def _finish_once(self, run_id: str, status: str, message: str, said: tuple = ()) -> None:
        """Finish a run unless it already has an end (a waiting run stopped in the store)."""
        try:
            if self.store.get_run(run_id).status not in FINISHED:
                self.store.finish(run_id, status, message, said=said)
        except RunNotFound:
            pass

    def _progress(self, run_id: str) -> dict:
        try:
            run = self.store.get_run(run_id)
        except RunNotFound:
            return {"done": 0, "epochs": "?"}
        return {"done": run.epochs_done, "epochs": run.epochs if run.epochs is not None else "?"}
