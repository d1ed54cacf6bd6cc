"""Runs: every run in a table; overlay their curves; name, download, export or delete one."""

import streamlit as st

from components import curves
from components.compare import compare_ui
from components.exports_ui import exports_ui
from components.language import say, t, words
from components.messages import safe
from components.runs_table import (chart_name, differences, file_stem, history_csv, run_rows,
                                   spec_json)
from components.store_failure_ui import store_or_stop
from components.sweep_view import sweeps_ui
from tflab.progress import said_of
from tflab.store import MAX_LABEL
from tflab.titles import run_title

w = words()
st.title(t("nav.runs"))
store = store_or_stop()
if compare := st.query_params.get("compare"):
    st.subheader(t("runs.with_and_without"))
    compare_ui(compare.split(",")[:2])
shown_sweeps = sweeps_ui(store)  # above the runs: a sweep's variants are runs of the table too
runs = store.list_runs(limit=200)
if not runs:
    st.info(t("runs.empty"))
    st.stop()
if shown_sweeps:
    st.subheader(t("runs.sweep.all_runs"))

event = st.dataframe(run_rows(store, runs, w), hide_index=True, on_select="rerun",
                     selection_mode="multi-row", key="runs.table")
# Rows are positions in this run's table: a deleted or new run can shift them.
chosen = [runs[i] for i in event.selection.rows if i < len(runs)] or runs[:1]

st.subheader(t("runs.compare"))
histories = {chart_name(r, w): store.history(r.id) for r in chosen}
names = sorted({name for h in histories.values() for name in curves.metric_names(h)},
               key=lambda n: (n != "loss", n))
left, right = st.columns([1, 2])
metric = left.selectbox(t("runs.metric"), names or ["loss"], key="runs.metric",
                        format_func=lambda name: curves.metric_label(name, w))
smoothing = right.slider(t("runs.smoothing"), 0.0, 0.99, 0.6, 0.01, key="runs.smoothing",
                         help=t("runs.smoothing_help"))
st.plotly_chart(curves.overlay_chart(histories, metric, smoothing, words=w), key="runs.overlay")
if len(chosen) > 1:
    changed = differences({run_title(r, w): r.spec for r in chosen}, w)
    st.caption(t("runs.what_differs") if changed else t("runs.same_settings"))
    if changed:
        st.dataframe(changed, hide_index=True, key="runs.differences")
else:
    st.caption(t("runs.select_rows"))

run = chosen[0]
st.subheader(t("runs.run", id=run.id))


def save_label(run_id: str, key: str) -> None:
    store.set_label(run_id, st.session_state[key])


# One box per run: its value is that run's label, whichever row is picked.
label_key = f"runs.label.{run.id}"
st.text_input(t("runs.label"), run.label, max_chars=MAX_LABEL, key=label_key,
              on_change=save_label, args=(run.id, label_key),
              placeholder=t("runs.label_placeholder"), help=t("runs.label_help"))
if run.message:  # the app's own sentences read back as phrases, in the reader's language
    st.caption(safe(" ".join(say(part) for part in said_of(run))))
stem = file_stem(run, w)
cells = st.columns(6)
model = store.model_path(run.id)
cells[0].download_button(t("runs.model"), model.read_bytes() if model.exists() else b"",
                         file_name=f"{stem}.keras", disabled=not model.exists(),
                         key="runs.model", icon=":material/download:")
cells[1].download_button(t("runs.history"), history_csv(store.history(run.id)),
                         file_name=f"{stem}.csv", mime="text/csv", key="runs.csv",
                         icon=":material/download:")
cells[2].download_button(t("runs.spec"), spec_json(run), file_name=f"{stem}.json",
                         mime="application/json", key="runs.spec", icon=":material/download:")
if cells[3].button(t("runs.code"), key="runs.code.make", icon=":material/code:"):
    from components.messages import error_text
    from tflab.codegen import export_script
    from tflab.data import DatasetUnavailable
    from tflab.run import open_run
    from tflab.spec import SpecError

    try:
        st.session_state["runs.code"] = (run.id, export_script(open_run(store, run).spec))
    except (SpecError, DatasetUnavailable) as error:  # an older run's path; pictures deleted
        st.error(error_text(error), icon=":material/error:")
code = st.session_state.get("runs.code")
if code and code[0] == run.id:
    cells[3].download_button(t("runs.save_script"), code[1], file_name=f"{stem}.py",
                             mime="text/x-python", key="runs.code.save", icon=":material/download:")
exports_ui(store, run, stem, cells[4])
if cells[5].button(t("runs.delete"), key="runs.delete", icon=":material/delete:",
                   disabled=run.status in ("running", "queued")):
    store.delete_run(run.id)
    st.rerun()
