"""The coach on Train: what the run's curves say, each with one click to try the fix.

The findings come from the engine (`tflab.coach.diagnose`, pure and tested on made-up
histories); this only draws them. A click queues the variant as a new run and links to
Runs, where the two are compared side by side.

Example:

>>> coach_ui(run, history, spec)          # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.language import t, words
from components.messages import safe
from components.state import executor
from tflab.coach import MIN_EPOCHS, diagnose
from tflab.remedies import apply_variant


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
    said = words()
    st.subheader(t("coach.heading"))
    for finding in findings:
        with st.container(border=True):
            where = f" · {t('coach.from_epoch', epoch=finding.epoch)}" if finding.epoch else ""
            st.markdown(f"**{finding.title_in(said)}**{where}")
            # safe: the sentence may name the person's classes
            st.write(safe(finding.why_in(said)))
            if finding.variant is None:
                continue
            queued_key = f"coach.queued.{run.id}.{finding.kind}"
            changes = ", ".join(_change(path, value) for path, value in finding.variant.settings)
            if st.button(t("coach.try", label=finding.variant.label_in(said)),
                         key=f"coach.{run.id}.{finding.kind}", icon=":material/science:",
                         help=t("coach.try_help", changes=changes)):
                st.session_state[queued_key] = executor().submit(apply_variant(spec, finding))
            if queued := st.session_state.get(queued_key):
                st.page_link("app_pages/runs.py", icon=":material/compare_arrows:",
                             label=t("coach.queued_link", run=queued),
                             query_params={"compare": f"{run.id},{queued}"})


def _change(path: str, value) -> str:
    """One setting of a variant as the button's help says it: short values shown."""
    shown = repr(value)
    return f"{path} = {shown}" if len(shown) <= 40 else t("coach.changed", path=path)
