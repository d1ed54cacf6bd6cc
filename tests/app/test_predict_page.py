"""The Predict page: a finished run's model on numbers and on uploaded pictures.

AppTest 1.67 drives `st.file_uploader` (`FileUploader.set_value` / `upload`), so the
pictures go through the page as a person's uploads would.
"""

import io
import json

import numpy as np
import pytest
from PIL import Image

from apptest_support import no_exception, open_page, png_bytes, texts, train_now
from components.messages import plain, safe
from drawings import drawn_three, png_bytes as drawing_png
from tflab.recipes import get_recipe
from tflab.titles import run_title

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
    assert error.startswith(safe(f"{run_id}.keras is not a Keras model file that can be loaded"))
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
    assert plain("Upload one or more pictures of: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9.") in \
        texts(at.caption)

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
    assert error.startswith(safe("'notes.png' is not an image"))
    assert [caption for image in at.image for caption in image.captions] == \
        [plain("digit.png"), "what the model sees"]


def test_where_the_model_looked_adds_one_picture_beside_each_answer(lab, trained, digit):
    picture, _ = digit
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))
    at.file_uploader(key="predict.files").set_value([
        ("first.png", picture, "image/png"), ("notes.png", b"not a picture", "image/png"),
        ("second.png", picture, "image/png")])
    no_exception(at.run())
    before = [caption for image in at.image for caption in image.captions]

    at.toggle(key="predict.looked").set_value(True)
    no_exception(at.run())

    after = [caption for image in at.image for caption in image.captions]
    assert len(after) == len(before) + 2 == 6  # the file that is not a picture gets none
    assert after.count("where the model looked") == 2
    assert any("no convolution layer" in caption for caption in texts(at.caption))


def test_two_pictures_with_the_same_name_each_get_a_chart(lab, trained, digit):
    picture, _ = digit
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))

    at.file_uploader(key="predict.files").set_value([("image.png", picture, "image/png"),
                                                     ("image.png", picture, "image/png")])
    no_exception(at.run())

    assert len(at.get("plotly_chart")) == 2


def sixteen_bit_png(width, height, value) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((height, width), value, dtype=np.uint16)).save(buffer, "PNG")
    return buffer.getvalue()


def strip_png(width=4000, height=10) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 200).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_16_bit_png_and_a_4000x10_strip_answer_and_so_do_the_pictures_after_them(
        lab, trained, digit):
    picture, label = digit
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))

    at.file_uploader(key="predict.files").set_value([
        ("first.png", picture, "image/png"),
        ("deep.png", sixteen_bit_png(300, 200, 30000), "image/png"),
        ("strip.png", strip_png(), "image/png"),
        ("notes.png", b"Shopping list: milk, eggs.", "image/png"),
        ("last.png", picture, "image/png")])
    no_exception(at.run())  # both raised in Streamlit's own decoding of the raw upload before

    charts = top_k(at)
    assert len(charts) == 4  # every picture but the text file
    assert label in charts[0][0] and label in charts[-1][0]
    shown = [caption for image in at.image for caption in image.captions]
    assert shown[::2] == [plain(name) for name in ("first.png", "deep.png", "strip.png",
                                                   "last.png")]
    [error] = texts(at.error)
    assert error.startswith(safe("'notes.png' is not an image"))


def test_the_selector_names_runs_by_label_recipe_and_data(lab, trained):
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))
    titles = {run_title(lab.get_run(run_id)) for run_id in trained.values()}
    assert titles <= set(at.selectbox(key="predict.run").options)
    assert not [toggle for toggle in at.toggle if toggle.label == "Invert colours"]


def colours_radios(at):
    return [radio for radio in at.radio if radio.key.startswith("predict.colours.")]


def test_a_drawing_is_inverted_with_a_note_and_can_be_kept_as_it_is(lab, trained):
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))
    at.file_uploader(key="predict.files").set_value([
        ("three.png", drawing_png(drawn_three()), "image/png")])
    no_exception(at.run())

    assert safe("Inverted: it is dark on a light background, and this model learned light on "
                "dark.") in texts(at.caption)
    [radio] = colours_radios(at)
    assert radio.value == "auto" and radio.options == ["Automatic", "As it is", "Inverted"]
    assert not at.warning
    # Drawings are fitted and stretched anyway, so there is no auto-contrast switch.
    assert not [toggle for toggle in at.toggle if toggle.label == "Auto-contrast"]

    no_exception(radio.set_value("as_is").run())

    [radio] = colours_radios(at)
    assert radio.value == "as_is"
    assert not [text for text in texts(at.caption) if text.startswith("Inverted")]
    [warning] = texts(at.warning)
    assert warning == safe("Unsure. It looks unlike the training pictures: it is much brighter "
                           "than they are.")


def test_noise_is_marked_unsure(lab, trained):
    at = no_exception(open_page(PREDICT, run=trained["multiclass"]))
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (120, 160, 3),
                                                              dtype=np.uint8))
    at.file_uploader(key="predict.files").set_value([("noise.png", drawing_png(noise),
                                                      "image/png")])
    no_exception(at.run())
    [warning] = texts(at.warning)
    assert warning == safe("Unsure. It looks unlike the training pictures: its background is "
                           "not plain, as theirs is.")


def test_a_colour_model_has_no_colours_choice(lab):
    spec = get_recipe("cnn").spec.to_dict()
    spec["data"]["options"].update(image_size=64, samples_per_class=20)
    spec["model"]["input_shape"] = [64, 64, 3]
    spec["fit"]["epochs"] = 1
    spec["augmentation"] = {"rescale": 1 / 255}  # RandomShear does not load safely on main yet
    from tflab.spec import ExperimentSpec

    run_id = train_now(lab, ExperimentSpec.from_dict(spec))
    at = no_exception(open_page(PREDICT, run=run_id))
    at.file_uploader(key="predict.files").set_value([
        ("three.png", drawing_png(drawn_three()), "image/png")])
    no_exception(at.run())

    assert len(top_k(at)) == 1
    assert not colours_radios(at)
    assert not [text for text in texts(at.caption) if "nverted" in text]
    assert [toggle.label for toggle in at.toggle if toggle.label == "Auto-contrast"]

    # A model with convolutions: Grad-CAM, the layer named (the 12x12 one of the four).
    at.toggle(key="predict.looked").set_value(True)
    no_exception(at.run())
    assert [caption for image in at.image for caption in image.captions].count(
        "where the model looked") == 1
    assert any(text.startswith(safe("Grad-CAM on the convolution layer"))
               for text in texts(at.caption))


def test_the_model_as_it_was_at_a_kept_epoch_answers_differently(lab, trained):
    """The linear run keeps its first epoch's weights: after one epoch of sgd the line is
    nowhere near y = 2x - 1, so its answer for 10 is not the final model's 19."""
    assert lab.weight_epochs(trained["linear"])[0] == 1
    at = no_exception(open_page(PREDICT, run=trained["linear"]))
    model = at.selectbox(key=f"predict.model.{trained['linear']}.None")
    assert model.value is None and model.options[0].startswith("final model (epoch 500")
    assert "epoch 1 (the first)" in model.options

    def answer_for_10(at) -> float:
        [answers] = [f.value for f in at.dataframe if "prediction" in f.value.columns]
        return dict(zip(answers["x"], answers["prediction"]))[10.0]

    final = answer_for_10(at)
    model.select(1).run()
    first = answer_for_10(no_exception(at))
    assert final == pytest.approx(19, abs=0.1)
    assert abs(first - final) > 1

    # A link from Train's epoch slider opens on that epoch; an epoch not kept says so.
    linked = no_exception(open_page(PREDICT, run=trained["linear"], epoch="1"))
    assert linked.selectbox(key=f"predict.model.{trained['linear']}.1").value == 1
    assert answer_for_10(linked) == pytest.approx(first, abs=1e-4)
    missing = no_exception(open_page(PREDICT, run=trained["linear"], epoch="250"))
    assert texts(missing.warning) == [
        "The weights of epoch `250` were not kept; this is the final model."]
    assert answer_for_10(missing) == pytest.approx(final, abs=1e-4)
