"""One uploaded picture's answer on Predict: what it is, what the model saw, its top classes,
whether to trust them, and the picture's own colours choice.

The engine decides everything (`tflab.predict.ImagePrediction`); this only arranges it,
in the reader's language (the engine's phrases said through `components.language`).
Every text the engine wrote goes through `components.messages`, so a file name cannot
draw markdown on the page.

Example:

>>> colours_key("file-3")
'predict.colours.file-3'
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components import class_charts
from components.language import say, t, words
from components.messages import plain, safe
from components.thumbnails import thumbnail
from tflab.prepare import COLOURS

SHOWN_WIDTH = 140  # the engine's preview is at most this wide, so Streamlit never resizes it
# (its own resize made a 4000x10 strip 140x0 and failed)


def colours_key(picture_key: str) -> str:
    """The session key of a picture's colours choice."""
    return f"predict.colours.{picture_key}"


def colours_labels() -> dict[str, str]:
    """Each colours choice ("auto", "as_is", "invert") as the radio shows it ("Automatic").

    Said once per run: a radio's `format_func` is also called after the run (AppTest), when
    the session's language is no longer at hand.
    """
    return {choice: t(f"predict.colours.{choice}") for choice in COLOURS}


def colours_choice(picture_key: str) -> str:
    """The picture's colours choice as last set on the page ("auto" until changed)."""
    return st.session_state.get(colours_key(picture_key), "auto")


def picture_answer_ui(result, picture_key: str, position: int, can_invert: bool,
                      looked: np.ndarray | None = None) -> None:
    """Draw one picture's answer in a bordered box.

    Args:
        result: a `tflab.predict.ImagePrediction`.
        picture_key: a key for this upload that survives reruns (the upload's file id).
        position: the picture's place on the page, for the chart's key.
        can_invert: offer the colours choice (grayscale models only).
        looked: where the model looked (`tflab.gradcam.looked`), shown beside what it saw;
            None to leave it out. Defaults to None.
    """
    with st.container(border=True):
        if result.error_phrase:
            st.error(safe(say(result.error_phrase)), icon=":material/broken_image:")
            return
        if looked is None:
            picture, view, chart = st.columns([1, 1, 2])
        else:
            picture, view, heat, chart = st.columns([1, 1, 1, 2])
            heat.image(thumbnail(looked, side=SHOWN_WIDTH), caption=t("predict.looked_caption"),
                       width=SHOWN_WIDTH)
        # Data addresses inside the page: a rerun (the next upload) cannot drop them.
        picture.image(thumbnail(result.preview, side=SHOWN_WIDTH), caption=plain(result.name),
                      width=SHOWN_WIDTH)
        seen = np.clip(np.round(result.view), 0, 255).astype(np.uint8)
        # A 28x28 view is drawn 140 wide by the browser; a larger one Streamlit shrinks.
        view.image(thumbnail(seen, side=SHOWN_WIDTH), caption=t("predict.model_sees"),
                   width=SHOWN_WIDTH)
        with chart:
            st.plotly_chart(class_charts.top_k_chart(result.top, words=words()),
                            key=f"predict.top.{position}")
        if result.unsure_phrase:
            st.warning(safe(t("predict.unsure.warning", reason=say(result.unsure_phrase))),
                       icon=":material/help:")
        for note in result.notes:
            st.caption(safe(say(note)))
        if can_invert:
            st.radio(t("predict.colours.label"), COLOURS, format_func=colours_labels().get,
                     horizontal=True, key=colours_key(picture_key),
                     help=t("predict.colours.help"))
