"""Previews on the Build page: a look at the data, the model summary, augmentation.

The computing parts are cached and know nothing of widgets; the `*_ui` parts draw.

Example:

>>> data_preview_ui({"dataset": "points", "options": {}}, seed=0)   # doctest: +SKIP
"""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from components import figures
from components.messages import error_text
from components.thumbnails import thumbnail
from tflab.data import CATALOG, load_dataset, summarize
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
        st.warning(f"No preview: {error_text(error)}")
        return
    if summary.image:
        pictures = image_grid(x, y, summary.class_names)
        # Inside the page, not the media store: a Train pressed before the browser fetched
        # them would drop them (a 404 each, and broken pictures).
        st.image([thumbnail(p, side=144) for p, _ in pictures],
                 caption=[c for _, c in pictures], width=72)
    elif summary.kind == "series":
        series = np.concatenate([x[0, :, 0], y[:, -1, 0]])
        st.plotly_chart(figures.series_chart(series), key="preview.series")
    elif summary.input_shape == (2,):
        st.plotly_chart(figures.points_chart(x, y, summary.class_names), key="preview.points")
    else:
        st.plotly_chart(figures.regression_chart(x.reshape(-1), y.reshape(-1), [], []),
                        key="preview.numbers")
    st.caption(f"{CATALOG[data['dataset']].title}: {summary.kind}, one example has shape "
               f"{list(summary.input_shape)}")


@st.cache_data(max_entries=16, show_spinner="Building the model...")
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
        rows, (trainable, frozen) = model_summary(spec.to_json())
    except Exception as error:  # a missing or mismatched weights file, a wrong cut layer
        st.error(error_text(error), icon=":material/error:")
        return error
    st.dataframe(rows, hide_index=True)
    st.caption(f"{trainable:,} trainable parameters, {frozen:,} frozen")
    return None


@st.cache_data(max_entries=8, show_spinner="Augmenting...")
def _augmented(spec_json: str):
    from tflab.build import augmented_samples

    spec = ExperimentSpec.from_json(spec_json)
    x, _, _ = _preview_data(spec.data.dataset, json.dumps(dict(spec.data.options), sort_keys=True),
                            spec.seed)
    return x[0], augmented_samples(spec, x[0], 8)


def augmentation_preview_ui(spec: ExperimentSpec) -> None:
    if not summarize(spec.data.dataset, dict(spec.data.options)).image:
        st.caption("Augmentation applies to image datasets.")
        return
    if not spec.augmentation.random:
        st.caption("Turn on a rotation, shift, shear, zoom or flip to see what training sees.")
        return
    original, samples = _augmented(spec.to_json())
    st.image([thumbnail(picture, side=220) for picture in [original, *samples]],
             caption=["original"] + [f"training view {i + 1}" for i in range(len(samples))], width=110)
