"""Uploaded weights files: HDF5 only, kept by content in the data folder."""

import re

import keras
import pytest

from tflab.build import BuildError, build_base
from tflab.spec import BaseSpec
from tflab.weights import WeightsUploadError, store_model, store_weights


@pytest.fixture(scope="module")
def mobilenet_weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("w") / "mobilenet.weights.h5"
    keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False,
                                   weights=None).save_weights(path)
    return path.read_bytes()


def test_a_real_weights_file_is_kept_once_and_loads(tflab_home, mobilenet_weights):
    kept = store_weights(mobilenet_weights, "mine.weights.h5")
    assert store_weights(mobilenet_weights, "again.weights.h5") == kept
    assert re.fullmatch(r"[0-9a-f]{12}\.weights\.h5", kept)  # an id, not a path
    assert (tflab_home / "weights" / kept).read_bytes() == mobilenet_weights
    cut = build_base(BaseSpec("MobileNetV2", kept, "out_relu", 0), (96, 96, 3))
    assert cut.output.shape[-1] == 1280


@pytest.mark.parametrize("data,name,message", [
    (b"hello", "notes.h5", "not an HDF5 weights file"),
    (b"\x89HDF\r\n\x1a\n....", "weights.bin", "not a .h5"),
])
def test_files_that_are_not_weights_are_refused(tmp_path, data, name, message):
    with pytest.raises(WeightsUploadError, match=message) as caught:
        store_weights(data, name, tmp_path)
    assert repr(name) in str(caught.value)
    assert not (tmp_path / "weights").exists() or not any((tmp_path / "weights").iterdir())


def test_weights_of_another_network_are_refused_when_the_model_is_built(mobilenet_weights):
    kept = store_weights(mobilenet_weights, "mobilenet.weights.h5")
    with pytest.raises(BuildError, match="does not hold InceptionV3 weights"):
        build_base(BaseSpec("InceptionV3", kept, "mixed7", 0), (150, 150, 3))


def saved_model(path, *layers):
    model = keras.Sequential([keras.Input((4,)), *layers, keras.layers.Dense(2)])
    model.save(path)
    return path.read_bytes()


def test_a_saved_model_is_kept_once_it_loads_safely(tmp_path):
    data = saved_model(tmp_path / "mine.keras", keras.layers.Dense(3, name="features"))
    kept = store_model(data, "mine.keras", tmp_path / "lab")
    assert re.fullmatch(r"[0-9a-f]{12}\.keras", kept)
    path = tmp_path / "lab" / "weights" / kept
    assert "features" in [layer.name for layer in keras.saving.load_model(path).layers]


@pytest.mark.parametrize("make,name,message", [
    (lambda p: saved_model(p, keras.layers.Lambda(lambda x: x * 400)), "lambda.keras",
     "holds a Python lambda, which safe mode refuses"),
    (lambda p: b"just some notes", "notes.keras", "a .keras file is a zip archive"),
    (lambda p: b"PK\x03\x04" + b"\0" * 64, "broken.keras", "broken.keras is not a Keras model file"),
    (lambda p: b"\x89HDF\r\n\x1a\n....", "weights.h5", "'weights.h5' is not a saved Keras model"),
])
def test_model_files_that_cannot_be_a_base_are_refused_and_not_kept(tmp_path, make, name, message):
    data = make(tmp_path / name)
    with pytest.raises(WeightsUploadError, match=message) as caught:
        store_model(data, name, tmp_path / "lab")
    assert str(tmp_path / "lab") not in str(caught.value)  # named as the person knows it
    kept = tmp_path / "lab" / "weights"
    assert not kept.exists() or not any(kept.iterdir())
