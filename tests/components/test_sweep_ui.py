"""The Sweep tab's first values and how a typed list is read (its docstrings' examples)."""

import doctest

import components.sweep_ui
from components.sweep_ui import list_default, list_values, range_default
from tflab.recipes import get_recipe
from tflab.sweep import setting_param


def test_docstring_examples():
    assert doctest.testmod(components.sweep_ui).failed == 0


def test_first_values_start_from_the_current_one_within_the_bounds():
    spec = get_recipe("cnn").spec
    epochs = setting_param(spec, "fit.epochs")
    assert list_default(epochs, 1) == "1, 2"  # half of one epoch is none
    rate = setting_param(spec, "compile.learning_rate")
    assert range_default(rate, 8.0) == (0.8, 10.0)  # ten times 8 is past the bound
    rotation = setting_param(spec, "augmentation.rotation_range")
    assert list_default(rotation, 0.0) == "0.0, 45.0, 90.0"
    assert range_default(rotation, 0.0) == (0.0, 180.0)


def test_a_typed_list_keeps_what_is_not_a_number_for_the_check_to_name():
    assert list_values("relu, tanh") == ("relu", "tanh")
    assert list_values(" ") == ()
    assert list_values("1,2") == (1, 2)
