"""Building models from specs: layers, augmentation only while training, shape checks."""

import numpy as np
import pytest

from tflab.build import (ShapeMismatch, build_model, check_data, compile_model, parameter_counts,
                         summarize_model)
from tflab.recipes import RECIPES, get_recipe


@pytest.mark.parametrize("name", [r.name for r in RECIPES if r.name != "transfer"])
def test_every_recipe_builds_with_the_shapes_the_spec_predicted(name):
    spec = get_recipe(name).spec
    model = build_model(spec)
    compile_model(model, spec)
    rows = summarize_model(model)
    predicted = spec.model.shapes()
    built = [row.output_shape[1:] for row in rows][-len(predicted):]
    assert built == predicted


def test_the_summary_counts_parameters_like_keras():
    model = build_model(get_recipe("multiclass").spec)
    rows = summarize_model(model)
    assert [r.type for r in rows] == ["Rescaling", "Flatten", "Dense", "Dense"]
    assert rows[2].params == 784 * 128 + 128 and rows[3].params == 128 * 10 + 10
    assert parameter_counts(model) == (model.count_params(), 0)


def test_augmentation_changes_images_only_while_training():
    spec = get_recipe("cnn").spec
    model = build_model(spec)
    augment = model.layers[1:7]  # Rescaling, then the five random layers
    assert [type(l).__name__ for l in augment] == ["Rescaling", "RandomRotation", "RandomTranslation",
                                                   "RandomShear", "RandomZoom", "RandomFlip"]
    images = np.random.default_rng(0).uniform(0, 255, (2, 150, 150, 3)).astype("float32")
    x_infer, x_train = images, images
    for layer in augment:
        x_infer = layer(x_infer, training=False)
        x_train = layer(x_train, training=True)
    assert np.allclose(np.asarray(x_infer), images / 255, atol=1e-6)
    assert not np.allclose(np.asarray(x_train), images / 255, atol=1e-3)


def test_a_data_shape_that_does_not_fit_the_input_is_refused_showing_both_shapes():
    model = build_model(get_recipe("multiclass").spec)
    with pytest.raises(ShapeMismatch) as caught:
        check_data(model, np.zeros((5, 28, 28), dtype="float32"))
    message = str(caught.value)
    assert "[28, 28]" in message and "[28, 28, 1]" in message and "batch axis" in message
    check_data(model, np.zeros((5, 28, 28, 1), dtype="float32"))


def test_a_free_time_axis_accepts_any_window():
    model = build_model(get_recipe("time_series").spec)
    check_data(model, np.zeros((3, 30, 1), dtype="float32"))
    check_data(model, np.zeros((3, 64, 1), dtype="float32"))
    with pytest.raises(ShapeMismatch):
        check_data(model, np.zeros((3, 30), dtype="float32"))


def test_the_same_seed_builds_the_same_weights():
    spec = get_recipe("deep_regression").spec
    first, second = build_model(spec), build_model(spec)
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    other = build_model(spec.with_setting("seed", 1))
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])
