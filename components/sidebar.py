"""The sidebar every page shares: the runs training now and those waiting their turn.

Each run is named as on the Train page (`run_title`), after its state in the Train
page's words (`tflab.progress`). Reads only the store, so it never loads TensorFlow.

The list refreshes itself on pages that ask for it (`live`), at the Train page's pace
while runs train, so the sidebar and the page never lag each other by more than one
refresh. A page that opens another page from the server (st.switch_page) must not: a
refresh timer firing in between reruns the old page after the new one, which the browser
takes for a page change; it drops the new page's elements and the page goes white (see
the README's Train section).

Example:

>>> active_runs_ui(live=True)      # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.language import say, t, words
from components.messages import plain
from components.state import run_store
from tflab.progress import short_status
from tflab.store import RunNotFound
from tflab.store_health import StoreUnavailable
from tflab.titles import run_title

LIVE_REFRESH = 0.5  # seconds
# The Train page's pace while its run trains: an epoch reaches the chart within about
# this, plus the page's own work (benchmarks/page_speed.py measures it).
WATCH_REFRESH = 0.2  # seconds
IDLE_REFRESH = 2.0  # seconds, when nothing trains: a run queued elsewhere still shows


def refresh_seconds(live: bool, training: bool) -> float | None:
    """How often the list refreshes itself: None on a page that must keep no timer.

    Example:

    >>> refresh_seconds(live=True, training=True), refresh_seconds(live=False, training=True)
    (0.5, None)
    """
    if not live:
        return None
    return LIVE_REFRESH if training else IDLE_REFRESH


def active_runs_ui(live: bool = True, watching: str | None = None) -> None:
    """Call inside `with st.sidebar:`. `live`: refresh the list without a page run.
    `watching`: the run the page shows; a refresh that finds it deleted reruns the page,
    which says so (a page with a timer of its own needs none more: see the module's
    docstring).

    A store that cannot be opened gets one line here; the page says what and the fix
    (`components.store_failure_ui`), and the sidebar keeps no timer on it.
    """
    try:
        training = bool(_active_runs())
    except StoreUnavailable:
        st.caption(t("store_failures.sidebar"))
        return
    every = refresh_seconds(live, training)
    if every is None:
        _runs_list(watching)
    else:
        st.fragment(run_every=every)(_runs_list)(watching)


def _active_runs() -> list:
    return run_store().list_runs(limit=20, statuses=("running", "queued"))


def _runs_list(watching: str | None = None) -> None:
    if watching is not None:
        try:
            run_store().get_run(watching)
        except RunNotFound:
            st.rerun()
    runs = _active_runs()
    st.caption(t("sidebar.training_now") if runs else t("sidebar.nothing_training"))
    queued = [r.id for r in reversed(runs) if r.status == "queued"]  # oldest first
    training_now = sum(r.status == "running" for r in runs)
    for run in runs:
        place = queued.index(run.id) + 1 if run.id in queued else None
        # The state first: a link is one line, and a long title is cut at its end.
        text = f"{say(short_status(run, place, training_now))} · {run_title(run, words())}"
        st.page_link("app_pages/train.py", label=plain(text), help=plain(text),
                     icon=":material/play_circle:" if run.status == "running"
                     else ":material/schedule:", query_params={"run": run.id})
