"""Previews on the Build page: a look at the data, the model summary, augmentation.

The computing parts are cached and know nothing of widgets; the `*_ui` parts draw.

Example:

>>> data_preview_ui({"dataset": "points", "options": {}}, seed=0)   # doctest: +SKIP
"""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from components import data_figures
from components.language import t, words
from components.messages import error_text
from components.thumbnails import thumbnail
from tflab.data import load_dataset, summarize
from tflab.spec import ExperimentSpec


def _preview_options(dataset: str, options: dict) -> dict:
    """Fewer pictures for a preview: a grid shows a handful of each class."""
    if "samples_per_class" in options:
        return {**options, "samples_per_class": 10}
    return options


@st.cache_data(max_entries=16, show_spinner=False)
def _preview_data(dataset: str, options_json: str, seed: int):
    options = _preview_options(dataset, json.loads(options_json))
    data = load_dataset(dataset, options, 0.0, seed)
    return data.x_train, data.y_train, data.summary


def image_grid(x: np.ndarray, y: np.ndarray, class_names, per_class: int = 6) -> list:
    """Up to `per_class` images of each class, as (uint8 image, caption) pairs."""
    labels = np.asarray(y).reshape(-1).astype(int)
    out = []
    for index, name in enumerate(class_names):
        for i in np.flatnonzero(labels == index)[:per_class]:
            out.append((np.clip(x[i], 0, 255).astype(np.uint8), name))
    return out


def data_preview_ui(data: dict, seed: int) -> None:
    """A table or scatter for numbers, a grid of images per class, a line for a series."""
    try:
        x, y, summary = _preview_data(data["dataset"], json.dumps(data["options"], sort_keys=True),
                                      seed)
    except Exception as error:  # an unreadable CSV or uncached MNIST: say so, keep the page
        st.warning(t("build.no_preview", error=error_text(error)))
        return
    if summary.image:
        pictures = image_grid(x, y, summary.class_names)
        # Inside the page, not the media store: a Train pressed before the browser fetched
        # them would drop them (a 404 each, and broken pictures).
        st.image([thumbnail(p, side=144) for p, _ in pictures],
                 caption=[c for _, c in pictures], width=72)
    elif summary.kind == "series":
        series = np.concatenate([x[0, :, 0], y[:, -1, 0]])
        st.plotly_chart(data_figures.series_chart(series, words=words()), key="preview.series")
    elif summary.input_shape == (2,):
        st.plotly_chart(data_figures.points_chart(x, y, summary.class_names, words=words()),
                        key="preview.points")
    else:
        st.plotly_chart(data_figures.regression_chart(x.reshape(-1), y.reshape(-1), [], [],
                                                      words=words()),
                        key="preview.numbers")
    st.caption(t("build.data_caption", title=t(f"sources.{data['dataset']}.title"),
                 kind=t(f"build.kind.{summary.kind}"), shape=list(summary.input_shape)))


SUMMARY_COLUMNS = ("layer", "type", "output shape", "parameters", "trainable")


@st.cache_data(max_entries=16, show_spinner=False)
def model_summary(spec_json: str):
    """Rows (layer, type, output shape, parameters, trainable) and parameter counts."""
    from tflab.build import build_model, parameter_counts, summarize_model

    model = build_model(ExperimentSpec.from_json(spec_json))
    rows = [{"layer": r.name, "type": r.type, "output shape": str(r.output_shape),
             "parameters": r.params, "trainable": r.trainable} for r in summarize_model(model)]
    return rows, parameter_counts(model)


def model_summary_ui(spec: ExperimentSpec) -> Exception | None:
    """The summary table; returns why the model cannot be built (None when it can)."""
    try:
        with st.spinner(t("build.building_model")):
            rows, (trainable, frozen) = model_summary(spec.to_json())
    except Exception as error:  # a missing or mismatched weights file, a wrong cut layer
        st.error(error_text(error), icon=":material/error:")
        return error
    # The columns in the reader's language; the cached rows keep the engine's names.
    heads = {name: t(f"build.summary_column.{name.replace(' ', '_')}") for name in SUMMARY_COLUMNS}
    st.dataframe([{heads[name]: value for name, value in row.items()} for row in rows],
                 hide_index=True)
    st.caption(t("build.parameters", trainable=words().number(trainable, 0),
                 frozen=words().number(frozen, 0)))
    return None


@st.cache_data(max_entries=8, show_spinner=False)
def _augmented(spec_json: str):
    from tflab.build import augmented_samples

    spec = ExperimentSpec.from_json(spec_json)
    x, _, _ = _preview_data(spec.data.dataset, json.dumps(dict(spec.data.options), sort_keys=True),
                            spec.seed)
    return x[0], augmented_samples(spec, x[0], 8)


def augmentation_preview_ui(spec: ExperimentSpec) -> None:
    if not summarize(spec.data.dataset, dict(spec.data.options)).image:
        st.caption(t("build.augmentation_images_only"))
        return
    if not spec.augmentation.random:
        st.caption(t("build.augmentation_off"))
        return
    with st.spinner(t("build.augmenting")):
        original, samples = _augmented(spec.to_json())
    st.image([thumbnail(picture, side=220) for picture in [original, *samples]],
             caption=[t("build.original")] + [t("build.training_view", n=i + 1)
                                              for i in range(len(samples))], width=110)
