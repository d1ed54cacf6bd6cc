"""A run that ends near chance says what to change; one that learned says nothing."""

import re

import numpy as np
import pytest

from tflab.data import Dataset, DataSummary, load_dataset
from tflab.hints import Baseline, baseline, near_chance_hint
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec

COIN = Baseline("accuracy", 0.5, 2)
FLAT = [0.7, 0.69, 0.69, 0.69, 0.69, 0.69]


def points(**settings) -> ExperimentSpec:
    spec = get_recipe("binary_points").spec
    for path, value in settings.items():
        spec = spec.with_setting(path.replace("__", "."), value)
    return spec


def hidden(units=32, activation="relu") -> ExperimentSpec:
    return points(**{f"model.layers[{i}].{name}": value for i in (0, 1)
                     for name, value in (("units", units), ("activation", activation))})


def _said(*args) -> str:
    """The hint in English, as the command line and the run's message have it."""
    return str(near_chance_hint(*args))


def test_a_run_that_learned_gets_no_hint():
    assert near_chance_hint(points(), {"loss": FLAT, "val_accuracy": [0.6, 0.9, 0.97]}, COIN) is None


def test_the_spiral_as_it_was_names_the_units_to_add():
    """Issue 8.3: 2 x 8 tanh units left the spiral at 66% with a flat loss, and no hint."""
    hint = _said(hidden(8, "tanh"), {"loss": FLAT, "val_accuracy": [0.6, 0.66]}, COIN)

    assert hint.startswith("Validation accuracy ended at 66%, near chance (50% for 2 classes)")
    assert "more units (the widest hidden layer has 8: try 32 or 64, `model.layers[0].units`)" \
        in hint
    assert "epochs" not in hint and "learning rate" not in hint  # the loss was flat, rate fine


def test_a_third_of_the_way_to_perfect_is_no_longer_near_chance():
    assert near_chance_hint(hidden(8), {"loss": FLAT, "val_accuracy": [0.66]}, COIN) is not None
    assert near_chance_hint(hidden(8), {"loss": FLAT, "val_accuracy": [0.67]}, COIN) is None


def test_chance_is_the_largest_class_when_classes_are_unequal():
    """Always answering the class of 80% of the examples scores 80%: 82% is near that."""
    hint = _said(points(), {"loss": FLAT, "val_accuracy": [0.82]},
                            Baseline("accuracy", 0.8, 3))
    assert "near chance (80%, what always answering the largest class scores)" in hint


def test_linear_hidden_layers_are_told_to_bend():
    hint = _said(hidden(32, "linear"), {"loss": FLAT, "val_accuracy": [0.5]}, COIN)
    assert "a non-linear activation such as relu" in hint and "`model.layers[0].activation`" in hint


def test_a_single_output_layer_is_told_to_get_a_hidden_layer():
    spec = ExperimentSpec.from_dict({**points().to_dict(), "model": {
        "input_shape": [2], "layers": [{"type": "Dense", "units": 1, "activation": "sigmoid"}]}})
    hint = _said(spec, {"loss": FLAT, "val_accuracy": [0.5]}, COIN)
    assert "a hidden layer before the output" in hint


@pytest.mark.parametrize("optimizer, rate, advice", [
    ("adam", 1e-6, "a higher learning rate (`compile.learning_rate` is 1e-06"),
    ("sgd", 1e-4, "a higher learning rate (`compile.learning_rate` is 0.0001"),
    ("adam", 0.5, "a lower learning rate (`compile.learning_rate` is 0.5"),
])
def test_a_learning_rate_far_off_is_named(optimizer, rate, advice):
    spec = points(compile__optimizer=optimizer, compile__learning_rate=rate)
    hint = _said(spec, {"loss": FLAT, "val_accuracy": [0.5]}, COIN)
    assert advice in hint


def test_a_falling_loss_asks_for_more_epochs():
    falling = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    hint = _said(points(fit__epochs=6), {"loss": falling, "val_accuracy": [0.55]}, COIN)
    assert "more epochs (the loss was still falling when the run ended; `fit.epochs` is 6)" in hint


def test_a_very_short_run_asks_for_more_epochs():
    hint = _said(points(fit__epochs=2), {"loss": [0.7, 0.7], "val_accuracy": [0.5]},
                            COIN)
    assert "more epochs (it trained for 2" in hint


def test_without_anything_to_point_at_it_still_says_what_to_try():
    hint = _said(points(), {"loss": FLAT, "val_accuracy": [0.5]}, COIN)
    assert hint.endswith("What to change: more units or layers, more epochs, or another "
                         "learning rate (`compile.learning_rate`).")


def test_without_validation_the_training_accuracy_is_judged():
    hint = _said(hidden(8), {"loss": FLAT, "accuracy": [0.5, float("nan")]}, COIN)
    assert hint.startswith("Training accuracy ended at 50%")


def test_a_regression_no_better_than_the_mean_gets_the_hint():
    spec = get_recipe("deep_regression").spec.with_setting("model.layers[0].activation", "linear") \
        .with_setting("model.layers[1].activation", "linear")
    base = Baseline("loss", 0.5)

    hint = _said(spec, {"loss": FLAT, "val_loss": [0.48]}, base)

    assert hint.startswith("Validation loss ended at 0.48, no better than always predicting "
                           "the mean (0.5)")
    assert "a non-linear activation" in hint
    assert near_chance_hint(spec, {"loss": FLAT, "val_loss": [0.2]}, base) is None


def test_nothing_to_judge_gives_no_hint():
    assert near_chance_hint(points(), {"loss": FLAT}, COIN) is None
    assert near_chance_hint(points(), {"loss": FLAT, "val_accuracy": [0.5]}, None) is None


def test_the_baseline_of_balanced_points_is_a_coin_toss():
    spec = points()
    data = load_dataset("points", dict(spec.data.options), 0.2, spec.seed)
    assert baseline(spec, data) == Baseline("accuracy", pytest.approx(0.5, abs=0.1), 2)


def test_the_baseline_of_a_regression_is_the_loss_of_the_training_mean():
    summary = DataSummary("regression", (1,), (1,))
    y_train, y_val = np.array([[1.0], [3.0]]), np.array([[0.0], [4.0]])
    data = Dataset(y_train, y_train, y_val, y_val, summary)
    mse = get_recipe("deep_regression").spec
    mae = mse.with_setting("compile.loss", "mean_absolute_error")
    huber = mse.with_setting("compile.loss", "huber")

    assert baseline(mse, data).value == pytest.approx(4.0)   # errors -2 and 2
    assert baseline(mae, data).value == pytest.approx(2.0)
    assert baseline(huber, data).value == pytest.approx(1.5)  # |e| - 0.5 beyond 1


def test_a_classifier_without_accuracy_has_no_baseline():
    spec = points(compile__metrics=[])
    data = load_dataset("points", dict(spec.data.options), 0.2, spec.seed)
    assert baseline(spec, data) is None


def test_a_real_run_near_chance_says_what_to_change_in_its_stored_message(tmp_path):
    """Circles cannot be split by a straight line: linear hidden layers stay near 50%."""
    from tflab.job import run_job
    from tflab.store import RunStore

    spec = hidden(32, "linear").with_setting("fit.epochs", 20)
    with RunStore(tmp_path / "home") as store:
        run_id = store.create_run(spec.recipe, spec.to_dict(), 20)
        result = run_job(store, run_id)
        run = store.get_run(run_id)

    assert result.status == "completed"
    assert result.final_metrics["val_accuracy"] < 0.67
    # The validation fifth of these 500 points is not split exactly in half.
    assert re.search(r"accuracy ended at \d+%, near chance \(5\d%, what always answering the "
                     r"largest class scores\)", run.message)
    assert "a non-linear activation such as relu" in run.message


def test_a_real_run_that_learned_keeps_a_quiet_message():
    from tflab.stream import ListSink
    from tflab.train import train

    result = train(points(fit__epochs=20), ListSink())

    assert result.final_metrics["val_accuracy"] > 0.9 and result.message == ""


def test_docstring_examples_run_as_written():
    import doctest

    import tflab.hints

    assert doctest.testmod(tflab.hints, optionflags=doctest.ELLIPSIS).failed == 0


def test_the_hint_is_said_in_spanish_with_its_numbers_the_spanish_way():
    from tflab.words import Words

    hint = near_chance_hint(hidden(8, "tanh"), {"loss": FLAT, "val_accuracy": [0.6, 0.66]}, COIN)
    said = Words.load("es").say(hint)
    assert said.startswith("La precisión de validación terminó en 66\u00a0%, cerca del azar "
                           "(50\u00a0% con 2 clases): el modelo aprendió poco. Qué cambiar: ")
    assert "más neuronas (la capa oculta más ancha tiene 8" in said and "⟦" not in said


def test_a_run_near_chance_keeps_its_hint_as_phrases_the_pages_say(tmp_path):
    """The worker writes the message in English and keeps its phrases beside it, so a
    Spanish page says the hint in Spanish (tflab.progress.said_of)."""
    from tflab.job import run_job
    from tflab.progress import said_of
    from tflab.store import RunStore
    from tflab.words import Words

    spec = points(compile__learning_rate=1e-7, fit__epochs=2)  # steps too small to learn
    with RunStore(tmp_path / "home") as store:
        run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
        run_job(store, run_id)
        run = store.get_run(run_id)
    [hint] = run.said
    assert hint.key == "hints.near_chance" and run.message == str(hint)
    said = " ".join(Words.load("es").say(part) for part in said_of(run))
    assert said.startswith("La precisión de validación terminó en ") and "⟦" not in said
    assert "una tasa de aprendizaje mayor (`compile.learning_rate` es 1e-07" in said
