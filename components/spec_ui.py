"""Build's form for an experiment: its data, input shape, layers, training and
augmentation, one tab each, built from the spec's declared settings.

Every widget comes from its setting's `Param` (`components.setting_input`); the layer rows
are `components.layers_ui`. Each `*_ui` function draws widgets and returns plain values;
`experiment_ui` returns the whole spec as a dict for the engine to check, and
`section_of` says beside which section an error about a field is shown.

Example:

>>> section_of(SpecError("compile.learning_rate", -1.0, "a positive number"))
'compile'
>>> section_of(SpecError("model.layers[2].units", 0, "at least 1"))
'model'
>>> values = section_ui(FitSpec, {"epochs": 5}, "fit", "v1")   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.base_ui import base_ui, cut_shape
from components.language import t, words
from components.layers_ui import layers_ui
from components.messages import error_text, plain
from components.own_data import own_images_ui
from components.setting_input import param_input
from tflab.data import CATALOG, summarize
from tflab.spec import (AugmentationSpec, CompileSpec, ExperimentSpec, FitSpec, SpecError,
                        declared)
from tflab.spec.data import VALIDATION_SPLIT

SECTIONS = ("data", "model", "compile", "fit", "augmentation")


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
