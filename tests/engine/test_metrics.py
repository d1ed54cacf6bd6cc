"""Training vocabulary (tflab/metrics.py): a metric's direction, its best value, the number a
run is summed up by, the best run, and what early stopping watches."""

import math
from types import SimpleNamespace

import pytest

from tflab.metrics import (HEADLINE, base_name, best_of, best_point, best_run, counted,
                           early_stopping_monitor, headline, higher_is_better, mode)

NAN = math.nan


@pytest.mark.parametrize("name", ["accuracy", "val_accuracy", "sparse_categorical_accuracy",
                                  "val_binary_accuracy", "acc", "auc", "val_precision",
                                  "recall", "f1_score", "r2_score", "binary_io_u", "IoU"])
def test_accuracy_like_metrics_are_better_higher(name):
    assert higher_is_better(name) and mode(name) == "max"


@pytest.mark.parametrize("name", ["loss", "val_loss", "mae", "val_mse", "mean_squared_error",
                                  "huber", "my_metric", "val_hacky_loss"])
def test_every_other_metric_is_an_error_better_lower(name):
    assert not higher_is_better(name) and mode(name) == "min"


def test_base_name_strips_only_the_validation_prefix():
    assert [base_name(n) for n in ("val_loss", "loss", "val_val_x", "value")] == \
        ["loss", "loss", "val_x", "value"]


def test_only_finite_numbers_count():
    assert [counted(v) for v in (1, 0.25, NAN, math.inf, -math.inf, None, False, "0.5")] == \
        [1.0, 0.25, None, None, None, None, None, None]


def test_best_point_follows_the_direction_skips_what_does_not_count_first_wins_a_tie():
    assert best_point([(1, 0.5), (2, 0.9), (3, 0.9), (4, NAN)], "val_accuracy") == (2, 0.9)
    assert best_point([(1, 0.5), (2, math.inf), (3, 0.2), (4, 0.2)], "loss") == (3, 0.2)
    assert best_point([(1, NAN), (2, None)], "loss") is None
    assert best_point([], "accuracy") is None


@pytest.mark.parametrize("history, best", [
    ({"val_accuracy": [(1, 0.5), (2, 0.9), (3, 0.7)], "val_loss": [(1, 0.2)]}, ("val_accuracy", 2, 0.9)),
    ({"val_accuracy": [(1, 0.5), (2, NAN), (3, 0.6)]}, ("val_accuracy", 3, 0.6)),
    ({"val_accuracy": [(1, NAN)], "val_loss": [(1, 0.8), (2, 0.3), (3, 0.4)]}, ("val_loss", 2, 0.3)),
    ({"val_loss": [(1, NAN), (2, 0.7), (3, NAN)], "loss": [(1, 0.1)]}, ("val_loss", 2, 0.7)),
    ({"loss": [(1, 0.9), (2, 0.2), (3, 0.5)], "accuracy": [(1, 0.99)]}, ("loss", 2, 0.2)),
    ({"val_loss": [], "loss": [(1, NAN), (2, 0.4)]}, ("loss", 2, 0.4)),
], ids=["max accuracy", "accuracy skips NaN", "all-NaN accuracy falls back to val_loss",
        "val_loss skips NaN", "training loss without validation", "empty series skipped"])
def test_best_of_a_history_is_its_headline_metric_at_its_best_epoch(history, best):
    assert best_of(history) == best


@pytest.mark.parametrize("history", [{}, {"loss": [(1, NAN)]}, {"accuracy": [(1, 0.5)]}])
def test_best_of_is_none_without_a_headline_value(history):
    assert best_of(history) is None


def test_headline_is_the_first_headline_metric_a_final_epoch_has():
    assert HEADLINE == ("val_accuracy", "val_loss", "loss")
    assert headline({"loss": 0.1, "val_loss": 0.3, "val_accuracy": 0.8}) == ("val_accuracy", 0.8)
    assert headline({"loss": 0.1, "val_loss": 0.3, "val_mae": 0.2}) == ("val_loss", 0.3)
    assert headline({"loss": 0.1, "val_accuracy": NAN}) == ("loss", 0.1)
    assert headline({"accuracy": 0.9}) is None and headline({}) is None


def run(status, **final):
    return SimpleNamespace(status=status, final_metrics=final)


def test_the_best_run_is_by_final_validation_accuracy_else_loss_completed_only():
    runs = [run("completed", val_accuracy=0.80, val_loss=0.3), run("completed", val_accuracy=0.92, val_loss=0.5),
            run("stopped", val_accuracy=0.99), run("completed", val_accuracy=0.92, val_loss=0.1)]
    assert best_run(runs) == (runs[1], "val_accuracy", 0.92)  # a tie goes to the first
    losses = [run("completed", val_loss=0.4), run("completed", val_loss=0.2, loss=0.01),
              run("diverged", val_loss=0.0)]
    assert best_run(losses) == (losses[1], "val_loss", 0.2)
    only = run("completed", val_accuracy=NAN, loss=0.5)
    assert best_run([only]) == (only, "loss", 0.5)  # NaN never counts
    assert best_run([run("failed"), run("stopped", loss=0.1)]) is None


def test_early_stopping_watches_the_validation_loss_when_there_is_validation():
    assert early_stopping_monitor(has_validation=True) == "val_loss"
    assert early_stopping_monitor(has_validation=False) == "loss"
    assert mode(early_stopping_monitor(has_validation=True)) == "min"
