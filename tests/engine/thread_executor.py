"""An executor that trains on threads of the test's own process (support for the tests,
not a test file).

The dashboard, the CLI and the sweeps train in worker processes (`tflab.executor.
ProcessExecutor`) or on Ray; a thread is enough for tests of what a queue of runs does
(places, stop before and while running, a failing run) without a process start per run.
It meets the same `tflab.executor.Executor` seam.

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> from tflab.recipes import get_recipe
>>> executor = ThreadExecutor(RunStore(tempfile.mkdtemp()))
>>> run_id = executor.submit(get_recipe("linear").spec.with_setting("fit.epochs", 5))
>>> executor.wait(run_id, timeout=60)
'completed'
>>> executor.shutdown()
"""

from __future__ import annotations

import collections
import logging
import threading

from tflab.executor import wait_for_run
from tflab.spec import ExperimentSpec
from tflab.store import RunStore

log = logging.getLogger(__name__)


class ThreadExecutor:
    """Runs queued runs on `workers` daemon threads (default one), oldest first.

    Args:
        store: where runs are queued, followed and recorded.
        workers: threads training at once. Default: 1 (TensorFlow model building is not
            thread-safe; more than one is for experiments only).
    """

    def __init__(self, store: RunStore, workers: int = 1):
        self.store = store
        self._pending: collections.deque[str] = collections.deque()
        self._running: dict[str, threading.Event] = {}
        self._lock = threading.Condition()
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"tflab-worker-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, spec: ExperimentSpec, sweep: str | None = None) -> str:
        """Queue `spec` (a variant of `sweep` when given); returns its run id at once."""
        run_id = self.store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs, sweep)
        with self._lock:
            if self._closed:
                raise RuntimeError("This executor is shut down; start a new one to train.")
            self._pending.append(run_id)
            self._lock.notify()
        return run_id

    def stop(self, run_id: str) -> None:
        """Stop a run: a queued one never starts, a running one ends after its current batch."""
        with self._lock:
            if run_id in self._pending:
                self._pending.remove(run_id)
                self.store.finish(run_id, "stopped", "Stopped before it started.")
                return
            event = self._running.get(run_id)
        if event is not None:
            event.set()

    def position(self, run_id: str) -> int | None:
        """0 while running, 1.. for the place in the queue, None when not here."""
        with self._lock:
            if run_id in self._running:
                return 0
            try:
                return self._pending.index(run_id) + 1
            except ValueError:
                return None

    def wait(self, run_id: str, timeout: float | None = None) -> str:
        """Block until the run has finished; returns its status (TimeoutError past timeout)."""
        return wait_for_run(self.store, run_id, timeout)

    def ensure_worker(self, workers: int | None = None) -> None:
        """Nothing to do: the threads live as long as the executor (`workers` is the
        process pool's)."""

    def shutdown(self, stop_running: bool = True, timeout: float | None = 30) -> None:
        """No new runs; queued runs are stopped, and the running one too unless told not."""
        with self._lock:
            self._closed = True
            pending, self._pending = list(self._pending), collections.deque()
            events = list(self._running.values())
            self._lock.notify_all()
        for run_id in pending:
            self.store.finish(run_id, "stopped", "Stopped before it started: the app shut down.")
        if stop_running:
            for event in events:
                event.set()
        for thread in self._threads:
            thread.join(timeout)

    def _work(self) -> None:
        from tflab.job import run_job  # TensorFlow loads in the worker, not in the caller

        while True:
            with self._lock:
                while not self._pending and not self._closed:
                    self._lock.wait()
                if self._closed and not self._pending:
                    return
                run_id = self._pending.popleft()
                event = threading.Event()
                self._running[run_id] = event
            try:
                run_job(self.store, run_id, event.is_set)
            except Exception:  # the worker must survive any run
                log.exception("run %s crashed its worker", run_id)
                self.store.finish(run_id, "failed", "The worker crashed; see the server log.")
            finally:
                with self._lock:
                    self._running.pop(run_id, None)
