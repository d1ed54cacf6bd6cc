"""Tests for components.setting_input: a setting's number is shown with its digits."""

import pytest

from components.setting_input import shown_decimals
from tflab.spec import Param


@pytest.mark.parametrize("value, step, decimals", [
    (1 / 255, 0.01, 5),    # the notes' rescale read "0.00"
    (0.25, 0.01, 2),
    (0.0003, 0.0001, 4),   # its step shows it exactly
    (0.0, 0.01, 2),
    (400.0, 0.01, 2),
    (1e-12, 0.01, 8),      # at most 8
])
def test_a_small_value_is_shown_with_its_significant_digits(value, step, decimals):
    assert shown_decimals(Param("x", 1.0, "", step=step), value) == decimals
