"""Classifier charts (components/class_charts.py): the confusion matrix, a prediction's
likeliest classes."""

import numpy as np
import pytest

from components.class_charts import confusion_chart, top_k_chart


# top_k_chart


def test_top_k_chart_highest_on_top_with_percentages():
    fig = top_k_chart([("7", 0.05), ("1", 0.9), ("4", 0.05)])
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["1", "7", "4"]
    assert list(bars.x) == [0.9, 0.05, 0.05]
    assert list(bars.text) == ["90.0%", "5.0%", "5.0%"]
    # Category names such as digits stay categories, the first one on top.
    assert fig.layout.yaxis.type == "category" and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.range == (0, 1)
    assert fig.layout.height <= 200


def test_top_k_chart_refuses_a_probability_above_one():
    with pytest.raises(ValueError, match="`top`.*Received: \\('cat', 1.5\\)"):
        top_k_chart([("cat", 1.5)])


def test_top_k_chart_empty():
    fig = top_k_chart([])
    assert len(fig.data) == 0 and [a.text for a in fig.layout.annotations] == ["No prediction yet."]


# confusion_chart


def test_confusion_chart_counts_in_cells_diagonal_top_left():
    fig = confusion_chart(np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]]), ["0", "1", "2"])
    cells = fig.data[0]
    assert cells.type == "heatmap"
    assert [list(row) for row in cells.text] == [["5", "1", "0"], ["2", "7", "1"],
                                                 ["0", "0", "9"]]
    assert cells.texttemplate == "%{text}"
    assert list(cells.x) == ["0", "1", "2"] and list(cells.y) == ["0", "1", "2"]
    assert fig.layout.xaxis.title.text == "predicted" and fig.layout.yaxis.title.text == "true"
    assert fig.layout.xaxis.range == (-0.5, 2.5) and fig.layout.yaxis.range == (2.5, -0.5)
    assert fig.layout.xaxis.type == "category" == fig.layout.yaxis.type


def test_confusion_chart_has_one_clickable_marker_per_cell_naming_it():
    fig = confusion_chart([[5, 1], [2, 7]], ["cat", "dog"])
    heatmap, markers = fig.data
    assert heatmap.hoverinfo == "skip"  # the markers hover and are selected instead
    assert markers.type == "scatter" and markers.mode == "markers"
    assert [tuple(cell) for cell in markers.customdata] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert list(zip(markers.y, markers.x, markers.text)) == [
        ("cat", "cat", "5"), ("cat", "dog", "1"), ("dog", "cat", "2"), ("dog", "dog", "7")]
    assert markers.marker.color == "rgba(0,0,0,0)" and markers.showlegend is False
    assert "%{text} examples" in markers.hovertemplate
    assert fig.layout.hoverdistance == -1  # the nearest marker answers anywhere in its cell


def test_confusion_chart_refuses_a_matrix_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"`matrix`.*2 x 2.*\(3, 3\)"):
        confusion_chart(np.zeros((3, 3)), ["a", "b"])
