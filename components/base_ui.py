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

from components.messages import code, error_text
from components.state import run_store
from tflab import files, imagenet
from tflab.spec import DEFAULT_CUT, RUN_BASE, BaseSpec, ExperimentSpec, SpecError, declared
from tflab.spec.names import BASE_MODEL, NETWORK_WEIGHTS, RUN_PREFIX
from tflab.store import Run

MODEL_FILE = "model_file"  # in the page only: the spec says RUN_BASE with the model's id
NETWORKS = {"InceptionV3": "InceptionV3 (as in the notes)", "MobileNetV2": "MobileNetV2 (lighter on a CPU)",
            RUN_BASE: "A finished run's model", MODEL_FILE: "A saved model you upload (.keras)"}
WEIGHT_SOURCES = {"": "None (random)", "imagenet": "ImageNet (Keras cache)", "file": "A weights file"}


def shape_text(shape) -> str:
    """`(None, 7, 7, 768)` without its batch axis reads `7x7x768`."""
    return "x".join("?" if d is None else str(d) for d in shape)


def base_ui(base: dict | None, version: str, input_shape=(150, 150, 3)) -> dict | None:
    """An optional pretrained base under the layers; returns its spec as a dict, or None."""
    use = st.toggle("Pretrained base (transfer learning)", value=base is not None,
                    key=f"{version}.base.on")
    if not use:
        return None
    base = base or {}
    params = {p.name: p for p in declared(BaseSpec)}
    left, right = st.columns(2)
    with left:
        names = list(NETWORKS)
        current = _choice_of(base)
        choice = st.selectbox("Base network", names, format_func=NETWORKS.__getitem__,
                              index=names.index(current), key=f"{version}.base.name",
                              help=params["name"].help)
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
            "Trainable layers", min_value=0, max_value=int(params["trainable_layers"].high),
            value=int(base.get("trainable_layers", 0)), step=1,
            key=f"{version}.base.trainable_layers", help=params["trainable_layers"].help))
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
            layers = _run_layers(base["weights"], _modified(base["weights"]))
        else:
            layers = _network_layers(base["name"], tuple(input_shape))
        return dict(layers).get(base["cut_layer"])
    except Exception:  # no run chosen, a shape the network cannot take: the summary says why
        return None


# -- a named network ------------------------------------------------------------------

def _weights_ui(name: str, weights: str, key: str) -> str:
    """Random, ImageNet (from the cache, downloaded on request) or an uploaded file: the
    spec's value ('', 'imagenet' or the kept file's id)."""
    source = weights if weights in ("", "imagenet") else "file"
    source = st.radio("Weights", list(WEIGHT_SOURCES), index=list(WEIGHT_SOURCES).index(source),
                      format_func=WEIGHT_SOURCES.__getitem__, horizontal=True, key=f"{key}.source")
    if source == "imagenet":
        _imagenet_status(name, key)
        return "imagenet"
    if source == "file":
        uploaded = _weights_upload(f"{key}.upload")
        if uploaded:
            return uploaded
        if weights not in ("", "imagenet") and NETWORK_WEIGHTS.matches(weights):
            # Kept from an earlier upload, or named by a link: the summary checks it is here.
            st.caption(f"Using the uploaded weights {code(weights)}.")
            return weights
        st.caption("No file yet: the base starts from random weights until one is uploaded.")
    return ""


def _imagenet_status(name: str, key: str) -> None:
    """Where the cached ImageNet weights are, or a button that downloads them."""
    found = imagenet.cached(name)
    if found is not None:
        st.caption(f":material/check_circle: ImageNet weights found in the Keras cache: "
                   f"{code(found)}")
        return
    size = imagenet.FILES[name].megabytes
    st.warning(f"The ImageNet weights for {name} are not in the Keras cache "
               f"({code(imagenet.path(name).parent)}). Training is off until they are there: "
               f"download them (about {size} MB, needs the internet), copy the file there, or "
               "choose another source of weights.", icon=":material/cloud_off:")
    if st.button(f"Download ImageNet weights for {name}", key=f"{key}.download.{name}",
                 icon=":material/download:"):
        bar = st.progress(0.0, text="Connecting...")

        def progress(done: int, total: int | None) -> None:
            if total:
                bar.progress(min(done / total, 1.0), text=f"{done / 2**20:.0f} of "
                                                          f"{total / 2**20:.0f} MB")
        try:
            path = imagenet.download(name, progress=progress)
        except imagenet.DownloadError as error:
            bar.empty()
            st.error(error_text(error), icon=":material/cloud_off:")
            return
        bar.empty()
        st.success(f"Saved {code(path)}.")
        st.rerun()  # the summary and Train now see the weights


def _weights_upload(key: str) -> str:
    """A weights file the person uploads, kept in the data folder: its id; '' when none."""
    from tflab.weights import WeightsUploadError, store_weights

    upload = st.file_uploader("Upload weights (.h5, .weights.h5)", type=["h5"], key=key,
                              help="For example the notes' inception_v3_weights_tf_dim_ordering_tf_"
                                   "kernels_notop.h5. Whether they fit is checked in the summary.")
    if upload is None:
        return ""
    try:
        return store_weights(upload.getvalue(), upload.name)
    except WeightsUploadError as error:
        st.error(error_text(error), icon=":material/error:")
        return ""


@st.cache_data(max_entries=8, show_spinner="Reading the network's layers...")
def _network_layers(name: str, input_shape: tuple) -> list[tuple[str, tuple]]:
    from tflab.build import base_layers  # loads TensorFlow

    return [(layer, tuple(shape[1:])) for layer, shape in base_layers(name, input_shape)]


def _network_cut_input(name: str, current: str | None, input_shape, key: str) -> str:
    """A picker of the network's layers with their output shapes (default as in the notes)."""
    default = current or DEFAULT_CUT[name]
    try:
        layers = _network_layers(name, tuple(input_shape))
    except Exception:  # an input shape the network cannot take: type the name instead
        return st.text_input("Cut layer", value=default, key=key + ".text")
    return _cut_select(layers, default, DEFAULT_CUT[name], key,
                       "The base's layer whose output feeds the new head; everything after it is "
                       "dropped (the notes cut InceptionV3 at mixed7).")


def _cut_select(layers, current: str, fallback: str, key: str, help: str) -> str:
    names = [layer for layer, _ in layers]
    shapes = {layer: shape_text(shape) for layer, shape in layers}
    index = names.index(current) if current in names else (
        names.index(fallback) if fallback in names else len(names) - 1)
    return st.selectbox("Cut layer", names, index=index, key=key, help=help,
                        format_func=lambda layer: f"{layer} → {shapes[layer]}")


# -- a finished run's model -----------------------------------------------------------

def _usable_runs(input_shape) -> list[Run]:
    """Finished runs with a saved model that takes this experiment's input shape."""
    store = run_store()
    usable = []
    for run in store.list_runs(statuses=("completed", "stopped")):
        if not store.model_path(run.id).exists():
            continue
        try:
            shape = ExperimentSpec.from_dict(run.spec).model.input_shape
        except Exception:  # a run from an older, incompatible spec
            continue
        if list(shape) == list(input_shape):
            usable.append(run)
    return usable


def _run_label(run: Run) -> str:
    metrics = run.final_metrics
    score = next((f"{name} {metrics[name]:.3g}" for name in ("val_accuracy", "accuracy",
                                                            "val_loss", "loss") if name in metrics), "")
    return f"{run.id} · {run.recipe} · {run.epochs_done} epochs" + (f" · {score}" if score else "")


def _run_picker(weights: str, input_shape, key: str) -> str:
    """Pick a finished run; the spec names its model `run:<run id>`. '' when there is none."""
    runs = _usable_runs(input_shape)
    if not runs:
        st.info(f"No finished run has a saved model that takes inputs of shape "
                f"{code(list(input_shape))}. Train one with this data first (for example the "
                "multi-class recipe for digits), then build on it here.")
        return ""
    by_ref = {RUN_PREFIX + run.id: run for run in runs}
    options = list(by_ref)
    return st.selectbox("Run", options, index=options.index(weights) if weights in options else 0,
                        format_func=lambda ref: _run_label(by_ref[ref]), key=key,
                        help="Its layers and trained weights become the base; its own rescale "
                             "and augmentation are left out, this experiment's come first.")


def _model_upload(weights: str, key: str) -> str:
    """A .keras model the person uploads, loaded once with safe_mode and kept: its id; ''
    if none."""
    from tflab.weights import WeightsUploadError, store_model

    upload = st.file_uploader("Upload a saved model (.keras)", type=["keras"], key=key,
                              help="A model saved with model.save('name.keras'). It is loaded in "
                                   "safe mode: a model holding a Python lambda is refused.")
    if upload is None:
        if BASE_MODEL.matches(weights) and not weights.startswith(RUN_PREFIX):
            st.caption(f"Using the uploaded model {code(weights)}.")
            return weights  # kept from an earlier upload, or named by a link
        return ""
    try:
        with st.spinner("Checking the model..."):
            return store_model(upload.getvalue(), upload.name)
    except WeightsUploadError as error:
        st.error(error_text(error), icon=":material/error:")
        return ""


def _modified(weights: str) -> float:
    """The model file's time stamp, so a cached layer list follows the file."""
    return files.path("base model", weights).stat().st_mtime


@st.cache_data(max_entries=8, show_spinner="Reading the run's layers...")
def _run_layers(weights: str, modified: float) -> list[tuple[str, tuple]]:
    from tflab.build import load_base_model, run_layers  # loads TensorFlow

    _, layers = run_layers(load_base_model(BaseSpec(RUN_BASE, weights, "layer_1", 0)))
    return [(layer.name, tuple(layer.output.shape[1:])) for layer in layers]


def _run_cut_input(weights: str, current: str | None, key: str) -> str:
    """A picker of the run's layers; by default the one under its output layer."""
    if not weights:
        return current or "layer_1"
    try:
        layers = _run_layers(weights, _modified(weights))
    except (OSError, ValueError, SpecError) as error:  # a deleted, unreadable or refused model
        st.error(f"Cannot read the base's layers: {error_text(error)}", icon=":material/error:")
        return current or "layer_1"
    names = [name for name, _ in layers]
    default = names[-2] if len(names) > 1 else names[-1]
    return _cut_select(layers, current if current in names else default, default, key,
                       "The run's layer whose output feeds the new head; the layers after it, "
                       "its old output included, are dropped.")
