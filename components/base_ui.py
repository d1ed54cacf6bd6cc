"""Transfer learning in Build: which pretrained base, its weights, where to cut it, how much
of it to fine-tune.

A base is a named network (InceptionV3 as in the notes, MobileNetV2 lighter on a CPU)
with random weights, ImageNet weights from the Keras cache (downloaded only when the
person presses Download), or a weights file the person uploads; or a saved model: a
finished run's, or a .keras file the person uploads. Files are named in the spec by the
id TF Lab gave them when it kept them, never by a path. The cut layer is picked from the
base's layers with their output shapes.

Example:

>>> base = base_ui({"name": "InceptionV3", "cut_layer": "mixed7"}, "v1", (150, 150, 3))  # doctest: +SKIP
>>> base["cut_layer"]                                                               # doctest: +SKIP
'mixed7'
"""

from __future__ import annotations

import streamlit as st

from components.language import say, t, words
from components.messages import code, error_text
from components.state import run_store
from tflab import files, imagenet
from tflab.metrics import headline
from tflab.names import BASE_MODEL, NETWORK_WEIGHTS, RUN_PREFIX
from tflab.run import open_run
from tflab.spec import DEFAULT_CUT, RUN_BASE, BaseSpec, SpecError, declared
from tflab.store import Run

MODEL_FILE = "model_file"  # in the page only: the spec says RUN_BASE with the model's id
# The pickers' entries, each with its words' key under `sources.base.network` / `.weights`.
NETWORKS = {"InceptionV3": "inception_v3", "MobileNetV2": "mobilenet_v2", RUN_BASE: "run",
            MODEL_FILE: "model_file"}
WEIGHT_SOURCES = {"": "random", "imagenet": "imagenet", "file": "file"}


def _worded(table: dict, under: str):
    """A picker's format_func: its entries in this run's language, taken now (the
    function may be called after the run, where no session says which language)."""
    said = words()
    return lambda choice: said(f"sources.base.{under}.{table[choice]}")


def shape_text(shape) -> str:
    """`(None, 7, 7, 768)` without its batch axis reads `7x7x768`."""
    return "x".join("?" if d is None else str(d) for d in shape)


def base_ui(base: dict | None, version: str, input_shape=(150, 150, 3)) -> dict | None:
    """An optional pretrained base under the layers; returns its spec as a dict, or None."""
    use = st.toggle(t("sources.base.use"), value=base is not None,
                    key=f"{version}.base.on")
    if not use:
        return None
    base = base or {}
    params = {p.name: p for p in declared(BaseSpec)}
    left, right = st.columns(2)
    with left:
        names = list(NETWORKS)
        current = _choice_of(base)
        choice = st.selectbox(t("sources.base.network_label"), names, format_func=_worded(NETWORKS, "network"),
                              index=names.index(current), key=f"{version}.base.name",
                              help=say(params["name"].help))
        if choice == RUN_BASE:
            weights = _run_picker(base.get("weights", ""), input_shape, f"{version}.base.run")
        elif choice == MODEL_FILE:
            weights = _model_upload(base.get("weights", ""), f"{version}.base.model")
        else:
            weights = _weights_ui(choice, base.get("weights", ""), f"{version}.base.weights")
    name = RUN_BASE if choice == MODEL_FILE else choice
    with right:
        if name == RUN_BASE:
            cut = _run_cut_input(weights, base.get("cut_layer"), f"{version}.base.cut.run.{weights}")
        else:
            cut = _network_cut_input(name, base.get("cut_layer"), input_shape,
                                     f"{version}.base.cut.{name}")
        trainable = int(st.number_input(
            say(params["trainable_layers"].label), min_value=0,
            max_value=int(params["trainable_layers"].high),
            value=int(base.get("trainable_layers", 0)), step=1,
            key=f"{version}.base.trainable_layers", help=say(params["trainable_layers"].help)))
    return {"name": name, "weights": weights, "cut_layer": cut, "trainable_layers": trainable}


def _choice_of(base: dict) -> str:
    """The picker's entry for a base in a spec: a run's model and an uploaded one differ."""
    name = base.get("name", "InceptionV3")
    if name != RUN_BASE:
        return name if name in NETWORKS else "InceptionV3"
    weights = base.get("weights", "")
    return MODEL_FILE if BASE_MODEL.matches(weights) and not weights.startswith(RUN_PREFIX) \
        else RUN_BASE


def cut_shape(base: dict, input_shape) -> tuple | None:
    """The shape the base gives the head at its cut layer, when it can be worked out."""
    try:
        if base["name"] == RUN_BASE:
            with st.spinner(t("sources.base.reading_run")):
                layers = _run_layers(base["weights"], _modified(base["weights"]))
        else:
            with st.spinner(t("sources.base.reading_network")):
                layers = _network_layers(base["name"], tuple(input_shape))
        return dict(layers).get(base["cut_layer"])
    except Exception:  # no run chosen, a shape the network cannot take: the summary says why
        return None


# -- a named network ------------------------------------------------------------------

def _weights_ui(name: str, weights: str, key: str) -> str:
    """Random, ImageNet (from the cache, downloaded on request) or an uploaded file: the
    spec's value ('', 'imagenet' or the kept file's id)."""
    source = weights if weights in ("", "imagenet") else "file"
    source = st.radio(t("sources.base.weights_label"), list(WEIGHT_SOURCES),
                      index=list(WEIGHT_SOURCES).index(source), format_func=_worded(WEIGHT_SOURCES, "weights"),
                      horizontal=True, key=f"{key}.source")
    if source == "imagenet":
        _imagenet_status(name, key)
        return "imagenet"
    if source == "file":
        uploaded = _weights_upload(f"{key}.upload")
        if uploaded:
            return uploaded
        if weights not in ("", "imagenet") and NETWORK_WEIGHTS.matches(weights):
            # Kept from an earlier upload, or named by a link: the summary checks it is here.
            st.caption(t("sources.base.using_weights", file=code(weights)))
            return weights
        st.caption(t("sources.base.no_weights_yet"))
    return ""


def _imagenet_status(name: str, key: str) -> None:
    """Where the cached ImageNet weights are, or a button that downloads them."""
    found = imagenet.cached(name)
    if found is not None:
        st.caption(":material/check_circle: " + t("sources.base.imagenet_found", path=code(found)))
        return
    size = imagenet.FILES[name].megabytes
    st.warning(t("sources.base.imagenet_missing", network=name,
                 folder=code(imagenet.path(name).parent), size=words().number(size, 0)),
               icon=":material/cloud_off:")
    if st.button(t("sources.base.download", network=name), key=f"{key}.download.{name}",
                 icon=":material/download:"):
        bar = st.progress(0.0, text=t("sources.base.connecting"))

        def progress(done: int, total: int | None) -> None:
            if total:
                bar.progress(min(done / total, 1.0), text=t(
                    "sources.base.downloaded", done=words().number(done / 2**20, 0),
                    total=words().number(total / 2**20, 0)))
        try:
            path = imagenet.download(name, progress=progress)
        except imagenet.DownloadError as error:
            bar.empty()
            st.error(error_text(error), icon=":material/cloud_off:")
            return
        bar.empty()
        st.success(t("sources.base.saved", path=code(path)))
        st.rerun()  # the summary and Train now see the weights


def _weights_upload(key: str) -> str:
    """A weights file the person uploads, kept in the data folder: its id; '' when none."""
    from tflab.weights import WeightsUploadError, store_weights

    upload = st.file_uploader(t("sources.base.upload_weights"), type=["h5"], key=key,
                              help=t("sources.base.upload_weights_help"))
    if upload is None:
        return ""
    try:
        return store_weights(upload.getvalue(), upload.name)
    except WeightsUploadError as error:
        st.error(error_text(error), icon=":material/error:")
        return ""


@st.cache_data(max_entries=8, show_spinner=False)  # the caller says it, in the reader's language
def _network_layers(name: str, input_shape: tuple) -> list[tuple[str, tuple]]:
    from tflab.build import base_layers  # loads TensorFlow

    return [(layer, tuple(shape[1:])) for layer, shape in base_layers(name, input_shape)]


def _network_cut_input(name: str, current: str | None, input_shape, key: str) -> str:
    """A picker of the network's layers with their output shapes (default as in the notes)."""
    default = current or DEFAULT_CUT[name]
    try:
        with st.spinner(t("sources.base.reading_network")):
            layers = _network_layers(name, tuple(input_shape))
    except Exception:  # an input shape the network cannot take: type the name instead
        return st.text_input(t("sources.base.cut_layer"), value=default, key=key + ".text")
    return _cut_select(layers, default, DEFAULT_CUT[name], key, t("sources.base.cut_network_help"))


def _cut_select(layers, current: str, fallback: str, key: str, help: str) -> str:
    names = [layer for layer, _ in layers]
    shapes = {layer: shape_text(shape) for layer, shape in layers}
    index = names.index(current) if current in names else (
        names.index(fallback) if fallback in names else len(names) - 1)
    return st.selectbox(t("sources.base.cut_layer"), names, index=index, key=key, help=help,
                        format_func=lambda layer: f"{layer} → {shapes[layer]}")


# -- a finished run's model -----------------------------------------------------------

def _usable_runs(input_shape) -> list[Run]:
    """Finished runs with a saved model that takes this experiment's input shape."""
    store = run_store()
    usable = []
    for run in store.list_runs(statuses=("completed", "stopped")):
        opened = open_run(store, run)
        # A spec that no longer reads leaves the run out: its input shape is unknown.
        if opened.has_model and opened.spec_error is None \
                and list(opened.spec.model.input_shape) == list(input_shape):
            usable.append(run)
    return usable


def _run_label(run: Run, said) -> str:
    """A run as the picker shows it, in the language of `said` (a Words)."""
    found = headline(run.final_metrics)
    # Three significant digits, written the reader's way ("0,934").
    score = f"{found[0]} {said.number(float(f'{found[1]:.3g}'))}" if found else ""
    return f"{run.id} · {run.recipe} · {said.count('common.epochs', run.epochs_done)}" + \
        (f" · {score}" if score else "")


def _run_picker(weights: str, input_shape, key: str) -> str:
    """Pick a finished run; the spec names its model `run:<run id>`. '' when there is none."""
    runs = _usable_runs(input_shape)
    if not runs:
        st.info(t("sources.base.no_runs", shape=code(list(input_shape))))
        return ""
    by_ref = {RUN_PREFIX + run.id: run for run in runs}
    options = list(by_ref)
    return st.selectbox(t("sources.base.run"), options,
                        index=options.index(weights) if weights in options else 0,
                        format_func=lambda ref, said=words(): _run_label(by_ref[ref], said), key=key,
                        help=t("sources.base.run_help"))


def _model_upload(weights: str, key: str) -> str:
    """A .keras model the person uploads, loaded once with safe_mode and kept: its id; ''
    if none."""
    from tflab.weights import WeightsUploadError, store_model

    upload = st.file_uploader(t("sources.base.upload_model"), type=["keras"], key=key,
                              help=t("sources.base.upload_model_help"))
    if upload is None:
        if BASE_MODEL.matches(weights) and not weights.startswith(RUN_PREFIX):
            st.caption(t("sources.base.using_model", file=code(weights)))
            return weights  # kept from an earlier upload, or named by a link
        return ""
    try:
        with st.spinner(t("sources.base.checking_model")):
            return store_model(upload.getvalue(), upload.name)
    except WeightsUploadError as error:
        st.error(error_text(error), icon=":material/error:")
        return ""


def _modified(weights: str) -> float:
    """The model file's time stamp, so a cached layer list follows the file."""
    return files.path("base model", weights).stat().st_mtime


@st.cache_data(max_entries=8, show_spinner=False)  # the caller says it, in the reader's language
def _run_layers(weights: str, modified: float) -> list[tuple[str, tuple]]:
    from tflab.build import load_base_model, run_layers  # loads TensorFlow

    _, layers = run_layers(load_base_model(BaseSpec(RUN_BASE, weights, "layer_1", 0)))
    return [(layer.name, tuple(layer.output.shape[1:])) for layer in layers]


def _run_cut_input(weights: str, current: str | None, key: str) -> str:
    """A picker of the run's layers; by default the one under its output layer."""
    if not weights:
        return current or "layer_1"
    try:
        with st.spinner(t("sources.base.reading_run")):
            layers = _run_layers(weights, _modified(weights))
    except (OSError, ValueError, SpecError) as error:  # a deleted, unreadable or refused model
        st.error(t("sources.base.unreadable", error=error_text(error)), icon=":material/error:")
        return current or "layer_1"
    names = [name for name, _ in layers]
    default = names[-2] if len(names) > 1 else names[-1]
    return _cut_select(layers, current if current in names else default, default, key,
                       t("sources.base.cut_run_help"))
