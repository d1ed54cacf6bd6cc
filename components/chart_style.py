"""The look every chart shares: colours, sizes, the template, the reader's words.

Every chart of the dashboard is drawn by a pure builder (`components.curves`,
`components.data_figures`, `components.class_charts`, `components.sweep_figures`):
plain data in, a Plotly figure out, nothing touching Streamlit, TensorFlow, files or the
network, nothing kept between calls. The pages only fetch data and call
`st.plotly_chart`, or `components.live_chart` for the Train page's live charts. This
module holds what they share, so one chart looks like the next: TensorBoard's two curve
colours (training, validation), TensorFlow Playground's orange and blue for two classes,
a white template, the legend on top, and the reader's decimal mark.

Every builder takes `words` (`tflab.words.Words`), the reader's language: titles, axes,
legend and hover texts come from its catalog (section `charts`), and numbers use its
decimal mark (`layout.separators`). Without it, a chart reads in English (`ENGLISH`).

Example:

>>> import plotly.graph_objects as go
>>> fig = go.Figure()
>>> style(fig, Words.load("es"), title="pérdida", x_title="época")
>>> fig.layout.separators, fig.layout.title.text, fig.layout.height
(',.', 'pérdida', 340)
>>> gaps([1.0, float("nan"), 2.0])
[1.0, None, 2.0]
"""

from __future__ import annotations

import math
from typing import Iterable

import plotly.graph_objects as go
import plotly.io as pio

from tflab.words import Words

TRAINING_COLOR = "#0077bb"
VALIDATION_COLOR = "#ee7733"
MODEL_COLOR = "#cc3311"
ACCENT_COLOR = "#009988"
CLASS_COLORS = ("#f59322", "#0877bd")
# Paul Tol's "vibrant" qualitative palette (colour-blind safe), as TensorBoard uses for runs.
RUN_COLORS = ("#0077bb", "#ee7733", "#009988", "#ee3377", "#33bbee", "#cc3311", "#bbbbbb")
# Beyond two classes: Playground's pair first, then the run palette without near repeats.
MANY_CLASS_COLORS = CLASS_COLORS + ("#009988", "#ee3377", "#33bbee", "#cc3311", "#7b3294",
                                    "#999933", "#555555", "#bbbbbb")
# Playground paints the background at alpha 160/255 so same-coloured points still show.
BACKGROUND_OPACITY = 160 / 255
PROBABILITY_COLORSCALE = ((0.0, CLASS_COLORS[0]), (0.5, "#ffffff"), (1.0, CLASS_COLORS[1]))
COUNT_COLORSCALE = ((0.0, "#ffffff"), (1.0, CLASS_COLORS[1]))

TEMPLATE = "plotly_white"
HEIGHT = 340
SQUARE_HEIGHT = 440
ENGLISH = Words.load("en")  # a chart drawn without the reader's words reads in English


def style(fig: go.Figure, words: Words | None, *, title: str | None = None,
          x_title: str | None = None, y_title: str | None = None,
          hover_title: str | None = None, height: int = HEIGHT) -> None:
    """The look every chart shares: white template, small margins, legend on top, and the
    reader's decimal mark."""
    fig.update_layout(
        separators=(words or ENGLISH).plotly_separators,
        # The template itself, not its name: given a name, Plotly copies the template
        # into the figure again, half the time of building a chart (measured: 64 ms for
        # a metric chart by name, 35 ms with the template; plotly keeps it once loaded).
        template=pio.templates[TEMPLATE], height=height,
        margin=dict(l=8, r=8, t=44 if title else 28, b=8),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom",
                    bgcolor="rgba(0,0,0,0)"),
        hovermode="x unified" if hover_title else "closest",
    )
    if title:
        fig.update_layout(title=dict(text=title, x=0, xref="paper", xanchor="left",
                                     y=1, yref="paper", yanchor="bottom", pad=dict(b=8),
                                     font=dict(size=15), automargin=True))
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    if hover_title:
        fig.update_xaxes(unifiedhovertitle=dict(text=hover_title))


def annotate(fig: go.Figure, text: str) -> None:
    """A friendly message in the middle of a chart that has nothing to draw yet."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=14, color="#888888"))
    fig.update_xaxes(showticklabels=bool(fig.layout.xaxis.range))
    fig.update_yaxes(showticklabels=False)


def square(fig: go.Figure) -> None:
    """One unit on x as long as one on y: points in the plane keep their shape."""
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    fig.update_xaxes(constrain="domain")


def gaps(values: Iterable[float]) -> list[float | None]:
    """Non-finite values as None: plotly leaves a gap there instead of failing to draw."""
    return [float(value) if math.isfinite(value) else None for value in values]
