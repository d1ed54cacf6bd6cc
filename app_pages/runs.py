"""Runs: every run in a table; overlay their curves; name, download or delete one."""

import streamlit as st

from components import figures
from components.compare import compare_ui
from components.messages import safe
from components.runs_table import (chart_name, differences, file_stem, history_csv, run_rows,
                                   spec_json)
from components.state import run_store
from tflab.store import MAX_LABEL
from tflab.titles import run_title

store = run_store()
st.title("Runs")
if compare := st.query_params.get("compare"):
    st.subheader("With and without augmentation")
    compare_ui(compare.split(",")[:2])
runs = store.list_runs(limit=200)
if not runs:
    st.info("No runs yet.")
    st.stop()

event = st.dataframe(run_rows(store, runs), hide_index=True, on_select="rerun",
                     selection_mode="multi-row", key="runs.table")
# Rows are positions in this run's table: a deleted or new run can shift them.
chosen = [runs[i] for i in event.selection.rows if i < len(runs)] or runs[:1]

st.subheader("Compare")
histories = {chart_name(r): store.history(r.id) for r in chosen}
names = sorted({name for h in histories.values() for name in figures.metric_names(h)},
               key=lambda n: (n != "loss", n))
left, right = st.columns([1, 2])
metric = left.selectbox("Metric", names or ["loss"], key="runs.metric")
smoothing = right.slider("Smoothing", 0.0, 0.99, 0.6, 0.01, key="runs.smoothing",
                         help="TensorBoard's exponential moving average; the raw curve stays faint")
st.plotly_chart(figures.overlay_chart(histories, metric, smoothing), key="runs.overlay")
if len(chosen) > 1:
    changed = differences({run_title(r): r.spec for r in chosen})
    st.caption("What differs between these runs" if changed else
               "These runs have the same settings (the same seed trains the same run).")
    if changed:
        st.dataframe(changed, hide_index=True, key="runs.differences")
else:
    st.caption("Select rows in the table to overlay their curves and see what differs.")

run = chosen[0]
st.subheader(f"Run {run.id}")


def save_label(run_id: str, key: str) -> None:
    store.set_label(run_id, st.session_state[key])


# One box per run: its value is that run's label, whichever row is picked.
label_key = f"runs.label.{run.id}"
st.text_input("Label", run.label, max_chars=MAX_LABEL, key=label_key, on_change=save_label,
              args=(run.id, label_key), placeholder="A short name, e.g. 2 x 32 relu",
              help="Your name for this run: it heads the run's name in the table, the charts, "
                   "the other pages and the downloads' file names.")
if run.message:
    st.caption(safe(run.message))
stem = file_stem(run)
cells = st.columns(5)
model = store.model_path(run.id)
cells[0].download_button("Model (.keras)", model.read_bytes() if model.exists() else b"",
                         file_name=f"{stem}.keras", disabled=not model.exists(),
                         key="runs.model", icon=":material/download:")
cells[1].download_button("History (CSV)", history_csv(store.history(run.id)),
                         file_name=f"{stem}.csv", mime="text/csv", key="runs.csv",
                         icon=":material/download:")
cells[2].download_button("Spec (JSON)", spec_json(run), file_name=f"{stem}.json",
                         mime="application/json", key="runs.spec", icon=":material/download:")
if cells[3].button("Code (.py)", key="runs.code.make", icon=":material/code:"):
    from components.messages import error_text
    from tflab.codegen import export_script
    from tflab.data import DatasetUnavailable
    from tflab.spec import ExperimentSpec, SpecError

    try:
        st.session_state["runs.code"] = (run.id, export_script(ExperimentSpec.from_dict(run.spec)))
    except (SpecError, DatasetUnavailable) as error:  # an older run's path; pictures deleted
        st.error(error_text(error), icon=":material/error:")
code = st.session_state.get("runs.code")
if code and code[0] == run.id:
    cells[3].download_button("Save script", code[1], file_name=f"{stem}.py",
                             mime="text/x-python", key="runs.code.save", icon=":material/download:")
if cells[4].button("Delete", key="runs.delete", icon=":material/delete:",
                   disabled=run.status in ("running", "queued")):
    store.delete_run(run.id)
    st.rerun()
