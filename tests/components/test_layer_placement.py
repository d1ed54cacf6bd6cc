"""Tests for components.layer_placement: where Build puts a new layer, and its settings."""

import pytest

from components.layer_placement import hidden_activation, new_layer
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec


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
    layers = [dict(layer, activation="tanh") for layer in layer_dicts("binary_points")[:-1]]
    layers.append(layer_dicts("binary_points")[-1])  # Playground's hidden layers use tanh

    assert new_layer(layers, "Dense") == (2, {"type": "Dense", "activation": "tanh"})


def test_a_model_without_units_gets_new_layers_at_the_end():
    assert new_layer([{"type": "Flatten"}], "Dense") == (1, {"type": "Dense", "activation": "relu"})
    assert hidden_activation([]) == "relu"
