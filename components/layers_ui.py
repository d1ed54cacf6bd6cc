"""Build's layers: one row per layer (its type, each setting, its output shape, and
buttons to move it up or down or remove it), and a box and a button to add one.

The rows' column widths are worked out from each box's longest value (`row_widths`), so a
value such as "sigmoid" shows in full; where a new layer goes is `components.layer_placement`.

Example:

>>> select_width(["Dense", "Conv2D"])
110
>>> layers = layers_ui([{"type": "Dense", "units": 1}], "v1", (1,))  # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from components.base_ui import shape_text
from components.language import say, t
from components.layer_placement import new_layer
from components.setting_input import param_input, shown_decimals
from tflab.spec import LAYER_TYPES, LayerSpec, Param, SpecError, output_shape


def _layer_list(key: str, layers: list[dict]) -> list[dict]:
    """The page's working list of layers, each with a stable id for its widgets' keys."""
    if key not in st.session_state:
        st.session_state[key] = [{"_id": uuid.uuid4().hex[:8], **layer} for layer in layers]
    return st.session_state[key]


def _move(key: str, index: int, offset: int) -> None:
    items = st.session_state[key]
    other = index + offset
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def _remove(key: str, index: int) -> None:
    del st.session_state[key][index]


def _add(key: str, type_key: str, input_shape) -> None:
    items = st.session_state[key]
    index, layer = new_layer(items, st.session_state[type_key], input_shape)
    items.insert(index, {"_id": uuid.uuid4().hex[:8], **layer})


# A layer row's columns in pixels of a 1400-pixel window with the sidebar open, where the
# row is about ROW_PX wide; st.columns scales them to the row's real width. Measured in
# Chromium: text takes 6.4 to 7.9 px a character, a select's padding and arrow 42 px, a
# number box's padding 18 px, and every column gives up about 20 px to the gaps.
ROW_PX = 950
CHAR_PX = 8
GAP_PX = 20
SELECT_PX = 42
NUMBER_PX = 18
TOGGLE_PX = 44
LEAST_SETTING_PX = 76
SHAPE_PX = 86
BUTTON_PX = 50


def _text_px(text: str) -> int:
    return CHAR_PX * len(text)


def select_width(choices) -> int:
    """Pixels a select needs to show its longest choice in full."""
    return _text_px(max((str(c) for c in choices), key=len)) + SELECT_PX + GAP_PX


def setting_width(p: Param, value: Any) -> int:
    """Pixels a layer setting's widget needs to show its longest value (its current one
    for a number) in full, and its label beside a toggle.

    Example:

    >>> from tflab.spec.layers import LAYER_TYPES
    >>> [setting_width(p, p.default) for p in LAYER_TYPES["Dense"].params]
    [76, 142]
    """
    if p.choices is not None:
        return max(LEAST_SETTING_PX, select_width(p.choices))
    if p.type is bool:
        return max(LEAST_SETTING_PX, _text_px(say(p.label)) + TOGGLE_PX + GAP_PX)
    shown = str(value) if p.type is int else f"{float(value):.{shown_decimals(p, float(value))}f}"
    return max(LEAST_SETTING_PX, _text_px(shown) + NUMBER_PX + GAP_PX)


def row_widths(kind: str, values: dict, type_px: int) -> list[int]:
    """Column widths of one layer row: its type, each setting, a filler, the output shape
    and three buttons. The type column has the same width in every row, so rows align.

    Example:

    >>> row_widths("Dropout", {"rate": 0.5}, type_px=150)
    [150, 76, 488, 86, 50, 50, 50]
    """
    settings = [setting_width(p, values.get(p.name, p.default)) for p in LAYER_TYPES[kind].params]
    fixed = type_px + SHAPE_PX + 3 * BUTTON_PX
    filler = max(ROW_PX - fixed - sum(settings), 1)
    return [type_px, *settings, filler, SHAPE_PX, BUTTON_PX, BUTTON_PX, BUTTON_PX]


def layers_ui(layers: list[dict], version: str, input_shape=None) -> list[dict]:
    """Add, remove, reorder and change layers, one row each, with each layer's output shape;
    returns the layers as spec dicts."""
    key = f"{version}.layers"
    items = _layer_list(key, layers)
    types = [t for t in LAYER_TYPES if not LAYER_TYPES[t].augmentation] + \
            [t for t in LAYER_TYPES if LAYER_TYPES[t].augmentation]
    # The types as the widgets hold them now: a type just picked has not reached the list.
    kinds = [st.session_state.get(f"{version}.layer.{item['_id']}.type", item["type"])
             for item in items]
    type_px = select_width(kinds or types)
    shape = tuple(input_shape) if input_shape is not None else None
    out = []
    for index, (item, kind) in enumerate(zip(items, kinds)):
        uid = item["_id"]
        with st.container(border=True):
            cells = st.columns(row_widths(kind, item if kind == item["type"] else {}, type_px),
                               vertical_alignment="bottom", gap="small")
            kind = cells[0].selectbox(t("build.layer", n=index + 1), types,
                                      index=types.index(item["type"]),
                                      key=f"{version}.layer.{uid}.type",
                                      help=say(LAYER_TYPES[item["type"]].help))
            values = item if kind == item["type"] else {}  # a new type starts from its defaults
            layer = {"type": kind}
            for i, p in enumerate(LAYER_TYPES[kind].params):
                with cells[1 + i]:
                    layer[p.name] = param_input(p, values.get(p.name, p.default),
                                                f"{version}.layer.{uid}.{kind}.{p.name}")
            shape = _next_shape(layer, shape)
            cells[-4].caption(f"→ {shape_text(shape)}" if shape is not None else "→ ?",
                              help=t("build.layer_shape_help"))
            cells[-3].button(":material/arrow_upward:", key=f"{version}.layer.{uid}.up", on_click=_move,
                             args=(key, index, -1), disabled=index == 0, help=t("build.move_up"))
            cells[-2].button(":material/arrow_downward:", key=f"{version}.layer.{uid}.down", on_click=_move,
                             args=(key, index, 1), disabled=index == len(items) - 1,
                             help=t("build.move_down"))
            cells[-1].button(":material/close:", key=f"{version}.layer.{uid}.remove", on_click=_remove,
                             args=(key, index), help=t("build.remove_layer"))
            out.append(layer)
            # Streamlit forgets a page's widgets when the person visits another page: keep
            # the edit in the list, so coming back to Build shows it.
            items[index] = {"_id": uid, **layer}
    add_left, add_right = st.columns([3, 1], vertical_alignment="bottom")
    type_key = f"{version}.layers.new"
    add_left.selectbox(t("build.new_layer"), types, key=type_key)
    add_right.button(t("build.add_layer"), key=f"{version}.layers.add", on_click=_add,
                     args=(key, type_key, input_shape), icon=":material/add:",
                     help=t("build.add_layer_help"))
    return out


def _next_shape(layer: dict, shape):
    """The layer's output shape, or None when it cannot be worked out (the error shows above)."""
    if shape is None:
        return None
    try:
        return output_shape(LayerSpec.from_dict(layer), shape)
    except SpecError:
        return None
