"""Predict: a finished run's model on your images, numbers or series."""

import numpy as np
import streamlit as st

from components import figures
from components.messages import code, error_text, plain, safe
from components.picture_answers import colours_choice, picture_answer_ui
from components.state import run_store
from tflab.data import summarize
from tflab.spec import ExperimentSpec, SpecError
from tflab.titles import model_choices, run_title

store = run_store()
st.title("Predict")

runs = [r for r in store.list_runs(limit=100)
        if r.status in ("completed", "stopped") and store.model_path(r.id).exists()]
if not runs:
    st.info("No finished run with a model yet. Train a recipe first.")
    st.stop()
ids = [r.id for r in runs]
wanted = st.query_params.get("run")
run_id = st.selectbox("Run", ids, index=ids.index(wanted) if wanted in ids else 0,
                      format_func={r.id: run_title(r) for r in runs}.get,
                      key="predict.run")
run = store.get_run(run_id)
try:
    spec = ExperimentSpec.from_dict(run.spec)
except SpecError as error:  # an older run naming its file by a path outside the store
    st.error(error_text(error), icon=":material/error:")
    st.stop()
summary = summarize(spec.data.dataset, dict(spec.data.options))

# The final model, or the model as it was at a kept past epoch (its first, its best).
choices = model_choices(run.epochs_done, store.weight_epochs(run_id),
                        spec.data.validation_split > 0)
linked = st.query_params.get("epoch", "")
epoch = None
if len(choices) > 1:
    offered = list(choices)
    at = int(linked) if linked.isdigit() and int(linked) in choices else None
    epoch = st.selectbox("Model", offered, index=offered.index(at), format_func=choices.get,
                         key=f"predict.model.{run_id}.{at}",
                         help="The weights kept as the run trained: its first epoch and its "
                              "best by validation loss. Compare their answers with the final "
                              "model's.")
if linked and epoch is None and linked != "final":
    st.warning(f"The weights of epoch {code(linked)} were not kept; this is the final model.")


@st.cache_resource(max_entries=4, show_spinner="Loading the model...")
def predictor_for(run_id: str, epoch: int | None = None):
    from tflab.predict import Predictor

    return Predictor.from_run(run_store(), run_id, epoch=epoch)


try:
    predictor = predictor_for(run_id, epoch)
except Exception as error:  # a damaged or foreign model file: say so, keep the page
    st.error(error_text(error))
    st.stop()


def images_ui() -> None:
    if predictor.profile_note:
        st.caption(safe(predictor.profile_note))
    autocontrast = False
    if not predictor.fits_strokes:  # drawings are stretched anyway
        autocontrast = st.toggle("Auto-contrast", key="predict.autocontrast",
                                 help="Stretch the darkest pixel to black and the lightest to "
                                      "white.")
    files = st.file_uploader("Images", type=["png", "jpg", "jpeg", "webp", "bmp", "gif"],
                             accept_multiple_files=True, key="predict.files",
                             help=f"The model sees them as {summary.input_shape[0]}x"
                                  f"{summary.input_shape[1]} pixels, as in training.")
    pictures = [(f"file-{f.file_id}", f.name, f.getvalue()) for f in files or []]
    if st.toggle("Camera", key="predict.camera",
                 help="Show a picture to this device's camera, as in Teachable Machine."):
        photo = st.camera_input("Take a picture", key="predict.photo")
        if photo is not None:
            pictures.append(("camera", "camera photo", photo.getvalue()))
    if not pictures:
        st.caption(plain(f"Upload one or more pictures of: {', '.join(summary.class_names)}."))
        return
    choices = [colours_choice(key) if predictor.can_invert else "auto" for key, _, _ in pictures]
    results = predictor.images([(name, data) for _, name, data in pictures],
                               top_k=min(3, len(summary.class_names)), colours=choices,
                               autocontrast=autocontrast)
    show_looked = st.toggle("Where the model looked", key="predict.looked",
                            help="Colour each picture by how much its parts raised the top "
                                 "class: Grad-CAM for models with convolutions, else the "
                                 "gradient at each pixel.")
    if show_looked:
        from tflab.gradcam import method

        st.caption(safe(method(predictor.model).note))
    for position, ((key, _, _), result) in enumerate(zip(pictures, results)):
        shown = where_looked(result.view) if show_looked and not result.error else None
        picture_answer_ui(result, key, position, predictor.can_invert, shown)


def where_looked(view):
    """The heat map laid over what the model saw, or None with the reason on the page (a
    model the map cannot be worked out for must not cost the person their answers)."""
    from tflab.gradcam import looked

    try:
        return looked(predictor.model, view)
    except Exception as error:  # noqa: BLE001 - any model a person uploads
        st.warning(f"No heat map for this model: {error_text(error)}", icon=":material/info:")
        return None


def numbers_ui() -> None:
    columns = ["x"] if summary.input_shape == (1,) else ["x1", "x2"]
    start = {"x": [10.0, 0.0, -1.0]} if columns == ["x"] else {"x1": [0.0, 0.8], "x2": [0.0, 0.8]}
    inputs, outputs_cell = st.columns(2)
    inputs.caption("Type inputs here; add rows at the bottom.")
    with inputs:
        table = st.data_editor(start, num_rows="dynamic", key="predict.table",
                               column_config={c: st.column_config.NumberColumn(c, required=True)
                                              for c in columns})
    rows = [[float(table[c][i]) for c in columns] for i in range(len(table[columns[0]]))
            if all(table[c][i] is not None for c in columns)]
    if not rows:
        return
    outputs = predictor.numbers(rows)
    name = "prediction" if summary.kind == "regression" else f"P({summary.class_names[1]})"
    outputs_cell.caption("The model's answers")
    outputs_cell.dataframe({**{c: [r[i] for r in rows] for i, c in enumerate(columns)},
                            name: outputs.tolist()}, hide_index=True, key="predict.outputs")
    if spec.recipe == "linear" and len(predictor.model.layers[-1].get_weights()) == 2:
        weight, bias = (float(w.ravel()[0]) for w in predictor.model.layers[-1].get_weights())
        a, b = st.columns(2)
        a.metric("Learned weight", f"{weight:.4f}", f"{weight - 2:+.4f} from 2", delta_color="off")
        b.metric("Learned bias", f"{bias:.4f}", f"{bias + 1:+.4f} from -1", delta_color="off")


def series_ui() -> None:
    from tflab.data import load_dataset

    steps = int(st.number_input("Steps to forecast", min_value=1, max_value=365, value=30,
                                key="predict.steps"))
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    history = np.concatenate([data.x_val[0, :, 0], data.y_val[:, -1, 0]]) if len(data.x_val) else \
        np.concatenate([data.x_train[0, :, 0], data.y_train[:, -1, 0]])
    forecast = predictor.forecast(history, steps)
    st.plotly_chart(figures.series_chart(history.tolist(), forecast.tolist(),
                                         len(history)), key="predict.forecast")


if summary.image:
    images_ui()
elif summary.kind == "series":
    series_ui()
else:
    numbers_ui()
