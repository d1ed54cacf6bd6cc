"""Each dataset of the catalog (`tflab.data.catalog`): what a model needs to know of it
(its `DataSummary`), the checks across its options, and how it is loaded or generated.

Every loader takes the options as `check_options` gave them (defaults filled in, each
value checked), the share kept for validation and the seed, and returns a `Dataset`
whose arrays have the dtypes and target shape its kind needs. The float32 arrays of one
dataset are held to `MAX_DATA_BYTES`, checked before any is made.

Example:

>>> points_summary({}).class_names
('orange', 'blue')
>>> data = load_line({}, validation_split=0.0, seed=0)
>>> data.x_train.shape, data.y_train.dtype.name
((6, 1), 'float32')
>>> try:
...     check_shapes({"classes": "circle,square", "samples_per_class": 2000, "image_size": 300})
... except SpecError as error:
...     print(error.field)
data.options.samples_per_class
"""

from __future__ import annotations

import numpy as np

from tflab.data import folders
from tflab.data.dataset import DataSummary, Dataset, DatasetUnavailable
from tflab.data.digits import digit_images, digit_pair
from tflab.data.keras_sets import DIGIT_CLASSES, FASHION_CLASSES, load_keras_images
from tflab.data.points import make_points
from tflab.data.regression import make_sine, notes_line
from tflab.data.series import make_series, read_csv_column, time_split, windows
from tflab.data.shapes import make_shapes
from tflab.data.split import split
from tflab.params import Amount, MissingInput, SpecError, said
from tflab.words import Phrase

# The float32 arrays of one dataset are held to this, checked before any is made: a link
# once asked for 2,000 shapes of each class at 300x300 pixels, 6.5 GB.
MAX_DATA_BYTES = 1024 ** 3
FLOAT_BYTES = 4


def _dataset(x, y, validation_split: float, seed: int, summary: DataSummary) -> Dataset:
    """Shuffle and split examples, with the dtypes and target shape the kind needs."""
    x = np.asarray(x, dtype=np.float32)
    if summary.kind == "multiclass":
        y = np.asarray(y, dtype=np.int32).reshape(-1)
    else:
        y = np.asarray(y, dtype=np.float32).reshape(len(y), *summary.target_shape)
    return Dataset(*split(x, y, validation_split, seed), summary=summary)


# line and sine: the notes' regressions.

def regression_summary(options: dict) -> DataSummary:
    return DataSummary(kind="regression", input_shape=(1,), target_shape=(1,))


def load_line(options: dict, validation_split: float, seed: int) -> Dataset:
    return _dataset(*notes_line(), validation_split, seed, regression_summary(options))


def load_sine(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = make_sine(options["samples"], options["noise"], seed)
    return _dataset(x, y, validation_split, seed, regression_summary(options))


# points: Playground's patterns.

def points_summary(options: dict) -> DataSummary:
    return DataSummary(kind="binary", input_shape=(2,), target_shape=(1,),
                       class_names=("orange", "blue"))


def load_points(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = make_points(options["pattern"], options["samples"], options["noise"], seed)
    return _dataset(x, y, validation_split, seed, points_summary(options))


# digits and digit_pair: scikit-learn's digits as 28x28 pictures.

def digits_summary(options: dict) -> DataSummary:
    return DataSummary(kind="multiclass", input_shape=(28, 28, 1), class_names=DIGIT_CLASSES,
                       image=True)


def load_digits(options: dict, validation_split: float, seed: int) -> Dataset:
    return _dataset(*digit_images(), validation_split, seed, digits_summary(options))


def pair_summary(options: dict) -> DataSummary:
    return DataSummary(kind="binary", input_shape=(28, 28, 1), target_shape=(1,),
                       class_names=(str(options["first"]), str(options["second"])), image=True)


def load_pair(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = digit_pair(*digit_images(), options["first"], options["second"])
    return _dataset(x, y, validation_split, seed, pair_summary(options))


def check_pair(options: dict) -> None:
    if options["first"] == options["second"]:
        raise SpecError("data.options.second", options["second"],
                        Phrase("allowed.other_digit", {"first": options["first"]}),
                        Phrase("errors.hint.two_digits"))


# mnist and fashion_mnist: Keras's downloads, from its cache.

def mnist_summary(options: dict) -> DataSummary:
    return DataSummary(kind="multiclass", input_shape=(28, 28, 1), class_names=DIGIT_CLASSES,
                       image=True)


def fashion_summary(options: dict) -> DataSummary:
    return DataSummary(kind="multiclass", input_shape=(28, 28, 1), class_names=FASHION_CLASSES,
                       image=True)


def load_mnist(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = load_keras_images("mnist", options["allow_download"])
    return _dataset(x, y, validation_split, seed, mnist_summary(options))


def load_fashion(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = load_keras_images("fashion_mnist", options["allow_download"])
    return _dataset(x, y, validation_split, seed, fashion_summary(options))


# shapes: generated colour pictures.

def shapes_summary(options: dict) -> DataSummary:
    classes = tuple(options["classes"].split(","))
    size = options["image_size"]
    if len(classes) == 2:
        return DataSummary(kind="binary", input_shape=(size, size, 3), target_shape=(1,),
                           class_names=classes, image=True)
    return DataSummary(kind="multiclass", input_shape=(size, size, 3), class_names=classes,
                       image=True)


def _check_data_size(examples: int, values: int, field: str, value, what: Phrase,
                     hint: Phrase) -> None:
    """SpecError on `field` when `examples` of `values` float32 numbers pass MAX_DATA_BYTES."""
    size = examples * values * FLOAT_BYTES
    if size > MAX_DATA_BYTES:
        raise SpecError(field, value, Phrase("allowed.data_within", {
            "limit": Amount(MAX_DATA_BYTES // 1024 ** 2, ",")}), Phrase("errors.hint.data_takes", {
                "what": what, "size": Amount(size / 1024 ** 2, ",.0f"), "hint": hint}))


def check_shapes(options: dict) -> None:
    classes, size = len(options["classes"].split(",")), options["image_size"]
    count = options["samples_per_class"] * classes
    _check_data_size(count, size * size * 3, "data.options.samples_per_class",
                     options["samples_per_class"],
                     Phrase("errors.hint.pictures_of", {"n": Amount(count, ","), "size": size}),
                     Phrase("errors.hint.fewer_pictures"))


def load_shapes(options: dict, validation_split: float, seed: int) -> Dataset:
    summary = shapes_summary(options)
    x, y = make_shapes(summary.class_names, options["samples_per_class"],
                       options["image_size"], seed)
    return _dataset(x, y, validation_split, seed, summary)


# series: generated or read from a CSV, cut in time, then windowed.

def series_summary(options: dict) -> DataSummary:
    return DataSummary(kind="series", input_shape=(None, 1), target_shape=(None, 1))


def check_series(options: dict) -> None:
    if not options["csv_id"] and options["length"] < 2 * options["window"]:
        raise SpecError("data.options.window", options["window"],
                        Phrase("allowed.window_half", {"half": options["length"] // 2,
                                                       "length": options["length"]}),
                        Phrase("errors.hint.longer_series"))


def _read_csv_series(csv_id: str, column: str) -> np.ndarray:
    """A column of a CSV kept in the store, by its id: read capped, never by a path."""
    from tflab.data.csvfiles import read_csv_text

    text = read_csv_text(csv_id)
    try:
        return read_csv_column(text, column)
    except ValueError as error:
        raise DatasetUnavailable(Phrase("errors.csv.unusable", {
            "csv_id": csv_id, "error": said(error)})) from None


def _check_window(window: int, values: int, part: Phrase) -> None:
    """A stretch of `values` values gives windows only if it is longer than `window`."""
    if values <= window:
        raise SpecError("data.options.window", window,
                        Phrase("allowed.window_below", {"n": values, "part": part}),
                        Phrase("errors.hint.window_or_split"))


def load_series(options: dict, validation_split: float, seed: int) -> Dataset:
    if options["csv_id"]:
        series = _read_csv_series(options["csv_id"], options["csv_column"])
    else:
        series = make_series(options["length"], options["period"], options["amplitude"],
                             options["slope"], options["noise"], seed)
    window = options["window"]
    if len(series) < 2 * window:
        raise SpecError("data.options.window", window,
                        Phrase("allowed.window_twice", {"half": len(series) // 2, "n": len(series)}),
                        Phrase("errors.hint.longer_series"))
    train, val = time_split(series, validation_split)
    # Inputs and targets: twice the windows' values.
    _check_data_size(2 * max(len(series) - window, 0), window, "data.options.window", window,
                     Phrase("errors.hint.series_windows", {"n": Amount(len(series), ",")}),
                     Phrase("errors.hint.shorter_series"))
    _check_window(window, len(train), Phrase("errors.part.training"))
    if len(val):
        _check_window(window, len(val), Phrase("errors.part.validation"))
    x_train, y_train = windows(train, window)
    x_val, y_val = windows(val, window)
    return Dataset(x_train, y_train, x_val, y_val, series_summary(options))


# folder: the pictures of a zip of class folders that the user uploaded.

def folder_summary(options: dict) -> DataSummary:
    dataset_id = options["dataset_id"]
    if not dataset_id:
        raise MissingInput("data.options.dataset_id", dataset_id, Phrase("allowed.uploaded_dataset"),
                           Phrase("errors.hint.upload_zip_first"))
    try:
        record = folders.read_record(dataset_id)
    except DatasetUnavailable as error:
        raise SpecError("data.options.dataset_id", dataset_id, Phrase("allowed.uploaded_dataset"),
                        said(error)) from None
    _check_folder_size(record, options["image_size"])
    return folders.folder_summary(record, options["image_size"])


def _check_folder_size(record, size: int) -> None:
    count = sum(record.counts.values())
    _check_data_size(count, size * size * 3, "data.options.image_size", size,
                     f"{count:,} pictures of {size}x{size}", "Use a smaller image size.")


def load_folder(options: dict, validation_split: float, seed: int) -> Dataset:
    # Checked before any picture is read (a missing dataset stays DatasetUnavailable).
    _check_folder_size(folders.read_record(options["dataset_id"]), options["image_size"])
    return folders.load_folder(options["dataset_id"], options["image_size"], validation_split,
                               seed)
