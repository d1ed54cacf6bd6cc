"""Small pictures carried inside the page, as PNG data addresses.

`st.image` of an array stores the picture in Streamlit's media store and gives the
browser an address to fetch it from; a rerun started before the browser fetched it (a
click on the confusion matrix, then a select box) drops it, and the browser shows a
broken picture and logs a 404. A picture that travels inside the page cannot be dropped.

Example:

>>> import numpy as np
>>> thumbnail(np.zeros((8, 8), dtype=np.uint8)).startswith("data:image/png;base64,")
True
"""

import base64
import io

import numpy as np
from PIL import Image


def thumbnail(picture: np.ndarray, side: int = 168) -> str:
    """A PNG data address of `picture` (height x width, or with 1 or 3 channels, 0..255),
    shrunk to at most `side` pixels a side (twice the width shown, for sharp screens)."""
    values = np.clip(np.asarray(picture), 0, 255).astype(np.uint8)
    if values.ndim == 3 and values.shape[-1] == 1:
        values = values[..., 0]
    image = Image.fromarray(values)
    if max(image.size) > side:
        image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
