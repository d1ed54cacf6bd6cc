"""Where a finished classifier goes wrong: confusion matrix, precision and recall, and the
misclassified validation images of one cell.

Example:

>>> evaluation_ui(store, run)          # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components import class_charts
from components.language import t, words
from components.messages import error_text, plain
from components.state import run_store
from components.thumbnails import thumbnail
from tflab.run import open_run
from tflab.store import Run


# Spinners are said by the callers: a decorator's text would stay in the language of the
# session that first imported this module.
@st.cache_resource(max_entries=4, show_spinner=False)
def _evaluate(run_id: str):
    """(Evaluation, validation images, model) of a finished run; cached: the run no longer
    changes."""
    from tflab.evaluate import evaluate_model

    opened = open_run(run_store(), run_id)
    data, model = opened.data(), opened.model()
    return evaluate_model(model, data), data.x_val, model


@st.cache_data(max_entries=16, show_spinner=False)
def _looked(run_id: str, members: tuple[int, ...], predicted: int) -> list:
    """Where the model looked for the class it wrongly gave, on each of `members`."""
    from tflab.gradcam import looked

    _, images, model = _evaluate(run_id)
    return [looked(model, images[i], class_index=predicted) for i in members]


def can_evaluate(run: Run) -> bool:
    """True for a finished classifier with a validation part and a kept model; False for a
    run whose spec no longer reads (`tflab.run`: its page says why where it needs the spec)."""
    opened = open_run(run_store(), run)
    if opened.spec_error is not None or run.status not in ("completed", "stopped"):
        return False
    return (opened.summary.is_classification and opened.spec.data.validation_split > 0
            and opened.has_model)


def evaluation_ui(run: Run) -> None:
    """Confusion matrix, per-class table, and the gallery of one cell's mistakes.

    The cell is chosen by a click on the matrix or with the two select boxes below it;
    a click sets the boxes, which stay usable.
    """
    try:
        with st.spinner(t("evaluation.evaluating")):
            evaluation, images, _ = _evaluate(run.id)
    except Exception as error:  # a deleted model file, a dataset gone offline: say so
        st.warning(t("evaluation.none", error=error_text(error)))
        return
    names = evaluation.class_names
    wrong = evaluation.misclassified()
    left, right = st.columns([3, 2])
    with left:
        clicked = st.plotly_chart(class_charts.confusion_chart(evaluation.matrix, names,
                                                               words=words()),
                                  on_select="rerun" if wrong else "ignore",
                                  selection_mode="points", key=f"evaluate.matrix.{run.id}")
    with right:
        st.metric(t("evaluation.accuracy"), words().percent(evaluation.accuracy))
        st.dataframe(_per_class_table(evaluation), hide_index=True, key="evaluate.table")
    if not wrong:
        st.success(t("evaluation.all_right"))
        return
    true_key, predicted_key = f"evaluate.true.{run.id}", f"evaluate.predicted.{run.id}"
    if true_key not in st.session_state or predicted_key not in st.session_state:
        matrix = np.array(evaluation.matrix)
        off = matrix - np.diag(np.diag(matrix))
        worst = np.unravel_index(off.argmax(), off.shape)  # it opens on the worst mistake
        st.session_state[true_key], st.session_state[predicted_key] = map(int, worst)
    # Before the boxes are drawn: their values cannot change once they are.
    if (cell := _newly_clicked(clicked, f"evaluate.clicked.{run.id}")) is not None:
        st.session_state[true_key], st.session_state[predicted_key] = cell
    st.caption(t("evaluation.click_hint"))
    pick_true, pick_predicted = st.columns(2)
    true = pick_true.selectbox(t("evaluation.true_class"), range(len(names)),
                               format_func=names.__getitem__, key=true_key)
    predicted = pick_predicted.selectbox(t("evaluation.predicted_as"), range(len(names)),
                                         format_func=names.__getitem__, key=predicted_key)
    members = evaluation.misclassified(true, predicted)
    st.caption(plain(t("evaluation.cell", n=len(members), true=names[true],
                       predicted=names[predicted])))
    if members and images.ndim == 4:
        shown = members[:40]
        pictures = [thumbnail(images[i]) for i in shown]
        if st.toggle(t("evaluation.looked"), key=f"evaluate.looked.{run.id}",
                     help=t("evaluation.looked_help", predicted=plain(names[predicted]))):
            try:
                with st.spinner(t("evaluation.looking")):
                    heat = _looked(run.id, tuple(int(i) for i in shown), int(predicted))
                pictures = [thumbnail(picture) for picture in heat]
            except Exception as error:  # noqa: BLE001 - a model the map cannot follow
                st.warning(t("predict.no_heat_map", error=error_text(error)),
                           icon=":material/info:")
        st.image(pictures, caption=[f"#{i}" for i in shown], width=84)


def _per_class_table(evaluation) -> dict[str, list[str]]:
    """Each class's precision and recall, the columns named and the numbers written in the
    reader's language ("0,93")."""
    w = words()
    return {t("evaluation.class"): list(evaluation.class_names),
            t("evaluation.precision"): [w.number(p, 2) for p in evaluation.precision],
            t("evaluation.recall"): [w.number(r, 2) for r in evaluation.recall]}


def _newly_clicked(event, seen_key: str) -> tuple[int, int] | None:
    """The (true, predicted) cell clicked since the last run, or None.

    The chart keeps its selection over reruns, so a cell counts once, when the selection
    changes (the last one seen is kept under `seen_key`); after that the select boxes may
    move away from it. A click selects one cell, a shift-click adds one: the cell that
    joined the selection, else the one cell left in it, is the one clicked.
    """
    selected = {(int(true), int(predicted))
                for true, predicted in (point["customdata"] for point in event.selection.points)}
    seen = st.session_state.get(seen_key, set())
    st.session_state[seen_key] = selected
    if selected == seen:
        return None
    clicked = selected - seen or (selected if len(selected) == 1 else set())
    return min(clicked, default=None)
