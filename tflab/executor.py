"""Runs training jobs off the caller's thread: the dashboard's worker processes.

Building TensorFlow models is not thread-safe, and a Streamlit script thread dies on
every rerun, so training belongs to a worker that outlives both. `submit` returns at
once with a run id; the caller follows the run through the store.

`Executor` is the seam: anything with submit/stop/position can replace `ProcessExecutor`
(a cluster client: `tflab.ray_executor`; a thread, in the tests), because a job is a
serializable spec in the store and its only output is the store.

Example:

>>> default_workers({"TFLAB_WORKERS": "3"})
3
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Mapping, Protocol

from tflab.spec import ExperimentSpec
from tflab.store import FINISHED, RunStore

log = logging.getLogger(__name__)

WORKERS_VARIABLE = "TFLAB_WORKERS"
MAX_WORKERS = 64  # worker processes at once: each holds its own TensorFlow (a few hundred MB)
TF_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
# How often the process pool looks at its workers: a killed worker's run shows as
# interrupted within about this, and a poll of each worker costs microseconds.
WATCH_EVERY = 0.5  # seconds
# Runs a worker trains before it exits and a fresh one takes the queue: a TensorFlow
# process grows by about 6 to 11 MB with each small run, cleared Keras session or not, and
# one worker's 100 runs grew it by over 600 MB; a new worker costs its start-up, about 4 s
# (benchmarks/worker_memory.py).
RECYCLE_AFTER = 10


def wait_for_run(store: RunStore, run_id: str, timeout: float | None = None,
                 poll: float = 0.05) -> str:
    """Block until the run has finished; returns its status (TimeoutError past timeout)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while (status := store.get_run(run_id).status) not in FINISHED:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} is still {status} after {timeout} s")
        time.sleep(poll)
    return status


class Executor(Protocol):
    """What the pages need from whatever runs training."""

    store: RunStore

    def submit(self, spec: ExperimentSpec, sweep: str | None = None) -> str: ...

    def stop(self, run_id: str) -> None: ...

    def position(self, run_id: str) -> int | None: ...

    def ensure_worker(self, workers: int | None = None) -> None: ...


# Seconds a worker started for a sweep (more side by side than the executor's own) waits
# idle before it exits.
SWEEP_IDLE_EXIT = 20.0


def default_workers(environ: Mapping[str, str] = os.environ) -> int:
    """How many worker processes train at once: `TFLAB_WORKERS`, else 1 (one run at a time,
    the dashboard's way; a sweep on a machine with cores to spare asks for more).

    Example:

    >>> default_workers({"TFLAB_WORKERS": "2"}), default_workers({})
    (2, 1)
    """
    text = environ.get(WORKERS_VARIABLE, "").strip()
    if not text:
        return 1
    try:
        return check_workers(int(text))
    except ValueError:
        raise ValueError(f"Received an invalid value for `{WORKERS_VARIABLE}`, expected a whole "
                         f"number from 1 to {MAX_WORKERS}. Received: {text!r}") from None


def check_workers(workers: int) -> int:
    """`workers` if it is a whole number from 1 to `MAX_WORKERS`, else ValueError naming it."""
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"Received an invalid value for `workers`, expected a whole number "
                         f"from 1 to {MAX_WORKERS}. Received: workers={workers!r}")
    return workers


class ProcessExecutor:
    """Runs queued runs in up to `workers` worker processes (`python -m tflab.worker`).

    The dashboard's executor: training in its own process is immune to the web server
    clearing Keras' global state between page runs, and leaves the server's threads free.
    The store is the only channel: runs are queued in it, each worker claims the oldest
    (atomically: two never take one run), and a stop request is read from it after every
    batch. With more than one worker, queued runs (a sweep's variants) train side by side,
    each worker's TensorFlow given its share of the cores. A thread watches the workers
    while any runs: one that dies mid-run (killed, out of memory) leaves its run
    `interrupted` within `watch_every` seconds, its epochs kept, whether or not a page asks.

    Args:
        store: where runs are queued, followed and recorded.
        workers: the most worker processes at once. Defaults to None: `default_workers()`
            (`TFLAB_WORKERS`, else 1).
        idle_exit: seconds a worker waits with nothing to train before it exits and
            frees TensorFlow's memory; the next run starts a new one.
        watch_every: seconds between two looks at the workers. Defaults to `WATCH_EVERY`.
        recycle_after: runs a worker trains before it exits; the watch starts a new one for
            the runs still queued. Defaults to `RECYCLE_AFTER`.

    Example:

    >>> import tempfile
    >>> from tflab.recipes import get_recipe
    >>> executor = ProcessExecutor(RunStore(tempfile.mkdtemp()), workers=2)  # doctest: +SKIP
    >>> spec = get_recipe("linear").spec.with_setting("fit.epochs", 5)
    >>> runs = [executor.submit(spec) for _ in range(2)]                     # doctest: +SKIP
    >>> [executor.wait(run_id, timeout=120) for run_id in runs]              # doctest: +SKIP
    ['completed', 'completed']
    """

    def __init__(self, store: RunStore, workers: int | None = None, idle_exit: float = 600.0,
                 watch_every: float = WATCH_EVERY, recycle_after: int = RECYCLE_AFTER):
        self.store = store
        self.workers = default_workers() if workers is None else check_workers(workers)
        self.idle_exit = idle_exit
        self.watch_every = watch_every
        self.recycle_after = recycle_after
        self._asked = self.workers  # workers side by side, as last asked (`ensure_worker`)
        self._processes: list[subprocess.Popen] = []
        self._lock = threading.Lock()
        self._watch: threading.Thread | None = None
        self._closed = threading.Event()

    def submit(self, spec: ExperimentSpec, sweep: str | None = None) -> str:
        """Queue `spec` (a variant of `sweep` when given); returns its run id at once."""
        run_id = self.store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs, sweep)
        self.ensure_worker()
        return run_id

    def stop(self, run_id: str) -> None:
        if not self.store.cancel_queued(run_id, "Stopped before it started."):
            self.store.request_stop(run_id)

    def position(self, run_id: str) -> int | None:
        run = self.store.get_run(run_id)
        if run.status == "running":
            return 0
        if run.status == "queued":
            self.ensure_worker()
        queue = self.store.queued_ids()
        return queue.index(run_id) + 1 if run_id in queue else None

    def wait(self, run_id: str, timeout: float | None = None) -> str:
        return wait_for_run(self.store, run_id, timeout)

    def ensure_worker(self, workers: int | None = None) -> None:
        """Start workers for the queued runs, up to `workers` at once (default: the
        executor's `workers`), and always one. Pages call it while they show a queued
        run: a worker leaving on its idle timeout just as a run was queued never claims
        it. A sweep asks for more than the executor's own (`tflab.sweeping.start_sweep`):
        each worker started then gets its share of the cores for `workers` side by side."""
        workers = self.workers if workers is None else check_workers(workers)
        with self._lock:
            self._asked = workers
            self._fill(always_one=True)
            if self._watch is None and not self._closed.is_set():
                self._watch = threading.Thread(target=self._watch_workers, daemon=True,
                                               name="tflab-worker-watch")
                self._watch.start()

    def _fill(self, always_one: bool) -> list[subprocess.Popen]:
        """Start workers for the queued runs, up to the number last asked for (and one with
        nothing queued when `always_one`); the workers alive. Under the lock."""
        alive = self._reap()
        queued = len(self.store.queued_ids())
        wanted = min(self._asked, max(1, queued) if always_one else queued)
        for _ in range(wanted - len(alive)):
            self._processes.append(self._start_worker(self._asked))
        return self._processes

    def _reap(self) -> list[subprocess.Popen]:
        """Forget the workers that have ended, marking the runs they held interrupted, as of
        now (the watch sees an end within `watch_every`); the workers alive. Under the lock."""
        alive, ended = [], []
        for process in self._processes:
            (alive if process.poll() is None else ended).append(process)
        self._processes = alive
        if ended:
            now = time.time()
            for process in ended:
                interrupted = self.store.worker_ended(process.pid, process.returncode, now)
                if interrupted:
                    log.warning("worker %s ended (return code %s) while training %s",
                                process.pid, process.returncode, ", ".join(interrupted))
            self.store.recover()  # its learning-rate finder job, say
        return alive

    def _watch_workers(self) -> None:
        """Watch the workers every `watch_every` seconds while any runs, so a worker that
        dies (killed, out of memory) leaves its run `interrupted` within about that,
        whether or not a page is open, and one that made way after `recycle_after` runs
        is followed by a new one while runs are queued; it stops with the last worker and
        starts again with the next (`ensure_worker`)."""
        while not self._closed.wait(self.watch_every):
            with self._lock:
                if not self._fill(always_one=False):
                    self._watch = None
                    return

    def alive(self) -> int:
        """Worker processes running now, training or waiting for a run (no start-up ahead)."""
        with self._lock:
            return sum(process.poll() is None for process in self._processes)

    def _start_worker(self, side_by_side: int) -> subprocess.Popen:
        package_root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(package_root), os.environ.get("PYTHONPATH")]))}
        if side_by_side > 1:
            # Workers side by side share the cores rather than each spreading over all: two
            # TensorFlows with a thread per core each made a 4-variant digits sweep on 2
            # cores take a quarter to a third longer (benchmarks/sweep.py). A thread count
            # the person set is kept.
            threads = str(max(1, (os.cpu_count() or 1) // side_by_side))
            for variable in TF_THREAD_VARIABLES:
                env.setdefault(variable, threads)
        # A sweep's workers leave soon after its queue drains: each holds its share of the
        # cores (a lone run on it would train on one of two) and about 1.2 GB, so the next
        # Train starts a worker of its own instead.
        idle_exit = self.idle_exit if side_by_side <= self.workers \
            else min(self.idle_exit, SWEEP_IDLE_EXIT)
        with open(self.store.root / "worker.log", "ab") as log_file:  # tracebacks are for logs
            return subprocess.Popen(
                [sys.executable, "-m", "tflab.worker", "--root", str(self.store.root),
                 "--parent", str(os.getpid()), "--idle-exit", str(idle_exit),
                 "--max-runs", str(self.recycle_after)],
                cwd=package_root, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=log_file)

    def shutdown(self, timeout: float = 30) -> None:
        """Stop the workers: their running runs end as stopped after the current batch."""
        self._closed.set()
        with self._lock:
            processes, self._processes = self._processes, []
            watch = self._watch
        if watch is not None:
            watch.join(timeout)
        running = [process for process in processes if process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()


def stop_sweep(executor: Executor, sweep_id: str) -> None:
    """Stop every variant of a sweep that has not finished: a queued one never starts, a
    running one ends after its current batch (`executor.stop`)."""
    for run in executor.store.sweep_runs(sweep_id):
        if run.status not in FINISHED:
            executor.stop(run.id)
