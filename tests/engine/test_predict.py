"""Predictions from stored runs: images of every kind, bad files, numbers and series."""

import io

import keras
import numpy as np
import pytest
from PIL import Image

from tflab.data import load_dataset
from tflab.job import run_job
from tflab.predict import PredictionError, Predictor, load_model
from tflab.recipes import get_recipe
from tflab.store import RunStore


def trained(store, recipe, **settings):
    spec = get_recipe(recipe).spec
    for path, value in settings.items():
        spec = spec.with_setting(path.replace("__", "."), value)
    run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
    assert run_job(store, run_id).status == "completed"
    return Predictor.from_run(store, run_id), spec


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("digits"))
    return trained(store, "multiclass", fit__epochs=5)


def png(array, mode="L"):
    buffer = io.BytesIO()
    Image.fromarray(array.astype(np.uint8), mode).save(buffer, "PNG")
    return buffer.getvalue()


def validation_digits(spec, count=20):
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    return data.x_val[:count, :, :, 0], data.y_val[:count]


def test_digit_pngs_get_top_three_classes_and_mostly_the_right_one(digits_run):
    predictor, spec = digits_run
    images, labels = validation_digits(spec)
    results = predictor.images([(f"{i}.png", png(img)) for i, img in enumerate(images)], top_k=3)
    assert all(not r.error and len(r.top) == 3 for r in results)
    assert all(r.top[0][1] >= r.top[1][1] >= r.top[2][1] for r in results)
    right = sum(int(r.top[0][0]) == label for r, label in zip(results, labels))
    assert right >= 17
    assert results[0].view.shape == (28, 28, 1)


def test_a_bad_file_gets_its_message_and_the_good_ones_still_get_predictions(digits_run):
    predictor, spec = digits_run
    images, _ = validation_digits(spec, 2)
    files = [("a.png", png(images[0])), ("notes.png", b"these are my notes, not a picture"),
             ("b.png", png(images[1])), ("empty.png", b"")]
    results = predictor.images(files)
    assert [bool(r.error) for r in results] == [False, True, False, True]
    assert "notes.png" in results[1].error and "not an image" in results[1].error
    assert results[2].top and results[0].top


@pytest.mark.parametrize("mode", ["RGBA", "P", "CMYK", "I;16", "1", "RGB"])
def test_every_image_mode_reaches_the_model(digits_run, mode):
    predictor, spec = digits_run
    images, _ = validation_digits(spec, 1)
    picture = Image.fromarray(images[0].astype(np.uint8), "L").resize((200, 150))
    if mode == "I;16":
        picture = Image.fromarray(np.asarray(picture, dtype=np.uint16) * 257)  # 16-bit grey
    else:
        picture = picture.convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, "TIFF" if mode == "CMYK" else "PNG")
    [result] = predictor.images([(f"digit.{mode}", buffer.getvalue())])
    assert not result.error and len(result.top) == 3


def test_inverting_turns_a_dark_on_light_drawing_into_what_the_model_saw(digits_run):
    predictor, spec = digits_run
    images, _ = validation_digits(spec, 1)
    drawing = png(255 - images[0])  # a person's drawing: dark ink on white paper
    [plain] = predictor.images([("d.png", drawing)])
    [inverted] = predictor.images([("d.png", drawing)], invert=True)
    assert np.allclose(inverted.view[..., 0], 255 - plain.view[..., 0], atol=1)


def test_an_image_model_refuses_numbers_and_a_number_model_refuses_images(tflab_home):
    store = RunStore(tflab_home)
    predictor, _ = trained(store, "linear")
    assert predictor.numbers([[10.0]])[0] == pytest.approx(19, abs=0.1)
    with pytest.raises(PredictionError, match="not images"):
        predictor.images([("a.png", b"")])
    with pytest.raises(PredictionError, match="finite"):
        predictor.numbers([[float("nan")]])


def test_a_series_run_forecasts_the_next_steps(tflab_home):
    store = RunStore(tflab_home)
    predictor, spec = trained(store, "time_series", fit__epochs=1, data__options__length=400)
    forecast = predictor.forecast(np.linspace(0, 50, 60), 5)
    assert forecast.shape == (5,) and np.all(np.isfinite(forecast))


def test_a_file_that_is_not_a_model_gets_a_clear_message(tmp_path):
    fake = tmp_path / "model.keras"
    fake.write_text("not a model")
    with pytest.raises(PredictionError, match="not a Keras model file"):
        load_model(fake)
    with pytest.raises(PredictionError, match="no model file"):
        load_model(tmp_path / "missing.keras")


def test_a_model_holding_a_python_lambda_is_refused_with_the_reason(tmp_path):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1),
                              keras.layers.Lambda(lambda x: x * 400)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(PredictionError, match="lambda") as caught:
        load_model(path)
    assert "Rescaling" in str(caught.value)


def test_a_saved_and_reloaded_model_predicts_the_same(tflab_home):
    store = RunStore(tflab_home)
    predictor, spec = trained(store, "time_series", fit__epochs=1, data__options__length=400)
    x = np.linspace(0, 1, 30, dtype="float32").reshape(1, 30, 1)
    again = load_model(store.model_path(store.list_runs()[0].id))
    assert np.allclose(predictor.model.predict(x, verbose=0), again.predict(x, verbose=0))
