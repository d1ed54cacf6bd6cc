"""Each recipe of the notes reaches its quality bar, trained for real, offline."""

from pathlib import Path

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
        assert len(str(recipe.teaches)) > 80 and "keras" in recipe.code
        assert "lr=" not in recipe.code and "experimental" not in recipe.code
        assert recipe.spec.recipe == recipe.name
    assert "one sigmoid unit" in str(get_recipe("binary_points").teaches).lower()


# The course notes, as the recipes were made from them (a copy kept with the code).
NOTES = Path(__file__).resolve().parents[2] / "docs" / "notas-tensorflow2.md"


def _notes() -> str:
    return NOTES.read_text(encoding="utf-8")


def _section(notes: str, heading: str) -> str:
    """The notes' text under `## heading`, up to the next heading of that level."""
    start = notes.index(f"\n## {heading}\n")
    end = notes.find("\n## ", start + 1)
    return notes[start:end if end > 0 else None]


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.name for r in RECIPES])
def test_each_recipe_quotes_the_notes_verbatim_from_its_section(recipe):
    section = _section(_notes(), recipe.notes_heading)
    assert 1 <= len(recipe.notes_quote) <= 3
    for paragraph in recipe.notes_quote:
        assert paragraph in section, paragraph  # verbatim, under the heading it names
        assert "\n" not in paragraph and not paragraph.startswith(("```", ">>>", "#"))
    places = [section.index(paragraph) for paragraph in recipe.notes_quote]
    assert places == sorted(places)  # in the notes' order


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_recipe_has_its_title_and_story_in_both_languages(language):
    from tflab.words import Words

    words = Words.load(language)
    for recipe in RECIPES:
        assert words.has(recipe.title.key) and words.has(recipe.teaches.key)
    assert str(get_recipe("linear").title) == "Linear regression: y = 2x - 1"
    assert Words.load("es").say(get_recipe("multiclass").title) == \
        "Multiclase: dígitos escritos a mano"
