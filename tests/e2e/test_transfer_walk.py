"""Transfer learning from a finished run, end to end in Chromium: train digits, then build a
new model on that run's layers, frozen, and train its new head."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support import (assert_no_exception, main, press_train_in_build, train_from_link,
                     wait_for_completion, wait_until_idle)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the main area's select box called `label`."""
    box = main(page).get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
    wait_until_idle(page)


@pytest.mark.slow
def test_a_finished_run_becomes_the_frozen_base_of_a_new_model(page: Page, screenshot):
    first = train_from_link(page, "multiclass", 3)

    page.goto("/build?recipe=multiclass")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    wait_until_idle(page)
    main(page).get_by_role("tab", name="Layers").click()
    main(page).get_by_text("Pretrained base (transfer learning)").click()
    wait_until_idle(page)
    choose(page, "Base network", "A finished run's model")
    run = main(page).get_by_role("combobox", name="Run", exact=True)
    expect(run).to_have_value(re.compile(rf"^{first} · multiclass · 3 epochs"))
    cut = main(page).get_by_role("combobox", name="Cut layer", exact=True)
    expect(cut).to_have_value("layer_2_dense → 128")  # under the old output layer
    expect(main(page).get_by_text(re.compile(r"trainable parameters.*frozen"))).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "transfer")

    second = press_train_in_build(page)
    assert second != first
    wait_for_completion(page)
    expect(main(page).get_by_text(re.compile(r"^Completed in"))).to_be_visible()
    assert_no_exception(page)
