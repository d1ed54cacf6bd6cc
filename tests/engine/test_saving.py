"""Every layer the layer editor offers and every augmentation setting survive save -> load.

Each model is built by the engine (`build_model`), saved as a run's model is
(`tflab.saving.save_model`, what `run_job` calls), loaded again with safe_mode
(`tflab.models.load_model`) and must predict the same.
"""

import io
import json
import zipfile

import keras
import numpy as np
import pytest
from PIL import Image

from tflab.build import build_model
from tflab.models import load_model
from tflab.predict import Predictor
from tflab.saving import AUGMENTATION_TYPES, inference_model, repair_config, save_model
from tflab.spec import LAYER_TYPES, AugmentationSpec, ExperimentSpec, LayerSpec
from tflab.spec.augmentation import FILL_MODES

IMAGE = {"dataset": "shapes", "options": {"classes": "circle,square", "image_size": 32,
                                          "samples_per_class": 10}}
SERIES = {"dataset": "series", "options": {"window": 8, "length": 200}}
POINTS = {"dataset": "points", "options": {"samples": 50}}
BINARY = {"loss": "binary_crossentropy", "metrics": ["accuracy"]}
SIGMOID = {"type": "Dense", "units": 1, "activation": "sigmoid"}


def spec_of(data: dict, input_shape: list, layers: list[dict], compile_: dict,
            augmentation: dict | None = None) -> ExperimentSpec:
    return ExperimentSpec.from_dict({"recipe": "saving", "data": data,
                                     "model": {"input_shape": input_shape, "layers": layers},
                                     "compile": compile_, "augmentation": augmentation or {}})


def image_spec(*layers: dict, augmentation: dict | None = None) -> ExperimentSpec:
    return spec_of(IMAGE, [32, 32, 3], [*layers, SIGMOID], BINARY, augmentation)


def layer_specs(type_name: str) -> list[ExperimentSpec]:
    """Models holding one layer of `type_name`, with each choice of its settings, placed
    where the spec allows it (augmentation layers also after a convolution)."""
    kind = LAYER_TYPES[type_name]
    variants = [{}] + [{param.name: choice} for param in kind.params
                       for choice in param.choices or () if choice != param.default]
    if type_name == "Dense":
        variants = [{"units": 4, "activation": a} for a in ("linear", "relu", "sigmoid", "tanh",
                                                             "softmax", "elu", "selu", "gelu",
                                                             "silu", "leaky_relu", "softplus")]
    specs = []
    for args in variants:
        layer = {"type": type_name, **args}
        if type_name in ("Conv1D", "LSTM"):
            sequence = {**layer, "return_sequences": True} if type_name == "LSTM" else layer
            specs.append(spec_of(SERIES, [None, 1], [sequence, {"type": "Dense", "units": 1}],
                                 {"loss": "huber", "metrics": ["mae"]}))
        elif type_name == "Dense":
            specs.append(spec_of(POINTS, [2], [layer, SIGMOID], BINARY))
        elif type_name == "Flatten":
            specs.append(image_spec(layer))
        elif type_name == "GlobalAveragePooling2D":
            specs.append(image_spec({"type": "Conv2D", "filters": 4}, layer))
        elif kind.augmentation:
            specs.append(image_spec(layer, {"type": "Flatten"}))
            specs.append(image_spec({"type": "Conv2D", "filters": 4, "padding": "same"}, layer,
                                    {"type": "Flatten"}))
        else:  # Conv2D, MaxPooling2D, Dropout, Rescaling: image layers
            specs.append(image_spec(layer, {"type": "Flatten"}))
    return specs


def augmentation_specs() -> list[ExperimentSpec]:
    """One model per augmentation setting (each fill mode too), and the notes' settings."""
    settings = [{"rescale": 1 / 255}, {"rotation_range": 40}, {"width_shift_range": 0.2},
                {"height_shift_range": 0.2}, {"shear_range": 0.2}, {"zoom_range": 0.2},
                {"horizontal_flip": True}]
    settings += [{"shear_range": 0.3, "rotation_range": 10, "zoom_range": 0.1,
                  "width_shift_range": 0.1, "fill_mode": mode} for mode in FILL_MODES]
    settings.append({"rescale": 1 / 255, "rotation_range": 40, "width_shift_range": 0.2,
                     "height_shift_range": 0.2, "shear_range": 0.2, "zoom_range": 0.2,
                     "horizontal_flip": True, "fill_mode": "nearest"})
    return [image_spec({"type": "Flatten"}, augmentation=s) for s in settings]


def inputs_for(model: keras.Model) -> np.ndarray:
    shape = [d if d is not None else 8 for d in model.input_shape[1:]]
    return np.random.default_rng(0).uniform(0, 255, (4, *shape)).astype("float32")


def saved_and_loaded(spec: ExperimentSpec, folder) -> tuple[keras.Model, keras.Model]:
    model = build_model(spec)
    path = folder / "model.keras"
    save_model(model, path)
    return model, load_model(path)


def kinds(model: keras.Model) -> set[str]:
    found = set()
    for layer in model.layers:
        found.add(type(layer).__name__)
        if isinstance(layer, keras.Model):
            found |= kinds(layer)
    return found


def test_the_cases_cover_every_layer_type_and_augmentation_setting():
    built = {layer["type"] for t in LAYER_TYPES for s in layer_specs(t)
             for layer in s.to_dict()["model"]["layers"]}
    assert built == set(LAYER_TYPES)
    settings = {name for s in augmentation_specs()
                for name, value in s.to_dict()["augmentation"].items()
                if value != getattr(AugmentationSpec(), name)}
    assert settings == set(AugmentationSpec.__dataclass_fields__)


@pytest.mark.parametrize("type_name", list(LAYER_TYPES))
def test_every_layer_type_survives_save_and_load(type_name, tmp_path):
    for spec in layer_specs(type_name):
        model, loaded = saved_and_loaded(spec, tmp_path)
        x = inputs_for(model)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-5, atol=1e-6, err_msg=spec.to_json())
        assert not kinds(loaded) & AUGMENTATION_TYPES
        assert kinds(loaded) >= {layer.type for layer in spec.model.layers} - AUGMENTATION_TYPES


@pytest.mark.parametrize("spec", augmentation_specs(),
                         ids=lambda s: ",".join(f"{k}={v}" for k, v in s.to_dict()["augmentation"]
                                                .items() if v != getattr(AugmentationSpec(), k)))
def test_every_augmentation_setting_survives_save_and_load(spec, tmp_path):
    model, loaded = saved_and_loaded(spec, tmp_path)

    x = inputs_for(model)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert not kinds(loaded) & AUGMENTATION_TYPES
    # Predictions rely on the model's own scaling: the rescale stays in the kept model.
    assert ("Rescaling" in kinds(loaded)) == (spec.augmentation.rescale != 1.0)


def test_the_kept_model_shares_the_trained_layers_and_keeps_compiling(tmp_path):
    spec = image_spec({"type": "Conv2D", "filters": 4}, {"type": "Flatten"},
                      augmentation={"rescale": 1 / 255, "shear_range": 0.2})
    model = build_model(spec)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

    kept = inference_model(model)

    assert [layer.name for layer in kept.layers] == ["input", "rescaling", "layer_1_conv2d",
                                                     "layer_2_flatten", "layer_3_dense"]
    assert kept.get_layer("layer_1_conv2d") is model.get_layer("layer_1_conv2d")
    assert kept.compiled and kept.loss == "binary_crossentropy"
    assert inference_model(kept) is kept  # nothing left to take out


def test_a_model_saved_the_old_way_with_random_shear_loads(tmp_path):
    """Before this fix, run_job saved the model as built: RandomShear and all."""
    spec = image_spec({"type": "Conv2D", "filters": 4}, {"type": "Flatten"},
                      augmentation={"rescale": 1 / 255, "shear_range": 0.2, "rotation_range": 40})
    model = build_model(spec)
    path = tmp_path / "old.keras"
    model.save(path)  # what TF Lab did until now
    saved = path.read_bytes()
    with pytest.raises(Exception, match="could not be deserialized"):
        keras.saving.load_model(path, safe_mode=True)  # Keras' own refusal, the bug

    loaded = load_model(path)

    x = inputs_for(model)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    shear = next(layer for layer in loaded.layers if isinstance(layer, keras.layers.RandomShear))
    assert tuple(shear.x_factor) == pytest.approx((-0.2, 0.2))  # the same range as trained
    assert path.read_bytes() == saved  # loading repairs a copy; the file stays as it was


def test_repair_leaves_other_layers_and_good_ranges_alone():
    config = {"layers": [{"class_name": "RandomShear", "config": {"x_factor": [0.0, 0.2]}},
                         {"class_name": "RandomZoom", "config": {"height_factor": [-0.2, 0.2]}}]}
    before = json.dumps(config)

    assert repair_config(config) is False
    assert json.dumps(config) == before


def test_a_broken_file_still_gets_its_reason(tmp_path):
    path = tmp_path / "broken.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{not json")
    from tflab.models import ModelFileError

    with pytest.raises(ModelFileError, match="broken.keras is not a Keras model file"):
        load_model(path)


def test_the_cnn_recipe_with_the_notes_augmentation_trains_saves_and_predicts(tmp_path):
    """Issue 8.1: `train cnn` saved a model that "could not be deserialized"."""
    from tflab.job import run_job
    from tflab.recipes import get_recipe
    from tflab.store import RunStore

    spec = get_recipe("cnn").spec
    assert spec.augmentation.shear_range == 0.2  # the notes' augmentation, shear included
    small = spec.to_dict()  # 20 pictures of 64x64 and one epoch: the file is what matters
    small["data"]["options"].update(samples_per_class=10, image_size=64)
    small["model"]["input_shape"] = [64, 64, 3]
    small["fit"]["epochs"] = 1
    spec = ExperimentSpec.from_dict(small)
    with RunStore(tmp_path / "home") as store:
        run_id = store.create_run("cnn", spec.to_dict(), 1)
        assert run_job(store, run_id).status == "completed"

        predictor = Predictor.from_run(store, run_id)
        buffer = io.BytesIO()
        Image.fromarray(np.full((64, 64, 3), 200, "uint8")).save(buffer, format="PNG")
        [answer] = predictor.images([("grey.png", buffer.getvalue())])
        assert answer.error == "" and answer.top[0][0] in ("circle", "triangle")
        # The downloaded file loads in plain Keras, with no TF Lab import.
        keras.saving.load_model(store.model_path(run_id), safe_mode=True)


def test_a_saved_model_with_augmentation_inside_is_a_transfer_base(tmp_path):
    """An uploaded model saved by plain Keras (or an old run's) may hold augmentation in
    the middle of its layers: the new model's base then holds it, and is kept without."""
    from tflab.spec import BaseSpec, ModelSpec

    source = image_spec({"type": "Conv2D", "filters": 4}, {"type": "RandomShear"},
                        {"type": "Flatten"}, augmentation={"rescale": 1 / 255, "shear_range": 0.2})
    path = tmp_path / "uploaded.keras"
    build_model(source).save(path)  # as plain Keras saves it, shear and all
    from tflab.weights import store_model

    kept = store_model(path.read_bytes(), "uploaded.keras")  # as Build keeps an upload
    head = (LayerSpec("Dense", {"units": 4, "activation": "relu"}),
            LayerSpec("Dense", {"units": 1, "activation": "sigmoid"}))
    transfer = ExperimentSpec.from_dict({
        **source.to_dict(),
        "model": ModelSpec((32, 32, 3), head, BaseSpec("run", kept, "layer_3_flatten", 0))
        .to_dict()})
    model = build_model(transfer)
    assert "RandomShear" in kinds(model.get_layer("saved_model_base"))

    path = tmp_path / "model.keras"
    save_model(model, path)
    loaded = load_model(path)

    x = inputs_for(model)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert not kinds(loaded) & AUGMENTATION_TYPES


def test_docstring_examples_run_as_written():
    import doctest

    import tflab.saving

    assert doctest.testmod(tflab.saving, optionflags=doctest.ELLIPSIS).failed == 0
