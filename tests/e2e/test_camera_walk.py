"""The camera on Predict, in Chromium: a picture taken with the device's camera is
predicted like an upload (Chromium's fake camera shows its moving test picture)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from support import (assert_no_exception, main, open_page, pick_run, top_classes, top_k_charts,
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
    # The fake camera's moving test picture is no digit: its answer must still be one of
    # the model's classes, named as the model names them.
    assert top_classes(page)[0] in {str(digit) for digit in range(10)}
    expect(main(page).get_by_text("camera photo")).to_be_visible()
    expect(main(page).get_by_text("what the model sees")).to_be_visible()
    assert_no_exception(page)

