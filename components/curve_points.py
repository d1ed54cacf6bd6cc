"""The points a curve draws: a long curve thinned, a noisy one smoothed.

Plain numbers in, plain numbers out (no figure): `components.curves` draws what these
give. Thinning keeps at most about `MAX_CURVE_POINTS` points of a curve, each stretch's
lowest and highest, as TensorBoard keeps ~1,000 points a series; smoothing is
TensorBoard's debiased exponential moving average.

Example:

>>> thin_indices(list(range(10)), limit=4)
[0, 4, 5, 9]
>>> [round(value, 3) for value in smooth([1.0, 0.0, 1.0], 0.5)]
[1.0, 0.333, 0.714]
"""

from __future__ import annotations

import math
import numbers
from typing import Iterable, Sequence

import numpy as np

MAX_CURVE_POINTS = 1000  # per curve drawn; TensorBoard too keeps ~1,000 points a series


def thin_indices(values: Sequence[float], limit: int = MAX_CURVE_POINTS) -> list[int]:
    """Which points of a long curve to draw: at most about `limit`, its shape kept.

    A browser redraws a chart of 10,000 points slowly, and a chart half a page wide
    shows no more than ~1,000 anyway. The curve is cut into `limit // 2` stretches and
    each keeps its lowest and highest value, so spikes and the best value stay visible;
    the first and last points are always kept, so a live chart ends at the newest epoch.
    A stretch of only non-finite values (a diverged run) keeps its first point.

    Example:

    >>> thin_indices([5.0, 1.0, 9.0, 2.0, 3.0, 8.0, 4.0, 7.0], limit=4)
    [0, 1, 2, 4, 5, 7]
    >>> thin_indices([1.0, 2.0, 3.0], limit=4)
    [0, 1, 2]
    """
    count = len(values)
    if count <= limit:
        return list(range(count))
    array = np.asarray(values, dtype=float)
    finite = np.isfinite(array)
    keep = {0, count - 1}
    edges = np.linspace(0, count, max(limit // 2, 1) + 1).astype(int)
    for start, stop in zip(edges[:-1], edges[1:]):
        if stop <= start:
            continue
        stretch = np.where(finite[start:stop], array[start:stop], np.nan)
        if np.isnan(stretch).all():
            keep.add(int(start))
        else:
            keep.update((int(start + np.nanargmin(stretch)), int(start + np.nanargmax(stretch))))
    return sorted(keep)


def thinned(epochs: list[int], values: list[float], *more: list) -> tuple[list, ...]:
    """`epochs`, `values` and any series beside them, at the points `thin_indices`
    keeps of `values` (the lists themselves when all are kept).

    Example:

    >>> thinned([1, 2, 3], [0.5, 0.4, 0.3])
    ([1, 2, 3], [0.5, 0.4, 0.3])
    """
    keep = thin_indices(values)
    if len(keep) == len(values):
        return (epochs, values, *more)
    return tuple([series[i] for i in keep] for series in (epochs, values, *more))


def smooth(values: Iterable[float], weight: float) -> list[float]:
    """TensorBoard's smoothing: a debiased exponential moving average.

    Each smoothed value is `last = last * weight + (1 - weight) * value`, divided by
    `1 - weight ** n` after n finite values, so the first values are not pulled
    toward 0. A series where every value is the same comes back unchanged. NaN and
    infinite values come back as they are and leave the average untouched, so the
    values after them stay finite.

    Args:
        values: the raw values, in order.
        weight: how much of the past to keep, in [0, 1); 0 returns the values as
            they are, 0.99 smooths hard.

    Returns:
        The smoothed values, as many as given.

    Raises:
        ValueError: `weight` is outside [0, 1).

    Example:

    >>> smooth([1.0, 0.0, 1.0], 0.5)
    [1.0, 0.3333333333333333, 0.7142857142857143]
    >>> smooth([1.0, 1.0, 1.0], 0.9)
    [1.0, 1.0, 1.0]
    """
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) \
            or not 0.0 <= weight < 1.0:
        raise ValueError("Received an invalid value for `weight`, expected a number in "
                         f"[0, 1) (0 means no smoothing). Received: weight={weight!r}")
    values = [float(value) for value in values]
    if all(value == values[0] for value in values):
        return values
    smoothed = []
    last, count = 0.0, 0
    for value in values:
        if not math.isfinite(value):
            smoothed.append(value)
            continue
        last = last * weight + (1.0 - weight) * value
        count += 1
        smoothed.append(last / (1.0 - weight ** count))
    return smoothed
