"""Tests for components.spec_ui.section_of: each setting's error goes beside its section."""

import copy

import pytest
from streamlit.testing.v1 import AppTest

from components.spec_ui import section_of
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec, Param, SpecError


def error_for(field: str) -> SpecError:
    return SpecError(field, 0, "something else")


@pytest.mark.parametrize("field, section", [
    ("data.dataset", "data"),
    ("data.options.noise", "data"),
    ("data.validation_split", "data"),
    ("model.input_shape", "model"),
    ("model.layers[2].units", "model"),
    ("model.base.name", "model"),
    ("compile.learning_rate", "compile"),
    ("fit.epochs", "fit"),
    ("augmentation.rotation_range", "augmentation"),
    ("seed", "seed"),
    ("layers[0].units", "model"),  # anything else is about the model
    ("spec", "model"),
])
def test_section_of_a_field(field, section):
    assert section_of(error_for(field)) == section


@pytest.mark.parametrize("path, value, section", [
    (("data", "validation_split"), 0.99, "data"),
    (("model", "layers", 1, "units"), 0, "model"),
    (("model", "input_shape"), [0], "model"),
    (("compile", "learning_rate"), -1.0, "compile"),
    (("compile", "loss"), "hinge?", "compile"),
    (("fit", "epochs"), 0, "fit"),
    (("augmentation", "rotation_range"), -5.0, "augmentation"),
    (("seed",), -1, "seed"),
])
def test_section_of_the_engines_own_errors(path, value, section):
    data = copy.deepcopy(get_recipe("multiclass").spec.to_dict())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(data)

    assert section_of(caught.value) == section


def _experiment_form():
    import streamlit as st

    from components.spec_ui import experiment_ui
    from tflab.recipes import get_recipe

    places = {}
    experiment_ui(get_recipe("multiclass").spec.to_dict(), "v1", places)
    st.session_state["places"] = sorted(places)


def test_every_section_named_has_a_place_on_the_form():
    at = AppTest.from_function(_experiment_form, default_timeout=60).run()
    assert not at.exception

    places = set(at.session_state["places"])
    fields = ["data.dataset", "model.layers[0].type", "compile.loss", "fit.patience",
              "augmentation.zoom_range", "seed", "recipe", ""]
    assert {section_of(error_for(field)) for field in fields} <= places


def layer_dicts(recipe: str) -> list[dict]:
    return get_recipe(recipe).spec.to_dict()["model"]["layers"]


@pytest.mark.parametrize("recipe, kind, index, activation", [
    ("multiclass", "Dropout", 2, None),      # Flatten, Dense(128), here, Dense(10, softmax)
    ("multiclass", "Dense", 2, "relu"),
    ("binary_points", "Dense", 2, "relu"),
    ("linear", "Dense", 0, "relu"),          # no hidden layer: relu, before Dense(1)
    ("time_series", "Dense", 5, "relu"),     # before the output Dense(1), not the Rescaling
    ("cnn", "Conv2D", 8, "relu"),            # before the last pooling: 2x2 is too small for it
    ("cnn", "Dense", 12, "relu"),
    ("cnn", "RandomFlip", 0, None),          # augmentation works on the pictures coming in
])
def test_a_new_layer_goes_before_the_output_layer_with_the_hidden_activation(recipe, kind, index,
                                                                             activation):
    from components.spec_ui import new_layer

    layers = layer_dicts(recipe)
    where, layer = new_layer(layers, kind, get_recipe(recipe).spec.model.input_shape)

    assert where == index
    assert layer.get("activation") == activation
    # The model still ends in its output layer, and the spec stays valid.
    data = get_recipe(recipe).spec.to_dict()
    data["model"]["layers"].insert(where, layer)
    assert ExperimentSpec.from_dict(data).model.output_layer[1].to_dict() == \
        get_recipe(recipe).spec.model.output_layer[1].to_dict()


def test_a_new_dense_layer_takes_the_activation_of_the_hidden_layers():
    from components.spec_ui import new_layer

    layers = [dict(layer, activation="tanh") for layer in layer_dicts("binary_points")[:-1]]
    layers.append(layer_dicts("binary_points")[-1])  # Playground's hidden layers use tanh

    assert new_layer(layers, "Dense") == (2, {"type": "Dense", "activation": "tanh"})


def test_a_model_without_units_gets_new_layers_at_the_end():
    from components.spec_ui import hidden_activation, new_layer

    assert new_layer([{"type": "Flatten"}], "Dense") == (1, {"type": "Dense", "activation": "relu"})
    assert hidden_activation([]) == "relu"


WIDEST_IMAGE_MODEL = [
    {"type": "RandomFlip", "mode": "horizontal_and_vertical"},
    {"type": "RandomTranslation", "fill_mode": "constant"},
    {"type": "Conv2D", "filters": 1024, "kernel_size": 15, "padding": "valid",
     "activation": "leaky_relu"},
    {"type": "GlobalAveragePooling2D"},
    {"type": "Dense", "units": 8192, "activation": "leaky_relu"},
]


@pytest.mark.parametrize("layers", [layer_dicts(name) for name in
                                    ("linear", "binary_points", "multiclass", "cnn", "time_series")]
                         + [WIDEST_IMAGE_MODEL], ids=lambda layers: layers[0]["type"])
def test_each_layer_row_makes_room_for_its_longest_values_within_the_row(layers):
    """Issue 8: the activation box, in a grid of equal narrow columns, cut "sigmoid" to
    "sigmo". The widths follow each box's longest value and still fit the row, so
    st.columns does not shrink them (the end-to-end test measures them in Chromium)."""
    from components.spec_ui import (CHAR_PX, GAP_PX, ROW_PX, SELECT_PX, row_widths,
                                    select_width)
    from tflab.spec import LAYER_TYPES

    type_px = select_width([layer["type"] for layer in layers])
    assert type_px >= CHAR_PX * max(len(layer["type"]) for layer in layers) + SELECT_PX + GAP_PX
    for layer in layers:
        widths = row_widths(layer["type"], layer, type_px)
        assert sum(widths) == ROW_PX and widths[0] == type_px
        for width, p in zip(widths[1:], LAYER_TYPES[layer["type"]].params):
            if p.choices:
                assert width - SELECT_PX - GAP_PX >= CHAR_PX * max(len(c) for c in p.choices)


def test_docstring_examples_run():
    import doctest

    import components.spec_ui

    result = doctest.testmod(components.spec_ui)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("value, step, decimals", [
    (1 / 255, 0.01, 5),    # the notes' rescale read "0.00"
    (0.25, 0.01, 2),
    (0.0003, 0.0001, 4),   # its step shows it exactly
    (0.0, 0.01, 2),
    (400.0, 0.01, 2),
    (1e-12, 0.01, 8),      # at most 8
])
def test_a_small_value_is_shown_with_its_significant_digits(value, step, decimals):
    from components.spec_ui import shown_decimals

    assert shown_decimals(Param("x", 1.0, "", step=step), value) == decimals

