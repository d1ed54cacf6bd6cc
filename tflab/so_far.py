"""What a page has read of a run's epochs, so each refresh reads only the newer ones.

The Train page refreshes a few times a second while a run trains. Reading the whole
history each time would grow with the run (a 10,000-epoch run has 10,000 rows a metric);
instead the page keeps a `RunSoFar` between refreshes and asks the store only for the
epochs after the last one it holds (`RunStore.snapshot(after_epoch=...)`), then adds
them. `read_newer` does both and starts again from the first epoch when the store holds
fewer epochs than the page (the run was trained again, or the store was replaced).

Example:

>>> import tempfile
>>> from tflab.store import RunStore
>>> with RunStore(tempfile.mkdtemp()) as store:
...     run_id = store.create_run("linear", {}, 3)
...     store.add_epochs(run_id, [(1, {"loss": 0.5})])
...     snap, held = read_newer(store, run_id, RunSoFar())
...     store.add_epochs(run_id, [(2, {"loss": 0.25})])
...     snap, held = read_newer(store, run_id, held)
>>> snap.history, held.history, held.last_epoch
({'loss': [(2, 0.25)]}, {'loss': [(1, 0.5), (2, 0.25)]}, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tflab.store import RunSnapshot, RunStore


@dataclass(frozen=True)
class RunSoFar:
    """A run's epoch metrics and epoch times as read so far, oldest first.

    `history` is as `RunStore.history` gives it ({metric: [(epoch, value), ...]});
    `epoch_times` as `RunStore.epoch_times`.
    """

    history: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    epoch_times: list[tuple[int, float]] = field(default_factory=list)

    @property
    def last_epoch(self) -> int:
        """The newest epoch held, 0 when none: what the next read asks for epochs after."""
        newest = [points[-1][0] for points in self.history.values() if points]
        if self.epoch_times:
            newest.append(self.epoch_times[-1][0])
        return max(newest, default=0)

    def with_newer(self, snap: RunSnapshot) -> "RunSoFar":
        """These epochs and those of `snap`, a snapshot read after `last_epoch`.

        Epochs at or before `last_epoch` in `snap` are already held and are skipped, so
        a snapshot of the whole history may be added too.
        """
        last = self.last_epoch
        if not any(p[0] > last for points in snap.history.values() for p in points) \
                and not any(t[0] > last for t in snap.epoch_times):
            return self  # most refreshes find nothing new: no copy of the whole history
        history = {metric: list(points) for metric, points in self.history.items()}
        for metric, points in snap.history.items():
            history.setdefault(metric, []).extend(p for p in points if p[0] > last)
        times = self.epoch_times + [t for t in snap.epoch_times if t[0] > last]
        return RunSoFar(history, times)


def read_newer(store: RunStore, run_id: str, held: RunSoFar) -> tuple[RunSnapshot, RunSoFar]:
    """The run's snapshot with only the epochs after `held`'s, and `held` with them added.

    When the store has fewer epochs than `held` (the run was trained again), the whole
    history is read and `held` starts over. `RunNotFound` when the run is gone.

    Args:
        store: the run store.
        run_id: the run's id.
        held: what the page read at its last refresh (`RunSoFar()` the first time).
    """
    snap = store.snapshot(run_id, after_epoch=held.last_epoch)
    if snap.run.epochs_done < held.last_epoch:
        held, snap = RunSoFar(), store.snapshot(run_id)
    return snap, held.with_newer(snap)
