"""Pages watching runs train share the server's refreshes (issue 12: 10 viewers, 3 updated)."""

import threading

import pytest

from tflab.watchers import (FORGET_AFTER, REFRESHES_PER_SECOND, SLOWEST, Watchers,
                            refresh_seconds)

ALONE = 0.2  # the Train page's interval alone (components.sidebar.WATCH_REFRESH)


def test_one_or_two_pages_refresh_as_often_as_one_alone():
    assert refresh_seconds(1, alone=ALONE) == ALONE
    assert refresh_seconds(2, alone=ALONE) == ALONE


@pytest.mark.parametrize("viewers", range(1, 21))
def test_all_pages_together_stay_within_the_budget(viewers):
    seconds = refresh_seconds(viewers, alone=ALONE)
    assert viewers / seconds <= REFRESHES_PER_SECOND
    assert ALONE <= seconds <= SLOWEST


def test_ten_pages_each_refresh_every_second_and_a_crowd_every_two():
    assert refresh_seconds(10, alone=ALONE) == 1.0
    assert refresh_seconds(100, alone=ALONE) == SLOWEST


def test_more_pages_never_refresh_more_often():
    steps = [refresh_seconds(n, alone=ALONE) for n in range(1, 60)]
    assert steps == sorted(steps) and len(set(steps)) == 4  # few changes of pace


def test_a_slow_alone_interval_is_kept():
    assert refresh_seconds(3, alone=0.7) == 0.7


@pytest.mark.parametrize("viewers, alone, named", [(0, ALONE, "viewers=0"),
                                                   (2.5, ALONE, "viewers=2.5"),
                                                   (1, 0, "alone=0")])
def test_a_wrong_argument_is_named_with_what_was_received(viewers, alone, named):
    with pytest.raises(ValueError, match=named):
        refresh_seconds(viewers, alone=alone)


def test_a_page_counts_once_however_often_it_refreshes():
    watchers = Watchers()
    for tick in range(5):
        assert watchers.seen("ana", now=float(tick)) == 1
    assert watchers.seen("ben", now=5.0) == 2


def test_a_page_that_stopped_refreshing_is_forgotten():
    watchers = Watchers()
    watchers.seen("ana", now=0.0)
    assert watchers.seen("ben", now=FORGET_AFTER) == 2  # ana's last refresh: just in time
    assert watchers.seen("ben", now=FORGET_AFTER + 0.5) == 1


def test_a_page_whose_run_ended_leaves_at_once():
    watchers = Watchers()
    watchers.seen("ana", now=0.0)
    watchers.left("ana")
    watchers.left("never seen")
    assert watchers.seen("ben", now=0.1) == 1


def test_sessions_on_threads_of_their_own_are_all_counted():
    watchers = Watchers()
    threads = [threading.Thread(target=lambda name=f"page{n}": [
        watchers.seen(name, now=1.0) for _ in range(200)]) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert watchers.seen("page0", now=1.0) == 10


def test_forget_after_must_be_positive():
    with pytest.raises(ValueError, match="forget_after=0"):
        Watchers(forget_after=0)
