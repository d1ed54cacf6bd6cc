"""Two runs side by side: the same experiment trained with and without augmentation.

Augmentation and dropout fight overfitting, which shows as the gap between the training
and validation curves: the comparison draws each run's curves and names its final gap.

Example:

>>> final_gap({"accuracy": [(1, 0.9), (2, 0.99)], "val_accuracy": [(1, 0.8), (2, 0.85)]}, "accuracy")
0.14
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from components import curves
from components.language import t, words
from components.messages import error_text, plain
from components.runs_table import status_word
from components.state import run_store
from tflab.metrics import base_name, best_of
from tflab.run import open_run
from tflab.spec import AugmentationSpec, ExperimentSpec
from tflab.store import FINISHED, RunNotFound
from tflab.titles import run_title


def without_augmentation(spec: ExperimentSpec) -> ExperimentSpec:
    """The same experiment with the random augmentation off (rescaling kept)."""
    plain = AugmentationSpec(rescale=spec.augmentation.rescale)
    return dataclasses.replace(spec, augmentation=plain)


def final_gap(history: dict, metric: str) -> float | None:
    """Training minus validation value of `metric` at the last epoch that has both."""
    train, val = dict(history.get(metric, [])), dict(history.get(f"val_{metric}", []))
    both = sorted(set(train) & set(val))
    return None if not both else round(train[both[-1]] - val[both[-1]], 4)


def compare_ui(run_ids: list[str]) -> None:
    """The runs' curves side by side, refreshed while any of them trains."""
    store = run_store()
    try:
        runs = [store.get_run(run_id) for run_id in run_ids]
    except RunNotFound as error:
        st.warning(error_text(error))
        return
    active = any(run.status not in FINISHED for run in runs)
    w = words()

    @st.fragment(run_every=1.0 if active else None)
    def side_by_side() -> None:
        columns = st.columns(len(run_ids))
        for column, run_id in zip(columns, run_ids):
            opened = open_run(store, run_id)
            run, history = opened.run, opened.history()
            found = best_of(history)  # the run's headline metric, drawn with its training twin
            metric = base_name(found[0]) if found else "loss"
            with column:
                if opened.spec_error is not None:  # with or without augmentation: unknown
                    st.error(error_text(opened.spec_error), icon=":material/error:")
                else:
                    which = t("compare.with" if opened.spec.augmentation.random
                              else "compare.without")
                    st.markdown(t("compare.heading", which=plain(which),
                                  status=plain(status_word(run.status, w)),
                                  done=run.epochs_done, epochs=run.epochs))
                st.caption(plain(run_title(run, w)))
                st.plotly_chart(curves.metric_chart(history, metric, total_epochs=run.epochs,
                                                    words=w), key=f"compare.{run_id}")
                gap = final_gap(history, metric)
                if gap is not None:
                    st.metric(t("compare.gap", metric=curves.metric_label(metric, w)),
                              ("+" if gap >= 0 else "") + w.number(gap, 3),
                              help=t("compare.gap_help"))
        if active and all(store.get_run(run_id).status in FINISHED for run_id in run_ids):
            st.rerun()  # both ended: redraw the page once (its table too), without polling

    side_by_side()
