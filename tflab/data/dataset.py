"""What a dataset gives a run: arrays split for training and validation, and a summary.

Example:

>>> import numpy as np
>>> summary = DataSummary(kind="regression", input_shape=(1,), target_shape=(1,))
>>> data = Dataset(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros((0, 1)), np.zeros((0, 1)), summary)
>>> data.summary.is_classification
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from tflab.params import Param
from tflab.words import PhrasedError

KINDS = ("regression", "binary", "multiclass", "series")


@dataclass(frozen=True)
class DataSummary:
    """What a model needs to know about a dataset before any array exists.

    Args:
        kind: one of KINDS; decides the output layer and loss that fit it.
        input_shape: one example's shape, without the batch axis; None for a free axis
            (a series' time axis).
        target_shape: one target's shape without the batch axis ((1,) for a number or
            a binary label, () for a class index, (None, 1) for a series).
        class_names: names of the classes, index order (empty for regression/series).
        image: True when examples are images (height, width, channels) in 0..255.
    """

    kind: str
    input_shape: tuple
    target_shape: tuple = ()
    class_names: tuple[str, ...] = ()
    image: bool = False

    @property
    def is_classification(self) -> bool:
        return self.kind in ("binary", "multiclass")

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class Dataset:
    """Arrays ready for Keras: float32 inputs, targets as the loss expects them."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    summary: DataSummary

    @property
    def has_validation(self) -> bool:
        return len(self.x_val) > 0


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of the dataset catalog.

    Args:
        name: the key used in specs (`data.dataset`).
        title: a short name for people.
        description: one or two sentences for people.
        options: the dataset's own settings (noise, samples, ...), as Params.
        summarize: options -> DataSummary, cheap (no arrays), for validating specs.
        load: (options, validation_split, seed) -> Dataset.
        offline: False when loading may need a download.
    """

    name: str
    title: str
    description: str
    options: tuple[Param, ...]
    summarize: Callable[[dict], DataSummary]
    load: Callable[[dict, float, int], Dataset]
    offline: bool = True
    tags: tuple[str, ...] = field(default=())


class DatasetUnavailable(PhrasedError, RuntimeError):
    """A dataset cannot be had here (no network, no cached copy, unreadable file).

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """
