"""Offline datasets and readers for a user's own data.

Nothing here imports TensorFlow, Keras or scikit-learn until a dataset that needs
them is loaded.

Example:

>>> from tflab.data import load_dataset
>>> load_dataset("line").x_train.shape
(6, 1)
"""

from tflab.data.catalog import (CATALOG, check_options, get_dataset, load_dataset,
                                summarize)
from tflab.data.dataset import KINDS, DataSummary, Dataset, DatasetInfo, DatasetUnavailable

__all__ = [
    "CATALOG", "KINDS", "DataSummary", "Dataset", "DatasetInfo", "DatasetUnavailable",
    "check_options", "get_dataset", "load_dataset", "summarize",
]
