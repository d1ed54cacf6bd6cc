"""The sidebar every page shares: the runs training now and those waiting their turn.

Reads only the store, so it never loads TensorFlow. The list refreshes itself on pages
that ask for it (`live`). A page that opens another page from the server
(st.switch_page) must not: a refresh timer firing in between reruns the old page after
the new one, which the browser takes for a page change; it drops the new page's
elements and the page goes white (see the README's Train section).

Example:

>>> active_runs_ui(live=True)      # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.state import run_store

REFRESH = 2.0  # seconds


def active_runs_ui(live: bool = True) -> None:
    """Call inside `with st.sidebar:`. `live`: refresh the list every 2 s without a page run."""
    if live:
        st.fragment(run_every=REFRESH)(_runs_list)()
    else:
        _runs_list()


def _runs_list() -> None:
    runs = run_store().list_runs(limit=20, statuses=("running", "queued"))
    st.caption("Training now" if runs else "Nothing training. Pick a recipe to start.")
    queued = [r for r in reversed(runs) if r.status == "queued"]
    for run in runs:
        where = (f"epoch {run.epochs_done}/{run.epochs}" if run.status == "running"
                 else f"queued, place {queued.index(run) + 1}")
        st.page_link("app_pages/train.py", label=f"{run.recipe} · {where}",
                     icon=":material/play_circle:" if run.status == "running"
                     else ":material/schedule:", query_params={"run": run.id})
