"""How a classifier did: its confusion matrix, and one prediction's likeliest classes.

Plain numbers in, a new Plotly figure out, in the shared look of `components.chart_style`
and the reader's words (`tflab.words.Words`; English without them).

Example:

>>> fig = top_k_chart([("dog", 0.1), ("cat", 0.9)])
>>> fig.data[0].y
('cat', 'dog')
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from components.chart_style import (CLASS_COLORS, COUNT_COLORSCALE, ENGLISH, SQUARE_HEIGHT,
                                    annotate, square, style)
from tflab.words import Words


def confusion_chart(matrix, class_names: Sequence[str], *,
                    words: Words | None = None) -> go.Figure:
    """A confusion matrix: true class by row, predicted class by column, counts written in.

    The first class is at the top left, so correct predictions run down the diagonal
    from the top left to the bottom right. A click on a cell selects it: plotly cannot
    select a heatmap's cells, so an invisible square marker sits on each cell, with
    `customdata` `[true, predicted]`, and the cursor's nearest marker is the cell under it.

    Args:
        matrix: square, `matrix[i][j]` examples of true class i predicted as class j.
        class_names: the classes' names, in the matrix's order.
        words: the reader's language. Defaults to None: English.

    Returns:
        The figure: a heatmap from white (none) to blue (most), then the cells' markers,
        row by row, which carry the hover text and the selection.

    Raises:
        ValueError: the matrix is not square or does not match `class_names`.

    Example:

    >>> fig = confusion_chart([[5, 1], [0, 4]], ["cat", "dog"])
    >>> [list(row) for row in fig.data[0].text], fig.layout.yaxis.range
    ([['5', '1'], ['0', '4']], (1.5, -0.5))
    >>> [list(cell) for cell in fig.data[1].customdata]
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    counts = np.asarray(matrix, dtype=float)
    class_names = [str(name) for name in class_names]
    if counts.ndim != 2 or counts.shape != (len(class_names), len(class_names)):
        raise ValueError("Received an invalid value for `matrix`, expected a square array with "
                         f"one row and one column per class: {len(class_names)} x "
                         f"{len(class_names)}. Received: matrix with shape {counts.shape}")
    words = words or ENGLISH
    whole = bool(np.all(counts == np.round(counts)))
    text = [[f"{value:.0f}" if whole else _decimal(f"{value:.2g}", words) for value in row]
            for row in counts]
    true, predicted = words("charts.true"), words("charts.predicted")
    cells = [(true, predicted) for true in range(len(class_names))
             for predicted in range(len(class_names))]
    fig = go.Figure()
    style(fig, words, x_title=predicted, y_title=true, height=SQUARE_HEIGHT)
    fig.add_trace(go.Heatmap(
        z=counts, x=class_names, y=class_names, text=text, texttemplate="%{text}",
        colorscale=COUNT_COLORSCALE, zmin=0, showscale=False, xgap=1, ygap=1, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=[class_names[predicted] for _, predicted in cells],
        y=[class_names[true] for true, _ in cells],
        customdata=cells, text=[text[true][predicted] for true, predicted in cells],
        mode="markers", name="cells", showlegend=False,
        # Small enough not to overlap on a big matrix; the hover distance reaches the corners.
        marker=dict(symbol="square", size=6, color="rgba(0,0,0,0)"),
        hovertemplate=f"{true} %{{y}}<br>{predicted} %{{x}}<br>%{{text}} "
                      f"{words('charts.examples')}<extra></extra>"))
    fig.update_layout(hoverdistance=-1)
    # Fixed ranges: autorange would pad around the markers, a margin outside the cells.
    edges = [-0.5, len(class_names) - 0.5]
    fig.update_xaxes(type="category", range=edges, side="bottom", showgrid=False)
    fig.update_yaxes(type="category", range=edges[::-1], showgrid=False)
    square(fig)
    return fig


def top_k_chart(top: Sequence[tuple[str, float]], *, words: Words | None = None) -> go.Figure:
    """A prediction's most likely classes as horizontal bars, the most likely on top.

    Args:
        top: `[(class name, probability), ...]`, highest first (sorted again here, so
            the most likely is on top whatever the order).
        words: the reader's language. Defaults to None: English.

    Returns:
        A compact figure: one bar per class, its probability written as a percentage,
        the x axis from 0 to 1.

    Raises:
        ValueError: a probability lies outside [0, 1].

    Example:

    >>> fig = top_k_chart([("cat", 0.9), ("dog", 0.08), ("horse", 0.02)])
    >>> fig.data[0].y, fig.data[0].text
    (('cat', 'dog', 'horse'), ('90.0%', '8.0%', '2.0%'))
    """
    rows = sorted(((str(name), float(probability)) for name, probability in top),
                  key=lambda row: -row[1])
    for name, probability in rows:
        if not 0.0 <= probability <= 1.0:
            raise ValueError("Received an invalid value for `top`, expected probabilities in "
                             f"[0, 1]. Received: ({name!r}, {probability!r})")
    words = words or ENGLISH
    fig = go.Figure()
    style(fig, words, height=max(120, 34 * len(rows) + 50))
    fig.update_layout(margin=dict(t=8), showlegend=False, bargap=0.25)
    fig.update_xaxes(range=[0, 1], tickformat=".0%", fixedrange=True)
    fig.update_yaxes(type="category", autorange="reversed", fixedrange=True)
    if not rows:
        annotate(fig, words("charts.no_prediction"))
        return fig
    names = [name for name, _ in rows]
    probabilities = [probability for _, probability in rows]
    colors = [CLASS_COLORS[1]] + ["#9dbcd4"] * (len(rows) - 1)
    fig.add_trace(go.Bar(x=probabilities, y=names, orientation="h", marker_color=colors,
                         text=[words.percent(p, 1) for p in probabilities], textposition="auto",
                         cliponaxis=False, hovertemplate="%{y}: %{x:.2%}<extra></extra>"))
    return fig


def _decimal(text: str, words: Words) -> str:
    """A number already written with a point, in the reader's way ("0.25" -> "0,25")."""
    return text.replace(".", ",") if words.language == "es" else text
