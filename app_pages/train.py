"""Train: start and stop runs, and watch one live: curves, batches, progress, its view.

Each refresh reads the run once (`RunStore.snapshot`) and draws the progress text, the
charts and the view from that one read, so they name the same epoch. The pages watching
runs train share the server's refreshes (`tflab.watchers`): alone, a page refreshes every
`WATCH_REFRESH`; with many, less often, so that every one keeps up.
"""

import time
from uuid import uuid4

import streamlit as st

from components import class_charts, curves, data_figures
from components.coach_ui import coach_ui
from components.draft import draft_spec
from components.evaluation import can_evaluate, evaluation_ui
from components.language import say, t, words
from components.live_chart import live_chart
from components.messages import code, safe
from components.sidebar import WATCH_REFRESH, active_runs_ui
from components.state import executor, watchers
from components.store_failure_ui import store_or_stop
from tflab.progress import epoch_in_progress, progress, said_of, status_word, waiting_text
from tflab.so_far import RunSoFar, read_newer
from tflab.run import open_run
from tflab.store import FINISHED, RunNotFound
from tflab.titles import run_title
from tflab.watchers import refresh_seconds

SHOWN = "train.shown"  # the run this page showed last: gone since, it was deleted
VIEWER = "train.viewer"  # this page's name among the server's watchers

st.title(t("nav.train"))
store = store_or_stop()

spec = draft_spec()
start, pick = st.columns([1, 5])
if start.button(t("train.start"), type="primary", icon=":material/play_arrow:",
                disabled=spec is None, key="train.start",
                help=t("train.start_help") if spec else t("train.start_invalid")):
    st.query_params["run"] = executor().submit(spec)

runs = store.list_runs(limit=100)
ids = [r.id for r in runs]
wanted = st.query_params.get("run")
# The run this page showed last is gone: deleted (on Runs, from the command line, by another
# person) while it was watched. Said as such, and no other run shown in its place.
deleted = wanted is not None and wanted not in ids and wanted == st.session_state.get(SHOWN)
if deleted:
    st.warning(t("run_failures.deleted", run=code(wanted)), icon=":material/delete:")
if not runs:
    if not deleted:
        st.info(t("train.no_runs"))
    st.stop()
if wanted is None:
    wanted = ids[0]
elif wanted not in ids and not deleted:
    st.warning(t("train.no_such_run", run=code(wanted)))
    wanted = ids[0]
# No status in the label: the page keeps a widget's label until a full rerun, and the run's
# status changes under it; the progress line below shows the status live.
labels = {r.id: run_title(r, words()) for r in runs}
run_id = pick.selectbox(t("train.run"), ids, index=None if deleted else ids.index(wanted),
                        format_func=labels.get,
                        key=f"train.pick.{'deleted.' if deleted else ''}{wanted}",
                        placeholder=t("run_failures.pick_another"), label_visibility="collapsed")
if run_id is None:  # the watched run was deleted and no other is picked yet
    with st.sidebar:
        active_runs_ui()
    st.stop()
if run_id != st.query_params.get("run"):
    st.query_params["run"] = run_id
st.session_state[SHOWN] = run_id
if deleted:  # another run picked in the deleted one's place: the page without its notice
    st.rerun()
watched = store.get_run(run_id)
active = watched.status not in FINISHED
with st.sidebar:
    # While its run trains, this page refreshes itself up to five times a second; a second
    # timer, the list's, interleaved with it broke the page's element tree in Streamlit
    # 1.67 ("Cannot set a node at a delta path", 4 of 9 tries of test_train_live.py;
    # 0 of 6 without). So the list is as of this page's run until the run ends. Once it
    # has, the list's refresh is the page's only one: it reruns the page if the run is
    # deleted, which then says so.
    active_runs_ui(live=not active, watching=run_id)


def progress_ui(snap, epoch_times) -> None:
    """Where the run is: waiting in the queue, or its epochs (`epoch_times`: all read so
    far), time and how it ended."""
    run = snap.run
    if run.status == "queued":
        st.info(say(waiting_text(snap.place, snap.training_now)), icon=":material/schedule:")
        return
    shown = progress(run, epoch_times, time.time())
    st.progress(shown.fraction, text=say(shown.text()))
    status = say(status_word(run.status)).capitalize()
    # The worker writes the message in English; the sentences it is made of are read back
    # as phrases (tflab.progress.said_of), an error's own words stay as written.
    message = " ".join(say(part) for part in said_of(run))
    if run.status in ("failed", "diverged", "interrupted"):
        st.error(safe(f"{status}: {message}"))
    elif message:
        st.info(safe(message))
    elif run.status in ("completed", "stopped"):
        st.success(t("train.ended_in", status=status,
                     seconds=words().number(shown.elapsed, 1)))


def view_figure(view):
    """The run's live view: decision boundary, confusion matrix, fitted curve or forecast."""
    kind, epoch, payload = view
    said = words()
    if kind == "boundary":
        figure = data_figures.decision_boundary_chart(
            payload["grid_x"], payload["grid_y"], payload["probabilities"], payload["points_x"],
            payload["points_y"], payload["labels"], words=said)
    elif kind == "matrix":
        figure = class_charts.confusion_chart(payload["matrix"], payload["class_names"],
                                              words=said)
    elif kind == "curve":
        figure = data_figures.regression_chart(payload["x"], payload["y"], payload["curve_x"],
                                               payload["curve_y"], payload["x_val"],
                                               payload["y_val"], words=said)
    else:
        figure = data_figures.series_chart(payload["values"], payload["forecast"],
                                           payload["split"], payload["split"], words=said)
    figure.update_layout(title=said("train.view_title", epoch=epoch))
    return figure


def metric_charts_ui(snap, held, follow: bool) -> None:
    """A chart per metric, in two columns, from every epoch read so far (`held`)."""
    columns = st.columns(2)
    said = words()
    for index, metric in enumerate(curves.metric_names(held.history) or ["loss"]):
        with columns[index % 2]:
            live_chart(lambda: curves.metric_chart(held.history, metric,
                                                   total_epochs=snap.run.epochs, words=said),
                       key=f"train.metric.{metric}.{run_id}", follow=follow,
                       signature=(run_id, held.last_epoch, snap.run.epochs))


def batches_ui(snap) -> None:
    """The epoch in progress, batch by batch; nothing between epochs and once done."""
    current = epoch_in_progress(snap.run, snap.batch_epoch)
    if current is not None and snap.batches:
        steps = max(points[-1][0] for points in snap.batches.values() if points)
        said = words()
        live_chart(lambda: curves.batch_chart(snap.batches, current, words=said),
                   key=f"train.batches.{run_id}", signature=(run_id, current, steps))


# Read once: a run's spec does not change while the page refreshes. None for a run whose
# stored spec no longer reads: its coach, which needs it, is left out.
opened = open_run(store, watched)
experiment = opened.spec if opened.spec_error is None else None


def pin_epoch(pin_key: str, slider_key: str, newest: int) -> None:
    """The person moved the epoch slider: a past epoch stays shown while newer ones
    arrive; the newest follows the run again."""
    chosen = st.session_state[slider_key]
    st.session_state[pin_key] = None if chosen >= newest else chosen


def view_ui(snap) -> None:
    """The live view and, under it, a slider over the epochs whose view was kept: the
    view as it was at any of them, and a link to predict with that epoch's model."""
    kept = list(snap.view_epochs)
    if snap.view is None or not kept:
        return
    pin_key, slider_key = f"train.pinned.{run_id}", f"train.epoch.{run_id}"
    pinned = st.session_state.get(pin_key)
    # Kept views thin out as a long run grows: a pinned epoch no longer kept shows the
    # nearest kept before it (view_at says which).
    view = store.view_at(run_id, pinned) if pinned is not None else snap.view
    view = view or snap.view
    shown = view[1]
    live_chart(lambda: view_figure(view), key=f"train.view.{run_id}",
               signature=(run_id, *view[:2]))
    if len(kept) < 2:
        return
    st.session_state[slider_key] = shown if shown in kept else kept[-1]
    st.select_slider(t("train.epoch_shown"), kept, key=slider_key, on_change=pin_epoch,
                     args=(pin_key, slider_key, kept[-1]), help=t("train.epoch_shown_help"))
    key = "train.kept_views_following" if pinned is None else "train.kept_views_pinned"
    st.caption(t(key, epoch=shown, kept=len(kept), first=kept[0], last=kept[-1]))
    if snap.run.status in ("completed", "stopped") and shown in store.weight_epochs(run_id):
        st.page_link("app_pages/predict.py", label=t("train.predict_at", epoch=shown),
                     icon=":material/history:",
                     query_params={"run": run_id, "epoch": str(shown)})


def watching() -> tuple[int, float]:
    """This page still watches its run train: how many pages do, and how often each
    refreshes (`tflab.watchers.refresh_seconds`)."""
    viewers = watchers().seen(st.session_state.setdefault(VIEWER, uuid4().hex),
                              time.monotonic())
    return viewers, refresh_seconds(viewers, alone=WATCH_REFRESH)


if active:
    viewers, refresh = watching()
else:
    viewers, refresh = 0, None
    watchers().left(st.session_state.get(VIEWER, ""))


@st.fragment(run_every=refresh)
def live() -> None:
    held_key = f"train.so_far.{run_id}"
    try:
        snap, held = read_newer(store, run_id, st.session_state.get(held_key) or RunSoFar())
    except RunNotFound:  # deleted while watched: the page says so and stops refreshing
        st.rerun()
    st.session_state[held_key] = held
    run = snap.run
    if active and run.status in FINISHED:
        # The run ended: redraw the page once, without polling, with its evaluation. Before
        # anything is drawn: a "Completed" shown first would invite a click on another page
        # that this rerun, arriving after it, would undo.
        st.rerun()
    if active and watching()[1] != refresh:
        # More or fewer pages watch than when this page last ran: run it again, which
        # sets its refresh to their new share.
        st.rerun()
    if st.button(t("train.stop"), icon=":material/stop:", disabled=run.status in FINISHED,
                 key="train.stop", help=t("train.stop_help")):
        executor().stop(run_id)
    follow = st.toggle(t("train.follow"), value=True, key="train.follow",
                       help=t("train.follow_help"))
    progress_ui(snap, held.epoch_times)
    if refresh is not None and refresh > WATCH_REFRESH:
        st.caption(t("viewers.sharing", viewers=viewers, seconds=words().number(refresh, 1)))
    if run.status == "queued":
        executor().ensure_worker()  # after the words above, which say what the store said
    metric_charts_ui(snap, held, follow)
    # A place of their own: the batch chart comes and goes between epochs, and a chart
    # that changed column at each refresh would be torn down and drawn again.
    batches, view = st.columns(2)
    with batches:
        batches_ui(snap)
    with view:
        view_ui(snap)
    if experiment is not None:
        coach_ui(run, held.history, experiment)


live()

if not active:  # the run had ended when the page ran: `watched` is as it ended
    if can_evaluate(watched):
        st.subheader(t("train.where_wrong"))
        evaluation_ui(watched)
