"""Exports load again: each format read back by its own loader answers as the Keras model.

The runs are trained for real (few epochs) in a store of the module's; each export is
loaded the way the README tells people to (`tf.saved_model.load(...).serve`,
`tf.lite.Interpreter`, `onnxruntime.InferenceSession`, `keras.saving.load_model`) and
compared with the run's Keras model on the run's validation examples: the same class for
the digits, the same numbers within 1e-4 for the line.
"""

import io
import zipfile

import keras
import numpy as np
import pytest

from tflab.data import load_dataset
from tflab.exports import KINDS, ExportError, export_model, export_run, unavailable
from tflab.models import load_model
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec
from tflab.store import RunNotFound, RunStore
from tflab.words import Words

# TensorFlow 2.21 warns that tf.lite.Interpreter will move to the ai_edge_litert package.
pytestmark = pytest.mark.filterwarnings("ignore:.*Interpreter is deprecated:UserWarning")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A store with a linear run and a multi-class (digits) run, trained once: (store,
    {recipe: run id})."""
    from tflab.job import run_job

    with RunStore(tmp_path_factory.mktemp("exports")) as store:
        runs = {}
        for name, epochs in (("linear", 20), ("multiclass", 2)):
            spec = get_recipe(name).spec.with_setting("fit.epochs", epochs)
            runs[name] = store.create_run(spec.recipe, spec.to_dict(), epochs)
            assert run_job(store, runs[name]).status == "completed"
        yield store, runs


def examples(store, run_id) -> np.ndarray:
    """The run's validation inputs (its training inputs when it kept none for validation)."""
    spec = ExperimentSpec.from_dict(store.get_run(run_id).spec)
    data = load_dataset(spec.data.dataset, dict(spec.data.options),
                        spec.data.validation_split, spec.seed)
    return (data.x_val if len(data.x_val) else data.x_train).astype("float32")


def saved_model_outputs(data: bytes, x, folder):
    import tensorflow as tf

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    [inside] = list(folder.iterdir())  # the zip unzips as one folder
    loaded = tf.saved_model.load(str(inside))  # kept: its function needs its variables
    return loaded.serve(x).numpy()


def tflite_outputs(data: bytes, x):
    """The TensorFlow Lite file's answers: all at once, or one by one when its batch is 1."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_content=data)
    [given], [answer] = interpreter.get_input_details(), interpreter.get_output_details()
    batch = len(x) if given["shape_signature"][0] == -1 else 1
    interpreter.resize_tensor_input(given["index"], (batch, *x.shape[1:]))
    interpreter.allocate_tensors()
    outputs = []
    for start in range(0, len(x), batch):
        interpreter.set_tensor(given["index"], x[start:start + batch])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(answer["index"]))
    return np.concatenate(outputs)


def onnx_outputs(data: bytes, x):
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(data)
    return session.run(None, {"input": x})[0]  # the input's name, as the README says


def keras_outputs(data: bytes, x, folder):
    path = folder / "model.keras"
    path.write_bytes(data)
    return keras.saving.load_model(path)(x, training=False).numpy()


def reloaded(kind, data, x, folder):
    if kind == "savedmodel":
        return saved_model_outputs(data, x, folder)
    if kind == "tflite":
        return tflite_outputs(data, x)
    if kind == "onnx":
        return onnx_outputs(data, x)
    return keras_outputs(data, x, folder)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("recipe", ["linear", "multiclass"])
def test_an_export_loads_back_and_agrees_with_keras(trained, recipe, kind, tmp_path):
    if kind == "onnx" and unavailable("onnx") is not None:
        pytest.skip("tf2onnx and onnx are not installed (requirements-export.txt)")
    store, runs = trained
    run_id = runs[recipe]
    made = export_run(store, run_id, kind, stem="my run")
    assert made.name.startswith("my run") and made.note is None
    x = examples(store, run_id)
    expected = load_model(store.model_path(run_id))(x, training=False).numpy()

    got = reloaded(kind, made.data, x, tmp_path)

    assert got.shape == expected.shape
    if recipe == "linear":
        np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)
    else:
        assert len(x) > 300 and (got.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_the_saved_model_unzips_as_one_folder_named_by_the_stem(trained):
    store, runs = trained
    made = export_run(store, runs["linear"], "savedmodel", stem="line")
    assert made.name == "line_savedmodel.zip" and made.mime == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(made.data)).namelist()
    assert "line/saved_model.pb" in names and any(n.startswith("line/variables/") for n in names)


def test_augmentation_kept_by_an_older_run_is_left_out_and_tflite_agrees(trained):
    """Older runs kept their augmentation layers; they do nothing at inference and are
    left out of every export (TensorFlow Lite would otherwise need their random ops)."""
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.RandomRotation(0.2)(inputs)
    x = keras.layers.RandomFlip("horizontal")(x)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(
        keras.layers.Flatten()(x)))
    store = trained[0]
    run_id = store.create_run("cnn", get_recipe("cnn").spec.to_dict(), 1)
    model.save(store.model_path(run_id))
    pictures = np.random.default_rng(0).random((20, 8, 8, 1), dtype=np.float32)

    got = tflite_outputs(export_run(store, run_id, "tflite").data, pictures)

    np.testing.assert_allclose(got, model(pictures, training=False).numpy(), atol=1e-5)


class Determinant(keras.layers.Layer):
    """A layer whose operation (MatrixDeterminant) TensorFlow Lite has none of its own for."""

    def call(self, x):
        return keras.ops.expand_dims(keras.ops.linalg.det(keras.ops.reshape(x, (-1, 2, 2))), -1)


def test_a_layer_tensorflow_lite_cannot_hold_is_named():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(Determinant(name="odd")(inputs)))

    with pytest.raises(ExportError) as caught:
        export_model(model, "tflite", "odd")

    assert caught.value.phrase.key == "exports.errors.tflite_layers"
    assert "TensorFlow Lite cannot hold this model's Determinant layers" in str(caught.value)
    assert "MatrixDeterminant" in str(caught.value)  # the converter's reason
    assert Words.load("es").say(caught.value.phrase).startswith(
        "TensorFlow Lite no puede contener las capas Determinant")


@pytest.mark.slow
def test_a_recurrent_model_becomes_tensorflow_lite_at_a_batch_of_one(tmp_path):
    """The time-series recipe's LSTMs convert with TensorFlow Lite's own operations only
    at a fixed batch of one; the file says so and answers as Keras does."""
    from tflab.job import run_job

    spec = get_recipe("time_series").spec.with_setting("fit.epochs", 1)
    with RunStore(tmp_path / "store") as store:
        run_id = store.create_run(spec.recipe, spec.to_dict(), 1)
        assert run_job(store, run_id).status == "completed"
        made = export_run(store, run_id, "tflite")
        x = examples(store, run_id)[:40]
        expected = load_model(store.model_path(run_id))(x, training=False).numpy()

    assert made.note.key == "exports.notes.batch_one" and made.note.values["layers"] == "LSTM"
    import tensorflow as tf

    ops = {op["op_name"] for op in tf.lite.Interpreter(model_content=made.data)._get_ops_details()}
    assert not any(op.startswith("Flex") for op in ops)  # runs on a plain interpreter
    np.testing.assert_allclose(tflite_outputs(made.data, x), expected, atol=1e-4, rtol=0)


def test_a_run_without_a_model_or_with_a_file_that_is_no_model_says_so(tmp_path):
    spec = get_recipe("linear").spec
    with RunStore(tmp_path / "store") as store:
        run_id = store.create_run("linear", spec.to_dict(), 1)
        with pytest.raises(ExportError, match=f"Run {run_id} has no model to export \\(queued\\)"):
            export_run(store, run_id, "tflite")
        store.model_path(run_id).parent.mkdir(parents=True, exist_ok=True)
        store.model_path(run_id).write_bytes(b"these are not the weights you are looking for")
        with pytest.raises(ExportError, match=f"{run_id}.keras is not a Keras model file"):
            export_run(store, run_id, "savedmodel")
        with pytest.raises(RunNotFound):
            export_run(store, "rnothere", "tflite")


@pytest.mark.parametrize("kind, key", [("pdf", "exports.errors.kind"),
                                       ("tfjs", "exports.errors.tfjs")])
def test_a_format_that_cannot_be_made_says_which_and_why(kind, key):
    with RunStore() as store:
        with pytest.raises(ExportError) as caught:
            export_run(store, "rnothere", kind)  # before the run is looked for
    assert caught.value.phrase.key == key
    spanish = Words.load("es").say(caught.value.phrase)
    assert "⟦" not in spanish and spanish != str(caught.value)
    if kind == "tfjs":
        assert "TensorFlow 2.21" in str(caught.value) and "tensorflowjs" in spanish
