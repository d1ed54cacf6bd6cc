"""Tests for tflab.profile and the measures it is made of (tflab.picture_measures): the
training pictures of real datasets measured, kept with the run by a real training job, and
measured again for runs trained before profiles existed."""

import doctest
import subprocess
import sys

import numpy as np
import pytest

import tflab.profile
from tflab.data import load_dataset
from tflab.picture_measures import background, ink_measures
from tflab.profile import PictureProfile, profile_for_run, profile_pictures
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.words import Words


def test_docstring_examples_run():
    result = doctest.testmod(tflab.profile)
    assert result.attempted > 0 and result.failed == 0


def test_measuring_pictures_does_not_load_tensorflow():
    code = ("import sys, tflab.profile; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; "
            "assert 'streamlit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_digits_are_white_strokes_on_plain_black_in_a_20_high_box(profile):
    assert (profile.height, profile.width, profile.channels) == (28, 28, 1)
    assert profile.polarity == "light_on_dark" and profile.plain_share == 1.0
    assert profile.invertible and profile.fits_strokes
    assert profile.ink_box == (20, 14)  # grown from 8x8 to 20x20, narrower than tall
    assert 2.5 <= profile.stroke_width <= 3.5
    # scikit-learn's digits fill their box, so its middle stays put; their mass moves.
    assert profile.centring == "box"
    assert profile.ink_centre[0] == pytest.approx(13.5, abs=0.1)
    mean, spread = profile.look["brightness"]
    assert 35 < mean < 45 and 0 < spread < 10


def test_coloured_shapes_have_no_polarity_and_are_not_strokes():
    profile = profile_pictures(load_dataset("shapes", {"image_size": 40, "samples_per_class": 30},
                                            0.2, 1).x_train)
    assert profile.channels == 3 and profile.polarity == "mixed"
    assert not profile.invertible and not profile.fits_strokes
    assert profile.ink_box is None and profile.stroke_width is None


def test_pen_drawings_on_paper_are_dark_on_light_and_their_mass_is_what_stays_put():
    rng = np.random.default_rng(0)
    pictures = np.full((40, 28, 28, 1), 255.0, dtype=np.float32)
    for picture in pictures:
        # An "L" of varying arm lengths whose centre of mass, not box, is at (14, 14).
        arm = int(rng.integers(4, 10))
        picture[14 - arm:15, 13:15] = 0.0
        picture[13:15, 13:14 + arm] = 0.0
    mass = profile_pictures(pictures)
    assert mass.polarity == "dark_on_light" and mass.fits_strokes
    rows = ink_measures(255.0 - pictures[..., 0])
    assert rows["row"].std() > 0 and rows["box_row"].std() > rows["row"].std()
    assert mass.centring == "mass"


def test_a_plain_paper_drawing_noise_and_a_blank_page():
    paper = np.full((3, 64, 64), 240.0, dtype=np.float32)
    paper[0, 20:44, 30:34] = 10.0  # a pen stroke
    paper[1] = np.random.default_rng(1).uniform(0, 255, (64, 64))
    level, plain, polarity = background(paper)
    assert level[0] == 240.0 and plain.tolist() == [True, False, True]
    assert polarity.tolist() == [-1, 0, 0]  # noise has no background; a blank page no subject


def test_a_profile_survives_the_store_as_json(tmp_path, profile):
    store = RunStore(tmp_path)
    run_id = store.create_run("multiclass", get_recipe("multiclass").spec.to_dict(), 1)
    store.set_profile(run_id, profile.to_dict())
    assert PictureProfile.from_dict(store.get_run(run_id).profile) == profile


@pytest.mark.parametrize(("data", "message"), [
    ({"version": 99}, r"Expected a picture profile of version 1\. Received: version=99"),
    ("profile", r"Received: version=None"),
    ({"version": 1, "pictures": 3}, r"lacks centring, channels, height"),
])
def test_a_profile_of_another_version_is_refused_by_name(data, message):
    with pytest.raises(ValueError, match=message):
        PictureProfile.from_dict(data)


@pytest.mark.parametrize("shape", [(5, 28, 28), (5, 28, 28, 2), (0, 28, 28, 1)])
def test_pictures_of_the_wrong_shape_are_named(shape):
    with pytest.raises(ValueError, match=r"\(n, height, width, 1 or 3\)\. Received: shape"):
        profile_pictures(np.zeros(shape, dtype=np.float32))


def test_a_training_job_keeps_the_profile_of_an_image_run_only(tmp_path, profile):
    from tflab.job import run_job

    store = RunStore(tmp_path)
    digits = store.create_run("multiclass", get_recipe("multiclass").spec
                              .with_setting("fit.epochs", 1).to_dict(), 1)
    line = store.create_run("linear", get_recipe("linear").spec
                            .with_setting("fit.epochs", 1).to_dict(), 1)
    assert run_job(store, digits).status == run_job(store, line).status == "completed"
    assert PictureProfile.from_dict(store.get_run(digits).profile) == profile
    assert store.get_run(line).profile is None


def test_a_run_from_before_profiles_is_measured_once_from_its_data(tmp_path, profile):
    store = RunStore(tmp_path)
    run_id = store.create_run("multiclass", get_recipe("multiclass").spec.to_dict(), 10)
    assert store.get_run(run_id).profile is None  # as every run trained before this
    profile, note = profile_for_run(store, store.get_run(run_id))
    assert profile == profile
    assert str(note) == ("This run was trained before TF Lab recorded its training pictures: "
                         "they were measured now, from its data.")
    assert Words.load("es").say(note).startswith("Esta ejecución se entrenó antes")
    again, note = profile_for_run(store, store.get_run(run_id))  # kept in the store
    assert again == profile and note is None


def test_a_run_whose_data_is_gone_has_no_profile_and_says_what_follows(tmp_path):
    store = RunStore(tmp_path)
    spec = get_recipe("multiclass").spec.with_setting("data.dataset", "mnist")
    run_id = store.create_run("multiclass", spec.to_dict(), 10)  # MNIST is not cached here
    profile, note = profile_for_run(store, store.get_run(run_id))
    assert profile is None
    note = str(note)  # the English; a page says it in the reader's language
    assert note.startswith("This run kept no record of its training pictures and its data "
                           "cannot be loaded (")
    assert note.endswith("pictures are used as they are, inverted only on request, and marked "
                         "unsure only when the model hesitates.")


def test_large_pictures_are_measured_from_a_bounded_number_of_pixels():
    pictures = np.zeros((600, 150, 150, 1), dtype=np.float32)
    pictures[:, 30:120, 70:80] = 255.0
    profile = profile_pictures(pictures)
    assert profile.pictures == 444  # 10 million pixels' worth, evenly spread
    assert profile.ink_box == (90, 10) and profile.fits_strokes
