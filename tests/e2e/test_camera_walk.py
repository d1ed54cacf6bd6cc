"""The camera on Predict, in Chromium: a picture taken with the device's camera is
predicted like an upload (Chromium's fake camera shows its moving test picture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from test_walkthrough import (assert_no_exception, main, open_page, pick_run, top_k_charts,
                              train_from_link, wait_until_idle)


def take_photo(page: Page) -> None:
    """Press Take Photo until the picture is held (Clear photo shows). Streamlit's camera
    can miss a press made while its stream is still starting; a person presses again."""
    take = main(page).get_by_role("button", name="Take Photo")
    clear = main(page).get_by_role("button", name="Clear photo")
    for _ in range(5):
        expect(take).to_be_enabled(timeout=30_000)  # enabled once the camera streams
        take.click()
        try:
            expect(clear).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(clear).to_be_visible()


@pytest.mark.slow
def test_a_camera_picture_gets_a_prediction(page: Page):
    run_id = train_from_link(page, "multiclass", 2)
    open_page(page, "Predict")
    pick_run(page, run_id)
    main(page).get_by_text("Camera", exact=True).click()
    wait_until_idle(page)
    take_photo(page)
    assert top_k_charts(page, 1) == [3]
    expect(main(page).get_by_text("camera photo")).to_be_visible()
    expect(main(page).get_by_text("what the model sees")).to_be_visible()
    assert_no_exception(page)


@pytest.mark.slow
def test_classes_filled_with_camera_pictures_become_a_dataset(page: Page):
    page.goto("/build?recipe=binary_images")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    wait_until_idle(page)
    dataset = main(page).get_by_role("combobox", name="Dataset", exact=True)
    dataset.click()
    page.get_by_role("option", name="Your own pictures (folder)", exact=True).click()
    wait_until_idle(page)
    main(page).get_by_role("tab", name="Class by class").click()
    main(page).get_by_text("Take pictures with the camera").click()
    wait_until_idle(page)
    for class_name, count in (("class_1", 2), ("class_2", 1)):
        main(page).get_by_role("radio", name=class_name, exact=True).check(force=True)
        wait_until_idle(page)
        for taken in range(1, count + 1):
            take_photo(page)
            # The picture is uploaded, then the page reruns and counts it.
            expect(main(page).get_by_text(re.compile(rf"Camera pictures: .*{class_name}: {taken}"))) \
                .to_be_visible(timeout=30_000)
            wait_until_idle(page)
            main(page).get_by_role("button", name="Clear photo").click()
            expect(main(page).get_by_role("button", name="Take Photo")).to_be_visible()
            wait_until_idle(page)
    expect(main(page).get_by_text("Camera pictures: class_1: 2, class_2: 1")).to_be_visible()
    main(page).get_by_role("button", name="Make the dataset").click()
    expect(main(page).get_by_text("my classes: 3 pictures in 2 classes (class_1: 2, class_2: 1)")) \
        .to_be_visible(timeout=60_000)
    assert_no_exception(page)
