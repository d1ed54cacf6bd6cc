"""The sidebar every page shares: the runs training now and those waiting their turn.

Reads only the store, so it never loads TensorFlow.

Example:

>>> active_runs_ui()      # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.state import run_store


@st.fragment(run_every=2)
def active_runs_ui() -> None:
    """Call inside `with st.sidebar:`; refreshes itself every 2 s."""
    runs = run_store().list_runs(limit=20, statuses=("running", "queued"))
    st.caption("Training now" if runs else "Nothing training. Pick a recipe to start.")
    queued = [r for r in reversed(runs) if r.status == "queued"]
    for run in runs:
        where = (f"epoch {run.epochs_done}/{run.epochs}" if run.status == "running"
                 else f"queued, place {queued.index(run) + 1}")
        st.page_link("app_pages/train.py", label=f"{run.recipe} · {where}",
                     icon=":material/play_circle:" if run.status == "running"
                     else ":material/schedule:", query_params={"run": run.id})
