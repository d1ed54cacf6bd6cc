"""Tests for tflab.sweep: a sweep's values and variants, checked before anything is queued
(the rule that names the best variant: tests/engine/test_metrics.py)."""

import pytest

from tflab.recipes import get_recipe
from tflab.spec import SpecError
from tflab.sweep import (MAX_VARIANTS, SweepSpec, Vary, parse_vary, setting_param,
                         setting_value)
from tflab.words import Words


@pytest.fixture(scope="module")
def digits_spec():
    """The multi-class recipe with a dropout layer: Flatten, Dense(128), Dropout, Dense(10)."""
    spec = get_recipe("multiclass").spec
    layers = [layer.to_dict() for layer in spec.model.layers]
    return spec.with_setting("model.layers", layers[:2] + [{"type": "Dropout", "rate": 0.2}]
                             + layers[2:])


def values_of(spec, text):
    return SweepSpec(spec, (parse_vary(text),)).values()


def test_a_list_gives_one_variant_per_value_in_order(digits_spec):
    sweep = SweepSpec(digits_spec, (Vary("model.layers[1].units", (16, 32, 64)),))
    assert sweep.values() == [(16,), (32,), (64,)]
    assert [v.model.layers[1].args["units"] for v in sweep.variants()] == [16, 32, 64]
    assert all(v.model.layers[3].args["units"] == 10 for v in sweep.variants())


def test_two_settings_give_every_combination_the_first_changing_slowest(digits_spec):
    sweep = SweepSpec(digits_spec, (parse_vary("model.layers[1].units=16,64"),
                                    parse_vary("model.layers[2].rate=0.1,0.3,0.5")))
    assert sweep.settings == ("model.layers[1].units", "model.layers[2].rate")
    assert sweep.values() == [(16, 0.1), (16, 0.3), (16, 0.5), (64, 0.1), (64, 0.3), (64, 0.5)]
    variant = sweep.variants()[4]
    assert (variant.model.layers[1].args["units"], variant.model.layers[2].args["rate"]) == (64, 0.3)


@pytest.mark.parametrize("text, values", [
    ("compile.learning_rate=log:1e-4..1e-1:4", [0.0001, 0.001, 0.01, 0.1]),
    ("compile.learning_rate=lin:0.1..0.4:4", [0.1, 0.2, 0.3, 0.4]),
    ("model.layers[1].units=lin:16..128:4", [16, 53, 91, 128]),  # whole numbers, rounded
    ("model.layers[1].units=log:1..1000:4", [1, 10, 100, 1000]),
    ("model.layers[1].units=log:1..2:5", [1, 2]),  # rounded repeats dropped
    ("fit.epochs=lin:3..3:1", [3]),
], ids=["log", "lin", "lin whole", "log whole", "repeats dropped", "one value"])
def test_ranges_are_spaced_evenly_or_in_log_scale(digits_spec, text, values):
    assert [v for (v,) in values_of(digits_spec, text)] == values


def test_random_values_come_from_the_seed_within_the_range(digits_spec):
    drawn = [v for (v,) in values_of(digits_spec, "compile.learning_rate=random:1e-4..1e-1:4:seed=7")]
    assert len(drawn) == 4 and len(set(drawn)) == 4
    assert all(1e-4 <= v <= 1e-1 for v in drawn)
    assert drawn == [v for (v,) in values_of(digits_spec, "compile.learning_rate=random:1e-4..1e-1:4:seed=7")]
    assert drawn != [v for (v,) in values_of(digits_spec, "compile.learning_rate=random:1e-4..1e-1:4:seed=8")]
    logs = [v for (v,) in values_of(digits_spec, "compile.learning_rate=lograndom:1e-4..1e-1:40:seed=1")]
    assert all(1e-4 <= v <= 1e-1 for v in logs)
    assert sum(v < 1e-2 for v in logs) > 20  # two of three decades below 0.01: log-uniform


def test_a_random_draw_without_a_range_stays_within_the_declared_bounds(digits_spec):
    rates = [v for (v,) in values_of(digits_spec, "model.layers[2].rate=random:20:seed=3")]
    assert len(rates) == 20 and all(0 <= v < 1 for v in rates)
    units = [v for (v,) in values_of(digits_spec, "model.layers[1].units=random:8:seed=3")]
    assert all(isinstance(v, int) and 1 <= v <= 8192 for v in units)
    epochs = [v for (v,) in values_of(digits_spec, "fit.epochs=random:5:seed=0")]
    assert all(1 <= v <= 10000 for v in epochs)


@pytest.mark.parametrize("text, field, says", [
    ("model.layers[1].units=lin:0..64:3", "model.layers[1].units",
     "must be a whole number from 1 to 8192; received 0"),
    ("model.layers[2].rate=lin:0.5..1.5:3", "model.layers[2].rate", "less than 1; received 1.5"),
    ("compile.learning_rate=log:0..0.1:3", "compile.learning_rate", "a log scale has no 0"),
    ("model.layers[2].rate=lograndom:4", "model.layers[2].rate", "a log scale has no 0"),
    ("compile.learning_rate=lin:0.1..0.01:3", "compile.learning_rate", "LOW at most HIGH"),
    ("model.layers[1].activation=lin:1..2:2", "model.layers[1].activation",
     "ranges are for number settings only"),
    ("data.dataset=random:3", "data.dataset", "ranges are for number settings only"),
    ("model.layers[1].units=lin:16..128:0", "model.layers[1].units", "a count of values from 1 to 64"),
])
def test_a_range_outside_the_settings_bounds_is_refused_at_the_setting(digits_spec, text, field, says):
    with pytest.raises(SpecError) as error:
        values_of(digits_spec, text)
    assert error.value.field == field and says in str(error.value)


def test_more_than_64_variants_are_refused_before_any_is_built(digits_spec):
    vary = (parse_vary("model.layers[1].units=lin:8..64:5"), parse_vary("fit.batch_size=16,32,64,128"),
            parse_vary("compile.learning_rate=log:1e-4..1e-2:4"))
    with pytest.raises(SpecError) as error:
        SweepSpec(digits_spec, vary)
    assert str(error.value) == ("`vary` must be at most 64 variants (the product of each setting's "
                                "number of values); received '5 x 4 x 4'. These values make 80: "
                                "give fewer.")
    assert len(SweepSpec(digits_spec, vary[:2]).variants()) == 20 < MAX_VARIANTS


@pytest.mark.parametrize("count", [0, 4])
def test_one_to_three_settings_are_varied(digits_spec, count):
    vary = tuple(Vary(path, (1,)) for path in ("seed", "fit.epochs", "fit.batch_size", "fit.patience"))
    with pytest.raises(SpecError, match="1 to 3 settings to vary"):
        SweepSpec(digits_spec, vary[:count])


def test_a_setting_is_varied_once_however_its_path_is_written(digits_spec):
    with pytest.raises(SpecError) as error:
        SweepSpec(digits_spec, (parse_vary("model.layers[1].units=16,32"),
                                parse_vary("model.layers.1.units=64")))
    assert error.value.field == "model.layers.1.units"
    assert "varied once" in str(error.value) and "same setting as model.layers[1].units" in str(error.value)


def test_a_bad_value_names_its_variant_and_setting_before_anything_is_queued(digits_spec):
    vary = (parse_vary("compile.learning_rate=0.01,0.1"), parse_vary("model.layers[1].units=16,0,32"))
    with pytest.raises(SpecError) as error:
        SweepSpec(digits_spec, vary)
    assert error.value.field == "model.layers[1].units" and error.value.value == 0
    assert str(error.value) == (
        "`model.layers[1].units` must be a whole number from 1 to 8192; received 0. "
        "In variant 2 of 6: compile.learning_rate=0.01, model.layers[1].units=0.")
    assert Words.load("es").say(error.value.hint) == (
        "En la variante 2 de 6: compile.learning_rate=0.01, model.layers[1].units=0.")


def test_a_variant_that_breaks_the_experiment_as_a_whole_keeps_its_hint(digits_spec):
    with pytest.raises(SpecError) as error:
        SweepSpec(digits_spec, (parse_vary("model.layers[3].units=10,1"),))
    # One softmax unit is refused with the experiment's own hint, after the variant.
    assert error.value.field == "model.layers[3].units"
    assert "In variant 2 of 2: model.layers[3].units=1. " in str(error.value)
    assert str(error.value).endswith(str(get_hint(digits_spec, "model.layers[3].units", 1)))


def get_hint(spec, path, value):
    with pytest.raises(SpecError) as error:
        spec.with_setting(path, value)
    return error.value.hint


def test_an_unknown_setting_is_refused_naming_the_variant(digits_spec):
    with pytest.raises(SpecError) as error:
        SweepSpec(digits_spec, (parse_vary("compile.momentum=0.9"),))
    assert error.value.field == "compile.momentum" and "In variant 1 of 1" in str(error.value)


@pytest.mark.parametrize("text, expected", [
    ("model.layers[0].units=16,32,64", Vary("model.layers[0].units", (16, 32, 64))),
    ("model.layers[1].activation=relu,tanh", Vary("model.layers[1].activation", ("relu", "tanh"))),
    ("fit.early_stopping=true,false", Vary("fit.early_stopping", (True, False))),
    ("compile.learning_rate=log:1e-4..1e-1:4",
     Vary("compile.learning_rate", spacing="log", low=1e-4, high=1e-1, count=4)),
    ("model.layers[0].units=lin:16..128:4",
     Vary("model.layers[0].units", spacing="lin", low=16, high=128, count=4)),
    ("compile.learning_rate=random:1e-4..1e-1:4:seed=7",
     Vary("compile.learning_rate", spacing="random", low=1e-4, high=1e-1, count=4, seed=7)),
    ("model.layers[2].rate=random:5", Vary("model.layers[2].rate", spacing="random", count=5)),
    ("compile.learning_rate = lograndom:1e-5..1e-2:3:seed=2",
     Vary("compile.learning_rate", spacing="lograndom", low=1e-5, high=1e-2, count=3, seed=2)),
])
def test_the_command_line_form_is_parsed(text, expected):
    assert parse_vary(text) == expected


@pytest.mark.parametrize("text, field, says", [
    ("units", "--vary", "SETTING=VALUES"),
    ("fit.epochs=lin:1..10", "fit.epochs", "lin:LOW..HIGH:COUNT"),
    ("fit.epochs=lin:a..10:3", "fit.epochs", "lin:LOW..HIGH:COUNT"),
    ("fit.epochs=log:1-10:3", "fit.epochs", "lin:LOW..HIGH:COUNT"),
    ("fit.epochs=random:4:seed=x", "fit.epochs", "lin:LOW..HIGH:COUNT"),
    ("fit.epochs=random:4:seed=-1", "fit.epochs", "a whole number, 0 or more"),
    ("fit.epochs=lin:1..10:100", "fit.epochs", "a count of values from 1 to 64"),
])
def test_a_bad_command_line_form_says_how_to_write_it(text, field, says):
    with pytest.raises(SpecError) as error:
        parse_vary(text)
    assert error.value.field == field and says in str(error.value)


def test_a_sweep_round_trips_through_plain_data(digits_spec):
    sweep = SweepSpec(digits_spec, (parse_vary("compile.learning_rate=random:1e-4..1e-1:3:seed=7"),
                                    parse_vary("model.layers[1].units=16,32")))
    again = SweepSpec.from_dict(sweep.to_dict())
    assert again == sweep and again.variants() == sweep.variants()
    with pytest.raises(SpecError, match="`vary.steps`"):
        SweepSpec.from_dict({**sweep.to_dict(), "vary": [{"setting": "seed", "steps": 3}]})


def test_settings_are_found_by_path(digits_spec):
    assert setting_param(digits_spec, "compile.learning_rate").low == 0.0
    assert setting_param(digits_spec, "model.layers[2].rate").high == 1.0
    assert setting_param(digits_spec, "seed").high == 2**31 - 1
    assert setting_param(digits_spec, "data.validation_split").high == 0.9
    points = get_recipe("binary_points").spec
    assert setting_param(points, "data.options.noise").high == 0.5
    assert setting_param(digits_spec, "model.input_shape") is None
    assert setting_param(digits_spec, "model.layers[9].units") is None
    assert setting_value(digits_spec.to_dict(), "model.layers[1].units") == 128
    assert setting_value(digits_spec.to_dict(), "model.layers[9].units") is None

