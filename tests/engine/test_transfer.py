"""Transfer learning from a local InceptionV3 weights file, offline: the base stays frozen."""

import h5py
import keras
import numpy as np
import pytest
from keras.src.legacy.saving import legacy_h5_format

from tflab import build as build_module
from tflab.build import BuildError, build_base, build_model
from tflab.recipes import get_recipe
from tflab.spec import BaseSpec, SpecError
from tflab.stream import ListSink
from tflab.train import train
from tflab.weights import store_weights


@pytest.fixture(scope="module")
def inception_files(tmp_path_factory):
    """An InceptionV3 (no top) weights file in both formats the notes' readers meet."""
    folder = tmp_path_factory.mktemp("weights")
    keras.utils.set_random_seed(1)
    base = keras.applications.InceptionV3(input_shape=(150, 150, 3), include_top=False, weights=None)
    modern = folder / "inception_v3.weights.h5"
    base.save_weights(modern)
    legacy = folder / "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
    with h5py.File(legacy, "w") as f:  # the Keras 2 layout, as downloaded in the course
        legacy_h5_format.save_weights_to_hdf5_group(f, base)
    return modern, legacy, base.get_layer("mixed7").get_weights()


def kept(path) -> str:
    """The file kept in this test's store, as an upload in Build keeps it: its id."""
    return store_weights(path.read_bytes(), path.name)


def transfer_spec(weights, epochs=2):
    return (get_recipe("transfer").spec.with_setting("model.base.weights", kept(weights))
            .with_setting("fit.epochs", epochs).with_setting("data.options.samples_per_class", 20))


def base_of(model):
    return next(layer for layer in model.layers if layer.name.endswith("_base"))


def test_training_keeps_the_frozen_base_and_moves_the_head(inception_files):
    modern, _, _ = inception_files
    spec = transfer_spec(modern)
    before = build_model(spec)  # the same seed builds the same starting weights
    result = train(spec, ListSink())
    assert result.status == "completed", result.message
    after = result.model
    base_before, base_after = base_of(before).get_weights(), base_of(after).get_weights()
    assert len(base_after) > 100
    assert all(np.array_equal(a, b) for a, b in zip(base_before, base_after))
    head_before, head_after = before.layers[-1].get_weights(), after.layers[-1].get_weights()
    assert not np.array_equal(head_before[0], head_after[0]), "the head did not learn"
    trainable = sum(int(np.prod(w.shape)) for w in after.trainable_weights)
    head = sum(int(np.prod(w.shape)) for layer in after.layers[-4:] for w in layer.weights)
    assert trainable == head


def test_the_weights_file_is_really_loaded_in_either_format(inception_files):
    modern, legacy, mixed7 = inception_files
    for path in (modern, legacy):
        cut = build_base(BaseSpec("InceptionV3", kept(path), "mixed7", 0), (150, 150, 3))
        loaded = cut.get_layer("mixed7").get_weights()
        assert cut.output.shape == (None, 7, 7, 768)
        assert not cut.trainable
        assert all(np.array_equal(a, b) for a, b in zip(loaded, mixed7))
        conv = cut.layers[1].get_weights()[0]
        fresh = build_base(BaseSpec("InceptionV3", "", "mixed7", 0), (150, 150, 3))
        assert not np.array_equal(conv, fresh.layers[1].get_weights()[0])


def test_fine_tuning_the_top_layers_leaves_only_those_trainable():
    cut = build_base(BaseSpec("InceptionV3", "", "mixed7", 5), (150, 150, 3))
    weighted = [layer for layer in cut.layers if layer.weights]
    trainable = [layer.name for layer in weighted if layer.trainable]
    assert trainable == [layer.name for layer in weighted[-5:]]


def test_a_weights_file_of_another_network_fails_with_a_clear_message(tmp_path):
    other = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
    path = tmp_path / "mobilenet.weights.h5"
    other.save_weights(path)
    with pytest.raises(BuildError, match="does not hold InceptionV3 weights"):
        build_base(BaseSpec("InceptionV3", kept(path), "mixed7", 0), (150, 150, 3))
    result = train(transfer_spec(path, epochs=1), ListSink())
    assert result.status == "failed" and kept(path) in result.message


def test_missing_weights_unknown_cut_and_uncached_imagenet_say_what_to_do():
    with pytest.raises(BuildError, match="no weights file 0123456789ab.h5 in TF Lab's store; "
                                         "upload it again"):
        build_base(BaseSpec("InceptionV3", "0123456789ab.h5", "mixed7", 0), (150, 150, 3))
    with pytest.raises(BuildError, match="has no layer 'mixed77'"):
        build_base(BaseSpec("InceptionV3", "", "mixed77", 0), (150, 150, 3))
    with pytest.raises(BuildError, match="not in the Keras cache"):
        build_base(BaseSpec("InceptionV3", "imagenet", "mixed7", 0), (150, 150, 3))


def test_a_head_over_the_budget_is_refused_before_its_layers_exist(monkeypatch):
    # The head's input is the base's output, known once the base is built: InceptionV3 to
    # mixed7 gives 7x7x768, and Flatten then Dense(4096) would hold 154 M parameters.
    spec = get_recipe("transfer").spec.with_setting("model.layers[1].units", 4096)
    made, real = [], build_module._layer
    monkeypatch.setattr("tflab.build._layer", lambda *args: made.append(args[2]) or real(*args))
    with pytest.raises(SpecError) as caught:
        build_model(spec)
    assert caught.value.field == "model.layers[1]"
    assert "This Dense layer holds 154,144,768 parameters" in str(caught.value)
    assert made == ["rescaling"]  # the augmentation in front of the base; no head layer
    result = train(spec, ListSink())
    assert result.status == "failed" and "64,000,000 parameters" in result.message


def test_a_base_over_the_budget_names_the_cut(monkeypatch):
    monkeypatch.setattr("tflab.build.MAX_PARAMETERS", 1_000_000)
    with pytest.raises(SpecError, match=r"`model.base.cut_layer` must be a cut that keeps the base "
                                        r"within 1,000,000 parameters; received 'mixed7'"):
        build_model(get_recipe("transfer").spec)
