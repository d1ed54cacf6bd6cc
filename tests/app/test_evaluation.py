"""The Train page's evaluation of a finished classifier: matrix, per-class table, mistakes."""

import json

import numpy as np

from apptest_support import no_exception, open_page, train_now
from tflab.data import load_dataset
from tflab.recipes import get_recipe

TRAIN = "app_pages/train.py"


def test_a_finished_digit_run_shows_where_it_goes_wrong(lab):
    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 1)
    run_id = train_now(lab, spec)
    at = no_exception(open_page(TRAIN, run=run_id))

    assert "Where it goes wrong" in [h.value for h in at.subheader]
    [matrix] = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "evaluate.matrix" in c.proto.id]
    counts = np.array(matrix["data"][0]["text"], dtype=float).astype(int)  # the numbers shown
    data = load_dataset("digits", {}, spec.data.validation_split, spec.seed)
    assert counts.shape == (10, 10) and counts.sum() == len(data.y_val)
    true, predicted = at.selectbox(key=f"evaluate.true.{run_id}"), \
        at.selectbox(key=f"evaluate.predicted.{run_id}")
    assert true.value != predicted.value  # it opens on the worst mistake
    assert counts[true.value, predicted.value] == counts[~np.eye(10, dtype=bool)].max()
    caption = next(c.value for c in at.caption if "validation example(s)" in c.value)
    assert caption.startswith(f"{counts[true.value, predicted.value]} validation example(s)")

    true.set_value(predicted.value).run()  # a cell of the diagonal holds no mistakes
    no_exception(at)
    assert any(c.value.startswith("0 validation example(s)") for c in at.caption)


def test_a_regression_run_has_no_evaluation(lab):
    run_id = train_now(lab, get_recipe("linear").spec.with_setting("fit.epochs", 5))
    at = no_exception(open_page(TRAIN, run=run_id))
    assert "Where it goes wrong" not in [h.value for h in at.subheader]
