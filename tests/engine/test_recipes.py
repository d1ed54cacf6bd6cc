"""Each recipe of the notes reaches its quality bar, trained for real, offline."""

import numpy as np
import pytest

from tflab.data import load_dataset
from tflab.data.catalog import PATTERNS
from tflab.predict import Predictor
from tflab.recipes import RECIPES, get_recipe
from tflab.stream import ListSink
from tflab.train import train


def trained(name, **settings):
    spec = get_recipe(name).spec
    for path, value in settings.items():
        spec = spec.with_setting(path.replace("__", "."), value)
    result = train(spec, ListSink())
    assert result.status == "completed", result.message
    return spec, result


def data_of(spec):
    return load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)


def test_linear_predicts_about_19_for_10():
    spec, result = trained("linear")
    [y] = Predictor(result.model, spec).numbers([[10.0]])
    assert abs(y - 19) < 0.1
    weight, bias = (w.ravel()[0] for w in result.model.layers[-1].get_weights())
    assert weight == pytest.approx(2, abs=0.02) and bias == pytest.approx(-1, abs=0.06)


def test_deep_regression_beats_predicting_the_mean_by_far():
    spec, result = trained("deep_regression")
    data = data_of(spec)
    mean_mse = float(np.mean((data.y_val - data.y_train.mean()) ** 2))
    assert result.final_metrics["val_loss"] < 0.25 * mean_mse


@pytest.mark.parametrize("pattern", PATTERNS)
def test_binary_points_separates_every_pattern_it_offers(pattern):
    """Issue 8.3: with 8 tanh units the spiral stayed at about 66%."""
    _, result = trained("binary_points", data__options__pattern=pattern)
    assert result.final_metrics["val_accuracy"] >= 0.95


def test_binary_images_tells_two_digits_apart():
    _, result = trained("binary_images")
    assert result.final_metrics["val_accuracy"] >= 0.95


def test_multiclass_reads_handwritten_digits():
    _, result = trained("multiclass")
    assert result.final_metrics["val_accuracy"] >= 0.90


@pytest.mark.slow
def test_cnn_with_dropout_and_augmentation_is_clearly_above_chance():
    _, result = trained("cnn")
    assert result.final_metrics["val_accuracy"] >= 0.8


@pytest.mark.slow
def test_time_series_beats_the_last_value_forecast():
    spec, result = trained("time_series")
    data = data_of(spec)
    naive_mae = float(np.mean(np.abs(data.y_val - data.x_val)))  # tomorrow = today
    assert result.final_metrics["val_mae"] < naive_mae


def test_every_recipe_has_its_story_and_code():
    for recipe in RECIPES:
        assert len(recipe.teaches) > 80 and "keras" in recipe.code
        assert "lr=" not in recipe.code and "experimental" not in recipe.code
        assert recipe.spec.recipe == recipe.name
    assert "one sigmoid unit" in get_recipe("binary_points").teaches.lower() or \
        "ONE sigmoid unit" in get_recipe("binary_points").teaches
