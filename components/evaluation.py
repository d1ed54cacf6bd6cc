"""Where a finished classifier goes wrong: confusion matrix, precision and recall, and the
misclassified validation images of one cell.

Example:

>>> evaluation_ui(store, run)          # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components import figures
from components.state import run_store
from tflab.data import summarize
from tflab.spec import ExperimentSpec
from tflab.store import Run


@st.cache_resource(max_entries=4, show_spinner="Evaluating on the validation set...")
def _evaluate(run_id: str):
    """(Evaluation, validation images) of a finished run; cached: the run no longer changes."""
    from tflab.data import load_dataset
    from tflab.evaluate import evaluate_model
    from tflab.predict import load_model

    store = run_store()
    spec = ExperimentSpec.from_dict(store.get_run(run_id).spec)
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    return evaluate_model(load_model(store.model_path(run_id)), data), data.x_val


def can_evaluate(run: Run) -> bool:
    spec = ExperimentSpec.from_dict(run.spec)
    summary = summarize(spec.data.dataset, dict(spec.data.options))
    return (run.status in ("completed", "stopped") and summary.is_classification
            and spec.data.validation_split > 0 and run_store().model_path(run.id).exists())


def evaluation_ui(run: Run) -> None:
    """Confusion matrix, per-class table, and the gallery of one cell's mistakes."""
    try:
        evaluation, images = _evaluate(run.id)
    except Exception as error:  # a deleted model file, a dataset gone offline: say so
        st.warning(f"No evaluation: {error}")
        return
    names = evaluation.class_names
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(figures.confusion_chart(evaluation.matrix, names), key="evaluate.matrix")
    with right:
        st.metric("Validation accuracy", f"{evaluation.accuracy:.1%}")
        st.dataframe({"class": list(names), "precision": evaluation.precision,
                      "recall": evaluation.recall}, hide_index=True, key="evaluate.table")
    wrong = evaluation.misclassified()
    if not wrong:
        st.success("Every validation example is classified right.")
        return
    matrix = np.array(evaluation.matrix)
    off = matrix - np.diag(np.diag(matrix))
    worst_true, worst_predicted = np.unravel_index(off.argmax(), off.shape)
    pick_true, pick_predicted = st.columns(2)
    true = pick_true.selectbox("True class", range(len(names)), index=int(worst_true),
                               format_func=names.__getitem__, key=f"evaluate.true.{run.id}")
    predicted = pick_predicted.selectbox("Predicted as", range(len(names)),
                                         index=int(worst_predicted), format_func=names.__getitem__,
                                         key=f"evaluate.predicted.{run.id}")
    members = evaluation.misclassified(true, predicted)
    st.caption(f"{len(members)} validation example(s) of class {names[true]} predicted as "
               f"{names[predicted]} (the matrix's cell in row {names[true]}, column "
               f"{names[predicted]}).")
    if members and images.ndim == 4:
        shown = [np.clip(images[i], 0, 255).astype(np.uint8) for i in members[:40]]
        st.image([s[..., 0] if s.shape[-1] == 1 else s for s in shown],
                 caption=[f"#{i}" for i in members[:40]], width=84)
