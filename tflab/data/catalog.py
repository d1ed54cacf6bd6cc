"""The dataset catalog: every dataset a run can use, its settings, and loading.

Each entry is a `DatasetInfo` whose options are `Param`s, so specs validate with them
and the dashboard builds its widgets from them; how each is summarized, checked and
loaded is in `tflab.data.loaders`. The catalog is read-only.

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

from tflab.data import loaders
from tflab.data.dataset import DataSummary, Dataset, DatasetInfo
from tflab.names import CSV_COLUMN, CSV_ID, DATASET_ID
from tflab.params import Param, SpecError
from tflab.words import Phrase

PATTERNS = ("circles", "xor", "moons", "gaussians", "spiral")
SHAPE_SETS = ("circle,square", "circle,triangle", "square,triangle", "circle,square,triangle")
_ALLOW_DOWNLOAD = Param("allow_download", False)

CATALOG: Mapping[str, DatasetInfo] = MappingProxyType({info.name: info for info in (
    DatasetInfo(
        name="line", title="The notes' six points",
        description="x = -1..4 and y = 2x - 1, the notes' first model: Dense(1) learns "
                    "that y(10) is about 19.",
        options=(), summarize=loaders.regression_summary, load=loaders.load_line,
        tags=("regression",)),
    DatasetInfo(
        name="sine", title="Noisy sine wave",
        description="y = sin(x) plus noise on x from -3 to 3: a curve one Dense layer "
                    "cannot fit and a deeper network can.",
        options=(
            Param("samples", 500, "sine_samples", low=50, high=10000, step=50),
            Param("noise", 0.1, "sine_noise", low=0.0, high=1.0, step=0.05),
        ), summarize=loaders.regression_summary, load=loaders.load_sine, tags=("regression",)),
    DatasetInfo(
        name="points", title="Playground points",
        description="Two classes of points in the plane, in the patterns of "
                    "TensorFlow Playground.",
        options=(
            Param("pattern", "circles", choices=PATTERNS),
            Param("samples", 500, "points_samples", low=50, high=5000, step=50),
            Param("noise", 0.1, "points_noise", low=0.0, high=0.5, step=0.05),
        ), summarize=loaders.points_summary, load=loaders.load_points, tags=("binary", "2d")),
    DatasetInfo(
        name="digits", title="Handwritten digits (offline)",
        description="scikit-learn's 1,797 handwritten digits, grown to MNIST's 28x28 "
                    "white-on-black pictures.",
        options=(), summarize=loaders.digits_summary, load=loaders.load_digits,
        tags=("multiclass", "image")),
    DatasetInfo(
        name="digit_pair", title="Two handwritten digits",
        description="Only the pictures of two digits, to tell one from the other: "
                    "label 1 is the second digit.",
        options=(
            Param("first", 3, low=0, high=9),
            Param("second", 8, low=0, high=9),
        ), summarize=loaders.pair_summary, load=loaders.load_pair, tags=("binary", "image")),
    DatasetInfo(
        name="mnist", title="MNIST digits (download)",
        description="70,000 handwritten digits from keras.datasets; read from the Keras "
                    "cache, downloaded only when allowed.",
        options=(_ALLOW_DOWNLOAD,), summarize=loaders.mnist_summary, load=loaders.load_mnist,
        offline=False, tags=("multiclass", "image")),
    DatasetInfo(
        name="fashion_mnist", title="Fashion-MNIST clothes (download)",
        description="70,000 pictures of ten kinds of clothing from keras.datasets; read "
                    "from the Keras cache, downloaded only when allowed.",
        options=(_ALLOW_DOWNLOAD,), summarize=loaders.fashion_summary, load=loaders.load_fashion,
        offline=False, tags=("multiclass", "image")),
    DatasetInfo(
        name="shapes", title="Coloured shapes",
        description="Generated colour pictures of circles, squares and triangles at random "
                    "places, sizes, angles and colours: where augmentation matters.",
        options=(
            Param("classes", "circle,square", choices=SHAPE_SETS),
            Param("samples_per_class", 200, low=10, high=2000, step=10),
            Param("image_size", 150, low=32, high=300, step=2),
        ), summarize=loaders.shapes_summary, load=loaders.load_shapes,
        tags=("binary", "multiclass", "image")),
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
        ), summarize=loaders.series_summary, load=loaders.load_series, tags=("series",)),
    DatasetInfo(
        name="folder", title="Your own pictures",
        description="The pictures of a zip you upload, one folder per class "
                    "(cats/1.jpg, dogs/2.png); the folder names are the classes.",
        options=(
            Param("dataset_id", "", pattern=DATASET_ID),
            Param("image_size", 150, low=32, high=300, step=2),
        ), summarize=loaders.folder_summary, load=loaders.load_folder,
        tags=("binary", "multiclass", "image")),
)})

_CROSS_CHECKS: Mapping[str, Callable[[dict], None]] = MappingProxyType({
    "digit_pair": loaders.check_pair,
    "series": loaders.check_series,
    "shapes": loaders.check_shapes,
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
