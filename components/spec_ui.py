"""Widgets for an experiment, built from the spec's declared settings.

Every widget takes its range, step, choices and help from the setting's `Param`, so the
numbers live in one place (tflab.spec); its label and help are the catalog's
(`setting.<name>`), said in the reader's language. Each `*_ui` function draws widgets and returns
plain values; `experiment_ui` returns the whole spec as a dict for the engine to check.

Example:

>>> values = section_ui(FitSpec, {"epochs": 5}, "fit", "v1")   # doctest: +SKIP
"""

from __future__ import annotations

import math
import uuid
from typing import Any

import streamlit as st

from components.base_ui import base_ui, cut_shape, shape_text
from components.language import say, t, words
from components.messages import error_text, plain
from components.own_data import own_images_ui
from tflab.data import CATALOG, summarize
from tflab.spec import (LAYER_TYPES, AugmentationSpec, CompileSpec, FitSpec, LayerSpec, Param,
                        ExperimentSpec, SpecError, declared, output_shape)
from tflab.spec.data import VALIDATION_SPLIT

SECTIONS = ("data", "model", "compile", "fit", "augmentation")


def shown_decimals(p: Param, value: float) -> int:
    """Decimals a float setting is shown with: those of its step (0.01 when none), or as many
    as three significant digits of a smaller value need, so 1/255 does not read 0.00.

    Example:

    >>> shown_decimals(Param("rescale", 1.0, "", step=0.01), 1 / 255)
    5
    """
    decimals = max(0, -int(f"{p.step or 0.01:e}".split("e")[1]))
    if value and round(value, decimals) != value:
        decimals = max(decimals, min(8, 2 - math.floor(math.log10(abs(value)))))
    return decimals


def param_input(p: Param, value: Any, key: str, label: str | None = None) -> Any:
    """One widget for one setting; its kind, bounds, label and help come from the Param."""
    label = label or say(p.label)
    hint = say(p.help)
    if p.multiple:
        return tuple(st.multiselect(label, list(p.choices), default=list(value), key=key, help=hint,
                                    placeholder=t("common.choose")))
    if p.choices is not None:
        options = list(p.choices)
        return st.selectbox(label, options, index=options.index(value) if value in options else 0,
                            key=key, help=hint)
    if p.type is bool:
        return st.toggle(label, value=bool(value), key=key, help=hint)
    # Number boxes carry no bounds: a box with a max refuses a typed 50 in the browser (red,
    # and the page never hears of it), so the experiment kept the old value and Train stayed
    # on. Without them every value reaches the spec's own check, which names the setting,
    # what it received and what it allows, and keeps Train off.
    if p.type is int:
        return int(st.number_input(label, value=int(value), step=1, key=key, help=hint))
    if p.type is float:
        decimals = shown_decimals(p, float(value))
        return float(st.number_input(label, value=float(value), step=float(p.step or 0.01),
                                     format=f"%.{decimals}f", key=key, help=hint))
    return st.text_input(label, value=str(value), key=key, help=hint)


def section_ui(cls: type, values: dict, section: str, version: str, columns: int = 2) -> dict:
    """Widgets for every declared setting of a flat spec class (FitSpec, CompileSpec, ...)."""
    return _section(declared(cls), values, section, version, st.columns(columns))


def _section(params, values, section, version, cells) -> dict:
    out = {}
    for i, p in enumerate(params):
        with cells[i % len(cells)]:
            out[p.name] = param_input(p, values.get(p.name, p.default), f"{version}.{section}.{p.name}")
    return out


def data_ui(data: dict, version: str) -> dict:
    """Dataset, its own options and the validation share."""
    names = list(CATALOG)
    current = data.get("dataset", "line")
    left, right = st.columns([2, 1])
    # Options are worded when drawn, so the words are taken now, in this run's language.
    said = words()
    with left:
        dataset = st.selectbox(t("build.dataset"), names,
                               index=names.index(current) if current in names else 0,
                               format_func=lambda n: f"{said(f'sources.{n}.title')} ({n})",
                               key=f"{version}.data.dataset", help=t("build.dataset_help"))
        st.caption(t(f"sources.{dataset}.description"))
    with right:
        split = param_input(VALIDATION_SPLIT, data.get("validation_split", VALIDATION_SPLIT.default),
                            f"{version}.data.validation_split")
    options = data.get("options", {}) if dataset == current else {}
    uploaded = (_csv_upload_ui(f"{version}.data.series") if dataset == "series" else
                own_images_ui(f"{version}.data.folder") if dataset == "folder" else {})
    if dataset == "folder" and not uploaded and options.get("dataset_id"):
        uploaded = {"dataset_id": options["dataset_id"]}  # a link to an imported dataset
    params = [p for p in CATALOG[dataset].options if p.name not in uploaded]
    chosen = dict(uploaded)
    if params:
        cells = st.columns(min(3, len(params)))
        for i, p in enumerate(params):
            with cells[i % len(cells)]:
                chosen[p.name] = param_input(p, options.get(p.name, p.default),
                                             f"{version}.data.{dataset}.{p.name}")
    return {"dataset": dataset, "options": chosen, "validation_split": split}


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


DEFAULT_HIDDEN_ACTIVATION = "relu"


def output_index(layers: list[dict]) -> int | None:
    """The output layer's place: the last layer with units (Dense, LSTM), as
    `ModelSpec.output_layer` reads a valid spec; None when no layer has units."""
    for index in range(len(layers) - 1, -1, -1):
        kind = LAYER_TYPES.get(layers[index].get("type"))
        if kind is not None and any(p.name == "units" for p in kind.params):
            return index
    return None


def hidden_activation(layers: list[dict]) -> str:
    """The activation a new hidden layer gets: that of the hidden layer nearest the output
    (the experiment's choice, tanh in Playground's recipe), else relu.

    Example:

    >>> hidden_activation([{"type": "Dense", "activation": "tanh"},
    ...                    {"type": "Dense", "units": 1, "activation": "sigmoid"}])
    'tanh'
    >>> hidden_activation([{"type": "Dense", "units": 1}])
    'relu'
    """
    output = output_index(layers)
    hidden = layers[:output] if output is not None else layers
    for layer in reversed(hidden):
        kind = LAYER_TYPES.get(layer.get("type"))
        if kind is not None and any(p.name == "activation" for p in kind.params):
            return layer.get("activation", DEFAULT_HIDDEN_ACTIVATION)
    return DEFAULT_HIDDEN_ACTIVATION


def new_layer(layers: list[dict], kind: str, input_shape=None) -> tuple[int, dict]:
    """Where a new layer of type `kind` goes in `layers`, and its first settings.

    An augmentation layer goes first, where the pictures come in. Any other goes just
    before the output layer, so the model still ends in it; or, when it needs a shape the
    layers there no longer have (a convolution after Flatten), at the latest place before
    it that has that shape, given the model's `input_shape`. A layer with an activation
    takes the experiment's hidden one (`hidden_activation`), not Keras' linear default.

    Example:

    >>> layers = [{"type": "Flatten"}, {"type": "Dense", "units": 128, "activation": "relu"},
    ...           {"type": "Dense", "units": 1, "activation": "sigmoid"}]
    >>> new_layer(layers, "Dense")
    (2, {'type': 'Dense', 'activation': 'relu'})
    >>> new_layer(layers, "Dropout")
    (2, {'type': 'Dropout'})
    >>> new_layer(layers, "Conv2D", input_shape=(28, 28, 1))[0]   # before Flatten
    0
    """
    info = LAYER_TYPES[kind]
    layer = {"type": kind}
    if any(p.name == "activation" for p in info.params):
        layer["activation"] = hidden_activation(layers)
    if info.augmentation:
        return 0, layer
    output = output_index(layers)
    last = len(layers) if output is None else output
    if input_shape is not None:
        for index in range(last, -1, -1):
            if _shapes_fit(layers[:index] + [layer] + layers[index:], input_shape):
                return index, layer
    return last, layer


def _shapes_fit(layers: list[dict], shape) -> bool:
    """Whether every layer takes the shape the one before it gives."""
    try:
        for layer in layers:
            shape = output_shape(LayerSpec.from_dict(
                {k: v for k, v in layer.items() if k != "_id"}), tuple(shape))
    except SpecError:
        return False
    return True


def _csv_upload_ui(prefix: str) -> dict:
    """Your own series: a CSV kept in the data folder; returns the csv options it sets (its
    id, never a path, and the column)."""
    from tflab.data.csvfiles import CsvUploadError, csv_columns, read_csv_text, store_csv
    from tflab.data.dataset import DatasetUnavailable

    upload = st.file_uploader(t("sources.csv.upload"), type=["csv", "txt"], key=f"{prefix}.upload",
                              help=t("sources.csv.upload_help"))
    if upload is None:
        return {}
    try:
        csv_id = store_csv(upload.getvalue(), upload.name)
        columns = csv_columns(read_csv_text(csv_id))
    except (CsvUploadError, DatasetUnavailable) as error:
        st.error(error_text(error), icon=":material/error:")
        return {}
    # A label renders markdown and the file's name is the person's text.
    column = st.selectbox(t("sources.csv.column", file=plain(upload.name)), columns,
                          index=len(columns) - 1, key=f"{prefix}.upload.column")
    return {"csv_id": csv_id, "csv_column": column}


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


def input_shape_ui(shape: list, data: dict, version: str) -> list:
    """The model's input shape; by default the data's, as the notes' last section teaches."""
    try:
        data_shape = list(summarize(data["dataset"], data["options"]).input_shape)
    except SpecError:
        data_shape = list(shape)
    match = st.toggle(t("build.shape_from_data"), value=list(shape) == data_shape,
                      key=f"{version}.model.match", help=t("build.shape_from_data_help"))
    if match:
        st.caption(t("build.shape_caption", shape=data_shape))
        return data_shape
    text = st.text_input(t("build.input_shape"),
                         value=", ".join("None" if d is None else str(d) for d in shape),
                         key=f"{version}.model.input_shape",
                         help=t("build.input_shape_help", shape=data_shape))
    parsed = []
    for part in text.split(","):
        part = part.strip()
        parsed.append(None if part.lower() == "none" else int(part) if part.isdigit() else part)
    return parsed


def experiment_ui(draft: dict, version: str, errors: dict[str, Any]) -> dict:
    """All sections; `errors` maps each section to a placeholder for its message, and
    the previews and the Sweep tab (`sweep`) to theirs."""
    tabs = st.tabs([t("build.tab_data"), t("build.tab_layers"), t("build.tab_training"),
                    t("build.tab_augmentation"), t("build.sweep.tab")])
    spec: dict[str, Any] = {"recipe": draft.get("recipe", "custom")}
    with tabs[0]:
        errors["data"] = st.empty()
        spec["data"] = data_ui(draft.get("data", {}), version)
        errors["preview"] = st.container()
    with tabs[1]:
        errors["model"] = st.empty()
        model = draft.get("model", {})
        shape = input_shape_ui(model.get("input_shape", [1]), spec["data"], version)
        base = base_ui(model.get("base"), version, shape)
        head_input = shape if base is None else cut_shape(base, shape)
        layers = layers_ui(model.get("layers", []), version, head_input)
        spec["model"] = {"input_shape": shape, "layers": layers}
        if base is not None:
            spec["model"]["base"] = base
        errors["summary"] = st.container()
    with tabs[2]:
        errors["compile"] = st.empty()
        spec["compile"] = section_ui(CompileSpec, draft.get("compile", {}), "compile", version)
        errors["fit"] = st.empty()
        spec["fit"] = section_ui(FitSpec, draft.get("fit", {}), "fit", version)
        errors["seed"] = st.empty()
        [seed] = [p for p in declared(ExperimentSpec) if p.name == "seed"]
        spec["seed"] = param_input(seed, draft.get("seed", seed.default), f"{version}.seed")
    with tabs[3]:
        errors["augmentation"] = st.empty()
        spec["augmentation"] = section_ui(AugmentationSpec, draft.get("augmentation", {}),
                                          "augmentation", version)
        errors["augmentation_preview"] = st.container()
    with tabs[4]:  # drawn by the page once the experiment is valid: a sweep starts from it
        errors["sweep"] = st.container()
    return spec


def section_of(error: SpecError) -> str:
    """Which section's placeholder shows an error about `error.field`."""
    head = error.field.split(".")[0].split("[")[0]
    return head if head in SECTIONS or head == "seed" else "model"
