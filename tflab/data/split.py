"""Shuffle examples with a seed and cut off a validation part.

`split` is pure numpy and self-contained, so the code exporter can copy it into a
standalone script with `inspect.getsource`.

Example:

>>> import numpy as np
>>> x_train, y_train, x_val, y_val = split(np.arange(10.0)[:, None], np.arange(10.0), 0.2, seed=0)
>>> x_train.shape, x_val.shape
((8, 1), (2, 1))
"""

import numpy as np


def split(x, y, validation_split, seed):
    """Shuffle (x, y) by `seed`, then keep the last `validation_split` part for validation.

    Args:
        x: inputs, examples on the first axis.
        y: targets, as many as `x`.
        validation_split: fraction of examples kept for validation, 0 to below 1.
            0 gives empty validation arrays with the right trailing shape.
        seed: the shuffle's seed; the same seed gives the same split.

    Returns:
        x_train, y_train, x_val, y_val. At least one example stays for training.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    n = len(x)
    order = np.random.default_rng(seed).permutation(n)
    n_val = min(int(round(n * validation_split)), max(n - 1, 0))
    train, val = order[: n - n_val], order[n - n_val:]
    return x[train], y[train], x[val], y[val]
