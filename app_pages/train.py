"""Train: start and stop runs, and watch one live: curves, batches, progress, its view.

Each refresh reads the run once (`RunStore.snapshot`) and draws the progress text, the
charts and the view from that one read, so they name the same epoch.
"""

import time

import streamlit as st

from components import figures
from components.draft import draft_spec
from components.evaluation import can_evaluate, evaluation_ui
from components.live_chart import live_chart
from components.messages import code, safe
from components.sidebar import LIVE_REFRESH
from components.state import executor, run_store
from tflab.progress import epoch_in_progress, progress, waiting_text
from tflab.store import FINISHED, RunNotFound
from tflab.titles import run_title

store = run_store()
st.title("Train")

spec = draft_spec()
start, pick = st.columns([1, 5])
if start.button("Train", type="primary", icon=":material/play_arrow:", disabled=spec is None,
                key="train.start", help="Queue the experiment from Build and watch it train"
                if spec else "The experiment in Build has an invalid setting"):
    st.query_params["run"] = executor().submit(spec)

runs = store.list_runs(limit=100)
if not runs:
    st.info("No runs yet. Open a recipe and press Train.")
    st.stop()
ids = [r.id for r in runs]
wanted = st.query_params.get("run", ids[0])
if wanted not in ids:
    st.warning(f"There is no run {code(wanted)}; showing the latest.")
    wanted = ids[0]
# No status in the label: the page keeps a widget's label until a full rerun, and the run's
# status changes under it; the progress line below shows the status live.
labels = {r.id: run_title(r) for r in runs}
run_id = pick.selectbox("Run", ids, index=ids.index(wanted), format_func=labels.get,
                        key=f"train.pick.{wanted}", label_visibility="collapsed")
if run_id != st.query_params.get("run"):
    st.query_params["run"] = run_id
active = store.get_run(run_id).status not in FINISHED


def progress_ui(snap) -> None:
    """Where the run is: waiting in the queue, or its epochs, time and how it ended."""
    run = snap.run
    if run.status == "queued":
        st.info(waiting_text(snap.place, snap.training_now), icon=":material/schedule:")
        return
    shown = progress(run, snap.epoch_times, time.time())
    st.progress(shown.fraction, text=shown.text())
    if run.status in ("failed", "diverged", "interrupted"):
        st.error(safe(f"{run.status.capitalize()}: {run.message}"))
    elif run.message:
        st.info(safe(run.message))
    elif run.status in ("completed", "stopped"):
        st.success(f"{run.status.capitalize()} in {shown.elapsed:.1f} s.")


def view_figure(view):
    """The run's live view: decision boundary, confusion matrix, fitted curve or forecast."""
    kind, epoch, payload = view
    if kind == "boundary":
        figure = figures.decision_boundary_chart(payload["grid_x"], payload["grid_y"],
                                                 payload["probabilities"], payload["points_x"],
                                                 payload["points_y"], payload["labels"])
    elif kind == "matrix":
        figure = figures.confusion_chart(payload["matrix"], payload["class_names"])
    elif kind == "curve":
        figure = figures.regression_chart(payload["x"], payload["y"], payload["curve_x"],
                                          payload["curve_y"], payload["x_val"], payload["y_val"])
    else:
        figure = figures.series_chart(payload["values"], payload["forecast"], payload["split"],
                                      payload["split"])
    figure.update_layout(title=f"{figure.layout.title.text or 'The model'} · epoch {epoch}")
    return figure


def charts_of(snap) -> list:
    """(key, figure, follows) for each chart of one snapshot: metrics, the epoch in
    progress, view; `follows` says whether its x axis counts epochs or batches."""
    run = snap.run
    charts = [(f"train.metric.{metric}",
               figures.metric_chart(snap.history, metric, total_epochs=run.epochs), True)
              for metric in figures.metric_names(snap.history) or ["loss"]]
    current = epoch_in_progress(run, snap.batch_epoch)
    if current is not None and snap.batches:
        charts.append(("train.batches", figures.batch_chart(snap.batches, current), True))
    if snap.view is not None:
        charts.append(("train.view", view_figure(snap.view), False))
    return charts


@st.fragment(run_every=LIVE_REFRESH if active else None)
def live() -> None:
    try:
        snap = store.snapshot(run_id)
    except RunNotFound:
        st.warning("This run was deleted.")
        return
    run = snap.run
    if active and run.status in FINISHED:
        # The run ended: redraw the page once, without polling, with its evaluation. Before
        # anything is drawn: a "Completed" shown first would invite a click on another page
        # that this rerun, arriving after it, would undo.
        st.rerun()
    if st.button("Stop", icon=":material/stop:", disabled=run.status in FINISHED, key="train.stop",
                 help="End the run after its current batch; the model is kept"):
        executor().stop(run_id)
    follow = st.toggle("Follow the newest epoch", value=True, key="train.follow",
                       help="Slide a zoomed chart along as epochs arrive; off, it stays put")
    progress_ui(snap)
    if run.status == "queued":
        executor().ensure_worker()  # after the words above, which say what the store said
    columns = st.columns(2)
    for index, (key, figure, follows) in enumerate(charts_of(snap)):
        with columns[index % 2]:
            live_chart(figure, key=key, follow=follow and follows)


live()

if not active:
    finished = store.get_run(run_id)
    if can_evaluate(finished):
        st.subheader("Where it goes wrong")
        evaluation_ui(finished)
