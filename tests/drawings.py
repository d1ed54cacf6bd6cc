"""Pictures a person uploads, made with Pillow in the test: digits drawn with a black
marker on white, as in a drawing app (a 280x280 canvas, a pen 14 pixels wide), and a
random-noise colour photo that is no digit at all; and a phone's 12-megapixel photo of a 7
drawn on paper (`paper_photo`), for the JPEG draft-mode tests and benchmarks/predict_speed.py.

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


def paper_photo(size=(4000, 3000), seed=0, pen=90) -> Image.Image:
    """A phone photo of a 7 drawn with a marker on paper: off-white paper lit unevenly
    (brighter to the right), soft blotches, sensor noise, and a slightly blue-black 7
    about half the picture's height. 4000x3000 (12 megapixels) by default."""
    width, height = size
    rng = np.random.default_rng(seed)
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float32)
    paper = 215 + 25 * columns / width - 15 * rows / height
    blotches = Image.fromarray(rng.normal(0, 6, (30, 40)).astype(np.float32))
    paper += np.asarray(blotches.resize(size, Image.Resampling.BICUBIC))
    colour = np.stack([paper, paper * 0.97, paper * 0.9], axis=-1)
    colour += rng.normal(0, 5, (height, width, 1)).astype(np.float32)
    picture = Image.fromarray(np.clip(colour, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    left, right = round(width * 0.375), round(width * 0.625)
    top, bottom = round(height * 0.23), round(height * 0.77)
    ink = (30, 30, 40)
    draw.line([(left, top), (right, top)], fill=ink, width=pen)
    draw.line([(right, top), (round(width * 0.45), bottom)], fill=ink, width=pen)
    return picture


def jpeg_bytes(picture: Image.Image, quality: int = 90, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, **options)
    return buffer.getvalue()
