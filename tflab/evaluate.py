"""After training: where a classifier goes wrong, on its validation examples.

A confusion matrix (true class by predicted class), each class's precision and recall,
and which validation examples landed in each cell, so a page can show the misclassified
images of one cell.

Example:

>>> import numpy as np
>>> result = evaluate_predictions(np.array([0, 1, 1]), np.array([0, 1, 0]), ("cat", "dog"))
>>> result.matrix
[[1, 0], [1, 1]]
>>> result.recall
[1.0, 0.5]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tflab.words import Phrase, PhrasedError


class EvaluationError(PhrasedError, ValueError):
    """A run that cannot be evaluated; `phrase` says why in any language, `str` in English.

    Example:

    >>> str(EvaluationError(Phrase("evaluation.errors.no_validation")))
    'This run has no validation examples (validation_split is 0).'
    """


@dataclass(frozen=True)
class Evaluation:
    """Counts per (true, predicted) class, per-class precision and recall, and cell members.

    `cells[(true, predicted)]` lists the validation indices in that cell.
    """

    class_names: tuple[str, ...]
    matrix: list[list[int]]
    precision: list[float]
    recall: list[float]
    accuracy: float
    cells: dict[tuple[int, int], list[int]]

    def misclassified(self, true: int | None = None, predicted: int | None = None) -> list[int]:
        """Validation indices predicted wrongly, optionally of one cell of the matrix."""
        return sorted(i for (t, p), members in self.cells.items() if t != p
                      and (true is None or t == true) and (predicted is None or p == predicted)
                      for i in members)


def evaluate_predictions(true: np.ndarray, predicted: np.ndarray,
                         class_names: tuple[str, ...]) -> Evaluation:
    """An Evaluation from true and predicted class indices."""
    true = np.asarray(true).reshape(-1).astype(int)
    predicted = np.asarray(predicted).reshape(-1).astype(int)
    k = len(class_names)
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (true, predicted), 1)
    column, row = matrix.sum(axis=0), matrix.sum(axis=1)
    diagonal = np.diag(matrix)
    precision = np.divide(diagonal, column, out=np.zeros(k), where=column > 0)
    recall = np.divide(diagonal, row, out=np.zeros(k), where=row > 0)
    cells: dict[tuple[int, int], list[int]] = {}
    for index, (t, p) in enumerate(zip(true, predicted)):
        cells.setdefault((int(t), int(p)), []).append(index)
    accuracy = float(diagonal.sum() / max(1, len(true)))
    return Evaluation(tuple(class_names), matrix.tolist(), precision.round(4).tolist(),
                      recall.round(4).tolist(), accuracy, cells)


def predicted_classes(model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class indices a classifier gives: argmax of softmax, or a sigmoid above 0.5."""
    out = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    if out.shape[-1] == 1:
        return (out.reshape(-1) > 0.5).astype(int)
    return out.argmax(axis=-1)


def evaluate_model(model, data) -> Evaluation:
    """Evaluate a classifier on its dataset's validation part."""
    if not data.summary.is_classification:
        raise EvaluationError(Phrase("evaluation.errors.not_a_classifier",
                                     {"kind": data.summary.kind}))
    if not data.has_validation:
        raise EvaluationError(Phrase("evaluation.errors.no_validation"))
    return evaluate_predictions(data.y_val, predicted_classes(model, data.x_val),
                                data.summary.class_names)
