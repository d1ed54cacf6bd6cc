"""Tests for tflab.prepare: pictures made ready as the training pictures were, decided by
the profile of real training data (scikit-learn's digits, drawn shapes)."""

import doctest
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import tflab.prepare
from drawings import drawn_seven, drawn_three, noise_photo
from tflab.data import load_dataset
from tflab.prepare import prepare
from tflab.picture_measures import ink_measures
from tflab.profile import profile_pictures

DIGIT = (28, 28, 1)


def core(view):
    """Where the ink's core sits in a view and how it is drawn (as the profile measures)."""
    return {name: float(values[0]) for name, values in ink_measures(view[None, ..., 0]).items()}


def test_docstring_examples_run():
    result = doctest.testmod(tflab.prepare, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_preparing_pictures_does_not_load_tensorflow():
    code = ("import sys, tflab.prepare, tflab.unsure; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# Polarity


def test_a_drawing_on_paper_is_inverted_for_white_on_black_digits_and_says_so(profile):
    prepared = prepare(drawn_three(), DIGIT, profile)
    assert prepared.inverted and prepared.polarity == "dark_on_light" and prepared.plain
    assert str(prepared.notes[0]) == ("Inverted: it is dark on a light background, and this model "
                                 "learned light on dark.")
    assert prepared.view[0, 0, 0] == 0 and prepared.view.max() > 200  # white ink on black


def test_a_white_on_black_drawing_is_left_as_it_is(profile):
    light_on_dark = Image.fromarray(255 - np.asarray(drawn_three()))
    prepared = prepare(light_on_dark, DIGIT, profile)
    assert not prepared.inverted and prepared.polarity == "light_on_dark"
    assert not any("Inverted" in str(note) for note in prepared.notes)
    inverted = prepare(drawn_three(), DIGIT, profile).view
    np.testing.assert_allclose(prepared.view, inverted, atol=2)  # the same digit either way


def test_the_choice_as_is_keeps_a_drawing_dark_on_light(profile):
    prepared = prepare(drawn_three(), DIGIT, profile, colours="as_is")
    assert not prepared.inverted and str(prepared.notes[0]).startswith("No drawing stands out")
    assert prepared.view.mean() > 200  # white paper where the model learned black


def test_the_choice_invert_turns_a_white_on_black_drawing_over(profile):
    light_on_dark = Image.fromarray(255 - np.asarray(drawn_three()))
    prepared = prepare(light_on_dark, DIGIT, profile, colours="invert")
    assert prepared.inverted and str(prepared.notes[0]) == "Inverted, as chosen."


def test_without_a_profile_a_picture_is_inverted_only_on_request():
    assert not prepare(drawn_three(), DIGIT).inverted
    view = prepare(drawn_three(), DIGIT, colours="invert").view
    assert view[0, 0, 0] == 0 and view.shape == DIGIT


def test_a_colour_model_takes_pictures_as_they_are():
    shapes = profile_pictures(load_dataset("shapes", {"image_size": 40,
                                                      "samples_per_class": 20}, 0.2, 1).x_train)
    prepared = prepare(drawn_three(), (40, 40, 3), shapes)
    assert not prepared.inverted and prepared.notes == ()
    assert prepared.view.shape == (40, 40, 3) and prepared.view[0, 0].tolist() == [255] * 3
    with pytest.raises(ValueError) as caught:
        prepare(drawn_three(), (40, 40, 3), shapes, colours="invert")
    assert str(caught.value) == (
        "Received an invalid value for `colours` for a colour model, which takes pictures as "
        "they are, expected one of 'auto', 'as_is'. Received: colours='invert'")


@pytest.mark.parametrize("colours", ["inverted", "", None, True])
def test_an_unknown_choice_is_named(profile, colours):
    with pytest.raises(ValueError, match=rf"expected one of 'auto', 'as_is', 'invert'\. "
                                         rf"Received: colours={colours!r}"):
        prepare(drawn_three(), DIGIT, profile, colours=colours)


# Strokes: a drawing fitted as the training digits are


@pytest.mark.parametrize("placement", [
    {}, {"pen": 8}, {"pen": 22}, {"height": 110, "centre": (70, 80)},
    {"size": (400, 300), "centre": (280, 160), "height": 240, "pen": 18},
    {"size": (1200, 1200), "centre": (600, 600), "height": 900, "pen": 60},
])
def test_a_drawing_anywhere_at_any_size_fills_the_training_box_at_its_place(profile, placement):
    prepared = prepare(drawn_three(**placement), DIGIT, profile)
    measured = core(prepared.view)
    assert measured["height"] == pytest.approx(20, abs=1)  # the training digits' 20 rows
    assert measured["box_row"] == pytest.approx(profile.ink_centre[0], abs=1)
    assert measured["box_column"] == pytest.approx(profile.ink_centre[1], abs=1)
    # A marker shrunk from 280 to 28 pixels is about 1.4 pixels wide; thickened like theirs:
    assert measured["stroke"] == pytest.approx(profile.stroke_width, abs=0.8)
    assert "Cropped to the drawing, fitted into the 14x20 pixels" in str(prepared.notes[-1])


def test_the_same_drawing_in_two_places_gives_the_same_view(profile):
    left = prepare(drawn_seven(centre=(90, 110), height=150), DIGIT, profile).view
    right = prepare(drawn_seven(centre=(190, 150), height=150), DIGIT, profile).view
    assert np.abs(left - right).mean() < 2


def test_a_thin_pen_is_thickened_and_a_thick_one_is_not(profile):
    thin = str(prepare(drawn_three(pen=6), DIGIT, profile).notes[-1])
    thick = str(prepare(drawn_three(pen=60), DIGIT, profile).notes[-1])
    assert "its lines thickened to about 3 pixels" in thin
    assert "thickened" not in thick


def test_a_training_digit_comes_out_nearly_as_it_went_in(digits, profile):
    changes = []
    for picture in digits.x_val[:50]:
        upload = Image.fromarray(picture[..., 0].astype(np.uint8))
        prepared = prepare(upload, DIGIT, profile)
        assert not prepared.inverted
        changes.append(np.abs(prepared.view - picture).mean())
    # Pixel values move a little (levels stretched, edges resampled); shapes stay.
    assert np.median(changes) < 10


def test_noise_has_no_background_to_crop_to_and_is_used_whole(profile):
    prepared = prepare(noise_photo(), DIGIT, profile)
    assert not prepared.plain and not prepared.inverted
    assert tuple(map(str, prepared.notes)) == ("Used as it is: without a plain background it cannot be told "
                              "whether it is light on dark.",)
    assert prepared.view.mean() == pytest.approx(127, abs=15)


def test_a_blank_page_has_no_drawing(profile):
    prepared = prepare(Image.new("L", (200, 200), 255), DIGIT, profile)
    assert tuple(map(str, prepared.notes)) == ("No drawing stands out from the background: the whole picture "
                              "is used.",)
    assert prepared.view.min() == 255


def test_what_was_done_is_said_in_spanish_too(profile):
    from tflab.words import Words

    es = Words.load("es")
    notes = [es.say(note) for note in prepare(drawn_three(pen=6), DIGIT, profile).notes]
    assert notes[0] == ("Invertida: es oscura sobre un fondo claro, y este modelo aprendió "
                        "claro sobre oscuro.")
    assert notes[-1].startswith("Recortada al dibujo, encajada en los 14x20 píxeles")
    assert "⟦" not in " ".join(notes)


def test_every_note_a_picture_can_get_is_in_both_catalogs():
    from tflab.words import catalog

    keys = [f"prepare.cropped{a}{b}" for a in ("", "_thickened") for b in ("", "_softened")]
    keys += [f"prepare.{group}.{name}" for group in ("learned", "picture")
             for name in ("light_on_dark", "dark_on_light")] + ["prepare.by_mass", "prepare.by_box"]
    for language in ("es", "en"):
        assert all(key in catalog(language) for key in keys)


# Made faster, the same pixels out (the slower ways they replaced are the reference)


@pytest.mark.parametrize("grow", [1, 2, 5, 12])
def test_thickening_gives_what_pillows_max_filter_gave(grow):
    from PIL import ImageFilter

    rng = np.random.default_rng(grow)
    work = np.zeros((60, 45), dtype=np.float32)
    work[rng.integers(0, 60, 40), rng.integers(0, 45, 40)] = rng.uniform(1, 255, 40)
    work[0, :] = 200.0  # ink on the edges must grow outward too
    padded = Image.fromarray(np.pad(np.round(work), grow).astype(np.uint8))
    expected = np.asarray(padded.filter(ImageFilter.MaxFilter(2 * grow + 1)), dtype=np.float32)
    np.testing.assert_array_equal(tflab.prepare._thickened(work, grow), expected)


def test_fitting_measures_the_core_as_ink_measures_does(profile):
    rng = np.random.default_rng(0)
    for _ in range(20):
        ink = np.zeros((50, 70), dtype=np.float32)
        top, left = rng.integers(0, 30), rng.integers(0, 40)
        ink[top:top + rng.integers(1, 20), left:left + rng.integers(1, 30)] = 255.0
        ink += rng.uniform(0, 120, ink.shape).astype(np.float32)  # faint ink around it
        measures = ink_measures(ink[None])
        expected = min(profile.ink_box[0] / max(1, int(measures["height"][0])),
                       profile.ink_box[1] / max(1, int(measures["width"][0])))
        assert tflab.prepare._fit(ink, profile) == expected


def ink_pictures():
    """Ink pictures of the shapes preparing measures: strokes, specks, ink on the edges,
    a single row, none."""
    rng = np.random.default_rng(3)
    pictures = [np.zeros((28, 28), dtype=np.float32), np.full((1, 9), 40.0, dtype=np.float32)]
    for _ in range(12):
        ink = np.zeros((int(rng.integers(20, 90)), int(rng.integers(20, 90))), dtype=np.float32)
        rows, columns = ink.shape
        for _ in range(3):
            top, left = rng.integers(0, rows), rng.integers(0, columns)
            ink[top:top + rng.integers(1, 12), left:left + rng.integers(1, 40)] = rng.uniform(60, 255)
        ink += rng.uniform(0, 50, ink.shape).astype(np.float32) * (rng.uniform() < 0.5)
        pictures.append(ink)
    return pictures


def test_stroke_and_centre_are_measured_as_ink_measures_does():
    for ink in ink_pictures():
        measures = {name: float(values[0]) for name, values in ink_measures(ink[None]).items()}
        assert tflab.prepare._stroke(ink) == measures["stroke"]
        assert tflab.prepare._centre(ink, "mass") == (measures["row"], measures["column"])
        assert tflab.prepare._centre(ink, "box") == (measures["box_row"], measures["box_column"])


def test_the_softenings_are_the_view_and_its_blurs_by_each_sigma():
    view = np.zeros((20, 28), dtype=np.float32)  # not square: rows and columns blur apart
    view[0:15, 10:13] = 255.0  # a stroke from the top edge
    softenings = tflab.prepare._softenings(view)
    assert softenings.shape == (len(tflab.prepare.SOFTENING), 20, 28)
    np.testing.assert_array_equal(softenings[0], view)
    for sigma, softened in zip(tflab.prepare.SOFTENING[1:], softenings[1:]):
        down, across = (tflab.prepare._gauss_matrix(size, sigma) for size in view.shape)
        np.testing.assert_allclose(softened, down @ view @ across.T, atol=1e-4)
        assert softened[:, 9].max() > 0 and softened.sum() < view.sum()  # spread, some past the edge
