"""The CNN recipe with the notes' augmentation, end to end in Chromium: open it from its
card, cut it short in Build, train, read where it goes wrong, then predict a picture.

Issue 8.1: a CNN trained with the notes' shear saved a model that could not be loaded,
so "Where it goes wrong" and Predict said "... could not be deserialized".
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, decode
from support import (assert_no_exception, main, pick_run, press_train_in_build, top_class,
                     top_k_charts, upload, wait_for_completion, wait_until_idle)
from tflab.data.shapes import make_shapes

EPOCHS, PICTURES = 2, 10  # per class: the walk checks the model file, not its accuracy


def spec_in_link(url: str):
    """The experiment in Build's address, None before it holds one."""
    text = parse_qs(urlparse(url).query).get(PARAM)
    return decode(text[0]) if text else None


def set_number(page: Page, label: str, value: int, applied) -> None:
    """Type `value` in the number box called `label`; wait until the link holds it."""
    box = main(page).get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_url(lambda url: (spec := spec_in_link(url)) is not None and applied(spec))
    wait_until_idle(page)


@pytest.mark.slow
def test_the_cnn_with_the_notes_augmentation_trains_evaluates_and_predicts(page: Page, tmp_path):
    page.goto("/")
    expect(main(page).get_by_role("heading", name="TF Lab", exact=True)).to_be_visible()
    wait_until_idle(page)
    card = main(page).get_by_test_id("stVerticalBlock").filter(
        has=page.get_by_role("heading", name="CNN with dropout and augmentation")).last
    card.get_by_role("button", name="Open in Build").click()
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    expect(main(page).get_by_text("Recipe: cnn.")).to_be_visible()
    wait_until_idle(page)

    main(page).get_by_role("tab", name="Augmentation").click()
    expect(main(page).get_by_label("Shear range", exact=True)).to_have_value("0.20")
    main(page).get_by_role("tab", name="Data").click()
    set_number(page, "Samples per class", PICTURES,
               lambda spec: spec.data.options["samples_per_class"] == PICTURES)
    main(page).get_by_role("tab", name="Compile & fit").click()
    set_number(page, "Epochs", EPOCHS, lambda spec: spec.fit.epochs == EPOCHS)
    spec = spec_in_link(page.url)
    assert spec.augmentation.shear_range == pytest.approx(0.2)  # the notes' values, all kept
    assert spec.augmentation.rotation_range == 40 and spec.augmentation.horizontal_flip
    run_id = press_train_in_build(page)
    wait_for_completion(page)
    expect(main(page).get_by_text(f"Epoch {EPOCHS} of {EPOCHS}")).to_be_visible()

    expect(main(page).get_by_role("heading", name="Where it goes wrong")).to_be_visible(
        timeout=60_000)
    expect(main(page).locator(f".st-key-evaluate-matrix-{run_id} .nsewdrag")).to_be_visible(
        timeout=60_000)
    expect(main(page).get_by_text("Validation accuracy", exact=True)).to_be_visible()
    expect(main(page).get_by_text(re.compile("No evaluation|deserialized"))).to_have_count(0)
    assert_no_exception(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Predict", exact=True).click()
    expect(main(page).get_by_role("heading", name="Predict", exact=True)).to_be_visible()
    wait_until_idle(page)
    pick_run(page, run_id)
    x, _ = make_shapes(("triangle",), 1, 150, 7)
    picture = tmp_path / "a triangle.png"
    Image.fromarray(x[0].astype(np.uint8)).save(picture)
    upload(page, picture)
    [bars] = top_k_charts(page, 1)
    assert bars >= 1  # a top class for the picture
    # Two epochs on ten pictures a class come out near chance (a triangle at 50%), so the
    # class is not checked here (test_teaching_walk checks a CNN's answers), only that the
    # answer names one of the recipe's classes.
    assert top_class(page, picture.name) in {"circle", "triangle"}
    expect(main(page).get_by_text(re.compile("deserialized"))).to_have_count(0)
    assert_no_exception(page)
