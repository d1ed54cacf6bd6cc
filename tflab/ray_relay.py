"""The two Ray actors between an executor and its trials: `Relay` carries the trials'
progress to the executor, which alone writes the store, and `StopFlags` carries stop
requests to the trials as soon as they are asked.

Both are plain classes, run as actors by `tflab.ray_executor.RayExecutor` (one of each per
executor), and need no Ray to be tried.

Example:

>>> relay = Relay()
>>> relay.post("r1", "epochs", [(1, {"loss": 0.5})])
>>> relay.drain()
[('r1', 'epochs', [(1, {'loss': 0.5})])]
"""

from __future__ import annotations

import asyncio
import time
from typing import Any


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

