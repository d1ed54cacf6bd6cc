"""The points a curve draws (components/curve_points.py): TensorBoard's smoothing and
the thinning of a long curve."""

import math

import pytest

from components.curve_points import smooth, thin_indices

NAN = float("nan")


# smooth


def test_smooth_is_debiased_on_a_constant():
    assert smooth([1, 1, 1], 0.9) == [1, 1, 1]
    # Not the constant shortcut: a NaN makes the series non-constant, and still no bias.
    assert smooth([2.0, 2.0, 2.0, NAN], 0.9)[:3] == pytest.approx([2.0, 2.0, 2.0])


def test_smooth_first_value_is_not_pulled_toward_zero():
    assert smooth([5.0, 0.0], 0.9)[0] == pytest.approx(5.0)


def test_smooth_matches_the_moving_average_by_hand():
    # last: 0.5, 0.25, 0.625; debiased by 1 - 0.5**n: 0.5, 0.75, 0.875.
    assert smooth([1.0, 0.0, 1.0], 0.5) == pytest.approx([1.0, 1 / 3, 5 / 7])


def test_smooth_weight_zero_returns_the_input():
    values = [0.3, 0.9, NAN, 0.1]
    result = smooth(values, 0)
    assert result[:2] == [0.3, 0.9] and math.isnan(result[2]) and result[3] == 0.1


def test_smooth_passes_nan_through_without_poisoning():
    result = smooth([1.0, NAN, 3.0], 0.5)
    assert result[0] == 1.0
    assert math.isnan(result[1])
    # The NaN did not count: last = 0.25 + 1.5, debiased by 1 - 0.5**2.
    assert result[2] == pytest.approx(1.75 / 0.75)


def test_smooth_empty():
    assert smooth([], 0.6) == []


@pytest.mark.parametrize("weight", [-0.1, 1.0, 1.5, NAN, "0.5", None])
def test_smooth_refuses_a_bad_weight(weight):
    with pytest.raises(ValueError, match=r"`weight`.*\[0, 1\).*Received: weight="):
        smooth([1.0, 2.0], weight)


# thin_indices


def test_thin_indices_keeps_each_stretchs_lowest_and_highest_and_both_ends():
    values = [float(v) for v in range(100)]
    values[37] = -5.0  # a dip inside the second stretch (20..39)
    # Five stretches of 20: each keeps its lowest and its highest point.
    assert thin_indices(values, limit=10) == [0, 19, 37, 39, 40, 59, 60, 79, 80, 99]


def test_thin_indices_keeps_a_stretch_of_nan_by_its_first_point():
    values = [1.0, 2.0, 3.0, 4.0, NAN, NAN, NAN, NAN, 5.0, 6.0, 7.0, 8.0]
    assert thin_indices(values, limit=6) == [0, 3, 4, 8, 11]
