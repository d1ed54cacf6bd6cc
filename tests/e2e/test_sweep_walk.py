"""A sweep from Build to Runs in Chromium (issue 11): a setting varied in the Sweep tab,
every variant trained side by side, and the parallel-coordinates chart on Runs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, encode
from conftest import DEFAULT_TIMEOUT_MS, VIEWPORT, started_server
from support import TRAINING_TIMEOUT_MS, main, wait_until_idle
from tflab.recipes import get_recipe


def open_sweep_tab(page: Page, recipe: str, epochs: int) -> None:
    spec = get_recipe(recipe).spec.with_setting("fit.epochs", epochs)
    page.goto(f"/build?{PARAM}={encode(spec)}")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    main(page).get_by_role("tab", name="Sweep").click()


def choose(page: Page, box: str, option: str) -> None:
    """Pick `option` in the multiselect labelled `box`."""
    main(page).get_by_role("combobox", name=re.compile(re.escape(box))).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def sweep_learning_rates(page: Page, values: str) -> None:
    """The linear recipe at 30 epochs in Build's Sweep tab, its learning rate to take `values`."""
    open_sweep_tab(page, "linear", 30)
    choose(page, "Settings to vary", "Learning rate")
    box = main(page).get_by_role("textbox", name="Values")
    box.fill(values)
    box.press("Enter")
    wait_until_idle(page)


@pytest.mark.slow
def test_a_sweep_started_in_build_ends_with_its_chart_on_runs(page: Page, screenshot):
    sweep_learning_rates(page, "0.001, 0.01, 0.05")
    expect(main(page).get_by_text("3 variants", exact=False).first).to_be_visible()
    main(page).get_by_role("button", name="Start sweep (3 runs)").click()

    page.wait_for_url(re.compile(r"/runs\?(.*&)?sweep=s\w+"))
    expect(main(page).get_by_role("heading", name="Sweeps")).to_be_visible()
    expect(main(page).get_by_text("Finished: every variant has ended.")).to_be_visible(
        timeout=TRAINING_TIMEOUT_MS)
    chart = main(page).locator(".js-plotly-plot").filter(has=page.locator(".parcoords"))
    expect(chart).to_have_count(1)
    # An axis for the learning rate, one for the result; a line per variant, the best named.
    expect(chart.locator(".parcoords .y-axis")).to_have_count(2)
    expect(chart.get_by_text(re.compile(r"★ the best: variant [123] \("))).to_be_visible()
    chart.scroll_into_view_if_needed()
    screenshot(page, "sweep")

    main(page).get_by_role("link", name="Open the best in Build").click()
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    expect(main(page).get_by_role("button", name="Train", exact=True)).to_be_enabled()


@pytest.mark.slow
def test_a_sweep_sent_to_ray_from_build_trains_there(browser, browser_errors, tmp_path):
    """The Ray choice starts a local Ray inside the server: its processes must outlive the
    page run that started them (they were killed with its thread, and the server too).

    On a server of its own: the Ray it starts lives as long as its server, and the shared
    server lives until the last test (its idle Ray cost the rest of a CI run about 2 min)."""
    with started_server(tmp_path, "--server.headless", "true",
                        "--browser.gatherUsageStats", "false") as port:
        context = browser.new_context(viewport=VIEWPORT, base_url=f"http://localhost:{port}")
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        browser_errors.watch(context)
        try:
            page = context.new_page()
            sweep_learning_rates(page, "0.01, 0.05")
            main(page).get_by_text("Ray cluster", exact=True).click()
            expect(main(page).get_by_role("textbox", name="Ray address")).to_have_value("local")
            main(page).get_by_role("button", name="Start sweep (2 runs)").click()

            page.wait_for_url(re.compile(r"/runs\?(.*&)?sweep=s\w+"),
                              timeout=TRAINING_TIMEOUT_MS)
            expect(main(page).get_by_text(re.compile(
                r"^Finished: every variant has ended\. 2 of 2 done · trained on a Ray cluster"
            ))).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
            expect(main(page).locator(".js-plotly-plot .parcoords")).to_have_count(1)
        finally:
            context.close()
