"""Training runs end with the right status: completed, stopped, diverged or failed."""

from tflab.recipes import get_recipe
from tflab.stream import ListSink
from tflab.train import train


def points(epochs=5, **settings):
    spec = get_recipe("binary_points").spec.with_setting("fit.epochs", epochs)
    for path, value in settings.items():
        spec = spec.with_setting(path.replace("__", "."), value)
    return spec


def test_a_seeded_run_is_reproducible():
    first, second = ListSink(), ListSink()
    train(points(), first)
    train(points(), second)
    assert first.epochs == second.epochs
    assert len(first.epochs) == 5


def test_another_seed_gives_another_run():
    first, second = ListSink(), ListSink()
    train(points(), first)
    train(points(seed=7), second)
    assert first.epochs[-1][1]["loss"] != second.epochs[-1][1]["loss"]


def test_a_completed_run_streams_every_epoch_with_validation_and_keeps_its_model():
    sink = ListSink()
    result = train(points(epochs=3), sink)
    assert result.status == "completed" and result.message == ""
    assert [epoch for epoch, _ in sink.epochs] == [1, 2, 3]
    assert set(sink.epochs[-1][1]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert result.final_metrics == sink.epochs[-1][1]
    assert result.model is not None and result.epochs_done == 3


def test_a_stop_request_ends_the_run_within_one_batch():
    asked = []

    def should_stop():
        asked.append(1)
        return len(asked) >= 20  # the 20th batch end: epoch 2 of 13 batches each

    result = train(points(epochs=50), ListSink(), should_stop)
    assert result.status == "stopped"
    assert len(asked) == 20, "no batch may run after the stop request"
    assert result.model is not None
    assert result.epochs_done == 1
    assert "epoch 2" in result.message


def test_an_exploding_loss_ends_the_run_as_diverged():
    spec = get_recipe("linear").spec.with_setting("compile.learning_rate", 10.0)
    result = train(spec.with_setting("fit.epochs", 200), ListSink())
    assert result.status == "diverged"
    assert "learning rate" in result.message
    assert result.model is None
    assert result.epochs_done < 200


def test_a_dataset_that_cannot_be_had_fails_with_its_message():
    spec = get_recipe("multiclass").spec.with_setting("data.dataset", "mnist")
    result = train(spec, ListSink())
    assert result.status == "failed"
    assert "allow_download" in result.message and "digits" in result.message


def test_early_stopping_ends_a_run_that_stopped_improving():
    spec = (get_recipe("linear").spec.with_setting("fit.epochs", 2000)
            .with_setting("fit.early_stopping", True).with_setting("fit.patience", 3)
            .with_setting("compile.learning_rate", 0.05))
    result = train(spec, ListSink())
    assert result.status == "completed"
    assert result.epochs_done < 2000
    assert "Stopped early" in result.message and "loss" in result.message
