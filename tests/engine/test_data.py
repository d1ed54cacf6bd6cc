"""The dataset catalog and its generators: shapes, dtypes, seeds, errors, offline use."""

import gzip
import inspect
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

from tflab.data import (CATALOG, DatasetUnavailable, check_options, get_dataset, load_dataset,
                        summarize)
from tflab.data import digits, points, regression, series, shapes, split
from tflab.data.csvfiles import store_csv
from tflab.data.keras_sets import load_keras_images
from tflab.params import SpecError

ROOT = Path(__file__).resolve().parents[2]

# Small options so every offline entry loads fast.
SMALL = {
    "line": {},
    "sine": {"samples": 200},
    "points": {"samples": 200},
    "digits": {},
    "digit_pair": {},
    "shapes": {"samples_per_class": 10, "image_size": 32},
    "series": {"length": 400, "period": 50, "window": 20},
}
# "folder" holds a person's own pictures: it loads only after an upload, and
# tests/engine/test_folders.py covers it with zips it makes.
OFFLINE = sorted(name for name, info in CATALOG.items() if info.offline and name != "folder")


def test_small_options_cover_every_offline_entry():
    assert sorted(SMALL) == OFFLINE


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


# Catalog: every offline entry loads as its summary says.

@pytest.mark.parametrize("name", OFFLINE)
def test_summary_matches_loaded_arrays(name):
    summary = summarize(name, SMALL[name])
    data = load_dataset(name, SMALL[name], validation_split=0.25, seed=0)
    assert data.summary == summary
    assert data.has_validation
    for x, y in ((data.x_train, data.y_train), (data.x_val, data.y_val)):
        assert x.dtype == np.float32
        assert len(x) == len(y)
        assert len(x.shape[1:]) == len(summary.input_shape)
        assert all(want in (None, got) for want, got in zip(summary.input_shape, x.shape[1:]))
        assert len(y.shape[1:]) == len(summary.target_shape)
        assert all(want in (None, got) for want, got in zip(summary.target_shape, y.shape[1:]))
    y = data.y_train
    if summary.kind == "multiclass":
        assert y.dtype == np.int32 and y.ndim == 1
        assert set(np.unique(y)) == set(range(summary.num_classes))
    elif summary.kind == "binary":
        assert y.dtype == np.float32 and y.shape[1:] == (1,)
        assert set(np.unique(y)) == {0.0, 1.0}
        assert summary.num_classes == 2
    else:
        assert y.dtype == np.float32 and summary.class_names == ()
    if summary.image:
        assert 0 <= data.x_train.min() and data.x_train.max() <= 255


@pytest.mark.parametrize("name", OFFLINE)
def test_same_seed_same_data_other_seed_other_data(name):
    first = load_dataset(name, SMALL[name], 0.25, seed=1)
    again = load_dataset(name, SMALL[name], 0.25, seed=1)
    other = load_dataset(name, SMALL[name], 0.25, seed=2)
    np.testing.assert_array_equal(first.x_train, again.x_train)
    np.testing.assert_array_equal(first.y_val, again.y_val)
    assert not np.array_equal(first.x_train, other.x_train)


def test_line_is_the_notes_six_points():
    data = load_dataset("line", {}, validation_split=0.0, seed=0)
    order = np.argsort(data.x_train[:, 0])
    assert data.x_train[order, 0].tolist() == [-1, 0, 1, 2, 3, 4]
    assert data.y_train[order, 0].tolist() == [-3, -1, 1, 3, 5, 7]
    assert data.x_val.shape == (0, 1) and data.y_val.shape == (0, 1)


def test_catalog_is_read_only():
    with pytest.raises(TypeError):
        CATALOG["mine"] = CATALOG["line"]


def test_check_options_fills_defaults_and_coerces():
    assert check_options("points", {"samples": 300.0}) == {
        "pattern": "circles", "samples": 300, "noise": 0.1}
    assert check_options("line", None) == {}
    assert check_options("series")["amplitude"] == 40.0


@pytest.mark.parametrize("name, options, field, words", [
    ("points", {"colour": "red"}, "data.options.colour", ["pattern", "samples", "noise"]),
    ("line", {"noise": 0.1}, "data.options.noise", ["no options"]),
    ("points", {"noise": 0.9}, "data.options.noise", ["0.5", "0.9"]),
    ("points", {"pattern": "rings"}, "data.options.pattern", ["'circles'", "'spiral'"]),
    ("shapes", {"classes": "circle"}, "data.options.classes", ["'circle,square'"]),
    ("digit_pair", {"first": 4, "second": 4}, "data.options.second", ["other than `first`"]),
    ("series", {"length": 100, "window": 60}, "data.options.window", ["at most 50"]),
    ("mnist", {"allow_download": "yes"}, "data.options.allow_download", ["true or false"]),
])
def test_bad_options_name_the_field(name, options, field, words):
    with pytest.raises(SpecError) as caught:
        check_options(name, options)
    assert caught.value.field == field
    for word in words:
        assert word in str(caught.value)


def test_unknown_dataset_names_the_field_and_the_known_names():
    for call in (lambda: get_dataset("cats"), lambda: summarize("cats", {}),
                 lambda: load_dataset("cats", {}, 0.0, 0)):
        with pytest.raises(SpecError) as caught:
            call()
        assert caught.value.field == "data.dataset"
        assert "'cats'" in str(caught.value) and "'points'" in str(caught.value)


def test_validation_split_out_of_range_is_refused():
    with pytest.raises(SpecError, match="validation_split"):
        load_dataset("line", {}, validation_split=1.0, seed=0)


# split

def test_split_is_disjoint_complete_and_keeps_pairs():
    x = np.arange(50, dtype=np.float32).reshape(-1, 1)
    y = x[:, 0] * 10
    x_train, y_train, x_val, y_val = split.split(x, y, 0.2, seed=3)
    assert len(x_val) == 10 and len(x_train) == 40
    assert sorted(np.concatenate([x_train, x_val])[:, 0].tolist()) == list(range(50))
    np.testing.assert_array_equal(y_train, x_train[:, 0] * 10)
    np.testing.assert_array_equal(y_val, x_val[:, 0] * 10)
    assert not np.array_equal(x_train[:, 0], np.sort(x_train[:, 0]))  # shuffled


def test_split_zero_gives_empty_validation_with_trailing_shape():
    x, y = np.zeros((7, 5, 5, 3)), np.zeros((7, 1))
    x_train, y_train, x_val, y_val = split.split(x, y, 0.0, seed=0)
    assert x_train.shape == (7, 5, 5, 3)
    assert x_val.shape == (0, 5, 5, 3) and y_val.shape == (0, 1)


# points

@pytest.mark.parametrize("pattern", ("circles", "xor", "moons", "gaussians", "spiral"))
@pytest.mark.parametrize("noise", (0.0, 0.5))
def test_points_are_balanced_and_in_the_unit_square(pattern, noise):
    x, y = points.make_points(pattern, 300, noise, seed=0)
    assert x.shape == (300, 2) and y.shape == (300, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert y.sum() == 150
    assert np.abs(x).max() < 2
    assert np.abs(x).max() > 0.6


def test_points_without_noise_are_separable_where_playground_draws_a_boundary():
    x, y = points.make_points("circles", 500, 0.0, seed=0)
    inside = np.hypot(x[:, 0], x[:, 1]) < 0.5
    np.testing.assert_array_equal(inside, y[:, 0] == 1)
    x, y = points.make_points("xor", 500, 0.0, seed=0)
    np.testing.assert_array_equal(x[:, 0] * x[:, 1] > 0, y[:, 0] == 1)
    x, y = points.make_points("gaussians", 500, 0.0, seed=0)
    assert np.mean((x.sum(axis=1) > 0) == (y[:, 0] == 1)) > 0.99


def test_points_noise_blurs_the_boundary():
    x, y = points.make_points("circles", 500, 0.5, seed=0)
    inside = np.hypot(x[:, 0], x[:, 1]) < 0.5
    assert 0.6 < np.mean(inside == (y[:, 0] == 1)) < 0.99


# regression

def test_sine_follows_the_curve_with_the_noise_asked_for():
    x, y = regression.make_sine(2000, 0.1, seed=0)
    assert x.shape == y.shape == (2000, 1) and x.dtype == y.dtype == np.float32
    assert -3 <= x.min() and x.max() <= 3
    assert 0.08 < np.std(y - np.sin(x)) < 0.12
    clean_x, clean_y = regression.make_sine(50, 0.0, seed=0)
    np.testing.assert_allclose(clean_y, np.sin(clean_x), atol=1e-6)


# shapes

def test_shapes_have_a_foreground_that_stands_out_from_the_background():
    x, y = shapes.make_shapes(("circle", "square", "triangle"), 30, 64, seed=0)
    assert x.shape == (90, 64, 64, 3) and y.dtype == np.int32
    assert np.bincount(y).tolist() == [30, 30, 30]
    rows, cols = np.mgrid[0:64, 0:64]
    border = (rows == 0) | (rows == 63) | (cols == 0) | (cols == 63)
    plane = np.stack([np.ones(64 * 64), rows.ravel(), cols.ravel()], axis=1)
    for image in x:
        # Every shape lies wholly inside, so the border is background: fit its gradient.
        fit, *_ = np.linalg.lstsq(plane[border.ravel()], image[border], rcond=None)
        distance = np.linalg.norm(image.reshape(-1, 3) - plane @ fit, axis=1)
        shape, background = distance > 100, distance < 30
        assert 0.05 < shape.mean() < 0.3  # a shape of 7% to 25% of the picture
        assert (shape | background).mean() > 0.95  # only its smoothed edge is in between


def test_shapes_of_each_class_vary_in_place_and_colour():
    x, y = shapes.make_shapes(("circle", "square"), 20, 48, seed=0)
    mean_colours = x.reshape(len(x), -1, 3).mean(axis=1)
    assert mean_colours.std(axis=0).min() > 20
    assert np.linalg.norm(x[y == 0][0] - x[y == 0][1]) > 1000


def test_six_hundred_large_pictures_are_quick_and_float32():
    started = time.monotonic()
    x, y = shapes.make_shapes(("circle", "square", "triangle"), 200, 150, seed=0)
    assert time.monotonic() - started < 10
    assert x.dtype == np.float32 and x.nbytes == 600 * 150 * 150 * 3 * 4


# digits

def test_digits_look_like_mnist():
    x, y = digits.digit_images()
    assert x.shape == (1797, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int32
    assert x.min() == 0 and x.max() == 255
    assert not x[:, :4].any() and not x[:, -4:].any()  # black border, ink in the middle
    assert x[:, 4:24, 4:24].mean() > x.mean()
    assert np.bincount(y).min() > 170


def test_digit_pair_labels_the_second_digit_one():
    x, y = digits.digit_images()
    pair_x, pair_y = digits.digit_pair(x, y, 3, 8)
    assert pair_y.shape == (len(pair_x), 1) and pair_y.dtype == np.float32
    assert pair_y.sum() == np.sum(y == 8) and len(pair_y) == np.sum((y == 3) | (y == 8))
    summary = summarize("digit_pair", {"first": 3, "second": 8})
    assert summary.class_names == ("3", "8") and summary.kind == "binary"


# series

def test_series_windows_are_the_series_shifted_by_one():
    values = series.make_series(200, 50, 40.0, 0.05, 5.0, seed=0)
    x, y = series.windows(values, 10)
    assert x.shape == y.shape == (190, 10, 1) and x.dtype == np.float32
    for i in (0, 57, 189):
        np.testing.assert_array_equal(x[i, :, 0], values[i:i + 10])
        np.testing.assert_array_equal(y[i, :, 0], values[i + 1:i + 11])


def test_series_default_scale_is_tens_to_a_hundred_or_so():
    values = series.make_series(1461, 365, 40.0, 0.05, 5.0, seed=0)
    assert values.shape == (1461,) and values.dtype == np.float32
    assert 80 < values.max() < 200 and -60 < values.min() < 20


def test_series_validation_is_the_end_of_the_series():
    options = {"length": 400, "period": 50, "window": 20}
    data = load_dataset("series", options, validation_split=0.25, seed=4)
    values = series.make_series(400, 50, 40.0, 0.05, 5.0, seed=4)
    cut = 300
    assert len(data.x_train) == cut - 20 and len(data.x_val) == 100 - 20
    np.testing.assert_array_equal(data.x_train[0, :, 0], values[:20])
    np.testing.assert_array_equal(data.y_train[-1, :, 0], values[cut - 20:cut])  # ends at the cut
    np.testing.assert_array_equal(data.x_val[0, :, 0], values[cut:cut + 20])  # starts after it
    np.testing.assert_array_equal(data.y_val[-1, :, 0], values[-20:])


CSV = "day,date,temp\n0,2024-01-01,20.5\n1,2024-01-02,21\n\n2,2024-01-03,19.25\n"


def test_csv_column_by_name_and_by_index():
    np.testing.assert_array_equal(series.read_csv_column(CSV, "temp"), [20.5, 21, 19.25])
    np.testing.assert_array_equal(series.read_csv_column(CSV, "2"), [20.5, 21, 19.25])
    np.testing.assert_array_equal(series.read_csv_column(CSV, "0"), [0, 1, 2])
    no_header = "1;2,5\n3;4,5\n"
    np.testing.assert_array_equal(series.read_csv_column("0\n1\n2\n", "0"), [0, 1, 2])
    np.testing.assert_array_equal(series.read_csv_column("x,2020\n1,5\n", "2020"), [5])
    np.testing.assert_array_equal(series.read_csv_column(no_header, "1"), [2.5, 4.5])
    assert series.read_csv_column(no_header, "0").dtype == np.float32


@pytest.mark.parametrize("column, words", [
    ("pressure", ["'pressure'", "'day'", "'temp'"]),
    ("7", ["Column 7", "3 column(s)"]),
    ("date", ["Row 2", "'date'", "'2024-01-01'", "not a number"]),
])
def test_csv_errors_name_column_row_and_value(column, words):
    with pytest.raises(ValueError) as caught:
        series.read_csv_column(CSV, column)
    for word in words:
        assert word in str(caught.value)


def test_csv_bad_cell_names_its_row_in_the_file():
    text = "temp\n1\n2\n\nwarm\n"
    with pytest.raises(ValueError, match=r"Row 5, column 'temp': 'warm' is not a number"):
        series.read_csv_column(text, "temp")


def kept_csv(text: str) -> str:
    """A CSV kept in this test's store, as an upload is: its id."""
    return store_csv(text.encode(), "mine.csv")


def test_series_from_a_csv_file():
    csv_id = kept_csv("t,value\n" + "".join(f"{i},{i * 2}\n" for i in range(50)))
    data = load_dataset("series", {"csv_id": csv_id, "csv_column": "value", "window": 5},
                        validation_split=0.2, seed=0)
    assert len(data.x_train) == 40 - 5 and len(data.x_val) == 10 - 5
    np.testing.assert_array_equal(data.x_val[0, :, 0], [80, 82, 84, 86, 88])


def test_series_csv_too_short_for_the_window():
    csv_id = kept_csv("".join(f"{i}\n" for i in range(50)))
    with pytest.raises(SpecError) as caught:
        load_dataset("series", {"csv_id": csv_id, "window": 30}, 0.0, 0)
    assert caught.value.field == "data.options.window"
    assert "at most 25" in str(caught.value) and "50 values" in str(caught.value)
    with pytest.raises(SpecError, match="validation part"):
        load_dataset("series", {"csv_id": csv_id, "window": 20}, 0.2, 0)


def test_series_csv_missing_or_bad_file_is_unavailable_naming_the_csv():
    with pytest.raises(DatasetUnavailable, match="no CSV 0123456789ab"):
        load_dataset("series", {"csv_id": "0123456789ab"}, 0.2, 0)
    bad = kept_csv("temp\n" + "".join(f"{i}\n" for i in range(80)) + "n/a\n")
    with pytest.raises(DatasetUnavailable) as caught:
        load_dataset("series", {"csv_id": bad, "csv_column": "temp"}, 0.2, 0)
    assert bad in str(caught.value) and "Row 82" in str(caught.value)


# mnist and fashion_mnist: never the network, never the real cache

@pytest.mark.parametrize("name, title", [("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST")])
def test_keras_sets_without_cache_say_what_to_do(empty_keras_home, name, title):
    with pytest.raises(DatasetUnavailable) as caught:
        load_dataset(name, {}, 0.2, 0)
    message = str(caught.value)
    assert title in message and str(empty_keras_home / "datasets") in message
    assert "allow_download" in message and "`digits`" in message


def test_mnist_is_read_from_the_keras_cache(empty_keras_home):
    folder = empty_keras_home / "datasets"
    folder.mkdir()
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
              "y_train": np.arange(12, dtype=np.uint8) % 10,
              "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "y_test": np.arange(4, dtype=np.uint8)}
    np.savez(folder / "mnist.npz", **arrays)
    x, y = load_keras_images("mnist")
    assert x.shape == (16, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int32
    np.testing.assert_array_equal(x[12:, ..., 0], arrays["x_test"])
    data = load_dataset("mnist", {}, 0.25, 0)
    assert len(data.x_train) == 12 and data.summary.class_names[3] == "3"


def test_fashion_mnist_is_read_from_the_keras_cache(empty_keras_home):
    folder = empty_keras_home / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for part, count in (("train", 6), ("t10k", 2)):
        images = np.full((count, 28, 28), 7, dtype=np.uint8)
        labels = np.arange(count, dtype=np.uint8)
        with gzip.open(folder / f"{part}-images-idx3-ubyte.gz", "wb") as f:
            f.write(bytes(16) + images.tobytes())
        with gzip.open(folder / f"{part}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(bytes(8) + labels.tobytes())
    x, y = load_keras_images("fashion_mnist")
    assert x.shape == (8, 28, 28, 1) and float(x.max()) == 7.0
    assert y.tolist() == [0, 1, 2, 3, 4, 5, 0, 1]
    assert summarize("fashion_mnist", {}).class_names[-1] == "Ankle boot"


def test_failed_download_says_so_with_the_reason(empty_keras_home, monkeypatch):
    def no_network():
        raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    fake_keras = types.SimpleNamespace(datasets=types.SimpleNamespace(
        mnist=types.SimpleNamespace(load_data=no_network)))
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    with pytest.raises(DatasetUnavailable) as caught:
        load_dataset("mnist", {"allow_download": True}, 0.2, 0)
    assert "Downloading MNIST failed (no network?)" in str(caught.value)
    assert "name resolution" in str(caught.value)


def test_corrupt_cache_is_unavailable_not_downloaded(empty_keras_home):
    folder = empty_keras_home / "datasets"
    folder.mkdir()
    (folder / "mnist.npz").write_bytes(b"not a zip")
    with pytest.raises(DatasetUnavailable, match="cannot be read"):
        load_keras_images("mnist")


# The code exporter copies generator source into a script that imports only numpy.

@pytest.mark.parametrize("module", [regression, points, shapes, digits, series, split])
def test_generator_modules_run_from_their_copied_source(module):
    namespace = {"np": np}
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ == module.__name__:
            exec(inspect.getsource(function), namespace)
    calls = {
        regression: ("make_sine", (20, 0.1, 0)),
        points: ("make_points", ("spiral", 20, 0.1, 0)),
        shapes: ("make_shapes", (("square", "triangle"), 3, 32, 0)),
        digits: ("upscale_digits", (np.arange(128.0).reshape(2, 8, 8) / 8,)),
        series: ("make_series", (100, 10, 40.0, 0.05, 5.0, 0)),
        split: ("split", (np.arange(10), np.arange(10), 0.3, 0)),
    }
    name, args = calls[module]
    for copied, original in zip(namespace[name](*args), getattr(module, name)(*args)):
        np.testing.assert_array_equal(copied, original)


def test_import_does_not_load_tensorflow_keras_or_sklearn():
    check = ("import sys, tflab.data; "
             "heavy = [m for m in ('tensorflow', 'keras', 'sklearn') if m in sys.modules]; "
             "assert not heavy, heavy")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# -- the data side of a link: sizes bounded before any array is made ----------------------

def test_shapes_too_large_for_memory_are_refused_before_any_is_drawn():
    # 2,000 pictures of each of three shapes at 300x300 are 6.5 GB of float32.
    with pytest.raises(SpecError) as caught:
        check_options("shapes", {"classes": "circle,square,triangle", "samples_per_class": 2000,
                                 "image_size": 300})
    assert caught.value.field == "data.options.samples_per_class"
    assert "within 1,024 MB" in str(caught.value) and "6,000 pictures of 300x300 take 6,180 MB" \
        in str(caught.value)
    check_options("shapes", {"classes": "circle,square,triangle", "samples_per_class": 500,
                             "image_size": 150})  # the recipes' sizes fit


def test_an_uploaded_dataset_too_large_at_this_image_size_is_refused(tflab_home):
    import json

    record = tflab_home / "datasets" / "0123456789ab" / "dataset.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"id": "0123456789ab", "name": "big.zip",
                                  "class_names": ["a", "b"], "counts": {"a": 2500, "b": 2500},
                                  "skipped": []}))
    for step in (summarize, lambda *a: load_dataset(*a, 0.2, 0)):  # the spec's check, a load
        with pytest.raises(SpecError) as caught:
            step("folder", {"dataset_id": "0123456789ab", "image_size": 300})
        assert caught.value.field == "data.options.image_size"
        assert "5,000 pictures" in str(caught.value)
    assert summarize("folder", {"dataset_id": "0123456789ab", "image_size": 64}).kind == "binary"


def test_a_csv_series_whose_windows_pass_the_bound_is_refused(monkeypatch):
    csv_id = kept_csv("".join(f"{i}\n" for i in range(2000)))
    monkeypatch.setattr("tflab.data.loaders.MAX_DATA_BYTES", 1024 * 1024)
    with pytest.raises(SpecError) as caught:
        load_dataset("series", {"csv_id": csv_id, "window": 100}, 0.2, 0)
    assert caught.value.field == "data.options.window"
    assert "The windows of a series of 2,000 values" in str(caught.value)
    assert load_dataset("series", {"csv_id": csv_id, "window": 10}, 0.2, 0).x_train.shape[1] == 10


def test_a_dataset_record_over_its_limit_is_not_read(tflab_home, monkeypatch):
    record = tflab_home / "datasets" / "0123456789ab" / "dataset.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"id": "0123456789ab", "name": "x.zip", "class_names": ["a", "b"], '
                      '"counts": {"a": 1, "b": 1}, "skipped": [' + '["f", "r"], ' * 500 + '["f", "r"]]}')
    monkeypatch.setattr("tflab.files.MAX_RECORD_BYTES", 1000)
    with pytest.raises(SpecError, match="over the limit of 1,000 bytes"):
        summarize("folder", {"dataset_id": "0123456789ab"})
