"""The Runs page's Export button: a run's model as a SavedModel, a TensorFlow Lite or an ONNX
file, made when asked for (a conversion takes a second or more), then saved.

The formats and how each is made and loaded back are the engine's (`tflab.exports`); a
format that cannot be made on this installation (TensorFlow.js; ONNX without its
converter) says why instead of offering a button.
"""

from __future__ import annotations

import streamlit as st

from components.language import say, t, words
from components.messages import error_text, safe
from tflab.exports import ELSEWHERE, KINDS, ExportError, export_run, unavailable
from tflab.store import Run, RunStore

# The .keras file has its own button in the run's row: the popover offers the others.
FORMATS = tuple(kind for kind in KINDS if kind != "keras") + ELSEWHERE
MADE = "runs.export.made"  # session_state: (run id, format, Export) of the last file made


def exports_ui(store: RunStore, run: Run, stem: str, where) -> None:
    """An Export popover in `where` (a column) for `run`'s model, files named `stem`."""
    has_model = store.model_path(run.id).exists()
    with where.popover(t("exports.ui.button"), icon=":material/ios_share:",
                       help=t("exports.ui.help"), disabled=not has_model):
        said = words()  # bound now: the options are worded again outside this run too
        kind = st.selectbox(t("exports.ui.format"), FORMATS, key="runs.export.format",
                            format_func=lambda name: said(f"exports.format.{name}"))
        st.caption(safe(t(f"exports.load.{kind}")))
        why = unavailable(kind)
        if why is not None:
            st.info(safe(say(why)), icon=":material/info:")
            return
        if st.button(t("exports.ui.prepare"), key="runs.export.prepare",
                     icon=":material/build:"):
            with st.spinner(t("exports.ui.preparing")):
                try:
                    st.session_state[MADE] = (run.id, kind, export_run(store, run.id, kind, stem))
                except ExportError as error:  # a model the format cannot hold, a broken file
                    st.session_state.pop(MADE, None)
                    st.error(error_text(error), icon=":material/error:")
        made = st.session_state.get(MADE)
        if made is not None and made[:2] == (run.id, kind):
            export = made[2]
            st.download_button(t("exports.ui.save", file=export.name), export.data,
                               file_name=export.name, mime=export.mime,
                               key="runs.export.save", icon=":material/download:")
            if export.note is not None:
                st.caption(safe(say(export.note)))
