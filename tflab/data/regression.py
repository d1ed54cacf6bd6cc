"""Regression data: the notes' six points and a noisy sine wave.

Every function is pure numpy and self-contained, so the code exporter can copy its
source into a standalone script.

Example:

>>> x, y = notes_line()
>>> x[:, 0].tolist(), y[:, 0].tolist()
([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], [-3.0, -1.0, 1.0, 3.0, 5.0, 7.0])
>>> x, y = make_sine(samples=100, noise=0.1, seed=0)
>>> x.shape, y.shape, x.dtype
((100, 1), (100, 1), dtype('float32'))
"""

import numpy as np


def notes_line():
    """The notes' first example: x = -1..4 and y = 2x - 1, each shaped (6, 1).

    A single `Dense(1)` trained on these predicts about 19 for x = 10.
    """
    x = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=np.float32).reshape(-1, 1)
    y = (2.0 * x - 1.0).astype(np.float32)
    return x, y


def make_sine(samples, noise, seed):
    """Points of y = sin(x) on x uniform in [-3, 3], plus Gaussian noise.

    One period and a bit of a smooth curve: a `Dense(64)`-`Dense(32)`-`Dense(1)` relu
    network fits it in a few hundred epochs, a single `Dense(1)` cannot.

    Args:
        samples: how many points.
        noise: standard deviation of the noise added to y (0 gives the clean curve).
        seed: random seed; the same seed gives the same points.

    Returns:
        x, y as float32, each shaped (samples, 1).
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 3.0, size=(samples, 1))
    y = np.sin(x) + noise * rng.standard_normal((samples, 1))
    return x.astype(np.float32), y.astype(np.float32)
