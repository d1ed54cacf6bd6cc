"""Train: start and stop runs, and watch one live: curves, batches, progress, its view."""

import streamlit as st

from components import figures
from components.draft import draft_spec
from components.evaluation import can_evaluate, evaluation_ui
from components.state import executor, run_store
from tflab.store import FINISHED, RunNotFound

store = run_store()
st.title("Train")

spec = draft_spec()
start, pick = st.columns([1, 5])
if start.button("Start", type="primary", icon=":material/play_arrow:", disabled=spec is None,
                key="train.start", help="Train the experiment from Build" if spec else
                "The experiment in Build has an invalid setting"):
    st.query_params["run"] = executor().submit(spec)

runs = store.list_runs(limit=100)
if not runs:
    st.info("No runs yet. Open a recipe and press Start.")
    st.stop()
ids = [r.id for r in runs]
wanted = st.query_params.get("run", ids[0])
if wanted not in ids:
    st.warning(f"There is no run {wanted!r}; showing the latest.")
    wanted = ids[0]
# No status in the label: the page keeps a widget's label until a full rerun, and the run's
# status changes under it; the progress line below shows the status live.
labels = {r.id: f"{r.recipe} · {r.id}" for r in runs}
run_id = pick.selectbox("Run", ids, index=ids.index(wanted), format_func=labels.get,
                        key=f"train.pick.{wanted}", label_visibility="collapsed")
if run_id != st.query_params.get("run"):
    st.query_params["run"] = run_id
active = store.get_run(run_id).status not in FINISHED


def progress_ui(run) -> None:
    if run.status == "queued":
        place = executor().position(run.id) or "?"
        st.info(f"Queued: place {place} in the queue. It starts when the runs before it end.")
        return
    total = run.epochs or 1
    done = run.epochs_done
    elapsed = run.duration or 0.0
    eta = elapsed / done * (total - done) if done and run.status == "running" else None
    text = f"Epoch {done} of {total} · {elapsed:.1f} s" + (f" · about {eta:.0f} s left" if eta else "")
    st.progress(min(done / total, 1.0), text=text)
    if run.status in ("failed", "diverged", "interrupted"):
        st.error(f"{run.status.capitalize()}: {run.message}")
    elif run.message:
        st.info(run.message)
    elif run.status in ("completed", "stopped"):
        st.success(f"{run.status.capitalize()} in {elapsed:.1f} s.")


def view_figure(view):
    """The run's live view: decision boundary, fitted curve or forecast."""
    kind, epoch, payload = view
    if kind == "boundary":
        figure = figures.decision_boundary_chart(payload["grid_x"], payload["grid_y"],
                                                 payload["probabilities"], payload["points_x"],
                                                 payload["points_y"], payload["labels"])
    elif kind == "curve":
        figure = figures.regression_chart(payload["x"], payload["y"], payload["curve_x"],
                                          payload["curve_y"], payload["x_val"], payload["y_val"])
    else:
        figure = figures.series_chart(payload["values"], payload["forecast"], payload["split"],
                                      payload["split"])
    figure.update_layout(title=f"{figure.layout.title.text or 'The model'} · epoch {epoch}")
    return figure


@st.fragment(run_every=0.5 if active else None)
def live() -> None:
    try:
        run = store.get_run(run_id)
    except RunNotFound:
        st.warning("This run was deleted.")
        return
    if st.button("Stop", icon=":material/stop:", disabled=run.status in FINISHED, key="train.stop",
                 help="End the run after its current batch; the model is kept"):
        executor().stop(run_id)
    progress_ui(run)
    history = store.history(run_id)
    charts = [(f"train.metric.{metric}",
               figures.metric_chart(history, metric, total_epochs=run.epochs))
              for metric in figures.metric_names(history) or ["loss"]]
    if run.status == "running" and (batches := store.batches(run_id)):
        charts.append(("train.batches", figures.batch_chart(batches, run.epochs_done + 1)))
    if (view := store.view(run_id)) is not None:
        charts.append(("train.view", view_figure(view)))
    columns = st.columns(2)
    for index, (key, figure) in enumerate(charts):
        with columns[index % 2]:
            st.plotly_chart(figure, key=key)
    if active and run.status in FINISHED:
        st.rerun()  # the run ended: redraw the page once, without polling, with its evaluation


live()

if not active:
    finished = store.get_run(run_id)
    if can_evaluate(finished):
        st.subheader("Where it goes wrong")
        evaluation_ui(finished)
