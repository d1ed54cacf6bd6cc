"""The coach finds what went wrong in a run's curves and queues the change worth trying."""

import math

import pytest

from made_specs import overfitting_spec
from tflab.coach import Finding, diagnose
from tflab.remedies import Variant, apply_variant
from tflab.recipes import get_recipe


def curve(*values, start=1):
    return [(epoch, value) for epoch, value in enumerate(values, start=start)]


def kinds(findings):
    return [finding.kind for finding in findings]


def test_a_smoothly_falling_curve_has_no_finding():
    loss = [10 * 0.95 ** e for e in range(100)]  # the linear recipe's loss falls like this
    history = {"loss": curve(*loss), "val_loss": curve(*(v * 1.1 for v in loss))}
    assert diagnose(history, get_recipe("linear").spec) == []


def test_validation_loss_rising_while_training_loss_falls_is_overfitting():
    val = [1.0, 0.8, 0.82, 0.81, 0.7, 0.75, 0.8, 0.9, 1.0, 1.1, 1.2]  # a 2-epoch stall before 0.7
    history = {"loss": curve(*(1.0 - 0.08 * e for e in range(11))), "val_loss": curve(*val)}
    [finding] = diagnose(history, get_recipe("binary_points").spec)
    assert finding.kind == "overfitting" and finding.epoch == 7
    assert "lowest at epoch 5 (0.7)" in finding.why and "1.2 at epoch 11" in finding.why
    # Patient enough to wait through the stall at epochs 3-4 and reach epoch 5 again.
    assert finding.variant == Variant("early_stopping",
                                      (("fit.early_stopping", True), ("fit.patience", 3)))


def test_a_validation_loss_that_rises_with_the_training_loss_is_not_overfitting():
    history = {"loss": curve(1.0, 0.8, 0.7, 0.75, 0.8, 0.9, 1.0),
               "val_loss": curve(1.0, 0.8, 0.7, 0.75, 0.8, 0.9, 1.0)}
    assert "overfitting" not in kinds(diagnose(history))


def test_with_early_stopping_on_overfitting_offers_augmentation_for_pictures():
    spec = get_recipe("multiclass").spec.with_setting("fit.early_stopping", True)
    history = {"loss": curve(1.0, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1),
               "val_loss": curve(1.0, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3)}
    [finding] = diagnose(history, spec)
    assert finding.variant.label == "The notes' augmentation"
    changed = apply_variant(spec, finding)
    assert changed.augmentation.rotation_range == 40 and changed.augmentation.horizontal_flip
    assert changed.augmentation.rescale == spec.augmentation.rescale


def test_with_early_stopping_on_overfitting_offers_dropout_after_hidden_layers():
    spec = get_recipe("binary_points").spec.with_setting("fit.early_stopping", True)
    history = {"loss": curve(1.0, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1),
               "val_loss": curve(1.0, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3)}
    [finding] = diagnose(history, spec)
    changed = apply_variant(spec, finding)
    assert [layer.type for layer in changed.model.layers] == ["Dense", "Dropout", "Dense", "Dropout",
                                                              "Dense"]
    [again] = diagnose(history, changed)
    assert [layer.args.get("rate") for layer in apply_variant(changed, again).model.layers] == \
        [None, 0.4, None, 0.4, None]


def test_high_flat_losses_are_underfitting_and_widen_the_hidden_layers():
    loss = [0.70, 0.695] + [0.693] * 18
    history = {"loss": curve(*loss), "val_loss": curve(*(v + 0.001 for v in loss))}
    spec = get_recipe("binary_points").spec
    [finding] = diagnose(history, spec)
    assert finding.kind == "underfitting" and finding.epoch == 16
    assert "0.693" in finding.why and "99% of its first value (0.7)" in finding.why
    assert finding.variant.settings == (("model.layers[0].units", 64), ("model.layers[1].units", 64))


@pytest.mark.parametrize("value,said", [(None, "nan"), (math.inf, "inf")])
def test_a_loss_that_is_not_a_number_is_diverged_and_names_the_learning_rate(value, said):
    spec = get_recipe("linear").spec.with_setting("compile.learning_rate", 10.0)
    [finding] = diagnose({"loss": curve(5.0, 40.0, 900.0, value)}, spec)
    assert finding.kind == "diverged" and finding.epoch == 4
    assert f"became {said} at epoch 4" in finding.why and "learning rate of 10.0" in finding.why
    assert apply_variant(spec, finding).compile.learning_rate == 1.0


def test_an_exploding_loss_is_diverged_before_it_becomes_nan():
    [finding] = diagnose({"loss": curve(1.0, 0.5, 0.4, 30.0, 0.3)})
    assert finding.kind == "diverged" and finding.epoch == 4
    assert "75 times its lowest (0.4)" in finding.why and finding.variant is None


def test_a_loss_that_fell_then_stopped_is_a_plateau():
    history = {"loss": curve(1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.32, 0.3, 0.3, 0.3, 0.301, 0.3, 0.3)}
    spec = get_recipe("deep_regression").spec
    [finding] = diagnose(history, spec)
    assert finding.kind == "plateau" and finding.epoch == 8
    assert finding.why.startswith("The loss stopped improving at epoch 8 (0.3)")
    assert apply_variant(spec, finding).compile.learning_rate == 0.001


def test_a_loss_that_barely_moves_asks_for_a_higher_learning_rate():
    spec = get_recipe("linear").spec.with_setting("compile.learning_rate", 0.0001)
    [finding] = diagnose({"loss": curve(*(1.0 - 0.001 * e for e in range(20)))}, spec)
    assert finding.kind == "learning_rate_too_small"
    assert "1 to 0.981, 1.9%" in finding.why and "learning rate of 0.0001" in finding.why
    assert finding.variant == Variant("higher_rate", (("compile.learning_rate", 0.001),))


def test_at_the_highest_learning_rate_a_slow_loss_gets_more_epochs():
    spec = get_recipe("linear").spec.with_setting("compile.learning_rate", 10.0)
    [finding] = diagnose({"loss": curve(*(1.0 - 0.001 * e for e in range(20)))}, spec)
    assert finding.variant == Variant("more_epochs", (("fit.epochs", 1000),))


def test_class_counts_far_apart_are_an_imbalance():
    [finding] = diagnose({}, class_counts={"cats": 300, "dogs": 40})
    assert finding.kind == "class_imbalance" and finding.epoch == 0 and finding.variant is None
    assert finding.why == ("The classes are imbalanced: cats has 300 examples and dogs only 40 "
                           "(7.5 times fewer), so the model can score well by mostly answering "
                           "cats.")
    assert "7.5 times fewer" in finding.why
    assert diagnose({}, class_counts={"cats": 100, "dogs": 90}) == []


def test_bad_input_is_refused_with_the_field_and_what_was_received():
    with pytest.raises(TypeError, match=r"`history`.*Received: history=\[1, 2\]"):
        diagnose([1, 2])
    with pytest.raises(ValueError, match=r"`history\['loss'\]\[1\]`.*Received: 0.5"):
        diagnose({"loss": [(1, 1.0), 0.5]})
    with pytest.raises(ValueError, match=r"`class_counts\['dogs'\]`.*0 or more. Received: -1"):
        diagnose({}, class_counts={"cats": 3, "dogs": -1})
    with pytest.raises(ValueError, match=r"`variant` is None for the 'class_imbalance' finding"):
        apply_variant(get_recipe("linear").spec, Finding("class_imbalance", 0, "", None))


# -- real runs ------------------------------------------------------------------------------

def trained(spec):
    from tflab.stream import ListSink
    from tflab.train import train

    sink = ListSink()
    result = train(spec, sink)
    assert result.status == "completed", result.message
    history = {}
    for epoch, logs in sink.epochs:
        for name, value in logs.items():
            history.setdefault(name, []).append((epoch, value))
    return result, history




def test_real_runs_overfit_is_found_and_its_early_stopping_keeps_the_best_model():
    from tflab.data import load_dataset

    spec = overfitting_spec()
    _, history = trained(spec)
    found = [f for f in diagnose(history, spec) if f.kind == "overfitting"]
    assert len(found) == 1, diagnose(history, spec)
    best = min(value for _, value in history["val_loss"])

    linear = get_recipe("linear").spec
    _, linear_history = trained(linear)
    assert len(linear_history["loss"]) == linear.fit.epochs
    assert diagnose(linear_history, linear) == []

    stopped, stopped_history = trained(apply_variant(spec, found[0]))
    assert stopped.epochs_done < spec.fit.epochs
    data = load_dataset("points", dict(spec.data.options), spec.data.validation_split, spec.seed)
    kept = stopped.model.evaluate(data.x_val, data.y_val, verbose=0, return_dict=True)["loss"]
    assert kept <= best * (1 + 1e-4)
