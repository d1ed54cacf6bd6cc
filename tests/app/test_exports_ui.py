"""The Runs page's Export: a format chosen, Prepare makes the file, Save downloads it; a
format that cannot be made here says why; in Spanish too."""

import numpy as np
import pytest

from apptest_support import no_exception, open_page, texts, train_now
from every_text import missing_keys
from shown import shown
from components.exports_ui import FORMATS
from tflab.recipes import get_recipe

RUNS = "app_pages/runs.py"
MADE = "runs.export.made"
pytestmark = pytest.mark.filterwarnings("ignore:.*Interpreter is deprecated:UserWarning")


@pytest.fixture(scope="module")
def trained(lab_home):
    """A tiny linear run, trained once for the module (the newest run, shown first)."""
    from tflab.store import RunStore

    with RunStore(lab_home) as store:
        return train_now(store, get_recipe("linear").spec.with_setting("fit.epochs", 10))


def choose(at, kind: str):
    """`kind` chosen in Export's format box (through its state: the test's selectbox would
    word the options outside the page's run, where the page's language is not known)."""
    assert kind in FORMATS
    at.session_state["runs.export.format"] = kind
    return no_exception(at.run())


def prepared(kind: str, **query):
    """The Runs page with `kind` chosen in Export and Prepare pressed."""
    at = choose(no_exception(open_page(RUNS, **query)), kind)
    return no_exception(at.button(key="runs.export.prepare").click().run())


def save_buttons(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button") if b.proto.label.startswith(
        ("Save ", "Guardar "))]


def test_preparing_tensorflow_lite_gives_a_file_that_answers_as_keras(lab, trained):
    import tensorflow as tf

    from tflab.models import load_model

    at = prepared("tflite")

    [label] = save_buttons(at)
    assert label.startswith("Save ") and label.endswith(".tflite") and trained in label
    run_id, kind, made = at.session_state[MADE]
    assert (run_id, kind) == (trained, "tflite")
    interpreter = tf.lite.Interpreter(model_content=made.data)
    interpreter.allocate_tensors()
    x = np.array([[10.0]], dtype="float32")
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    answer = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(answer, load_model(lab.model_path(trained))(x).numpy(), atol=1e-4)
    assert any("tf.lite.Interpreter" in text for text in texts(at.caption))  # how to load it


def test_tensorflow_js_says_why_it_cannot_be_made_and_offers_no_button(lab, trained):
    at = choose(no_exception(open_page(RUNS)), "tfjs")

    [info] = [shown(text) for text in texts(at.info)]
    assert info.startswith("TensorFlow.js cannot be made here") and "2.21" in info
    assert not [b for b in at.button if b.key == "runs.export.prepare"]


def test_a_file_that_is_no_model_gets_a_message_and_no_download(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        spec = get_recipe("linear").spec.with_setting("fit.epochs", 1)
        run_id = store.create_run("linear", spec.to_dict(), 1)
        store.mark_running(run_id)
        store.finish(run_id, "completed")
        store.model_path(run_id).write_bytes(b"not a model")

        at = prepared("savedmodel")

    [error] = [shown(text) for text in texts(at.error)]
    assert f"{run_id}.keras is not a Keras model file" in error
    assert not save_buttons(at) and MADE not in at.session_state


def test_in_spanish_export_speaks_spanish(lab, trained):
    at = prepared("tflite", lang="es")

    [label] = save_buttons(at)
    assert label.startswith("Guardar ") and label.endswith(".tflite")
    assert at.selectbox(key="runs.export.format").options[0] == \
        "SavedModel de TensorFlow (archivo .zip)"
    assert any(shown(text).startswith("Para móviles") for text in texts(at.caption))
    assert not missing_keys(at)
    choose(at, "tfjs")
    [info] = [shown(text) for text in texts(at.info)]
    assert info.startswith("Aquí no se puede crear TensorFlow.js")
    assert not missing_keys(at)
