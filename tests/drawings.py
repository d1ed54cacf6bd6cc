"""Pictures a person uploads, made with Pillow in the test: digits drawn with a black
marker on white, as in a drawing app (a 280x280 canvas, a pen 14 pixels wide), and a
random-noise colour photo that is no digit at all.

The 3 is two arcs; the 7 a bar and a slanted stroke, the bar 65% of the height as a
handwritten 7's is (narrower 7s look like the 3-ish, barred 7s the digits model learned
from; see the README's Predict paragraph).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

CANVAS = (280, 280)


def drawn_three(size=CANVAS, centre=(140, 140), height=200, pen=14) -> Image.Image:
    """A 3 as two arcs, each open to the left."""
    picture = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(picture)
    x, y, r = centre[0], centre[1], height / 4
    draw.arc([x - r, y - 2 * r, x + r, y], 200, 90, fill="black", width=pen)
    draw.arc([x - r, y, x + r, y + 2 * r], 270, 160, fill="black", width=pen)
    return picture


def drawn_seven(size=CANVAS, centre=(140, 140), height=200, pen=14) -> Image.Image:
    """A 7 as two strokes: a bar, then down to the bottom left."""
    picture = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(picture)
    x, y, w = centre[0], centre[1], height * 0.65
    top, bottom = y - height / 2, y + height / 2
    draw.line([(x - w / 2, top), (x + w / 2, top)], fill="black", width=pen)
    draw.line([(x + w / 2, top), (x - w / 8, bottom)], fill="black", width=pen)
    return picture


def noise_photo(size=(320, 240), seed=0) -> Image.Image:
    """Random colours in every pixel."""
    values = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(values)


def png_bytes(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()
