"""The Train page: runs queued from Build, trained by the worker process, watched and stopped.

The runs of this module share one store and one worker process (`lab`), so TensorFlow is
imported by the worker once.
"""

import json
import os
import re
import time

import pytest

from apptest_support import no_exception, open_page, texts, wait_for
from components.messages import safe
from components.urlspec import encode
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.titles import run_title

TRAIN = "app_pages/train.py"
LINEAR_50 = get_recipe("linear").spec.with_setting("fit.epochs", 50)
LINEAR_LONG = get_recipe("linear").spec.with_setting("fit.epochs", 10_000)
LINEAR_SHORT = get_recipe("linear").spec.with_setting("fit.epochs", 5)
MNIST = get_recipe("multiclass").spec.with_setting("data.dataset", "mnist")


def charts(at) -> dict:
    """The page's live charts as {key without its run id: figure dict}: AppTest does not
    draw a custom component, so this reads the figure each one was sent."""
    return {chart.proto.id.split("-", 2)[2].rsplit(".", 1)[0]:
            json.loads(chart.proto.json)["figure"] for chart in at.get("bidi_component")}


def training_epochs(at) -> list[int]:
    """The epochs on the loss chart's training curve."""
    [curve] = [t for t in charts(at)["train.metric.loss"]["data"] if t["name"] == "training"]
    return curve["x"]


def progress_text(at) -> str:
    [bar] = at.get("progress")
    return bar.proto.text


def sidebar_labels(at) -> list[str]:
    """The sidebar's run links as a person reads them (markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", link.proto.label) for link in at.sidebar.get("page_link")]


def submit(spec) -> str:
    """Queue `spec` through the pages' executor, as the Train button does."""
    from components.state import executor

    return executor().submit(spec)


@pytest.fixture(scope="module")
def from_build(lab_home):
    """Train pressed on Build for linear at 50 epochs: (run id, the page after, its status then)."""
    from tflab.store import RunStore

    assert os.environ["TFLAB_HOME"] == str(lab_home)
    at = no_exception(open_page("app_pages/build.py", spec=encode(LINEAR_50)))
    assert at.caption[0].value.startswith("Recipe: linear.")
    no_exception(at.button(key="build.train").click().run())
    with RunStore(lab_home) as store:
        [run] = store.list_runs()
        status_at_click = run.status
        wait_for(store, run.id)
    return run.id, at, status_at_click


def test_without_runs_says_how_to_start():
    at = no_exception(open_page(TRAIN))

    assert texts(at.info) == ["No runs yet. Open a recipe and press Train."]
    assert at.button(key="train.start").label == "Train"  # Build's name for it too (issue 8)
    assert not at.get("progress")
    assert not at.button(key="train.start").disabled  # the draft (linear) is ready to train


def test_train_on_build_queues_the_run_and_opens_it(lab, from_build):
    run_id, at, status_at_click = from_build

    run = lab.get_run(run_id)
    assert (run.recipe, run.epochs, run.spec) == ("linear", 50, LINEAR_50.to_dict())
    assert status_at_click in ("queued", "running")
    assert texts(at.title) == ["Train"]
    assert at.query_params["run"] == run_id


def test_a_finished_run_shows_its_epochs_and_loss_curve(lab, from_build):
    run_id, _, _ = from_build
    assert lab.get_run(run_id).status == "completed", lab.get_run(run_id).message

    at = no_exception(open_page(TRAIN, run=run_id))

    assert progress_text(at).startswith("Epoch 50 of 50 · ")
    assert at.get("progress")[0].proto.value == 100
    assert texts(at.success)[0].startswith("Completed in ")
    loss = charts(at)["train.metric.loss"]
    training = [trace for trace in loss["data"] if trace["name"] == "training"]
    assert len(training) == 1 and training[0]["x"] == list(range(1, 51))
    assert "train.view" in charts(at)  # the fitted line
    assert at.button(key="train.stop").disabled
    assert not at.error


def test_a_failed_run_shows_its_message(lab, from_build):
    run_id = submit(MNIST)  # MNIST is not in the (empty) Keras cache
    run = wait_for(lab, run_id)
    assert run.status == "failed" and "MNIST" in run.message

    at = no_exception(open_page(TRAIN, run=run_id))

    assert texts(at.error) == [safe(f"Failed: {run.message}")]
    assert not at.success


def test_an_unknown_run_falls_back_to_the_latest(lab, from_build):
    at = no_exception(open_page(TRAIN, run="nope"))

    assert texts(at.warning) == ["There is no run `nope`; showing the latest."]
    assert at.query_params["run"] == lab.list_runs()[0].id


def test_queued_runs_show_their_place_and_stop_ends_a_run(lab, from_build):
    long_id = submit(LINEAR_LONG)
    wait_for(lab, long_id, statuses=("running",))
    first, second = submit(LINEAR_SHORT), submit(LINEAR_SHORT)

    page = no_exception(open_page(TRAIN, run=second))
    assert texts(page.info) == ["Queued: place 2 in the queue. It starts when the runs before it end."]
    sidebar = sidebar_labels(page)
    long_title = run_title(lab.get_run(long_id))
    assert any(label.startswith("epoch ") and label.endswith(f" · {long_title}")
               for label in sidebar)
    assert sum(label.startswith("queued, place") for label in sidebar) == 2

    no_exception(page.button(key="train.stop").click().run())  # a queued run never starts
    assert lab.get_run(second).status == "stopped"
    assert lab.get_run(second).message == "Stopped before it started."
    assert texts(no_exception(open_page(TRAIN, run=first)).info)[0].startswith(
        "Queued: place 1 in the queue.")

    # This test is about a run stopped after some epochs: on a busy machine the pages above
    # can take less time than the worker's first epoch (CI stopped one inside epoch 1).
    wait_for(lab, long_id, statuses=("running",), epochs=1)
    page = no_exception(open_page(TRAIN, run=long_id))
    assert not page.button(key="train.stop").disabled
    no_exception(page.button(key="train.stop").click().run())
    stopped = wait_for(lab, long_id, timeout=60)

    assert stopped.status == "stopped"
    assert stopped.message.startswith("Stopped on request during epoch ")
    assert 0 < stopped.epochs_done < 10_000
    assert lab.model_path(long_id).exists()  # a stopped run keeps its model
    page = no_exception(open_page(TRAIN, run=long_id))
    assert progress_text(page).startswith(f"Epoch {stopped.epochs_done} of 10000 · ")
    assert texts(page.info) == [safe(stopped.message)]
    assert page.button(key="train.stop").disabled
    assert wait_for(lab, first).status == "completed"  # the worker goes on with the queue


def test_a_queued_run_with_nothing_ahead_says_the_training_process_starts(tflab_home):
    """Issue 8: "Queued: place 1 in the queue" showed for 3-36 s with nothing ahead while
    the worker process started."""
    with RunStore(tflab_home) as store:
        run_id = store.create_run("linear", LINEAR_SHORT.to_dict(), 5)
        try:
            at = no_exception(open_page(TRAIN, run=run_id))  # no worker yet: the page starts it

            assert texts(at.info) == ["Starting the training process…"]
            assert sidebar_labels(at) == [f"starting · {run_title(store.get_run(run_id))}"]
        finally:
            from components.state import executor

            executor().shutdown()


def test_text_charts_and_sidebar_name_the_same_epoch_and_never_one_past_the_end(tflab_home):
    """Issue 8: "Epoch 301, batch by batch" showed after a 300-epoch run, and the text,
    the charts and the sidebar named different epochs."""
    with RunStore(tflab_home) as store:
        run_id = store.create_run("linear", LINEAR_SHORT.to_dict(), 5)
        assert store.claim_next() == run_id  # this test plays the worker
        now = time.time()
        store.add_epochs(run_id, [(epoch, {"loss": 1 / epoch}) for epoch in (1, 2, 3)], at=now - 2)
        store.add_batches(run_id, [(4, 1, {"loss": 0.3})])
        title = run_title(store.get_run(run_id))

        at = no_exception(open_page(TRAIN, run=run_id))

        assert re.fullmatch(r"Epoch 3 of 5 · [\d.]+ s", progress_text(at))
        assert training_epochs(at) == [1, 2, 3]
        assert charts(at)["train.batches"]["layout"]["title"]["text"] == "Epoch 4, batch by batch"
        assert sidebar_labels(at) == [f"epoch 3 of 5 · {title}"]

        # The last epoch ends while the worker still saves the model: the run is running,
        # its last batches belong to an epoch already on the curve.
        store.add_epochs(run_id, [(4, {"loss": 0.25}), (5, {"loss": 0.2})])
        store.add_batches(run_id, [(5, 1, {"loss": 0.2})])
        at = no_exception(open_page(TRAIN, run=run_id))

        assert progress_text(at).startswith("Epoch 5 of 5 · ")
        assert training_epochs(at) == [1, 2, 3, 4, 5]
        assert "train.batches" not in charts(at)
        assert sidebar_labels(at) == [f"epoch 5 of 5 · {title}"]
        store.finish(run_id, "completed")


def test_a_picture_classifier_shows_the_confusion_matrix_of_its_latest_epoch(tflab_home):
    """Issue 9: picture classifiers had no live view; the engine now sends a matrix."""
    digits = get_recipe("multiclass").spec.with_setting("fit.epochs", 2)
    with RunStore(tflab_home) as store:
        run_id = store.create_run("multiclass", digits.to_dict(), 2)
        assert store.claim_next() == run_id  # this test plays the worker
        store.add_epochs(run_id, [(1, {"loss": 0.9}), (2, {"loss": 0.5})])
        matrix = [[3, 1], [0, 4]]
        store.set_view(run_id, "matrix", 2, {"matrix": matrix, "class_names": ["0", "1"],
                                             "accuracy": 0.875, "examples": 8,
                                             "part": "validation"})

        at = no_exception(open_page(TRAIN, run=run_id))

        view = charts(at)["train.view"]
        assert view["layout"]["title"]["text"].endswith("· epoch 2")
        [heatmap] = [trace for trace in view["data"] if trace["type"] == "heatmap"]
        assert heatmap["text"] == [["3", "1"], ["0", "4"]]


def boundary(at) -> tuple:
    """The view's title and its decision boundary's probabilities, as the page sent them
    (Plotly's JSON carries a numpy array as base64 of its bytes, which Plotly.js reads)."""
    import base64

    import numpy as np

    view = charts(at)["train.view"]
    [contour] = [trace for trace in view["data"] if trace["type"] in ("contour", "heatmap")]
    z = contour["z"]
    values = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]) \
        if isinstance(z, dict) else np.asarray(z, dtype=float)
    return view["layout"]["title"]["text"], values


def test_the_epoch_slider_shows_the_boundary_as_it_was_then_and_links_to_that_model(lab):
    """Issue 9: a finished spiral run; the slider opens at its newest kept view and goes
    back to epoch 1, whose boundary is another one; kept weights there give a link to
    Predict with that model."""
    from apptest_support import train_now

    spiral = get_recipe("binary_points").spec.with_setting("data.options.pattern", "spiral") \
        .with_setting("fit.epochs", 30)
    run_id = train_now(lab, spiral)
    kept = lab.view_epochs(run_id)
    assert kept[0] == 1 and len(kept) >= 2

    at = no_exception(open_page(TRAIN, run=run_id))
    slider = at.select_slider(key=f"train.epoch.{run_id}")
    assert list(slider.options) == [str(epoch) for epoch in kept] and slider.value == kept[-1]
    last_title, last = boundary(at)
    assert last_title.endswith(f"· epoch {kept[-1]}")

    no_exception(slider.set_value(1).run())
    first_title, first = boundary(at)
    assert first_title.endswith("· epoch 1")
    assert first.shape == last.shape and abs(first - last).max() > 0.1
    assert at.select_slider(key=f"train.epoch.{run_id}").value == 1
    [link] = [link for link in at.get("page_link") if "epoch 1" in link.proto.label]
    assert link.proto.label == "Predict with the model as it was at epoch 1"
    assert link.proto.query_string == f"run={run_id}&epoch=1"

    # Back at the newest: the view follows the run again.
    no_exception(at.select_slider(key=f"train.epoch.{run_id}").set_value(kept[-1]).run())
    assert boundary(at)[0] == last_title


def test_the_coach_names_overfitting_and_one_click_queues_early_stopping(tflab_home):
    """Issue 10: a run whose validation loss turned up while its training loss fell; the
    coach says so with the epochs, and its button queues the same experiment with early
    stopping, linked for comparison on Runs. A clean run gets no coach."""
    from components.state import executor

    spec = get_recipe("linear").spec.with_setting("fit.epochs", 10)
    val = [0.6, 0.5, 0.45, 0.44, 0.46, 0.5, 0.55, 0.6, 0.66, 0.7]
    with RunStore(tflab_home) as store:
        run_id, clean = (store.create_run("linear", spec.to_dict(), 10) for _ in range(2))
        store.add_epochs(run_id, [(e, {"loss": 0.6 - 0.05 * e, "val_loss": v})
                                  for e, v in enumerate(val, start=1)])
        store.add_epochs(clean, [(e, {"loss": 1 / e, "val_loss": 1.1 / e}) for e in range(1, 11)])
        for finished in (run_id, clean):  # this test plays the worker
            store.finish(finished, "completed")

        at = no_exception(open_page(TRAIN, run=run_id))
        assert "Coach" in [h.value for h in at.subheader]
        assert "**Overfitting** · from epoch 6" in [m.value for m in at.markdown]
        assert any("lowest at epoch 4" in m.value for m in at.markdown)
        button = at.button(key=f"coach.{run_id}.overfitting")
        assert button.label == "Try: Stop early at the best epoch"
        try:
            no_exception(button.click().run())
        finally:
            executor().shutdown()  # the worker the click started: this test needs no training
        [queued] = [r for r in store.list_runs() if r.id not in (run_id, clean)]
        assert queued.spec["fit"]["early_stopping"] is True and queued.spec["fit"]["patience"] == 3
        [link] = [link for link in at.get("page_link") if "compare the two" in link.proto.label]
        assert link.proto.query_string == f"compare={run_id}%2C{queued.id}"

        assert "Coach" not in [h.value for h in
                               no_exception(open_page(TRAIN, run=clean)).subheader]
