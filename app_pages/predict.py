"""Predict: a finished run's model on your images, numbers or series."""

import numpy as np
import streamlit as st

from components import data_figures
from components.language import say, t, words
from components.messages import code, error_text, plain, safe
from components.picture_answers import colours_choice, picture_answer_ui
from components.predictors import predictor_for
from components.store_failure_ui import store_or_stop
from tflab.run import open_run
from tflab.titles import model_choices, run_title

st.title(t("nav.predict"))
store = store_or_stop()

runs = [r for r in store.list_runs(limit=100)
        if r.status in ("completed", "stopped") and open_run(store, r).has_model]
if not runs:
    st.info(t("predict.no_model"))
    st.stop()
ids = [r.id for r in runs]
wanted = st.query_params.get("run")
run_id = st.selectbox(t("predict.run"), ids, index=ids.index(wanted) if wanted in ids else 0,
                      format_func={r.id: run_title(r, words()) for r in runs}.get,
                      key="predict.run")
opened = open_run(store, run_id)
if opened.spec_error is not None:  # an older run naming its file by a path outside the store
    st.error(error_text(opened.spec_error), icon=":material/error:")
    st.stop()
spec, summary = opened.spec, opened.summary

# The final model, or the model as it was at a kept past epoch (its first, its best).
choices = model_choices(opened.run.epochs_done, opened.kept_epochs,
                        spec.data.validation_split > 0, words())
linked = st.query_params.get("epoch", "")
epoch = None
if len(choices) > 1:
    offered = list(choices)
    at = int(linked) if linked.isdigit() and int(linked) in choices else None
    epoch = st.selectbox(t("predict.model"), offered, index=offered.index(at),
                         format_func=choices.get, key=f"predict.model.{run_id}.{at}",
                         help=t("predict.model_help"))
if linked and epoch is None and linked != "final":
    st.warning(t("predict.epoch_not_kept", epoch=code(linked)))


try:
    predictor = predictor_for(store, run_id, epoch)
except Exception as error:  # a damaged or foreign model file: say so, keep the page
    st.error(error_text(error))
    st.stop()


def images_ui() -> None:
    if predictor.profile_note:
        st.caption(safe(say(predictor.profile_note)))
    autocontrast = False
    if not predictor.fits_strokes:  # drawings are stretched anyway
        autocontrast = st.toggle(t("predict.autocontrast"), key="predict.autocontrast",
                                 help=t("predict.autocontrast_help"))
    files = st.file_uploader(t("predict.images"),
                             type=["png", "jpg", "jpeg", "webp", "bmp", "gif"],
                             accept_multiple_files=True, key="predict.files",
                             help=t("predict.images_help", height=summary.input_shape[0],
                                    width=summary.input_shape[1]))
    pictures = [(f"file-{f.file_id}", f.name, f.getvalue()) for f in files or []]
    if st.toggle(t("predict.camera"), key="predict.camera", help=t("predict.camera_help")):
        photo = st.camera_input(t("predict.take_picture"), key="predict.photo")
        if photo is not None:
            pictures.append(("camera", t("predict.camera_photo"), photo.getvalue()))
    if not pictures:
        st.caption(plain(t("predict.upload", classes=", ".join(summary.class_names))))
        return
    choices = [colours_choice(key) if predictor.can_invert else "auto" for key, _, _ in pictures]
    results = predictor.images([(name, data) for _, name, data in pictures],
                               top_k=min(3, len(summary.class_names)), colours=choices,
                               autocontrast=autocontrast)
    show_looked = st.toggle(t("predict.looked"), key="predict.looked",
                            help=t("predict.looked_help"))
    if show_looked:
        from tflab.gradcam import method

        st.caption(safe(say(method(predictor.model).phrase)))
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
        st.warning(t("predict.no_heat_map", error=error_text(error)), icon=":material/info:")
        return None


def numbers_ui() -> None:
    columns = ["x"] if summary.input_shape == (1,) else ["x1", "x2"]
    start = {"x": [10.0, 0.0, -1.0]} if columns == ["x"] else {"x1": [0.0, 0.8], "x2": [0.0, 0.8]}
    inputs, outputs_cell = st.columns(2)
    inputs.caption(t("predict.type_inputs"))
    with inputs:
        table = st.data_editor(start, num_rows="dynamic", key="predict.table",
                               column_config={c: st.column_config.NumberColumn(c, required=True)
                                              for c in columns})
    rows = [[float(table[c][i]) for c in columns] for i in range(len(table[columns[0]]))
            if all(table[c][i] is not None for c in columns)]
    if not rows:
        return
    outputs = predictor.numbers(rows)
    name = t("predict.prediction") if summary.kind == "regression" else \
        t("predict.probability_of", name=summary.class_names[1])
    outputs_cell.caption(t("predict.answers"))
    outputs_cell.dataframe({**{c: [r[i] for r in rows] for i, c in enumerate(columns)},
                            name: outputs.tolist()}, hide_index=True, key="predict.outputs")
    if spec.recipe == "linear" and len(predictor.model.layers[-1].get_weights()) == 2:
        weight, bias = (float(w.ravel()[0]) for w in predictor.model.layers[-1].get_weights())
        w = words()
        a, b = st.columns(2)
        a.metric(t("predict.learned_weight"), w.number(weight, 4),
                 t("predict.from", delta=_signed(weight - 2), target=w.number(2)),
                 delta_color="off")
        b.metric(t("predict.learned_bias"), w.number(bias, 4),
                 t("predict.from", delta=_signed(bias + 1), target=w.number(-1)),
                 delta_color="off")


def _signed(value: float) -> str:
    """`value` with four decimals and its sign, "+" included: "+0.0012", "-0,0030"."""
    text = words().number(value, 4)
    return text if text.startswith("-") else "+" + text


def series_ui() -> None:
    steps = int(st.number_input(t("predict.steps"), min_value=1, max_value=365, value=30,
                                key="predict.steps"))
    data = opened.data()
    history = np.concatenate([data.x_val[0, :, 0], data.y_val[:, -1, 0]]) if len(data.x_val) else \
        np.concatenate([data.x_train[0, :, 0], data.y_train[:, -1, 0]])
    forecast = predictor.forecast(history, steps)
    st.plotly_chart(data_figures.series_chart(history.tolist(), forecast.tolist(),
                                         len(history), words=words()), key="predict.forecast")


if summary.image:
    images_ui()
elif summary.kind == "series":
    series_ui()
else:
    numbers_ui()
