"""Two-class points in the plane, as in TensorFlow Playground.

The patterns follow Playground's `dataset.ts` (circles, xor, gaussians, spiral) and
scikit-learn's `make_moons`. Playground draws in a square of side 12 around the
origin; here every coordinate is divided by 6, so points lie roughly in [-1, 1].
Label 1 is Playground's positive class (blue), 0 its negative class (orange).

One difference on purpose: Playground labels a point by a jittered copy of it, so
noise flips labels and the classes drift apart in size. Here the point itself is
jittered by the same amount and keeps its label: the classes overlap just as much
and stay balanced at every noise level.

`make_points` is pure numpy and self-contained, so the code exporter can copy it.

Example:

>>> x, y = make_points("circles", samples=200, noise=0.0, seed=0)
>>> x.shape, y.shape, float(y.mean())
((200, 2), (200, 1), 0.5)
"""

import numpy as np


def make_points(pattern, samples, noise, seed):
    """Balanced two-class points of one Playground pattern.

    Args:
        pattern: "circles", "xor", "moons", "gaussians" or "spiral".
        samples: how many points; half of them (rounded down) are label 1.
        noise: 0 to 0.5, Playground's noise slider from 0% to 50%.
        seed: random seed; the same seed gives the same points.

    Returns:
        x float32 (samples, 2) and y float32 (samples, 1) holding 0.0 or 1.0.
    """
    rng = np.random.default_rng(seed)
    n_pos = samples // 2
    n_neg = samples - n_pos
    label = np.concatenate([np.ones(n_pos), np.zeros(n_neg)])
    if pattern == "circles":
        # A disc of radius 2.5 inside a ring from 3.5 to 5.
        radius = 5.0
        r = np.concatenate([rng.uniform(0.0, radius * 0.5, n_pos),
                            rng.uniform(radius * 0.7, radius, n_neg)])
        angle = rng.uniform(0.0, 2 * np.pi, samples)
        xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
        xy += rng.uniform(-radius, radius, (samples, 2)) * noise
    elif pattern == "xor":
        # Quadrants: label 1 where x and y share a sign; 0.3 of padding off each axis.
        size = rng.uniform(0.0, 5.0, (samples, 2)) + 0.3
        sign_x = rng.choice([-1.0, 1.0], samples)
        sign_y = np.where(label == 1, sign_x, -sign_x)
        xy = size * np.stack([sign_x, sign_y], axis=1)
        xy += rng.uniform(-5.0, 5.0, (samples, 2)) * noise
    elif pattern == "gaussians":
        # Playground maps noise 0..0.5 to a variance of 0.5..4 around (2, 2) and (-2, -2).
        std = np.sqrt(0.5 + noise * 7.0)
        centre = np.where(label[:, None] == 1, 2.0, -2.0)
        xy = centre + std * rng.standard_normal((samples, 2))
    elif pattern == "spiral":
        # Two arms of 1.75 turns each, the second turned half a turn.
        step = np.concatenate([np.arange(n_pos) / max(n_pos, 1), np.arange(n_neg) / max(n_neg, 1)])
        r = step * 5.0
        t = 1.75 * step * 2 * np.pi + np.where(label == 1, 0.0, np.pi)
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xy += rng.uniform(-1.0, 1.0, (samples, 2)) * noise
    elif pattern == "moons":
        # scikit-learn's two half circles (label 1 is the lower, inner one),
        # Gaussian noise of std `noise` in moon units, then centred and grown to fit.
        t = np.concatenate([np.linspace(0.0, np.pi, n_pos), np.linspace(0.0, np.pi, n_neg)])
        inner = label == 1
        moon_x = np.where(inner, 1.0 - np.cos(t), np.cos(t))
        moon_y = np.where(inner, 0.5 - np.sin(t), np.sin(t))
        xy = np.stack([moon_x, moon_y], axis=1) + noise * rng.standard_normal((samples, 2))
        xy = (xy - np.array([0.5, 0.25])) * 3.3
    else:
        raise ValueError(
            f"Unknown pattern {pattern!r}; expected circles, xor, moons, gaussians or spiral.")
    order = rng.permutation(samples)
    x = (xy[order] / 6.0).astype(np.float32)
    y = label[order].reshape(-1, 1).astype(np.float32)
    return x, y
