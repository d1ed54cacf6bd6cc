"""A training worker process: takes queued runs from the store, one at a time.

    python -m tflab.worker [--root DIR] [--parent PID]

The dashboard starts one beside itself (ProcessExecutor). Training in its own process
keeps TensorFlow's global state away from the web server (Streamlit clears the Keras
session after every page run, which would break a model being built in a thread of the
same process) and keeps the page responsive. The store is the only channel: runs are
claimed atomically, stop requests are read from it after every batch, and the worker
exits when its parent process has gone.

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


def serve(store: RunStore, parent: int | None = None, poll: float = 0.2,
          once: bool = False) -> None:
    """Train queued runs until the parent process ends (or, with `once`, the queue is empty)."""
    from tflab.job import run_job  # loads TensorFlow once, for every run of this worker

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))

    def orphaned() -> bool:
        return parent is not None and os.getppid() != parent  # the app has gone

    while not stopping and not orphaned():
        run_id = store.claim_next()
        if run_id is None:
            if once:
                return
            time.sleep(poll)
            continue
        run_job(store, run_id,
                lambda: bool(stopping) or orphaned() or store.stop_requested(run_id))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tflab.worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", help="the run store folder (default: $TFLAB_HOME or ~/.tflab)")
    parser.add_argument("--parent", type=int, help="exit when this process is no longer the parent")
    parser.add_argument("--once", action="store_true", help="exit when the queue is empty")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    serve(RunStore(args.root), args.parent, once=args.once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
