"""Mistake pictures travel inside the page, so a quick second rerun cannot drop them."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from components.thumbnails import thumbnail


def decoded(address: str) -> Image.Image:
    prefix = "data:image/png;base64,"
    assert address.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(address[len(prefix):])))


@pytest.mark.parametrize("shape, mode", [((8, 8), "L"), ((8, 8, 1), "L"), ((8, 8, 3), "RGB")])
def test_a_small_picture_keeps_its_size_and_values(shape, mode):
    picture = (np.arange(np.prod(shape)) % 256).reshape(shape).astype(np.float32)
    image = decoded(thumbnail(picture))
    assert image.mode == mode and image.size == (8, 8)
    assert np.array_equal(np.asarray(image), picture.squeeze(-1) if shape[-1:] == (1,) else picture)


def test_a_large_picture_is_shrunk_and_values_out_of_range_are_clipped():
    picture = np.full((600, 300, 3), 300.0)
    picture[0, 0] = -5
    image = decoded(thumbnail(picture, side=100))
    assert image.size == (50, 100)
    values = np.asarray(image)
    assert values.max() == 255 and values.min() >= 0
