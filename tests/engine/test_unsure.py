"""Tests for tflab.unsure: when an answer is marked unsure, against the real digits' profile."""

import doctest

import numpy as np
import pytest
from PIL import Image

import tflab.unsure
from drawings import drawn_seven, drawn_three, noise_photo
from tflab.prepare import prepare
from tflab.profile import PictureProfile
from tflab.unsure import unsure_reason

DIGITS = tuple("0123456789")
SURE = np.array([0.02] * 9 + [0.82])


def test_docstring_examples_run():
    result = doctest.testmod(tflab.unsure)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(("classes", "top", "unsure"), [
    (10, 0.56, False), (10, 0.54, True), (2, 0.76, False), (2, 0.74, True), (3, 0.66, True)])
def test_hesitant_below_halfway_from_a_guess_to_certain(classes, top, unsure):
    rest = (1 - top) / (classes - 1)
    probabilities = np.array([top] + [rest] * (classes - 1))
    reason = unsure_reason(np.zeros((28, 28, 1)), probabilities, [str(i) for i in range(classes)])
    assert bool(reason) is unsure
    if unsure:
        assert reason.startswith(f"The model hesitates: its top answer, 0, has only {top:.0%}, "
                                 "under ")


def test_noise_is_far_from_the_digits_whatever_the_model_says(profile):
    prepared = prepare(noise_photo(), (28, 28, 1), profile)
    reason = unsure_reason(prepared.view, SURE, DIGITS, profile, prepared.plain)
    assert reason == ("It looks unlike the training pictures: its background is not plain, as "
                      "theirs is.")


def test_a_blank_page_is_far_brighter_than_the_digits(profile):
    prepared = prepare(Image.new("L", (100, 100), 255), (28, 28, 1), profile)
    assert prepared.plain
    reason = unsure_reason(prepared.view, SURE, DIGITS, profile, prepared.plain)
    assert reason == "It looks unlike the training pictures: it is much brighter than they are."


def test_grain_on_a_plain_background_is_named_as_detail(profile):
    view = np.zeros((28, 28, 1), dtype=np.float32)
    view[4:24, 7:21] = np.random.default_rng(0).choice([0.0, 255.0], (20, 14, 1))
    reason = unsure_reason(view, SURE, DIGITS, profile, plain=True)
    assert reason == ("It looks unlike the training pictures: it has much more fine detail "
                      "(grain or noise) than they have.")


@pytest.mark.parametrize("drawing", [drawn_three, drawn_seven])
def test_drawn_digits_look_like_the_training_digits(profile, drawing):
    prepared = prepare(drawing(), (28, 28, 1), profile)
    assert unsure_reason(prepared.view, SURE, DIGITS, profile, prepared.plain) == ""


def test_validation_digits_look_like_the_training_digits(digits, profile):
    far = [unsure_reason(view, SURE, DIGITS, profile) for view in digits.x_val]
    assert far.count("") == len(far)


def test_pictures_all_alike_do_not_make_every_change_far():
    alike = PictureProfile(5, 28, 28, 1, "light_on_dark", 1.0,
                           {"brightness": (40.0, 0.0), "contrast": (70.0, 0.0),
                            "detail": (12.0, 0.0)})
    view = np.zeros((28, 28, 1), dtype=np.float32)
    view[:, :14] = 80.0  # brightness 40, contrast 40, detail ~1.4
    reason = unsure_reason(view, SURE, DIGITS, alike)
    assert reason == ("It looks unlike the training pictures: it has much less contrast than "
                      "they have.")
