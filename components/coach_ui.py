"""The coach on Train: what the run's curves say, each with one click to try the fix.

The findings come from the engine (`tflab.coach.diagnose`, pure and tested on made-up
histories); this only draws them. A click queues the variant as a new run and links to
Runs, where the two are compared side by side.

Example:

>>> coach_ui(run, history, spec)          # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.messages import safe
from components.state import executor
from tflab.coach import MIN_EPOCHS, TITLES, apply_variant, diagnose


def coach_ui(run, history: dict, spec) -> None:
    """The findings for `run` from `history` (every epoch read so far) and its `spec`.

    Nothing is drawn before the run has `MIN_EPOCHS` epochs, nor when there is nothing
    to say; a finding's button stays until the page leaves the run, and says which run it
    queued.
    """
    epochs = max((points[-1][0] for points in history.values() if points), default=0)
    if epochs < MIN_EPOCHS:
        return
    findings = diagnose(history, spec)
    if not findings:
        return
    st.subheader("Coach")
    for finding in findings:
        with st.container(border=True):
            where = f" · from epoch {finding.epoch}" if finding.epoch else ""
            st.markdown(f"**{TITLES[finding.kind]}**{where}")
            st.write(safe(finding.why))
            if finding.variant is None:
                continue
            queued_key = f"coach.queued.{run.id}.{finding.kind}"
            if st.button(f"Try: {finding.variant.label}", key=f"coach.{run.id}.{finding.kind}",
                         icon=":material/science:",
                         help="Queue this experiment with the change, as a new run: "
                              + ", ".join(_change(path, value)
                                          for path, value in finding.variant.settings)):
                st.session_state[queued_key] = executor().submit(apply_variant(spec, finding))
            if queued := st.session_state.get(queued_key):
                st.page_link("app_pages/runs.py", icon=":material/compare_arrows:",
                             label=f"Queued as run {queued}: compare the two on Runs",
                             query_params={"compare": f"{run.id},{queued}"})


def _change(path: str, value) -> str:
    """One setting of a variant as the button's help says it: short values shown."""
    shown = repr(value)
    return f"{path} = {shown}" if len(shown) <= 40 else f"{path} (changed)"
