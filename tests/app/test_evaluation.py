"""The Train page's evaluation of a finished classifier: matrix, per-class table, mistakes."""

import json

import numpy as np
from streamlit.proto.WidgetStates_pb2 import WidgetState

from apptest_support import no_exception, open_page, train_now
from shown import shown
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
    caption = next(shown(c.value) for c in at.caption if "validation example(s)" in shown(c.value))
    assert caption.startswith(f"{counts[true.value, predicted.value]} validation example(s)")

    # Issue 10: why this prediction: each mistake as the wrong answer's heat map, a
    # picture of another look per mistake (the digits model has no convolutions: saliency).
    plain_pictures = [image for element in at.image for image in element.proto.imgs]
    no_exception(at.toggle(key=f"evaluate.looked.{run_id}").set_value(True).run())
    heat_pictures = [image for element in at.image for image in element.proto.imgs]
    assert len(heat_pictures) == len(plain_pictures) == min(
        40, counts[true.value, predicted.value])
    assert all(a.url != b.url for a, b in zip(plain_pictures, heat_pictures))
    assert not at.warning

    true.set_value(predicted.value).run()  # a cell of the diagonal holds no mistakes
    no_exception(at)
    assert any(shown(c.value).startswith("0 validation example(s)") for c in at.caption)


def select_cells(at, chart, cells):
    """Rerun `at` as after clicks on the matrix that leave `cells` selected.

    AppTest cannot click a chart, so this sends the chart's widget state as Chromium sends
    it (the points' fields as a click on the matrix reported them in Streamlit 1.67), with
    the other widgets' states as they are.
    """
    spec = json.loads(chart.proto.spec)
    names, count = spec["data"][0]["x"], len(spec["data"][0]["x"])
    points = [{"curve_number": 1, "point_number": true * count + predicted,
               "point_index": true * count + predicted, "x": names[predicted], "y": names[true],
               "customdata": [true, predicted]} for true, predicted in cells]
    selection = {"points": points, "point_indices": [p["point_index"] for p in points],
                 "box": [], "lasso": []}
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id,
                                      string_value=json.dumps({"selection": selection})))
    return no_exception(at._run(states))


def test_a_click_on_the_matrix_chooses_the_cell_and_the_boxes_still_work(lab):
    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 1)
    run_id = train_now(lab, spec)
    at = no_exception(open_page(TRAIN, run=run_id))
    [chart] = [c for c in at.get("plotly_chart") if "evaluate.matrix" in c.proto.id]
    assert chart.proto.selection_mode  # a click reruns the page with the selection
    counts = np.array(json.loads(chart.proto.spec)["data"][0]["text"], dtype=float).astype(int)
    true_key, predicted_key = f"evaluate.true.{run_id}", f"evaluate.predicted.{run_id}"
    worst = (at.selectbox(key=true_key).value, at.selectbox(key=predicted_key).value)
    clicked = worst[::-1]  # another cell: the worst one is off the diagonal

    def chosen():
        return at.selectbox(key=true_key).value, at.selectbox(key=predicted_key).value

    select_cells(at, chart, [clicked])
    assert chosen() == clicked
    caption = next(shown(c.value) for c in at.caption if "validation example(s)" in shown(c.value))
    assert caption.startswith(f"{counts[clicked]} validation example(s) of class {clicked[0]} "
                              f"predicted as {clicked[1]}")

    at.selectbox(key=true_key).set_value(worst[0])
    select_cells(at, chart, [clicked])  # the chart keeps its selection: the box is not undone
    assert chosen() == (worst[0], clicked[1])

    added = (worst[0] + 1) % 10, (worst[0] + 1) % 10  # not the cell the boxes show
    select_cells(at, chart, [clicked, added])  # a shift-click adds a cell
    assert chosen() == added
    select_cells(at, chart, [clicked])  # a click on a selected cell selects it alone
    assert chosen() == clicked

    at.selectbox(key=predicted_key).set_value(worst[1])
    select_cells(at, chart, [])  # the same cell clicked again: nothing is selected
    assert chosen() == (clicked[0], worst[1])
    select_cells(at, chart, [clicked])  # and once more: it is chosen again
    assert chosen() == clicked


def test_a_regression_run_has_no_evaluation(lab):
    run_id = train_now(lab, get_recipe("linear").spec.with_setting("fit.epochs", 5))
    at = no_exception(open_page(TRAIN, run=run_id))
    assert "Where it goes wrong" not in [h.value for h in at.subheader]
