"""Runs queued runs as Ray tasks: on this machine's cores, or on an existing Ray cluster.

    TFLAB_RAY_ADDRESS=local           # start a Ray on this machine, with all its CPUs
    TFLAB_RAY_ADDRESS=10.0.0.5:6379   # join the cluster whose head is there (`ray start --head`)

`RayExecutor` has the seam of `tflab.executor.ProcessExecutor` (submit, stop, position,
wait, ensure_worker, shutdown), so pages and the command line use either the same way.
The store stays with the process that made the executor, which alone writes it. A trial
(one run, trained with plain Keras by `tflab.job.run_job`, as the local worker trains it)
may run on another machine: it sees the store as a `TrialStore`, which posts its epochs,
batches, views and pictures' profile to a `Relay` actor, and it returns how the run ended
with the model's bytes. A thread of the executor drains the relay into the store every
`poll` seconds and records each trial's end. A `StopFlags` actor answers each trial's
standing question "stop?" as soon as a stop is asked, and the trial ends the batch it is
in (`StopListener`).

A trial whose worker dies (killed, out of memory, its machine gone) becomes `interrupted`
with the epochs it had sent: Ray does not retry it, since a retry would train it again
from epoch 1 into the same run. The files a run reads (an uploaded CSV or picture
dataset, a base model; `tflab.parcels`) go into Ray's object store once per content id,
and a trial unpacks them into a temporary TFLAB_HOME: no disk is shared.

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

import asyncio
import collections
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tflab.executor import wait_for_run
from tflab.parcels import KERAS_FOLDER, Parcel, needed, pack, unpack, uses_keras_cache
from tflab.spec import ExperimentSpec
from tflab.store import FINISHED, RunNotFound, RunStore
from tflab.words import Phrase, PhrasedError

log = logging.getLogger(__name__)

ADDRESS_VARIABLE = "TFLAB_RAY_ADDRESS"
LOCAL = "local"
PACKAGE = Path(__file__).resolve().parent  # shipped to the cluster's workers (py_modules)
STOPPED_QUEUED = "Stopped before it started."


class RayMissing(PhrasedError, ImportError):
    """Ray is not installed: the message says how to install it.

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """


class RayUnreachable(PhrasedError, ConnectionError):
    """No Ray cluster answered at the address given; the message names it."""


def import_ray():
    """The `ray` module; `RayMissing`, which says how to install it, when it is not there.

    Example:

    >>> try:
    ...     ray = import_ray()
    ... except RayMissing as error:
    ...     assert "pip install -r requirements-ray.txt" in str(error)
    """
    try:
        import ray
    except ImportError:
        raise RayMissing(Phrase("ray.missing")) from None
    return ray


def runtime_env() -> dict:
    """What Ray needs to run TF Lab's trials: this copy of tflab, shipped to every worker
    (a cluster's machines need only the requirements installed), and TensorFlow quiet.
    `RayExecutor` gives it to `ray.init` when it starts Ray; a program that starts Ray
    itself passes it: `ray.init(runtime_env=runtime_env())`."""
    return {"py_modules": [str(PACKAGE)],
            "env_vars": {"TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}}


class Relay:
    """Where trials post their progress, and the executor drains it.

    Ray runs it as an actor, one per executor. Its methods run one at a time, and those
    one caller sends run in the order it sent them: once a trial's `barrier` call has
    been answered, everything it posted before is here.

    Example:

    >>> relay = Relay()
    >>> relay.post("r1", "begun", {"pid": 7})
    >>> relay.post("r1", "epochs", [(1, {"loss": 0.5})])
    >>> relay.drain()
    [('r1', 'begun', {'pid': 7}), ('r1', 'epochs', [(1, {'loss': 0.5})])]
    >>> relay.drain()
    []
    """

    def __init__(self):
        self._posts: list[tuple[str, str, Any]] = []

    def post(self, run_id: str, kind: str, payload: Any) -> None:
        """Keep a trial's progress ("begun", "epochs", "batches", "view", "profile")."""
        self._posts.append((run_id, kind, payload))

    def drain(self) -> list[tuple[str, str, Any]]:
        """Everything posted since the last drain, oldest first: (run id, kind, payload)."""
        posts, self._posts = self._posts, []
        return posts

    def barrier(self) -> None:
        """Nothing: a trial waits for it, so that what it posted before is all here."""


class StopFlags:
    """The trials' stop flags. Ray runs it as an asyncio actor, one per executor: a trial
    waits in `wait_for_stop` (on a thread of its own, `StopListener`) from the moment it
    begins, and the answer comes as soon as a stop is requested. A flag read over the
    network after every batch cost a trial 0.9 ms a batch, a quarter of a small model's
    training time with two trials on two cores; this costs nothing per batch.

    No method waits but `wait_for_stop`, so each runs whole, one at a time.

    Example:

    >>> import asyncio, threading
    >>> def run(coroutine):  # a loop of its own, whatever loop this thread may be running
    ...     box = []
    ...     thread = threading.Thread(target=lambda: box.append(asyncio.run(coroutine)))
    ...     thread.start(); thread.join()
    ...     return box[0]
    >>> flags = StopFlags()
    >>> run(flags.begin("r1")), run(flags.cancel("r2")), run(flags.begin("r2"))
    (True, True, False)
    >>> run(flags.request_stop("r1")), run(flags.wait_for_stop("r1")) > 0
    (True, True)
    """

    def __init__(self):
        self._begun: set[str] = set()
        self._requested: dict[str, float] = {}  # run id -> when its stop was asked (unix s)
        self._events: dict[str, asyncio.Event] = {}
        self._reports: dict[str, dict] = {}

    def _event(self, run_id: str) -> asyncio.Event:
        return self._events.setdefault(run_id, asyncio.Event())

    async def begin(self, run_id: str) -> bool:
        """A trial starts: False when its run was stopped while it waited (it trains nothing)."""
        if run_id in self._requested:
            return False
        self._begun.add(run_id)
        return True

    async def cancel(self, run_id: str) -> bool:
        """Stop a run whose trial has not begun; False when it has (ask it to stop)."""
        if run_id in self._begun:
            return False
        self._requested.setdefault(run_id, time.time())
        return True

    async def request_stop(self, run_id: str) -> bool:
        """Stop the run; returns whether its trial had begun."""
        self._requested.setdefault(run_id, time.time())
        self._event(run_id).set()
        return run_id in self._begun

    async def wait_for_stop(self, run_id: str) -> float | None:
        """Return when the run's stop is requested (with when it was, in unix seconds), or
        None when its trial ended first (`release`)."""
        await self._event(run_id).wait()
        return self._requested.get(run_id)

    async def release(self, run_id: str) -> None:
        """The trial has ended: its `wait_for_stop` returns."""
        self._event(run_id).set()

    async def report(self, run_id: str, report: dict) -> None:
        """How a trial's stop reached it (`StopListener.report`)."""
        self._reports[run_id] = report

    async def stop_report(self, run_id: str) -> dict | None:
        """The trial's report of its stop: {"reached_s": seconds from the request until
        the trial knew, "batches_after": batches it ended after knowing (1: the one it was
        in)}; None when it was not stopped."""
        return self._reports.get(run_id)

    async def forget(self, run_id: str) -> None:
        """The run has ended and been recorded (its report is kept)."""
        self._begun.discard(run_id)
        self._requested.pop(run_id, None)
        self._event(run_id).set()  # a trial whose worker died no longer waits
        self._events.pop(run_id, None)


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
            self._start_ray(ray)
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

    def _start_ray(self, ray) -> None:
        """Start (or join) Ray from a thread that lives until `shutdown`.

        A local Ray's processes (its GCS, raylet) are bound to the thread that started
        them (Linux's PR_SET_PDEATHSIG, which Ray sets): started from a Streamlit page's
        script thread, which ends with the page run, they were killed a second later, and
        the whole server with them ("Failed to connect to GCS within 60 seconds").
        """
        options = {"include_dashboard": False, "logging_level": logging.WARNING,
                   "runtime_env": runtime_env()}
        outcome: list[BaseException | None] = []
        begun = threading.Event()

        def start_and_keep() -> None:
            try:
                if self.address == LOCAL:
                    ray.init(num_cpus=os.cpu_count(), **options)
                else:
                    ray.init(address=self.address, **options)
                outcome.append(None)
            except BaseException as error:  # raised again in the caller's thread
                outcome.append(error)
                return
            finally:
                begun.set()
            self._ray_released.wait()

        threading.Thread(target=start_and_keep, name="tflab-ray-keeper", daemon=True).start()
        begun.wait()
        [error] = outcome
        if isinstance(error, ConnectionError):
            raise RayUnreachable(Phrase("ray.unreachable", {
                "address": self.address, "error": str(error)})) from None
        if error is not None:
            raise error
        self._owns_ray = True

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
