"""MNIST and Fashion-MNIST from Keras's download cache, downloading only when allowed.

Loading never reaches the network by default: the files `keras.datasets` keeps in
`$KERAS_HOME/datasets/` (or `~/.keras/datasets/`) are read with numpy, and when they
are missing `DatasetUnavailable` says where it looked and what to do. With
`allow_download=True`, `keras.datasets` fetches them into that cache first. The
official training and test parts come back as one set of 70,000 pictures, which the
run splits with its own validation share (as the exported script does).

Example:

>>> x, y = load_keras_images("mnist")  # doctest: +SKIP
>>> x.shape, x.dtype, y.dtype  # doctest: +SKIP
((70000, 28, 28, 1), dtype('float32'), dtype('int32'))
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from tflab.data.dataset import DatasetUnavailable
from tflab.words import Phrase

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
DIGIT_CLASSES = tuple(str(d) for d in range(10))

_TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
_FASHION_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                  "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def keras_cache_dirs() -> list[str]:
    """Where `keras.datasets` keeps its files, most likely first.

    Keras uses `$KERAS_HOME`, else `~/.keras`, and falls back to `/tmp/.keras` when
    that cannot be written.
    """
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    dirs = [os.path.join(home, "datasets")]
    if not _writable(home):
        dirs.append(os.path.join("/tmp", ".keras", "datasets"))
    return dirs


def _writable(path: str) -> bool:
    """Whether `path`, or the nearest folder above it that exists, can be written."""
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return os.access(path, os.W_OK)


def _cached_files(name: str, datasets_dir: str) -> list[str]:
    if name == "mnist":
        return [os.path.join(datasets_dir, "mnist.npz")]
    return [os.path.join(datasets_dir, "fashion-mnist", f) for f in _FASHION_FILES]


def _read_cached(name: str, paths: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Both parts, train then test, read the way keras.datasets reads them."""
    if name == "mnist":
        with np.load(paths[0], allow_pickle=False) as f:
            return (np.concatenate([f["x_train"], f["x_test"]]),
                    np.concatenate([f["y_train"], f["y_test"]]))
    parts = []
    for images_path, labels_path in (paths[:2], paths[2:]):
        with gzip.open(labels_path, "rb") as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8)
        with gzip.open(images_path, "rb") as f:
            images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(labels), 28, 28)
        parts.append((images, labels))
    return (np.concatenate([parts[0][0], parts[1][0]]),
            np.concatenate([parts[0][1], parts[1][1]]))


def _download(name: str) -> tuple[np.ndarray, np.ndarray]:
    title = _TITLES[name]
    try:
        import keras

        module = keras.datasets.mnist if name == "mnist" else keras.datasets.fashion_mnist
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as error:  # keras raises a bare Exception for a failed fetch
        raise DatasetUnavailable(Phrase("errors.dataset.download_failed", {
            "title": title, "error": str(error)})) from error
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def load_keras_images(name: str, allow_download: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """All pictures of "mnist" or "fashion_mnist" (train, then test), from Keras's cache.

    Args:
        name: "mnist" or "fashion_mnist".
        allow_download: fetch the files with `keras.datasets` when they are not
            cached. Defaults to False: nothing is downloaded.

    Returns:
        x float32 (70000, 28, 28, 1) in 0..255 and y int32 (70000,).

    Raises:
        DatasetUnavailable: the files are not cached and downloading is off or failed,
            or a cached file cannot be read.
    """
    if name not in _TITLES:
        raise ValueError(f"Unknown Keras dataset {name!r}; expected mnist or fashion_mnist.")
    title = _TITLES[name]
    dirs = keras_cache_dirs()
    for datasets_dir in dirs:
        paths = _cached_files(name, datasets_dir)
        if all(os.path.isfile(p) for p in paths):
            try:
                images, labels = _read_cached(name, paths)
            except (OSError, ValueError, KeyError, EOFError) as error:
                raise DatasetUnavailable(Phrase("errors.dataset.cache_unreadable", {
                    "title": title, "folder": datasets_dir, "error": str(error)})) from error
            break
    else:
        if not allow_download:
            wanted = ", ".join(os.path.relpath(p, dirs[0]) for p in _cached_files(name, dirs[0]))
            folders = dirs[0] if len(dirs) == 1 else Phrase(
                "errors.dataset.folders_and", {"first": ", ".join(dirs[:-1]), "last": dirs[-1]})
            raise DatasetUnavailable(Phrase("errors.dataset.not_cached", {
                "title": title, "wanted": wanted, "folders": folders}))
        images, labels = _download(name)
    x = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
    return x, np.asarray(labels, dtype=np.int32)
