"""How far a run has got, in the words the Train page and the sidebar both show.

The rules live here once: the epoch count never passes the run's total, the batch chart
belongs to an epoch still in progress, a queued run with nothing ahead of it is
starting, and the time left follows the pace of the last few epochs rather than the
whole run's average (which counts the minutes TensorFlow took to load, and swings
whenever another process shares the CPU).

Example:

>>> times = [(epoch, 100.0 + epoch) for epoch in range(1, 31)]   # one epoch a second
>>> seconds_per_epoch(times)
1.0
>>> seconds_left(times, total=100, now=130.0)
70.0
>>> str(waiting_text(place=1, training_now=0))
'Starting the training process…'

The words are `Phrase`s (`tflab.words`): `str()` reads them in English, a page says them in
the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from tflab.words import Phrase

RECENT_EPOCHS = 10      # the pace is measured over at least this many epochs...
RECENT_SECONDS = 20.0   # ...and at least this long, when the run has gone on that long
STARTING = Phrase("progress.starting")

EpochTimes = Sequence[tuple[int, float]]  # (epoch counted from 1, unix seconds it was written)


def epochs_shown(done: int, total: int | None) -> int:
    """Epochs done as shown to a person: never past the run's total.

    Example:

    >>> epochs_shown(301, 300), epochs_shown(12, None)
    (300, 12)
    """
    return done if total is None else max(0, min(done, total))


def seconds_per_epoch(epoch_times: EpochTimes, recent_epochs: int = RECENT_EPOCHS,
                      recent_seconds: float = RECENT_SECONDS) -> float | None:
    """The run's recent pace: seconds per epoch over its latest epochs.

    The window reaches back from the newest epoch until it spans both `recent_epochs`
    epochs and `recent_seconds` seconds (or the history runs out): a few slow or fast
    epochs move the pace a little, not the estimate by half. Epochs written in one go
    share a time, so the window is measured between distinct times.

    Args:
        epoch_times: `(epoch, time written)` pairs, oldest first.
        recent_epochs: the fewest epochs the window spans. Default: 10.
        recent_seconds: the fewest seconds the window spans. Default: 20.

    Returns:
        Seconds per epoch, or None before two epochs were written at different times.

    Example:

    >>> seconds_per_epoch([(1, 0.0), (2, 0.0), (3, 1.0), (4, 1.0)])   # two per flush
    0.5
    >>> seconds_per_epoch([(1, 5.0)]) is None
    True
    """
    if len(epoch_times) < 2:
        return None
    last_epoch, last_time = epoch_times[-1]
    first_epoch, first_time = last_epoch, last_time
    for epoch, at in reversed(epoch_times[:-1]):
        if at == first_time:
            continue  # the window starts at the newest epoch written at a time
        first_epoch, first_time = epoch, at
        if last_epoch - epoch >= recent_epochs and last_time - at >= recent_seconds:
            break
    if last_epoch <= first_epoch or last_time <= first_time:
        return None
    return (last_time - first_time) / (last_epoch - first_epoch)


def seconds_left(epoch_times: EpochTimes, total: int | None, now: float) -> float | None:
    """Seconds until the run's last epoch ends, at its recent pace; None while unknown.

    The time already spent on the epoch in progress (at most one epoch's worth) is taken
    off, so the estimate counts down between two epochs instead of standing still.

    Example:

    >>> times = [(epoch, float(epoch)) for epoch in range(1, 41)]   # 1 s an epoch
    >>> seconds_left(times, total=50, now=40.5)
    9.5
    """
    if total is None or not epoch_times:
        return None
    pace = seconds_per_epoch(epoch_times)
    if pace is None:
        return None
    last_epoch, last_time = epoch_times[-1]
    remaining = max(total - last_epoch, 0)
    if remaining == 0:
        return 0.0
    into_current = min(max(now - last_time, 0.0), pace)
    return remaining * pace - into_current


def about(seconds: float) -> Phrase:
    """A time left in a person's units: seconds under a minute and a half, else minutes.

    Example:

    >>> str(about(42.4)), str(about(1243)), str(about(5400))
    ('about 42 s', 'about 21 min', 'about 90 min')
    """
    if seconds < 90:
        return Phrase("progress.about_seconds", {"n": max(1, round(seconds))})
    return Phrase("progress.about_minutes", {"n": round(seconds / 60)})


@dataclass(frozen=True)
class Progress:
    """A run's progress as shown: epochs (clamped), seconds since it started, time left.

    Example:

    >>> str(Progress(epoch=80, total=300, elapsed=12.34, seconds_left=45.0).text())
    'Epoch 80 of 300 · 12.3 s · about 45 s left'
    """

    epoch: int
    total: int | None
    elapsed: float
    seconds_left: float | None = None

    @property
    def fraction(self) -> float:
        """Share of the planned epochs done, 0..1 (0 for an open-ended run)."""
        return min(self.epoch / self.total, 1.0) if self.total else 0.0

    def text(self) -> Phrase:
        """The progress line, as a phrase: epochs, seconds so far, and the time left if known."""
        # Rounded to tenths here, not in the text: a float value reads with its own decimals.
        values = {"epoch": self.epoch, "total": self.total, "elapsed": round(self.elapsed, 1)}
        key = "progress.line" if self.total else "progress.line_open"
        if self.seconds_left:
            key, values["left"] = f"{key}_left", about(self.seconds_left)
        return Phrase(key, values)


def progress(run, epoch_times: EpochTimes, now: float) -> Progress:
    """The progress of a stored run (`tflab.store.Run`) with its epochs' times, at `now`.

    The time left is given only while the run trains.

    Example:

    >>> from types import SimpleNamespace
    >>> run = SimpleNamespace(status="completed", epochs=300, epochs_done=301,
    ...                       started=0.0, ended=42.0)
    >>> str(progress(run, [], now=99.0).text())
    'Epoch 300 of 300 · 42.0 s'
    """
    elapsed = 0.0 if run.started is None else (run.ended if run.ended is not None
                                               else now) - run.started
    left = seconds_left(epoch_times, run.epochs, now) if run.status == "running" else None
    return Progress(epochs_shown(run.epochs_done, run.epochs), run.epochs, max(elapsed, 0.0),
                    left)


def epoch_in_progress(run, batch_epoch: int | None) -> int | None:
    """The epoch whose batches are worth a chart: the run trains it and it is not done.

    None once every planned epoch is done or the run has ended (its last batches then
    belong to an epoch already in the curves), and before the first batch.

    Example:

    >>> from types import SimpleNamespace
    >>> training = SimpleNamespace(status="running", epochs=300, epochs_done=299)
    >>> epoch_in_progress(training, 300), epoch_in_progress(training, 299)
    (300, None)
    >>> done = SimpleNamespace(status="running", epochs=300, epochs_done=300)
    >>> epoch_in_progress(done, 301) is None
    True
    """
    if run.status != "running" or batch_epoch is None or batch_epoch <= run.epochs_done:
        return None
    if run.epochs is not None and batch_epoch > run.epochs:
        return None
    return batch_epoch


def waiting_text(place: int | None, training_now: int) -> Phrase:
    """What a queued run waits for: nothing ahead of it means the worker is starting it.

    Args:
        place: its place in the queue, from 1 (None: not found in it).
        training_now: runs training at this moment.

    Example:

    >>> str(waiting_text(1, 1))
    'Queued: place 1 in the queue. It starts when the runs before it end.'
    """
    if not training_now and (place is None or place <= 1):
        return STARTING
    return Phrase("progress.queued_place", {"place": place})


def short_status(run, place: int | None, training_now: int) -> Phrase:
    """A run's state in a few words, for a list of runs (the sidebar).

    Example:

    >>> from types import SimpleNamespace
    >>> str(short_status(SimpleNamespace(status="running", epochs=300, epochs_done=301), None, 1))
    'epoch 300 of 300'
    >>> str(short_status(SimpleNamespace(status="queued"), 1, 0))
    'starting'
    """
    if run.status == "running":
        epoch = epochs_shown(run.epochs_done, run.epochs)
        if run.epochs:
            return Phrase("progress.short.epoch_of", {"epoch": epoch, "epochs": run.epochs})
        return Phrase("progress.short.epoch", {"epoch": epoch})
    if run.status == "queued":
        if waiting_text(place, training_now) == STARTING:
            return Phrase("progress.short.starting")
        return Phrase("progress.short.queued", {"place": place})
    return status_word(run.status)


def status_word(status: str) -> Phrase:
    """A run's status (`tflab.store.STATUSES`) as a word: "completed", "diverged"...

    Example:

    >>> str(status_word("diverged"))
    'diverged'
    """
    return Phrase(f"progress.status.{status}")


# The sentences the worker and the store write into a run's message (tflab/train.py,
# stream.py, executor.py, store/recovery.py, worker.py), in English: read back as phrases, so a page
# says them in the reader's language. Any other message (an error's own words) stays as written.
_NUMBER = r"(\d+)"
_MESSAGES = tuple((re.compile(pattern), key, names) for pattern, key, names in (
    (rf"Stopped early after epoch {_NUMBER}: (\w+) did not improve for {_NUMBER} epochs; "
     r"the best weights were kept\.", "stopped_early", ("epoch", "monitor", "patience")),
    (rf"Stopped on request during epoch {_NUMBER}\.", "stopped_on_request", ("epoch",)),
    (r"Stopped before it started: the app shut down\.", "app_shut_down", ()),
    (r"Stopped before it started\.", "stopped_before_start", ()),
    (r"The worker crashed; see the server log\.", "worker_crashed", ()),
    (r"The app stopped before this run started\.", "app_stopped", ()),
    (rf"The process running this run ended before it finished \(epoch {_NUMBER} of {_NUMBER}\)\.",
     "process_ended_of", ("epoch", "epochs")),
    (rf"The process running this run ended before it finished \(epoch {_NUMBER}\)\.",
     "process_ended", ("epoch",)),
    (rf"The (loss|val loss) became (\S+) at epoch {_NUMBER}, batch {_NUMBER}: the weights blew "
     r"up\. Lower the learning rate, or scale the inputs\.", "diverged_batch",
     ("name", "value", "epoch", "batch")),
    (rf"The (loss|val loss) became (\S+) at epoch {_NUMBER}: the weights blew up\. Lower the "
     r"learning rate, or scale the inputs\.", "diverged", ("name", "value", "epoch")),
    # A worker seen to end by its executor's watch (RunStore.worker_ended), and a run stopped
    # because the app or the worker itself was ended, not by a person (tflab/worker.py).
    (rf"The training process was killed \(([^)]+)\) during epoch {_NUMBER}\.", "worker_killed",
     ("signal", "epoch")),
    (rf"The training process exited \(code {_NUMBER}\) during epoch {_NUMBER}\.",
     "worker_exited", ("code", "epoch")),
    (rf"Stopped: the app \(its server\) shut down during epoch {_NUMBER}\.", "app_gone",
     ("epoch",)),
    (rf"Stopped: the training process was told to end \((SIG\w+)\) during epoch {_NUMBER}\.",
     "told_to_end", ("signal", "epoch")),
))
MESSAGE_KEYS = tuple(f"progress.message.{key}" for _, key, _ in _MESSAGES)


def run_message(message: str) -> tuple[Phrase | str, ...]:
    """A run's stored message in parts: a phrase for a sentence the app writes at its start,
    then what follows it as written (a hint after "Stopped early..."). A page says each
    part and joins them with a space.

    Example:

    >>> [said] = run_message("Stopped on request during epoch 3.")
    >>> said.key, said.values
    ('progress.message.stopped_on_request', {'epoch': 3})
    >>> run_message("ValueError: bad shape")
    ('ValueError: bad shape',)
    """
    for pattern, key, names in _MESSAGES:
        found = pattern.match(message)
        if found is None:
            continue
        values: dict[str, object] = {}
        for name, text in zip(names, found.groups()):
            values[name] = int(text) if text.isdigit() else text
        if "name" in values:  # the loss's name is a word of the reader's language too
            values["name"] = Phrase(f"progress.message.{values['name'].replace(' ', '_')}")
        said = Phrase(f"progress.message.{key}", values)
        rest = message[found.end():].strip()
        return (said, rest) if rest else (said,)
    return (message,)


def said_of(run) -> tuple[Phrase | str, ...]:
    """A stored run's message in parts to say: the phrases kept with it (`Run.said`), else
    its English message read back (`run_message`; runs from before phrases were kept).

    Example:

    >>> from types import SimpleNamespace
    >>> [part.key for part in said_of(SimpleNamespace(said=(), message="Stopped on request during epoch 2."))]
    ['progress.message.stopped_on_request']
    """
    return tuple(run.said) if run.said else run_message(run.message)
