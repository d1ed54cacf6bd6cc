"""Experiments the tests make on purpose, shared by engine and end-to-end tests."""

from __future__ import annotations

from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec


def overfitting_spec() -> ExperimentSpec:
    """100 noisy XOR points, two layers of 256 units, no dropout: it learns the noise.

    Example:

    >>> overfitting_spec().model.layers[0].args["units"]
    256
    """
    spec = get_recipe("binary_points").spec
    for path, value in [("data.options.pattern", "xor"), ("data.options.samples", 100),
                        ("data.options.noise", 0.5), ("model.layers[0].units", 256),
                        ("model.layers[1].units", 256), ("compile.learning_rate", 0.01),
                        ("fit.epochs", 150)]:
        spec = spec.with_setting(path, value)
    return spec
