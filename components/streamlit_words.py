"""Streamlit's own words on its widgets, in the reader's language.

Streamlit writes a few words of its own in English whatever the page's language: the
file uploader's "Upload" button and "50MB per file" line, the camera's "Take Photo".
It offers no setting for them, so a style sheet hides each and shows the catalog's
text in its place (`visibility: hidden` also takes the English out of the page's
readable text; the replacement is drawn by `::after`). English pages keep Streamlit's.

Example:

>>> css = style_sheet({"upload": "Subir", "per_file": "Hasta 50 MB", "take_photo": "Foto",
...                    "skip_to_content": "Ir al contenido"})
>>> 'content: "Subir"' in css
True
"""

from __future__ import annotations

import json

import streamlit as st

from components.language import language, t

# Each of Streamlit's texts: where it is drawn, and how it is replaced. The upload button
# (only the one shown before any file: with files, a "+" icon adds more) keeps its frame
# and takes the width of its new label; the camera's button holds its text directly, so
# the text hides and the new one is drawn over it.
_CHILDREN, _OVER = "children", "over"
_PLACES = {
    "upload": ('[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]',
               _CHILDREN),
    "per_file": ('[data-testid="stFileUploaderDropzoneInstructions"]', _CHILDREN),
    "take_photo": ('[data-testid="stCameraInputButton"]', _OVER),
    "skip_to_content": ('[data-testid="stSkipToContent"]', _OVER),  # read by screen readers
}


def style_sheet(texts: dict[str, str]) -> str:
    """The CSS that draws `texts` (by place name) over Streamlit's English."""
    rules = []
    for name, (selector, how) in _PLACES.items():
        content = json.dumps(texts[name])  # a CSS string: quotes and backslashes escaped
        if how == _CHILDREN:
            rules.append(f"{selector} > * {{ display: none; }}\n"
                         f"{selector}::after {{ content: {content}; white-space: nowrap; }}")
        else:
            rules.append(
                f"{selector} {{ visibility: hidden; position: relative; }}\n"
                f"{selector}::after {{ content: {content}; visibility: visible; position: absolute;"
                f" inset: 0; display: flex; align-items: center; justify-content: center;"
                f" white-space: nowrap; }}")
    return "\n".join(rules)


def streamlit_words() -> None:
    """Put Streamlit's own widget words in the session's language (English: as they are)."""
    if language() == "en":
        return
    size = st.get_option("server.maxUploadSize")
    st.html("<style>" + style_sheet({
        "upload": t("streamlit.upload"),
        "per_file": t("streamlit.per_file", size=size),
        "take_photo": t("streamlit.take_photo"),
        "skip_to_content": t("streamlit.skip_to_content"),
    }) + "</style>")
