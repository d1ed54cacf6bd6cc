"""Who watches runs train on one server, and how often each of their live views refreshes.

Each Train page watching a training run reruns its live view on the server at every
refresh: reading the run, drawing its progress and sending its charts. That work is the
server's, one Python process, whatever the number of people. At 5 refreshes a second
each, 10 pages asked for 50 a second; the server could not keep up, the pages that
connected first kept it busy, and the others got no data at all (issue 12: 3 of 10
pages ever updated). So the watchers share a budget: together at most about
`REFRESHES_PER_SECOND`, each page refreshing every `refresh_seconds(viewers)`: as often
as one page alone when few watch, less often as more do, never less than every
`SLOWEST` seconds.

The server keeps one `Watchers` (`components.state.watchers`); each page says it is still
watching at every refresh, and a page that stopped (closed, moved on, its run ended) is
forgotten `FORGET_AFTER` seconds after its last refresh.

Example:

>>> watchers = Watchers()
>>> [watchers.seen(name, now=100.0) for name in ("ana", "ben", "eva")]
[1, 2, 3]
>>> refresh_seconds(1, alone=0.2), refresh_seconds(3, alone=0.2)
(0.2, 0.5)
>>> watchers.seen("ana", now=100.0 + FORGET_AFTER + 1)  # ben and eva left
1
"""

from __future__ import annotations

import threading

REFRESHES_PER_SECOND = 10  # the live views of all watchers together, about
STEPS = (0.5, 1.0, 2.0)  # seconds: a few intervals, so a page changes its own rarely
SLOWEST = STEPS[-1]
FORGET_AFTER = 10.0  # seconds without a refresh: several of the slowest, so a page
# slowed down by a busy machine is not forgotten between two of its refreshes


def refresh_seconds(viewers: int, alone: float) -> float:
    """How often each live view refreshes while `viewers` pages watch.

    `alone` when the budget allows it; otherwise the shortest of `STEPS` that keeps all
    the views within `REFRESHES_PER_SECOND`; at most `SLOWEST`.

    Args:
        viewers: the pages watching now, this one included.
        alone: the interval of a page watching alone, in seconds.

    Example:

    >>> [refresh_seconds(n, alone=0.2) for n in (1, 2, 3, 5, 6, 10, 11, 50)]
    [0.2, 0.2, 0.5, 0.5, 1.0, 1.0, 2.0, 2.0]
    """
    if not isinstance(viewers, int) or viewers < 1:
        raise ValueError(f"`viewers` must be a whole number of at least 1; received: "
                         f"viewers={viewers!r}")
    if not alone > 0:
        raise ValueError(f"`alone` must be a number of seconds above 0; received: "
                         f"alone={alone!r}")
    wanted = viewers / REFRESHES_PER_SECOND
    if alone >= wanted:
        return alone
    return next((step for step in STEPS if step >= wanted), SLOWEST)


class Watchers:
    """The pages watching a training run on this server, by the time of their last refresh.

    Thread-safe: every session of the server shares one (`components.state.watchers`).

    Args:
        forget_after: seconds after its last refresh that a page no longer counts.
            Defaults to `FORGET_AFTER`.
    """

    def __init__(self, forget_after: float = FORGET_AFTER):
        if not forget_after > 0:
            raise ValueError(f"`forget_after` must be a number of seconds above 0; "
                             f"received: forget_after={forget_after!r}")
        self.forget_after = forget_after
        self._lock = threading.Lock()
        self._last_seen: dict[str, float] = {}

    def seen(self, viewer: str, now: float) -> int:
        """`viewer` refreshed at `now` (seconds, `time.monotonic()`); how many pages watch.

        Pages not seen for `forget_after` seconds are forgotten first.
        """
        with self._lock:
            self._last_seen[viewer] = now
            self._last_seen = {name: when for name, when in self._last_seen.items()
                               if now - when <= self.forget_after}
            return len(self._last_seen)

    def left(self, viewer: str) -> None:
        """`viewer` no longer watches a training run (its run ended, or it shows another)."""
        with self._lock:
            self._last_seen.pop(viewer, None)
