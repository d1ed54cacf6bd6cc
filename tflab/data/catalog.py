"""The dataset catalog: every dataset a run can use, its settings, and loading.

Each entry is a `DatasetInfo` whose options are `Param`s, so specs validate with them
and the dashboard builds its widgets from them. The catalog is read-only.

Example:

>>> sorted(CATALOG)[:3]
['digit_pair', 'digits', 'fashion_mnist']
>>> check_options("points", {"pattern": "xor"})
{'pattern': 'xor', 'samples': 500, 'noise': 0.1}
>>> summarize("shapes", {"classes": "circle,square,triangle"}).kind
'multiclass'
>>> data = load_dataset("points", {"samples": 100}, validation_split=0.2, seed=0)
>>> data.x_train.shape, data.y_val.shape
((80, 2), (20, 1))

A dataset's title and description for people are in the catalogs of words, under
`sources.<name>` (the Build page's words): `dataset_title` and `dataset_description`
name them, for a page to say in its language.

>>> from tflab.words import Words
>>> Words.load("es").say(dataset_title("sine")), str(dataset_title("sine"))
('Onda senoidal con ruido', 'Noisy sine wave')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Callable

import numpy as np

from tflab.data.dataset import DataSummary, Dataset, DatasetInfo, DatasetUnavailable
from tflab.data.digits import digit_images, digit_pair
from tflab.data.folders import folder_summary, load_folder, read_record
from tflab.data.keras_sets import DIGIT_CLASSES, FASHION_CLASSES, load_keras_images
from tflab.data.points import make_points
from tflab.data.regression import make_sine, notes_line
from tflab.data.series import make_series, read_csv_column, time_split, windows
from tflab.data.shapes import make_shapes
from tflab.data.split import split
from tflab.names import CSV_COLUMN, CSV_ID, DATASET_ID
from tflab.params import Amount, MissingInput, Param, SpecError, said
from tflab.words import Phrase

PATTERNS = ("circles", "xor", "moons", "gaussians", "spiral")
# The float32 arrays of one dataset are held to this, checked before any is made: a link
# once asked for 2,000 shapes of each class at 300x300 pixels, 6.5 GB.
MAX_DATA_BYTES = 1024 ** 3
FLOAT_BYTES = 4
SHAPE_SETS = ("circle,square", "circle,triangle", "square,triangle", "circle,square,triangle")


def _dataset(x, y, validation_split: float, seed: int, summary: DataSummary) -> Dataset:
    """Shuffle and split examples, with the dtypes and target shape the kind needs."""
    x = np.asarray(x, dtype=np.float32)
    if summary.kind == "multiclass":
        y = np.asarray(y, dtype=np.int32).reshape(-1)
    else:
        y = np.asarray(y, dtype=np.float32).reshape(len(y), *summary.target_shape)
    return Dataset(*split(x, y, validation_split, seed), summary=summary)


# line and sine: the notes' regressions.

def _regression_summary(options: dict) -> DataSummary:
    return DataSummary(kind="regression", input_shape=(1,), target_shape=(1,))


def _load_line(options: dict, validation_split: float, seed: int) -> Dataset:
    return _dataset(*notes_line(), validation_split, seed, _regression_summary(options))


def _load_sine(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = make_sine(options["samples"], options["noise"], seed)
    return _dataset(x, y, validation_split, seed, _regression_summary(options))


# points: Playground's patterns.

def _points_summary(options: dict) -> DataSummary:
    return DataSummary(kind="binary", input_shape=(2,), target_shape=(1,),
                       class_names=("orange", "blue"))


def _load_points(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = make_points(options["pattern"], options["samples"], options["noise"], seed)
    return _dataset(x, y, validation_split, seed, _points_summary(options))


# digits and digit_pair: scikit-learn's digits as 28x28 pictures.

def _digits_summary(options: dict) -> DataSummary:
    return DataSummary(kind="multiclass", input_shape=(28, 28, 1), class_names=DIGIT_CLASSES,
                       image=True)


def _load_digits(options: dict, validation_split: float, seed: int) -> Dataset:
    return _dataset(*digit_images(), validation_split, seed, _digits_summary(options))


def _pair_summary(options: dict) -> DataSummary:
    return DataSummary(kind="binary", input_shape=(28, 28, 1), target_shape=(1,),
                       class_names=(str(options["first"]), str(options["second"])), image=True)


def _load_pair(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = digit_pair(*digit_images(), options["first"], options["second"])
    return _dataset(x, y, validation_split, seed, _pair_summary(options))


def _check_pair(options: dict) -> None:
    if options["first"] == options["second"]:
        raise SpecError("data.options.second", options["second"],
                        Phrase("allowed.other_digit", {"first": options["first"]}),
                        Phrase("errors.hint.two_digits"))


# mnist and fashion_mnist: Keras's downloads, from its cache.

def _mnist_summary(options: dict) -> DataSummary:
    return DataSummary(kind="multiclass", input_shape=(28, 28, 1), class_names=DIGIT_CLASSES,
                       image=True)


def _fashion_summary(options: dict) -> DataSummary:
    return DataSummary(kind="multiclass", input_shape=(28, 28, 1), class_names=FASHION_CLASSES,
                       image=True)


def _load_mnist(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = load_keras_images("mnist", options["allow_download"])
    return _dataset(x, y, validation_split, seed, _mnist_summary(options))


def _load_fashion(options: dict, validation_split: float, seed: int) -> Dataset:
    x, y = load_keras_images("fashion_mnist", options["allow_download"])
    return _dataset(x, y, validation_split, seed, _fashion_summary(options))


# shapes: generated colour pictures.

def _shapes_summary(options: dict) -> DataSummary:
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


def _check_shapes(options: dict) -> None:
    classes, size = len(options["classes"].split(",")), options["image_size"]
    count = options["samples_per_class"] * classes
    _check_data_size(count, size * size * 3, "data.options.samples_per_class",
                     options["samples_per_class"],
                     Phrase("errors.hint.pictures_of", {"n": Amount(count, ","), "size": size}),
                     Phrase("errors.hint.fewer_pictures"))


def _load_shapes(options: dict, validation_split: float, seed: int) -> Dataset:
    summary = _shapes_summary(options)
    x, y = make_shapes(summary.class_names, options["samples_per_class"],
                       options["image_size"], seed)
    return _dataset(x, y, validation_split, seed, summary)


# series: generated or read from a CSV, cut in time, then windowed.

def _series_summary(options: dict) -> DataSummary:
    return DataSummary(kind="series", input_shape=(None, 1), target_shape=(None, 1))


def _check_series(options: dict) -> None:
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


def _load_series(options: dict, validation_split: float, seed: int) -> Dataset:
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
    return Dataset(x_train, y_train, x_val, y_val, _series_summary(options))


# folder: the pictures of a zip of class folders that the user uploaded.

def _folder_summary(options: dict) -> DataSummary:
    dataset_id = options["dataset_id"]
    if not dataset_id:
        raise MissingInput("data.options.dataset_id", dataset_id, Phrase("allowed.uploaded_dataset"),
                           Phrase("errors.hint.upload_zip_first"))
    try:
        record = read_record(dataset_id)
    except DatasetUnavailable as error:
        raise SpecError("data.options.dataset_id", dataset_id, Phrase("allowed.uploaded_dataset"),
                        said(error)) from None
    _check_folder_size(record, options["image_size"])
    return folder_summary(record, options["image_size"])


def _check_folder_size(record, size: int) -> None:
    count = sum(record.counts.values())
    _check_data_size(count, size * size * 3, "data.options.image_size", size,
                     f"{count:,} pictures of {size}x{size}", "Use a smaller image size.")


def _load_folder(options: dict, validation_split: float, seed: int) -> Dataset:
    # Checked before any picture is read (a missing dataset stays DatasetUnavailable).
    _check_folder_size(read_record(options["dataset_id"]), options["image_size"])
    return load_folder(options["dataset_id"], options["image_size"], validation_split, seed)


_ALLOW_DOWNLOAD = Param("allow_download", False)

CATALOG: Mapping[str, DatasetInfo] = MappingProxyType({info.name: info for info in (
    DatasetInfo(
        name="line", title="The notes' six points",
        description="x = -1..4 and y = 2x - 1, the notes' first model: Dense(1) learns "
                    "that y(10) is about 19.",
        options=(), summarize=_regression_summary, load=_load_line, tags=("regression",)),
    DatasetInfo(
        name="sine", title="Noisy sine wave",
        description="y = sin(x) plus noise on x from -3 to 3: a curve one Dense layer "
                    "cannot fit and a deeper network can.",
        options=(
            Param("samples", 500, "sine_samples", low=50, high=10000, step=50),
            Param("noise", 0.1, "sine_noise", low=0.0, high=1.0, step=0.05),
        ), summarize=_regression_summary, load=_load_sine, tags=("regression",)),
    DatasetInfo(
        name="points", title="Playground points",
        description="Two classes of points in the plane, in the patterns of "
                    "TensorFlow Playground.",
        options=(
            Param("pattern", "circles", choices=PATTERNS),
            Param("samples", 500, "points_samples", low=50, high=5000, step=50),
            Param("noise", 0.1, "points_noise", low=0.0, high=0.5, step=0.05),
        ), summarize=_points_summary, load=_load_points, tags=("binary", "2d")),
    DatasetInfo(
        name="digits", title="Handwritten digits (offline)",
        description="scikit-learn's 1,797 handwritten digits, grown to MNIST's 28x28 "
                    "white-on-black pictures.",
        options=(), summarize=_digits_summary, load=_load_digits, tags=("multiclass", "image")),
    DatasetInfo(
        name="digit_pair", title="Two handwritten digits",
        description="Only the pictures of two digits, to tell one from the other: "
                    "label 1 is the second digit.",
        options=(
            Param("first", 3, low=0, high=9),
            Param("second", 8, low=0, high=9),
        ), summarize=_pair_summary, load=_load_pair, tags=("binary", "image")),
    DatasetInfo(
        name="mnist", title="MNIST digits (download)",
        description="70,000 handwritten digits from keras.datasets; read from the Keras "
                    "cache, downloaded only when allowed.",
        options=(_ALLOW_DOWNLOAD,), summarize=_mnist_summary, load=_load_mnist,
        offline=False, tags=("multiclass", "image")),
    DatasetInfo(
        name="fashion_mnist", title="Fashion-MNIST clothes (download)",
        description="70,000 pictures of ten kinds of clothing from keras.datasets; read "
                    "from the Keras cache, downloaded only when allowed.",
        options=(_ALLOW_DOWNLOAD,), summarize=_fashion_summary, load=_load_fashion,
        offline=False, tags=("multiclass", "image")),
    DatasetInfo(
        name="shapes", title="Coloured shapes",
        description="Generated colour pictures of circles, squares and triangles at random "
                    "places, sizes, angles and colours: where augmentation matters.",
        options=(
            Param("classes", "circle,square", choices=SHAPE_SETS),
            Param("samples_per_class", 200, low=10, high=2000, step=10),
            Param("image_size", 150, low=32, high=300, step=2),
        ), summarize=_shapes_summary, load=_load_shapes, tags=("binary", "multiclass", "image")),
    DatasetInfo(
        name="series", title="Time series",
        description="A seasonal series with trend and noise, or a column of your CSV, "
                    "cut into windows; validation is its last part.",
        options=(
            Param("length", 1461, low=100, high=100000, step=1),
            Param("period", 365, low=2, high=10000, step=1),
            Param("amplitude", 40.0, low=0.0, high=1000.0),
            Param("slope", 0.05, low=-10.0, high=10.0, step=0.01),
            Param("noise", 5.0, low=0.0, high=1000.0),
            Param("window", 30, low=4, high=512),
            Param("csv_id", "", pattern=CSV_ID),
            Param("csv_column", "0", pattern=CSV_COLUMN),
        ), summarize=_series_summary, load=_load_series, tags=("series",)),
    DatasetInfo(
        name="folder", title="Your own pictures",
        description="The pictures of a zip you upload, one folder per class "
                    "(cats/1.jpg, dogs/2.png); the folder names are the classes.",
        options=(
            Param("dataset_id", "", pattern=DATASET_ID),
            Param("image_size", 150, low=32, high=300, step=2),
        ), summarize=_folder_summary, load=_load_folder, tags=("binary", "multiclass", "image")),
)})

_CROSS_CHECKS: Mapping[str, Callable[[dict], None]] = MappingProxyType({
    "digit_pair": _check_pair,
    "series": _check_series,
    "shapes": _check_shapes,
})


def dataset_title(name: str) -> Phrase:
    """The dataset's name for people, in any language; `str()` is `CATALOG[name].title`."""
    return Phrase(f"sources.{name}.title")


def dataset_description(name: str) -> Phrase:
    """What the dataset is, in any language; `str()` is `CATALOG[name].description`."""
    return Phrase(f"sources.{name}.description")


def get_dataset(name: str) -> DatasetInfo:
    """The catalog entry called `name`, or SpecError on `data.dataset` listing the names."""
    if not isinstance(name, str) or name not in CATALOG:
        raise SpecError("data.dataset", name,
                        Phrase("allowed.one_of", {"choices": ", ".join(repr(n) for n in CATALOG)}))
    return CATALOG[name]


def check_options(name: str, options: Mapping[str, Any] | None = None) -> dict:
    """The dataset's options, defaults filled in and each value checked and coerced.

    Raises:
        SpecError: on `data.dataset` for an unknown dataset, on
            `data.options.<option>` for an unknown option or a value not allowed.
    """
    info = get_dataset(name)
    options = {} if options is None else options
    if not isinstance(options, Mapping):
        raise SpecError("data.options", options, Phrase("allowed.settings_object"))
    declared = {p.name: p for p in info.options}
    unknown = sorted(set(options) - set(declared))
    if unknown:
        allowed = Phrase("allowed.dataset_option", {"name": repr(name), "known": ", ".join(declared)}) \
            if declared else Phrase("allowed.no_options", {"name": repr(name)})
        raise SpecError(f"data.options.{unknown[0]}", options[unknown[0]], allowed)
    checked = {p.name: p.check(options.get(p.name, p.default), f"data.options.{p.name}")
               for p in info.options}
    if name in _CROSS_CHECKS:
        _CROSS_CHECKS[name](checked)
    return checked


def summarize(name: str, options: Mapping[str, Any] | None = None) -> DataSummary:
    """What a model needs to know about the dataset, without loading any array."""
    return get_dataset(name).summarize(check_options(name, options))


def load_dataset(name: str, options: Mapping[str, Any] | None = None,
                 validation_split: float = 0.0, seed: int = 0) -> Dataset:
    """Load (or generate) the dataset and split it for training and validation.

    Args:
        name: a catalog name.
        options: the dataset's options; missing ones take their defaults.
        validation_split: fraction kept for validation, from 0 to below 1 (a series
            keeps its end). Defaults to 0.
        seed: seed of generation and shuffling. Defaults to 0.

    Returns:
        A Dataset: inputs float32; binary targets float32 (n, 1); multiclass int32
        (n,); regression float32 (n, 1); series windows float32 (n, window, 1).

    Raises:
        SpecError: a name, option or the validation split not allowed.
        DatasetUnavailable: the data cannot be had here: not cached, a download that
            failed, a kept CSV missing, too large or unreadable (the message names its
            id and, for a bad cell, its row, column and value).
    """
    info = get_dataset(name)
    checked = check_options(name, options)
    if isinstance(validation_split, bool) or not 0.0 <= validation_split < 1.0:
        raise SpecError("validation_split", validation_split, Phrase("allowed.split_share"))
    return info.load(checked, float(validation_split), seed)
