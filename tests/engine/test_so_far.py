"""RunSoFar / read_newer: a page reads only the epochs it has not drawn, and holds them all."""

import doctest

import tflab.so_far
from tflab.so_far import RunSoFar, read_newer
from tflab.store import RunStore


def test_docstring_examples_run():
    result = doctest.testmod(tflab.so_far)
    assert result.attempted >= 3 and result.failed == 0


def epochs(first: int, last: int) -> list:
    return [(n, {"loss": 1 / n, "val_loss": 2 / n}) for n in range(first, last + 1)]


def test_each_read_carries_only_the_new_epochs_and_the_held_history_is_the_stores(tmp_path):
    with RunStore(tmp_path) as store:
        run_id = store.create_run("linear", {}, 10_000)
        held, read = RunSoFar(), []
        for first, last in [(1, 3), (4, 4), (5, 9), (10, 9)]:  # the last read finds nothing new
            store.add_epochs(run_id, epochs(first, last))
            snap, held = read_newer(store, run_id, held)
            read.append([epoch for epoch, _ in snap.history.get("loss", [])])
        assert read == [[1, 2, 3], [4], [5, 6, 7, 8, 9], []]
        assert held.history == store.history(run_id)
        assert held.epoch_times == store.epoch_times(run_id)
        assert held.last_epoch == 9
        # Nothing newer: the held epochs are kept as they are, not copied.
        assert read_newer(store, run_id, held)[1] is held


def test_a_whole_snapshot_added_again_adds_nothing_twice(tmp_path):
    with RunStore(tmp_path) as store:
        run_id = store.create_run("linear", {}, 5)
        store.add_epochs(run_id, epochs(1, 3))
        held = RunSoFar().with_newer(store.snapshot(run_id))
        again = held.with_newer(store.snapshot(run_id))
        assert again.history == held.history == store.history(run_id)
        assert RunSoFar().last_epoch == 0


def test_a_page_holding_more_epochs_than_the_store_starts_over(tmp_path):
    """A run trained again under its id has fewer epochs than the page holds: the page
    reads it whole instead of waiting for an epoch past its own."""
    with RunStore(tmp_path) as store:
        first = store.create_run("linear", {}, 5)
        store.add_epochs(first, epochs(1, 5))
        _, held = read_newer(store, first, RunSoFar())
        again = store.create_run("linear", {}, 5)  # stands for the run started over
        store.add_epochs(again, [(1, {"loss": 7.0})])
        snap, fresh = read_newer(store, again, held)
        assert fresh.history == {"loss": [(1, 7.0)]} and fresh.last_epoch == 1
