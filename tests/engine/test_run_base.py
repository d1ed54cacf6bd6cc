"""A finished run's model as the base of a new one: reused frozen, its preprocessing left
to the new experiment, and every mismatch (shape, rescale, cut layer, file) named."""

import keras
import numpy as np
import pytest

from script_runs import run_script
from tflab.build import BuildError, build_model, run_base
from tflab.codegen import export_script
from tflab.job import run_job
from tflab.predict import Predictor
from tflab.recipes import get_recipe
from tflab.spec import BaseSpec, ExperimentSpec, SpecError
from tflab.store import RunStore
from tflab.stream import ListSink
from tflab.train import train


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """A digits classifier trained for 2 epochs, kept in a store: (store, run id, model)."""
    store = RunStore(tmp_path_factory.mktemp("lab"))
    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 5)
    run_id = store.create_run(spec.recipe, spec.to_dict(), 5)
    result = run_job(store, run_id)
    assert result.status == "completed"
    return store, run_id, result.model


@pytest.fixture(autouse=True)
def store_home(digits_run, monkeypatch):
    """Specs name a run's model by id, found in the store at TFLAB_HOME: the module's store."""
    monkeypatch.setenv("TFLAB_HOME", str(digits_run[0].root))


def on_run(store, run_id, model, cut=None, trainable=0, **settings) -> ExperimentSpec:
    """The digits recipe again, with a new 10-way head on the run's layers up to `cut`."""
    cut = cut or model.layers[-2].name  # the layer under the run's output layer
    data = get_recipe("multiclass").spec.to_dict()
    data["model"]["base"] = {"name": "run", "weights": f"run:{run_id}",
                             "cut_layer": cut, "trainable_layers": trainable}
    data["model"]["layers"] = [{"type": "Dense", "units": 10, "activation": "softmax"}]
    spec = ExperimentSpec.from_dict(data)
    for path, value in settings.items():
        spec = spec.with_setting(path.replace("__", "."), value)
    return spec


def base_of(model) -> keras.Model:
    [base] = [layer for layer in model.layers if layer.name.startswith("run_")]
    return base


def test_the_runs_layers_are_reused_frozen_and_the_new_head_learns(digits_run, tmp_path):
    store, run_id, source = digits_run
    spec = on_run(store, run_id, source, fit__epochs=3)
    new_id = store.create_run(spec.recipe, spec.to_dict(), 3)
    before = [w.copy() for w in source.get_weights()[:-2]]  # all but the old output layer
    result = run_job(store, new_id)
    assert result.status == "completed", result.message
    base = base_of(result.model)
    assert base.name == f"run_{run_id}_base" and not base.trainable
    # The base holds exactly the first run's layers (minus its Rescaling) and its weights,
    # unchanged by training; only the new head moved.
    for kept, after in zip(before, base.get_weights(), strict=True):
        np.testing.assert_array_equal(kept, after)
    history = store.history(new_id)
    assert history["val_accuracy"][-1][1] > 0.8  # features learned on digits carry over
    assert [type(l).__name__ for l in base.layers[1:]] == \
        [type(l).__name__ for l in source.layers[2:-1]]  # no Rescaling, no old output
    # Fed rescaled pixels, the base gives what the first run computed under its output layer.
    pixels = np.random.default_rng(0).uniform(0, 255, (4, 28, 28, 1)).astype("float32")
    features = keras.Model(source.inputs, source.layers[-2].output)
    np.testing.assert_allclose(base(pixels / 255), features(pixels), rtol=1e-5, atol=1e-6)
    # The new run's model is a normal run: saved, loaded back with safe_mode, predicting.
    predictor = Predictor.from_run(store, new_id)
    x = np.zeros((1, 28, 28, 1), dtype="float32")
    np.testing.assert_allclose(predictor.model.predict(x, verbose=0),
                               result.model.predict(x, verbose=0), rtol=1e-5)


def test_fine_tuning_the_top_layer_of_a_run_base(digits_run):
    store, run_id, source = digits_run
    model = build_model(on_run(store, run_id, source, trainable=1))
    base = base_of(model)
    trainable = [layer.name for layer in base.layers if layer.trainable and layer.weights]
    assert trainable == [source.layers[-2].name]


def test_mismatches_are_named(digits_run, tmp_path):
    store, run_id, source = digits_run
    with pytest.raises(BuildError, match=r"`augmentation.rescale`: run .* multiplied by 0.00392157"
                                         r", this experiment multiplies by 1"):
        build_model(on_run(store, run_id, source, augmentation__rescale=1.0))
    with pytest.raises(BuildError, match=r"`model.base.cut_layer`: run .* has no layer 'mixed7'; "
                                         r"its layers: layer_1_flatten, layer_2_dense, layer_3_dense"):
        build_model(on_run(store, run_id, source, cut="mixed7"))
    with pytest.raises(BuildError, match=r"`model.input_shape`: run .* takes examples of shape "
                                         r"\[28, 28, 1\], this experiment's are \[14, 14, 1\]"):
        run_base(BaseSpec("run", f"run:{run_id}", "flatten", 0), (14, 14, 1))
    missing = BaseSpec("run", "run:rgone", "dense", 0)
    with pytest.raises(BuildError, match="run rgone's model cannot be used as a base: there is no "
                                         "model file for it in TF Lab's store"):
        run_base(missing, (28, 28, 1))
    (store.root / "models" / "rfake.keras").write_text("not a zip")
    with pytest.raises(BuildError, match="rfake.keras is not a Keras model file"):
        run_base(BaseSpec("run", "run:rfake", "dense", 0), (28, 28, 1))


def test_a_run_base_is_named_by_id_never_by_path():
    with pytest.raises(SpecError, match="weights.*a finished run's model, like 'run:"):
        BaseSpec("run", "weights.h5", "dense", 0)
    with pytest.raises(SpecError, match="weights"):
        BaseSpec("run", "/lab/models/r12ab.keras", "dense", 0)
    assert BaseSpec("run", "run:r12ab", "dense", 0).run_id == "r12ab"
    assert BaseSpec("run", "3fa2b1c4d5e6.keras", "dense", 0).model_label == \
        "the uploaded model 3fa2b1c4d5e6.keras"
    assert BaseSpec("run", "3fa2b1c4d5e6.keras", "dense", 0).run_id is None
    assert BaseSpec("InceptionV3").run_id is None


def test_a_model_file_over_the_size_limit_is_not_loaded(digits_run, monkeypatch):
    store, run_id, source = digits_run
    monkeypatch.setattr("tflab.files.MAX_WEIGHTS_BYTES", 1000)
    with pytest.raises(BuildError, match=f"run {run_id}'s model cannot be used as a base: "
                                         "its file is 1 MB; the limit is 1,000 bytes"):
        run_base(BaseSpec("run", f"run:{run_id}", "dense", 0), (28, 28, 1))


def test_the_exported_script_rebuilds_the_run_base_and_reproduces_the_loss(digits_run, tmp_path):
    store, run_id, source = digits_run
    spec = on_run(store, run_id, source, fit__epochs=1)
    script = export_script(spec)
    # By id, in whatever store the script runs beside; never this machine's path.
    loads = "keras.saving.load_model(STORE.joinpath(*('models', " + repr(f"{run_id}.keras")
    assert loads in script
    assert str(store.root) not in script
    engine = train(spec, ListSink())
    exported = run_script(script, tmp_path)
    for name, value in engine.final_metrics.items():
        assert exported["final_metrics"][name] == pytest.approx(value, rel=1e-3, abs=1e-6), name
