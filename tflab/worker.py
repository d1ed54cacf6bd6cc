"""A training worker process: takes queued runs from the store, one at a time.

    python -m tflab.worker [--root DIR] [--parent PID] [--idle-exit SECONDS] [--max-runs N]

The dashboard starts one beside itself (ProcessExecutor). Training in its own process
keeps TensorFlow's global state away from the web server (Streamlit clears the Keras
session after every page run, which would break a model being built in a thread of the
same process) and keeps the page responsive. The store is the only channel: runs are
claimed atomically, stop requests are read from it after every batch, and the worker
exits when its parent process has gone, or after `--idle-exit` seconds with nothing to
train, which gives TensorFlow's memory back; the dashboard starts it again when needed.
With `--max-runs N` it also exits after N runs: a TensorFlow process grows by megabytes
with every model it trains, whatever is cleared (benchmarks/worker_memory.py), so the
dashboard's workers make way for a fresh one now and then (`ProcessExecutor`).
SIGTERM or SIGINT stops the run in hand after its current batch, and then the worker; the
run's message says which (`StopReason`), as it says when the app has gone.
Several workers may serve one store (a sweep's variants side by side): each claims its own.

Example:

>>> # python -m tflab.worker --root ~/.tflab   (runs until stopped)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from tflab.store import RunStore

# Training takes every core it is given; at a lower priority it still gets all the CPU
# the dashboard leaves, and the pages (server and browser) get theirs when they need it:
# on 2 cores the Train page refreshed about once a second at equal priority instead of
# five times (benchmarks/page_speed.py).
NICENESS = 10


def serve(store: RunStore, parent: int | None = None, poll: float = 0.2,
          once: bool = False, idle_exit: float | None = None,
          max_runs: int | None = None) -> None:
    """Train queued runs until the parent process ends, or the queue is empty (`once`), or
    nothing was queued for `idle_exit` seconds, or `max_runs` runs have been trained.
    Learning-rate finder jobs go first: they last seconds, and a person is waiting for them
    on Build."""
    stopping = []
    # Ctrl-C in the terminal that started the app or a sweep reaches its workers too: like
    # SIGTERM, it stops the run in hand after its batch (kept as stopped), then the worker.
    handlers = {number: signal.signal(number, lambda number, _: stopping.append(number))
                for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        _serve(store, parent, poll, once, idle_exit, max_runs, stopping)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _serve(store: RunStore, parent: int | None, poll: float, once: bool,
           idle_exit: float | None, max_runs: int | None, stopping: list) -> None:
    from tflab.job import run_finder, run_job  # loads TensorFlow once, for every job here

    def orphaned() -> bool:
        return parent is not None and os.getppid() != parent  # the app has gone

    idle_since, trained = time.monotonic(), 0
    while not stopping and not orphaned() and (max_runs is None or trained < max_runs):
        finder_id = store.claim_finder()
        if finder_id is not None:
            run_finder(store, finder_id)
            forget_models()
            idle_since = time.monotonic()
            continue
        run_id = store.claim_next()
        if run_id is None:
            if once or (idle_exit is not None and time.monotonic() - idle_since > idle_exit):
                return
            time.sleep(poll)
            continue
        reason = StopReason(store, run_id, stopping, orphaned)
        run_job(store, run_id, reason.should_stop, why_stopped=reason.message)
        forget_models()
        idle_since, trained = time.monotonic(), trained + 1


def forget_models() -> None:
    """Drop what Keras and TensorFlow keep of the models trained so far, between two jobs.

    Keras names layers and keeps its global state for every model built in the process; a
    worker trains many. The run's model is in the store by now, and the next run builds
    its own. This alone does not stop a worker's growth (still about 6 MB a 3-epoch
    binary_points run, measured in one process): `--max-runs` does.

    Example:

    >>> import keras
    >>> _ = keras.layers.Dense(1), keras.layers.Dense(1)
    >>> forget_models()
    >>> keras.layers.Dense(1).name   # Keras starts again as in a new process
    'dense'
    """
    import keras  # loaded already: the worker has trained

    keras.backend.clear_session(free_memory=True)  # free_memory: a gc.collect() too


class StopReason:
    """Why the run in hand stops, asked after every batch: a person's request (read from
    the store), a signal to this worker, or the app gone. The first seen is kept, so the
    run's message says what happened: a run whose server was killed read "Stopped on
    request" though nobody had asked.

    Example:

    >>> import tempfile
    >>> store = RunStore(tempfile.mkdtemp())
    >>> run_id = store.create_run("mlp", {})
    >>> reason = StopReason(store, run_id, stopping=[], orphaned=lambda: True)
    >>> reason.should_stop(), reason.message(3)
    (True, 'Stopped: the app (its server) shut down during epoch 3.')
    """

    def __init__(self, store: RunStore, run_id: str, stopping: list, orphaned):
        self.store, self.run_id, self.stopping, self.orphaned = store, run_id, stopping, orphaned
        self.cause: str | None = None

    def should_stop(self) -> bool:
        if self.cause is not None:
            return True
        # A person's request first: Ctrl-C on a command-line sweep asks each run to stop
        # (stop_sweep) before its workers are ended.
        if self.store.stop_requested(self.run_id):
            self.cause = "request"
        elif self.stopping:
            self.cause = signal.Signals(self.stopping[0]).name
        elif self.orphaned():
            self.cause = "app"
        return self.cause is not None

    def message(self, epoch: int) -> str | None:
        """The run's message for a stop during `epoch`; None for a person's request."""
        if self.cause == "app":
            return f"Stopped: the app (its server) shut down during epoch {epoch}."
        if self.cause not in (None, "request"):
            return (f"Stopped: the training process was told to end ({self.cause}) during "
                    f"epoch {epoch}.")
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tflab.worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", help="the run store folder (default: $TFLAB_HOME or ~/.tflab)")
    parser.add_argument("--parent", type=int, help="exit when this process is no longer the parent")
    parser.add_argument("--once", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--idle-exit", type=float, metavar="SECONDS",
                        help="exit after this long with nothing to train")
    parser.add_argument("--max-runs", type=int, metavar="N",
                        help="exit after training N runs (a new worker holds less memory)")
    parser.add_argument("--niceness", type=int, default=NICENESS,
                        help=f"how much lower this process's CPU priority is than the "
                             f"dashboard's (default {NICENESS}; 0 keeps it equal)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.niceness:
        os.nice(args.niceness)
    if args.max_runs is not None and args.max_runs < 1:
        parser.error(f"Received an invalid value for `--max-runs`, expected a whole number of "
                     f"at least 1. Received: {args.max_runs}")
    serve(RunStore(args.root), args.parent, once=args.once, idle_exit=args.idle_exit,
          max_runs=args.max_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
