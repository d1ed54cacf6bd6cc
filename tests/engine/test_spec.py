"""Specs: every invalid value is refused with a message that names its field."""

import json
import math

import pytest

from tflab.recipes import RECIPES, get_recipe
from tflab.spec import (AugmentationSpec, BaseSpec, CompileSpec, DataSpec, ExperimentSpec, FitSpec,
                        LayerSpec, ModelSpec, SpecError, declared)


def spec_dict(recipe="multiclass"):
    return get_recipe(recipe).spec.to_dict()


def with_change(recipe, change):
    data = spec_dict(recipe)
    change(data)
    return data


def set_layer(index, **args):
    def change(d):
        d["model"]["layers"][index].update(args)
    return change


def set_in(section, key, value):
    def change(d):
        d[section][key] = value
    return change


# (recipe, change to its spec dict, field named in the message, a phrase of the message)
INVALID = [
    ("multiclass", set_layer(1, units=0), "model.layers[1].units", "from 1 to 8192"),
    ("multiclass", set_layer(1, units=-3), "model.layers[1].units", "received -3"),
    ("multiclass", set_layer(1, units=2.5), "model.layers[1].units", "whole number"),
    ("multiclass", set_layer(1, units=True), "model.layers[1].units", "received True"),
    ("multiclass", set_layer(1, activation="relu6x"), "model.layers[1].activation", "'relu'"),
    ("cnn", set_layer(9, rate=1.0), "model.layers[9].rate", "less than 1"),
    ("cnn", set_layer(9, rate=-0.1), "model.layers[9].rate", "at least 0"),
    ("cnn", set_layer(1, kernel_size=151), "model.layers[1].kernel_size", "from 1 to 15"),
    ("multiclass", set_in("compile", "learning_rate", float("nan")), "compile.learning_rate", "finite"),
    ("multiclass", set_in("compile", "learning_rate", 0), "compile.learning_rate", "greater than 0"),
    ("multiclass", set_in("compile", "learning_rate", float("inf")), "compile.learning_rate", "finite"),
    ("multiclass", set_in("compile", "optimizer", "adagradx"), "compile.optimizer", "'sgd'"),
    ("multiclass", set_in("compile", "loss", "hinge"), "compile.loss", "'binary_crossentropy'"),
    ("multiclass", set_in("compile", "metrics", ["accuracy", "f1"]), "compile.metrics", "'mae'"),
    ("multiclass", set_in("fit", "epochs", 0), "fit.epochs", "from 1 to 10000"),
    ("multiclass", set_in("fit", "epochs", "ten"), "fit.epochs", "whole number"),
    ("multiclass", set_in("fit", "batch_size", 0), "fit.batch_size", "from 1 to 4096"),
    ("multiclass", set_in("fit", "patience", 0), "fit.patience", "from 1"),
    ("multiclass", set_in("fit", "epoch", 3), "fit.epoch", "known setting"),
    ("multiclass", set_in("data", "validation_split", 0.95), "data.validation_split", "from 0 to 0.9"),
    ("multiclass", set_in("augmentation", "rotation_range", 270), "augmentation.rotation_range",
     "from 0 to 180"),
    ("multiclass", set_in("augmentation", "fill_mode", "mirror"), "augmentation.fill_mode", "'nearest'"),
    ("multiclass", set_in("augmentation", "rescale", 0), "augmentation.rescale", "greater than 0"),
    ("multiclass", lambda d: d.update(seed=-1), "seed", "from 0"),
    ("multiclass", set_layer(2, units=1), "model.layers[2].units", "at least 2 with softmax"),
    ("multiclass", set_layer(2, units=5), "model.layers[2].units", "10, one per class"),
    ("binary_images", set_layer(2, units=10), "model.layers[2].units", "Dense(1, sigmoid)"),
    ("binary_images", set_layer(2, activation="relu"), "model.layers[2].activation", "'sigmoid'"),
    ("multiclass", lambda d: d["model"].update(input_shape=[28, 28]), "model.input_shape",
     "[28, 28, 1]"),
    ("multiclass", lambda d: d["model"].update(
        layers=[{"type": "MaxPooling2D", "pool_size": 8}, {"type": "Conv2D", "kernel_size": 5}]
        + d["model"]["layers"]), "model.layers[1].kernel_size", "at most 3 (the layer's input is 3x3x1)"),
    ("multiclass", lambda d: d["model"]["layers"].insert(0, {"type": "Convolution9D"}),
     "model.layers[0].type", "Dense"),
    ("multiclass", set_layer(1, unit=3), "model.layers[1].unit", "its settings: activation, units"),
    ("linear", set_in("compile", "loss", "binary_crossentropy"), "compile.loss", "mean_squared_error"),
    ("linear", set_in("compile", "metrics", ["accuracy"]), "compile.metrics", "mae"),
    ("linear", set_in("augmentation", "horizontal_flip", True), "augmentation", "not an image"),
    ("time_series", set_layer(2, return_sequences=False), "model.layers[6]", "return_sequences=True"),
    ("time_series", set_layer(0, kernel_size=0), "model.layers[0].kernel_size", "from 1 to 64"),
    ("multiclass", lambda d: d["data"].update(dataset="imagenet22k"), "data.dataset", "digits"),
    ("binary_points", lambda d: d["data"]["options"].update(noise=0.9), "data.options.noise", "0.5"),
    ("binary_points", lambda d: d["data"]["options"].update(pattern="stars"), "data.options.pattern",
     "'circles'"),
    ("transfer", lambda d: d["model"]["base"].update(name="ResNet9000"), "model.base.name",
     "'InceptionV3'"),
    ("transfer", lambda d: d["model"]["base"].update(weights="weights.bin"), "model.base.weights",
     ".weights.h5"),
    ("multiclass", lambda d: d["model"].update(layers=[]), "model.layers", "at least one layer"),
    ("multiclass", lambda d: d["model"]["layers"].insert(1, {"type": "LSTM"}), "model.layers[1].type",
     "LSTM takes sequences"),
]


@pytest.mark.parametrize("recipe,change,field,phrase", INVALID,
                         ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_invalid_value_names_field_value_and_what_is_allowed(recipe, change, field, phrase):
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(with_change(recipe, change))
    assert caught.value.field == field
    assert f"`{field}`" in str(caught.value)
    assert phrase in str(caught.value)
    assert "received" in str(caught.value)


def test_at_least_twenty_distinct_fields_are_covered():
    assert len({case[2] for case in INVALID}) >= 20


def test_spec_errors_are_value_errors():
    with pytest.raises(ValueError):
        FitSpec(epochs=-1)


@pytest.mark.parametrize("recipe", [r.name for r in RECIPES])
def test_every_recipe_round_trips_through_json(recipe):
    spec = get_recipe(recipe).spec
    again = ExperimentSpec.from_json(json.dumps(json.loads(spec.to_json())))
    assert again == spec
    assert again.to_dict() == spec.to_dict()


def test_defaults_fill_in_and_equal_specs_compare_equal():
    short = ExperimentSpec.from_dict({"data": {"dataset": "line", "validation_split": 0},
                                      "model": {"input_shape": [1], "layers": [{"type": "Dense", "units": 1}]}})
    assert short.model.layers[0].args["activation"] == "linear"
    assert short.fit == FitSpec()
    assert ExperimentSpec.from_dict(short.to_dict()) == short


def test_with_setting_changes_one_value_by_path():
    spec = get_recipe("multiclass").spec
    changed = spec.with_setting("model.layers[1].units", 64).with_setting("fit.epochs", 3)
    assert changed.model.layers[1].args["units"] == 64
    assert changed.fit.epochs == 3
    assert spec.model.layers[1].args["units"] == 128  # the original is untouched
    assert spec.with_setting("model.layers.1.units", 32).model.layers[1].args["units"] == 32


def test_with_setting_refuses_a_path_that_does_not_exist():
    with pytest.raises(SpecError, match="fit.epochz"):
        get_recipe("linear").spec.with_setting("fit.epochz", 3)
    with pytest.raises(SpecError, match="does not exist"):
        get_recipe("linear").spec.with_setting("model.layers[5].units", 3)


def test_specs_are_frozen():
    spec = get_recipe("linear").spec
    with pytest.raises(Exception):
        spec.seed = 3
    with pytest.raises(TypeError):
        spec.model.layers[0].args["units"] = 5


def test_every_setting_declares_default_help_and_bounds():
    for cls in (CompileSpec, FitSpec, AugmentationSpec, BaseSpec):
        for p in declared(cls):
            assert p.help and p.name
            assert p.check(p.default) == p.default or p.multiple
            if p.type in (int, float):
                assert p.low is not None and p.high is not None, p.name


def test_static_shapes_follow_the_layers():
    spec = get_recipe("cnn").spec
    assert spec.model.shapes() == [(64, 64, 3), (62, 62, 16), (31, 31, 16), (29, 29, 32),
                                    (14, 14, 32), (12, 12, 64), (6, 6, 64), (4, 4, 64), (2, 2, 64),
                                    (2, 2, 64), (256,), (512,), (1,)]
    assert get_recipe("time_series").spec.model.shapes()[-1] == (None, 1)


def test_augmentation_maps_the_notes_names_to_layers():
    aug = get_recipe("cnn").spec.augmentation
    types = [layer.type for layer in aug.layers()]
    assert types == ["Rescaling", "RandomRotation", "RandomTranslation", "RandomShear",
                     "RandomZoom", "RandomFlip"]
    rotation = aug.layers()[1].args
    assert math.isclose(rotation["factor"], 40 / 360)
    assert not AugmentationSpec().active and AugmentationSpec(rescale=0.5).active
    assert not AugmentationSpec(rescale=0.5).random


def test_a_layer_alone_reports_its_own_field():
    with pytest.raises(SpecError) as caught:
        LayerSpec("Dense", {"units": 0})
    assert caught.value.field == "units"


def test_model_spec_rejects_bad_input_shapes():
    for shape in ([], [0, 3], ["a"], [True], "28x28"):
        with pytest.raises(SpecError, match="input_shape"):
            ModelSpec(shape, (LayerSpec("Dense"),))


def test_data_spec_checks_dataset_options():
    assert DataSpec("points", {"pattern": "xor"}).options["samples"] > 0
    with pytest.raises(SpecError, match="second"):
        DataSpec("digit_pair", {"first": 4, "second": 4})


# -- names that reach code or files, and the model's budget ------------------------------

@pytest.mark.parametrize("recipe,change,field", [
    ("transfer", lambda d: d["model"]["base"].update(cut_layer="mixed7'); import os #"),
     "model.base.cut_layer"),
    ("transfer", lambda d: d["model"]["base"].update(weights="/etc/passwd"), "model.base.weights"),
    ("transfer", lambda d: d["model"]["base"].update(name="run", weights="/tmp/r1.keras"),
     "model.base.weights"),
    ("time_series", lambda d: d["data"]["options"].update(csv_id="/dev/zero"),
     "data.options.csv_id"),
    ("time_series", lambda d: d["data"]["options"].update(csv_column="a\nb"),
     "data.options.csv_column"),
    ("time_series", lambda d: d["data"]["options"].update(csv_column="x" * 201),
     "data.options.csv_column"),
    ("linear", lambda d: d.update(recipe="Linear"), "recipe"),
    ("linear", lambda d: d.update(recipe="../linear"), "recipe"),
    ("linear", lambda d: d.update(recipe=7), "recipe"),
])
def test_text_that_reaches_code_or_files_is_held_to_its_alphabet(recipe, change, field):
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(with_change(recipe, change))
    assert caught.value.field == field and "received" in str(caught.value)


def test_a_folder_dataset_is_named_by_its_id_only():
    with pytest.raises(SpecError) as caught:
        DataSpec("folder", {"dataset_id": "../../etc"})
    assert caught.value.field == "data.options.dataset_id" and "12 hex digits" in str(caught.value)


def test_a_free_column_header_stays_free():
    spec = ExperimentSpec.from_dict(with_change("time_series", lambda d: d["data"]["options"].update(
        csv_column='Ventas "2024" (€), $')))
    assert spec.data.options["csv_column"] == 'Ventas "2024" (€), $'


@pytest.mark.parametrize("layer,shape", [
    ({"type": "Dense", "units": 128}, (784,)),
    ({"type": "Dense", "units": 3}, (None, 7)),
    ({"type": "Conv2D", "filters": 16, "kernel_size": 3}, (150, 150, 3)),
    ({"type": "Conv1D", "filters": 32, "kernel_size": 5}, (None, 1)),
    ({"type": "LSTM", "units": 64, "return_sequences": True}, (None, 32)),
    ({"type": "Flatten"}, (7, 7, 8)),
    ({"type": "MaxPooling2D"}, (8, 8, 2)),
    ({"type": "Rescaling", "scale": 400.0}, (None, 1)),
])
def test_parameter_counts_are_keras_own(layer, shape):
    import keras

    from tflab.build import layer_arguments
    from tflab.spec.layers import parameter_count

    spec = LayerSpec.from_dict(layer)
    kind, arguments = layer_arguments(spec, seed=0)
    model = keras.Sequential([keras.Input(shape), getattr(keras.layers, kind)(**arguments)])
    assert parameter_count(spec, shape) == model.count_params()


def test_twelve_dense_8192_layers_are_refused_naming_the_layer_and_its_count():
    data = spec_dict("linear")
    data["model"]["layers"] = [{"type": "Dense", "units": 8192}] * 12 + [{"type": "Dense", "units": 1}]
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(data)
    assert caught.value.field == "model.layers[1]"
    assert caught.value.value == 8192 * 8192 + 8192
    assert "within 64,000,000 parameters" in str(caught.value)
    assert "This Dense layer holds 67,117,056 parameters, bringing the model to 67,133,440" in \
        str(caught.value)


def test_every_recipe_is_within_the_budget():
    from tflab.spec import MAX_LAYERS, MAX_PARAMETERS
    from tflab.spec.layers import parameter_count

    for recipe in RECIPES:
        model = recipe.spec.model
        assert len(model.layers) <= MAX_LAYERS
        if model.base is None:
            shapes = [model.input_shape] + model.shapes()[:-1]
            total = sum(parameter_count(layer, s) for layer, s in zip(model.layers, shapes))
            assert 0 < total <= MAX_PARAMETERS


def test_a_model_of_more_than_a_hundred_layers_is_refused():
    data = spec_dict("linear")
    data["model"]["layers"] = [{"type": "Dropout", "rate": 0.1}] * 100 + [{"type": "Dense", "units": 1}]
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(data)
    assert caught.value.field == "model.layers" and "at most 100 layers" in str(caught.value)
    data["model"]["layers"] = data["model"]["layers"][1:]
    assert len(ExperimentSpec.from_dict(data).model.layers) == 100
