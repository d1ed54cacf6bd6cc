"""The Predict page: a finished run's model on numbers and on uploaded pictures.

AppTest 1.67 drives `st.file_uploader` (`FileUploader.set_value` / `upload`), so the
pictures go through the page as a person's uploads would.
"""

import json

import pytest

from apptest_support import no_exception, open_page, png_bytes, texts, train_now
from tflab.recipes import get_recipe

PREDICT = "app_pages/predict.py"
NO_MODEL = "No finished run with a model yet. Train a recipe first."


@pytest.fixture(scope="module")
def trained(lab_home):
    """A linear run (the notes' 500 epochs) and a 2-epoch digits run, trained once."""
    from tflab.store import RunStore

    with RunStore(lab_home) as store:
        return {"linear": train_now(store, get_recipe("linear").spec),
                "multiclass": train_now(store, get_recipe("multiclass").spec
                                        .with_setting("fit.epochs", 2))}


@pytest.fixture(scope="module")
def digit():
    """A real handwritten digit the model did not train on, as a PNG, and its label."""
    from tflab.data import load_dataset

    data = load_dataset("digits", {}, 0.2, 42)
    return png_bytes(data.x_val[0]), str(int(data.y_val[0]))


def top_k(at) -> list:
    """(labels, probabilities) of each top-k chart on the page."""
    out = []
    for chart in at.get("plotly_chart"):
        [bars] = json.loads(chart.proto.spec)["data"]
        out.append((bars["y"], bars["x"]))
    return out


def test_without_a_finished_run_says_so():
    at = no_exception(open_page(PREDICT))
    assert texts(at.info) == [NO_MODEL]


def test_runs_without_a_model_are_not_offered(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)  # queued
        failed = store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)
        store.finish(failed, "failed", "It broke.")

    at = no_exception(open_page(PREDICT))

    assert texts(at.info) == [NO_MODEL]
    assert not at.selectbox


def test_a_damaged_model_file_is_reported_on_the_page(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        run_id = store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)
        store.finish(run_id, "completed")
        store.model_path(run_id).write_bytes(b"not a keras file")

    at = no_exception(open_page(PREDICT, run=run_id))

    [error] = texts(at.error)
    assert error.startswith(f"{run_id}.keras is not a Keras model file that can be loaded")
    assert not at.dataframe


def test_linear_predicts_about_19_for_10_and_shows_what_it_learned(lab, trained):
    at = no_exception(open_page(PREDICT, run=trained["linear"]))

    assert at.selectbox(key="predict.run").value == trained["linear"]
    [answers] = [frame.value for frame in at.dataframe if "prediction" in frame.value.columns]
    assert list(answers["x"]) == [10.0, 0.0, -1.0]
    prediction = dict(zip(answers["x"], answers["prediction"]))
    assert prediction[10.0] == pytest.approx(19, abs=0.1)
    metrics = {m.label: m for m in at.metric}
    weight = float(metrics["Learned weight"].value)
    bias = float(metrics["Learned bias"].value)
    assert weight == pytest.approx(2, abs=0.02) and bias == pytest.approx(-1, abs=0.05)
    assert metrics["Learned weight"].delta == f"{weight - 2:+.4f} from 2"
    assert prediction[10.0] == pytest.approx(10 * weight + bias, abs=1e-3)
    assert prediction[-1.0] == pytest.approx(-weight + bias, abs=1e-3)


def test_a_digit_gets_a_top_3_chart_and_a_text_file_an_error(lab, trained, digit):
    picture, label = digit
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))
    assert at.selectbox(key="predict.run").value == trained["multiclass"]
    assert "Upload one or more pictures of: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9." in texts(at.caption)

    at.file_uploader(key="predict.files").set_value([
        ("digit.png", picture, "image/png"),
        ("notes.png", b"Shopping list: milk, eggs.", "image/png")])
    no_exception(at.run())

    [(labels, probabilities)] = top_k(at)  # one chart: the text file has none
    assert len(labels) == 3 and set(labels) <= set("0123456789")
    assert label in labels  # the model is about 90% right after 2 epochs
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < sum(probabilities) <= 1 + 1e-6
    [error] = texts(at.error)
    assert "notes.png" in error and "not an image" in error
    assert [caption for image in at.image for caption in image.captions] == \
        ["digit.png", "what the model sees"]


def test_two_pictures_with_the_same_name_each_get_a_chart(lab, trained, digit):
    picture, _ = digit
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))

    at.file_uploader(key="predict.files").set_value([("image.png", picture, "image/png"),
                                                     ("image.png", picture, "image/png")])
    no_exception(at.run())

    assert len(at.get("plotly_chart")) == 2
