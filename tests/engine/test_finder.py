"""The learning-rate finder: suggest() on made-up curves, the range test on real recipes."""

import doctest
import math

import numpy as np
import pytest

import tflab.finder
from tflab.finder import (RangeTest, Suggestion, learning_rates, range_test, smooth, suggest)
from tflab.recipes import get_recipe
from tflab.words import Phrase, Words


def curve(lrs, fall_at, blow_up_at, low=0.2, high=2.3):
    """A range test's usual shape: flat at `high`, a fall centred on `fall_at` down to
    `low`, then a blow-up from `blow_up_at`."""
    logs = np.log10(lrs)
    loss = low + (high - low) / (1 + np.exp(4 * (logs - math.log10(fall_at))))
    return loss + np.where(lrs > blow_up_at, (logs - math.log10(blow_up_at)) * 20, 0.0)


def test_the_docstring_examples_run():
    assert doctest.testmod(tflab.finder, optionflags=doctest.ELLIPSIS).failed == 0


def test_learning_rates_grow_exponentially_from_start_to_end():
    rates = learning_rates(1e-6, 10.0, 100)
    assert rates[0] == pytest.approx(1e-6) and rates[-1] == pytest.approx(10.0)
    ratios = rates[1:] / rates[:-1]
    assert np.allclose(ratios, ratios[0]) and ratios[0] > 1


@pytest.mark.parametrize("args, named", [((0.0, 1.0, 10), "`start` and `end`"),
                                         ((1.0, 0.1, 10), "`start` and `end`"),
                                         ((1e-3, 1.0, 1), "`steps`")])
def test_learning_rates_refuse_a_range_that_does_not_grow(args, named):
    with pytest.raises(ValueError, match=named):
        learning_rates(*args)


def test_smoothing_corrects_its_start_and_follows_the_loss():
    assert smooth([2.0, 2.0, 2.0]) == pytest.approx([2.0, 2.0, 2.0])  # no pull towards 0
    falling = smooth(list(np.linspace(2.0, 0.0, 50)))
    assert all(a > b for a, b in zip(falling, falling[1:]))


def test_a_fall_well_before_the_edge_is_suggested_at_its_steepest():
    lrs = learning_rates(1e-6, 10.0, 100)
    suggestion = suggest(lrs, curve(lrs, fall_at=1e-4, blow_up_at=0.3))
    assert suggestion.reason.key == "finder.reason.steepest"
    assert 5e-5 <= suggestion.value <= 2e-4
    assert suggestion.reason.values["rate"] == suggestion.value


def test_a_fall_right_before_the_edge_is_suggested_at_a_tenth_of_the_lowest_loss():
    lrs = learning_rates(1e-6, 10.0, 100)
    losses = curve(lrs, fall_at=1e-2, blow_up_at=3e-2)
    lowest = lrs[int(np.argmin(losses))]
    suggestion = suggest(lrs, losses)
    assert suggestion.reason.key == "finder.reason.tenth"
    assert suggestion.value == pytest.approx(lowest / 10, rel=0.05)
    assert suggestion.value < suggestion.reason.values["steepest"]


def test_one_noisy_batch_early_on_is_not_the_steepest_descent():
    lrs = learning_rates(1e-6, 10.0, 100)
    losses = curve(lrs, fall_at=1e-3, blow_up_at=1.0)
    losses[3] += 0.5  # a spike, then the loss "falls" back at once
    assert suggest(lrs, losses).value > 1e-4


def test_a_suggestion_has_two_significant_digits():
    lrs = learning_rates(1e-6, 10.0, 100)
    value = suggest(lrs, curve(lrs, fall_at=3.3e-3, blow_up_at=1.0)).value
    assert value == float(f"{value:.2g}")


def test_a_flat_curve_suggests_nothing_and_says_why():
    lrs = learning_rates(1e-6, 10.0, 100)
    rng = np.random.default_rng(0)
    suggestion = suggest(lrs, 0.69 + rng.normal(0, 0.003, 100))
    assert suggestion.value is None
    assert suggestion.reason == Phrase("finder.reason.no_fall", {"low": 1e-6, "high": 10.0})


def test_a_curve_that_only_rises_suggests_nothing():
    lrs = learning_rates(1e-6, 10.0, 100)
    assert suggest(lrs, np.linspace(1.0, 3.0, 100)).value is None


def test_a_test_that_blew_up_at_once_suggests_nothing():
    lrs = learning_rates(1e-6, 10.0, 100)[:6]
    suggestion = suggest(lrs, [1.0, 0.8, 0.5, 0.3, 0.2, math.nan])  # fell, then blew up
    assert suggestion.value is None and suggestion.reason.key == "finder.reason.too_short"
    assert suggestion.reason.values == {"steps": 5, "high": float(f"{lrs[-1]:.2g}")}


def test_a_loss_that_is_not_finite_at_the_end_is_left_out():
    lrs = learning_rates(1e-6, 10.0, 100)
    losses = curve(lrs, fall_at=1e-4, blow_up_at=0.3)
    losses[-1] = math.nan
    assert suggest(lrs, losses).value == suggest(lrs[:-1], losses[:-1]).value


def test_suggest_refuses_curves_of_different_lengths():
    with pytest.raises(ValueError, match="different lengths"):
        suggest([1e-3, 1e-2], [1.0])


def test_every_reason_is_in_both_languages_with_its_values():
    lrs = learning_rates(1e-6, 10.0, 100)
    reasons = [suggest(lrs, curve(lrs, 1e-4, 0.3)), suggest(lrs, curve(lrs, 1e-2, 3e-2)),
               suggest(lrs, np.full(100, 0.7)), suggest(lrs[:5], [1, 2, 3, 4, 5])]
    assert {s.reason.key for s in reasons} == {"finder.reason.steepest", "finder.reason.tenth",
                                               "finder.reason.no_fall", "finder.reason.too_short"}
    for language in ("en", "es"):
        for suggestion in reasons:
            text = Words.load(language).say(suggestion.reason)
            assert "⟦" not in text and "{" not in text, text
    assert "tasa de aprendizaje" in Words.load("es").say(reasons[0].reason)


def test_a_range_test_round_trips_through_json_with_its_nan():
    import json

    reason = Phrase("finder.reason.too_short", {"steps": 1, "high": 0.01})
    test = RangeTest((1e-3, 1e-2), (1.0, math.nan), (1.0, math.inf), True,
                     Suggestion(None, reason), 1.5)
    back = RangeTest.from_dict(json.loads(json.dumps(test.to_dict(), allow_nan=False)))
    assert back.lrs == test.lrs and back.suggestion == test.suggestion and back.exploded
    assert math.isnan(back.losses[1]) and math.isnan(back.raw[1])


def test_the_range_test_stops_when_the_loss_blows_up():
    spec = get_recipe("linear").spec
    steps_seen = []
    test = range_test(spec, on_step=lambda done, steps: steps_seen.append((done, steps)))
    assert test.exploded and len(test.lrs) < 100
    assert steps_seen == [(i, 100) for i in range(1, len(test.lrs) + 1)]
    assert test.lrs[0] == pytest.approx(1e-6)
    assert len(test.lrs) == len(test.losses) == len(test.raw)
    finite = [v for v in test.losses[:-1]]
    assert test.losses[-1] > 4 * min(finite) or not math.isfinite(test.raw[-1])
    # Plain SGD on six points: a rate near the recipe's own 0.01.
    assert 0.001 <= test.suggestion.value <= 0.1


def test_the_range_test_leaves_the_spec_rate_alone_and_keeps_nothing(tflab_home):
    spec = get_recipe("linear").spec
    range_test(spec, steps=10)
    assert spec.compile.learning_rate == 0.01
    assert not (tflab_home / "models").exists() or not any((tflab_home / "models").iterdir())


@pytest.mark.slow
def test_the_suggestion_trains_the_multi_class_recipe_to_ninety_percent(digits):
    """Issue 10's acceptance: the finder's value (within 10x of one that trains the recipe
    to 0.90 validation accuracy in its epochs: here it is that one)."""
    from tflab.train import train

    spec = get_recipe("multiclass").spec
    test = range_test(spec, data=digits)
    assert test.exploded and test.suggestion.value is not None
    result = train(spec.with_setting("compile.learning_rate", test.suggestion.value), data=digits)
    assert result.status == "completed" and result.epochs_done == spec.fit.epochs
    print(f"suggested {test.suggestion.value} ({test.suggestion.reason.key}) in "
          f"{test.seconds:.1f} s; val_accuracy {result.final_metrics['val_accuracy']:.3f}")
    assert result.final_metrics["val_accuracy"] >= 0.90
