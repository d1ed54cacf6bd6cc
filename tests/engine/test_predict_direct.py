"""Predictions made the fast way say what they said before: the model called directly
(not `model.predict`), and a phone's 12-megapixel JPEG decoded in Pillow's draft mode at
the size the model needs. What is done to a picture (inverted, cropped, thickened) and
the messages for turned and oversized pictures stay. (How fast: benchmarks/predict_speed.py;
no timings are asserted here.)"""

import io

import numpy as np
import pytest
from PIL import Image

from drawings import drawn_seven, drawn_three, jpeg_bytes, noise_photo, paper_photo, png_bytes
from tflab.data import load_dataset
from tflab.images import read_image
from tflab.job import run_job
from tflab.predict import Predictor, answers
from tflab.prepare import prepare, reading_side
from tflab.recipes import get_recipe
from tflab.store import RunStore


def predictor_of(store, recipe, **settings):
    spec = get_recipe(recipe).spec
    for path, value in settings.items():
        spec = spec.with_setting(path.replace("__", "."), value)
    run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
    assert run_job(store, run_id).status == "completed"
    return Predictor.from_run(store, run_id)


@pytest.fixture(scope="module")
def digits_predictor(tmp_path_factory):
    """The multi-class recipe (28x28 digits), 3 epochs: a real model, quickly."""
    store = RunStore(tmp_path_factory.mktemp("digits-direct"))
    yield predictor_of(store, "multiclass", fit__epochs=3)
    store.close()


@pytest.fixture(scope="module")
def phone_photo():
    """A 4000x3000 JPEG of a 7 drawn on unevenly lit paper, with sensor noise."""
    return jpeg_bytes(paper_photo())


def test_a_direct_call_gives_the_probabilities_predict_gives(digits_predictor):
    predictor = digits_predictor
    spec = predictor.spec
    data = load_dataset(spec.data.dataset, dict(spec.data.options), spec.data.validation_split,
                        spec.seed)
    pictures = [Image.fromarray(x[:, :, 0].astype(np.uint8)) for x in data.x_val[:8]]
    pictures += [drawn_three(), drawn_seven(), noise_photo()]
    results = predictor.images([(f"{i}.png", png_bytes(p)) for i, p in enumerate(pictures)],
                               top_k=10)
    views = np.stack([r.view for r in results])
    expected = predictor.model.predict(views, verbose=0)
    names = predictor.summary.class_names
    for result, row in zip(results, expected):
        given = dict(result.top)
        assert [given[name] for name in names] == pytest.approx(row.tolist(), abs=1e-5)
        assert result.top[0][0] == names[int(np.argmax(row))]
    # In batches (a long list of uploads) the outputs are the same too.
    np.testing.assert_allclose(answers(predictor.model, views, batch=4), expected, atol=1e-5)


def test_typed_numbers_answer_as_predict_does(tflab_home):
    with RunStore(tflab_home) as store:
        predictor = predictor_of(store, "binary_points", fit__epochs=5)
    rows = np.random.default_rng(0).uniform(-1, 1, (150, 2)).astype("float32")
    expected = predictor.model.predict(rows, verbose=0)[:, 0]
    np.testing.assert_allclose(predictor.numbers(rows.tolist()), expected, atol=1e-5)


def test_a_12_megapixel_jpeg_is_read_in_draft_mode_at_the_models_size(digits_predictor,
                                                                      phone_photo):
    assert digits_predictor.reading_side == reading_side((28, 28, 1)) == 448
    image = read_image(phone_photo, "photo.jpg", max_side=digits_predictor.reading_side)
    # Decoded at an eighth of 4000x3000 (1/64 of its pixels), then shrunk to the side asked.
    assert image.info["decoded_size"] == (500, 375)
    assert image.size == (448, 336)
    # Without a side asked, a picture is kept at up to 1024 pixels, as before.
    assert read_image(phone_photo, "photo.jpg").info["decoded_size"] == (2000, 1500)


def test_the_draft_read_photo_answers_as_the_whole_decoded_photo(digits_predictor, phone_photo):
    predictor = digits_predictor
    [result] = predictor.images([("photo.jpg", phone_photo)], top_k=10)
    whole = Image.open(io.BytesIO(phone_photo))
    whole.load()
    assert whole.size == (4000, 3000)
    prepared = prepare(whole, predictor.summary.input_shape, predictor.profile)
    row = predictor.model.predict(prepared.view[None], verbose=0)[0]
    names = predictor.summary.class_names
    assert result.top[0][0] == names[int(np.argmax(row))]
    # The same things were done to it, and said: inverted (dark on light paper), cropped
    # to the drawing, fitted, thickened.
    assert [note.key for note in result.notes] == [note.key for note in prepared.notes]
    assert result.inverted and prepared.inverted
    assert "prepare.inverted" in [note.key for note in result.notes]
    assert np.abs(result.view - prepared.view).mean() < 8  # of 255: the same picture


def test_a_phone_photo_turned_by_exif_is_upright_when_read_in_draft_mode(tmp_path):
    stored = Image.new("RGB", (4000, 3000), (255, 255, 255))
    stored.paste((0, 0, 0), (0, 0, 800, 800))  # a dark mark in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90 degrees clockwise to show it
    data = jpeg_bytes(stored, exif=exif.tobytes())
    image = read_image(data, "phone.jpg", max_side=448)
    assert image.info["decoded_size"] == (500, 375)
    assert image.size == (336, 448)  # upright: taller than wide
    gray = np.asarray(image.convert("L"), dtype=np.float32)
    assert gray[:20, -20:].mean() < 60 and gray[:20, :20].mean() > 200  # mark top right


def test_an_oversized_picture_still_gets_its_message_through_the_predictor(digits_predictor):
    huge = io.BytesIO()
    Image.new("L", (7000, 6000), 255).save(huge, "PNG")  # 42 megapixels, a small file
    clean = png_bytes(drawn_three())
    results = digits_predictor.images([("huge.png", huge.getvalue()), ("three.png", clean)])
    assert results[0].error == ("'huge.png' is 7000x6000 pixels (42 megapixels); "
                                "the limit is 40 megapixels.")
    assert not results[1].error and results[1].top
