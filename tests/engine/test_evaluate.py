"""Evaluation: confusion matrix, precision and recall, misclassified examples by cell."""

import numpy as np
import pytest

from tflab.data import load_dataset
from tflab.evaluate import evaluate_model, evaluate_predictions
from tflab.recipes import get_recipe
from tflab.stream import ListSink
from tflab.train import train


def test_counts_precision_recall_and_cells_by_hand():
    true = np.array([0, 0, 0, 1, 1, 2])
    predicted = np.array([0, 1, 0, 1, 2, 2])
    result = evaluate_predictions(true, predicted, ("a", "b", "c"))
    assert result.matrix == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert result.precision == [1.0, 0.5, 0.5]
    assert result.recall == pytest.approx([2 / 3, 0.5, 1.0], abs=1e-4)
    assert result.accuracy == pytest.approx(4 / 6)
    assert result.misclassified() == [1, 4]
    assert result.misclassified(true=1, predicted=2) == [4]
    assert result.misclassified(true=0, predicted=0) == []


def test_a_class_never_predicted_has_precision_zero_not_nan():
    result = evaluate_predictions(np.array([0, 1]), np.array([0, 0]), ("a", "b"))
    assert result.precision == [0.5, 0.0] and result.recall == [1.0, 0.0]


def test_a_trained_digit_model_is_evaluated_on_its_validation_digits():
    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 3)
    result = train(spec, ListSink())
    data = load_dataset("digits", {}, spec.data.validation_split, spec.seed)
    evaluation = evaluate_model(result.model, data)
    assert np.sum(evaluation.matrix) == len(data.y_val)
    assert evaluation.accuracy == pytest.approx(result.final_metrics["val_accuracy"], abs=0.01)
    for i in evaluation.misclassified():
        assert data.y_val[i] != np.argmax(result.model.predict(data.x_val[i:i + 1], verbose=0))


def test_regression_runs_are_refused_with_a_reason():
    spec = get_recipe("linear").spec.with_setting("fit.epochs", 2)
    data = load_dataset("line", {}, 0.0, 0)
    with pytest.raises(ValueError, match="classifiers"):
        evaluate_model(train(spec, ListSink()).model, data)
