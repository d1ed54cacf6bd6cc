"""Tests for components.layers_ui: each layer row's columns make room for its values."""

import pytest

from components.layers_ui import CHAR_PX, GAP_PX, ROW_PX, SELECT_PX, row_widths, select_width
from tflab.recipes import get_recipe
from tflab.spec import LAYER_TYPES


def layer_dicts(recipe: str) -> list[dict]:
    return get_recipe(recipe).spec.to_dict()["model"]["layers"]


WIDEST_IMAGE_MODEL = [
    {"type": "RandomFlip", "mode": "horizontal_and_vertical"},
    {"type": "RandomTranslation", "fill_mode": "constant"},
    {"type": "Conv2D", "filters": 1024, "kernel_size": 15, "padding": "valid",
     "activation": "leaky_relu"},
    {"type": "GlobalAveragePooling2D"},
    {"type": "Dense", "units": 8192, "activation": "leaky_relu"},
]


@pytest.mark.parametrize("layers", [layer_dicts(name) for name in
                                    ("linear", "binary_points", "multiclass", "cnn", "time_series")]
                         + [WIDEST_IMAGE_MODEL], ids=lambda layers: layers[0]["type"])
def test_each_layer_row_makes_room_for_its_longest_values_within_the_row(layers):
    """Issue 8: the activation box, in a grid of equal narrow columns, cut "sigmoid" to
    "sigmo". The widths follow each box's longest value and still fit the row, so
    st.columns does not shrink them (the end-to-end test measures them in Chromium)."""
    type_px = select_width([layer["type"] for layer in layers])
    assert type_px >= CHAR_PX * max(len(layer["type"]) for layer in layers) + SELECT_PX + GAP_PX
    for layer in layers:
        widths = row_widths(layer["type"], layer, type_px)
        assert sum(widths) == ROW_PX and widths[0] == type_px
        for width, p in zip(widths[1:], LAYER_TYPES[layer["type"]].params):
            if p.choices:
                assert width - SELECT_PX - GAP_PX >= CHAR_PX * max(len(c) for c in p.choices)
