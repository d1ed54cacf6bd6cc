"""Weights kept while training: the first epoch's and the best so far, put back later."""

import keras
import numpy as np
import pytest

from tflab.kept import KeepWeights, load_weights, save_weights
from tflab.saving import save_model
from tflab.home import kept_weight_epochs, weights_file


def small_model(augment=False):
    layers = [keras.Input((2, 2, 1))]
    if augment:
        layers.append(keras.layers.RandomRotation(0.2))  # the kept model leaves it out
    model = keras.Sequential(layers + [keras.layers.Flatten(), keras.layers.Dense(3),
                                       keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_the_first_and_the_best_epoch_are_kept_as_they_were(tmp_path):
    model = small_model()
    callback = KeepWeights(tmp_path / "kept", every=0)
    callback.set_model(model)
    callback.on_train_begin()
    seen = {}
    for epoch, val_loss in enumerate([0.5, 0.4, 0.6, float("nan"), 0.3, 0.35]):
        model.set_weights([w + epoch for w in model.get_weights()])
        seen[epoch + 1] = model.get_weights()
        callback.on_epoch_end(epoch, {"loss": 1.0, "val_loss": val_loss})
        if epoch == 1:
            assert kept_weight_epochs(tmp_path / "kept") == [1, 2]

    assert kept_weight_epochs(tmp_path / "kept") == [1, 5]  # 2 gave way to the better 5
    for epoch in (1, 5):
        fresh = small_model()
        load_weights(fresh, weights_file(tmp_path / "kept", epoch))
        for got, want in zip(fresh.get_weights(), seen[epoch]):
            np.testing.assert_array_equal(got, want)


def test_without_validation_the_training_loss_picks_the_best(tmp_path):
    model = small_model()
    callback = KeepWeights(tmp_path, every=0)
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate([0.9, 0.5, 0.7]):
        callback.on_epoch_end(epoch, {"loss": loss})
    assert kept_weight_epochs(tmp_path) == [1, 2]
    callback.on_train_begin()  # reused: starts again
    callback.on_epoch_end(0, {"loss": 2.0})
    callback.on_epoch_end(1, {"loss": 1.0})
    assert kept_weight_epochs(tmp_path) == [1, 2]


def test_weights_of_a_model_with_training_only_layers_go_into_its_kept_model(tmp_path):
    model = small_model(augment=True)
    save_model(model, tmp_path / "kept.keras")
    callback = KeepWeights(tmp_path / "w")
    callback.set_model(model)
    callback.on_train_begin()
    model.set_weights([w + 1 for w in model.get_weights()])
    callback.on_epoch_end(0, {"loss": 1.0})

    kept = keras.saving.load_model(tmp_path / "kept.keras")
    assert "RandomRotation" not in [type(layer).__name__ for layer in kept.layers]
    load_weights(kept, weights_file(tmp_path / "w", 1))
    x = np.array([[[[0.5], [-1.0]], [[2.0], [0.25]]]], dtype="float32")
    np.testing.assert_allclose(kept.predict(x, verbose=0), model(x, training=False), rtol=1e-6)


def test_better_epochs_are_saved_at_most_every_quarter_second_and_the_last_one_always(tmp_path):
    """Saving each of the linear recipe's 500 improving epochs cost it a third more time."""
    now = [0.0]
    callback = KeepWeights(tmp_path, clock=lambda: now[0])
    callback.set_model(small_model())
    callback.on_train_begin()
    for epoch, (loss, at) in enumerate([(0.9, 0.0), (0.8, 0.1), (0.7, 0.3), (0.6, 0.4), (0.5, 0.45)]):
        now[0] = at
        callback.on_epoch_end(epoch, {"loss": loss})
    assert kept_weight_epochs(tmp_path) == [1, 3]  # 2 came 0.1 s after 1; 4 and 5 after 3
    callback.on_train_end()
    assert kept_weight_epochs(tmp_path) == [1, 5]  # the last epoch was the best: kept

    callback = KeepWeights(tmp_path / "b", clock=lambda: now[0])
    callback.set_model(small_model())
    callback.on_train_begin()
    for epoch, (loss, at) in enumerate([(0.9, 10.0), (0.5, 10.1), (0.7, 10.2)]):
        now[0] = at
        callback.on_epoch_end(epoch, {"loss": loss})
    callback.on_train_end()
    assert kept_weight_epochs(tmp_path / "b") == [1]  # 2 came too soon and was not the last


def test_weights_that_do_not_fit_and_bad_arguments_are_named(tmp_path):
    save_weights(small_model(), tmp_path / "epoch-1.npz")
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    with pytest.raises(ValueError, match=r"epoch-1.npz do not fit this model: they hold 4 "
                                         r"arrays, the model has 2 weights"):
        load_weights(other, tmp_path / "epoch-1.npz")
    with pytest.raises(ValueError, match=r"`monitor` must be the name.*received ''"):
        KeepWeights(tmp_path, monitor="")
    with pytest.raises(ValueError, match=r"`every` must be a number of seconds, 0 or more; "
                                         r"received -1"):
        KeepWeights(tmp_path, every=-1)
    with pytest.raises(ValueError, match=r"`epoch` must be a whole number from 1; received 0"):
        weights_file(tmp_path, 0)
    assert not list(tmp_path.glob(".*partial*"))  # no half-written file left behind
