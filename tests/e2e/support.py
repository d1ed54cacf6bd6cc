"""What the end-to-end tests share (support, not a test file): finding the page's parts,
waiting until Streamlit is idle, training from Build or a link, uploading on Predict and
reading its answers, and taking screenshots.

Test files import from here, never from one another: a test file is collected as tests,
and importing it runs its module-level code in another test's module.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
from PIL import Image
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, encode
from tflab.data import load_dataset
from tflab.recipes import get_recipe

VIEWPORT_RIGHT_EDGE = 1395
# The worker loads TensorFlow on its first run (about 10 s) and the server on its first
# model summary; on two busy cores a short run can take a minute end to end.
TRAINING_TIMEOUT_MS = 120_000
# Bars drawn in each top-k chart of the Predict page, one count per chart. While a page
# reruns, Streamlit keeps the last run's elements on screen marked stale: not counted.
BARS_PER_CHART_JS = """() => Array.from(
    document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]:not([data-stale="true"]) '
        + '.js-plotly-plot'),
    chart => chart.querySelectorAll('g.trace.bars path').length).filter(bars => bars > 0)"""
EXCEPTION_JS = """() => document.querySelector('[data-testid="stException"]') !== null"""
# The likeliest class of each of those charts: its first bar's name (bars sorted, likeliest
# first).
TOP_CLASSES_JS = """() => Array.from(
    document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]:not([data-stale="true"]) '
        + '.js-plotly-plot'),
    chart => chart.querySelectorAll('g.trace.bars path').length ? String(chart.data[0].y[0]) : null
).filter(name => name !== null)"""
IDLE_JS = """() => document.querySelector(
    '[data-testid="stApp"][data-test-script-state="notRunning"]') !== null
    && document.querySelector('[data-stale="true"]') === null"""
# Drawn for a picture: no placeholder of a component still loading, every image and font in.
DRAWN_JS = """() => (%s)()
    && document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], '
                              + '[data-testid="stSpinner"]') === null
    && Array.from(document.images).every(image => image.complete)
    && document.fonts.status === 'loaded'""" % IDLE_JS


def main(page: Page):
    return page.get_by_test_id("stMain")


def open_page(page: Page, title: str) -> None:
    """Follow the sidebar's link to a page and wait until its script has run."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    heading = "TF Lab" if title == "Recipes" else title
    expect(main(page).get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_until_idle(page)


def wait_until_idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until no script runs and nothing on screen is left from an earlier run."""
    page.wait_for_function(IDLE_JS, timeout=timeout)


def assert_no_exception(page: Page) -> None:
    boxes = page.get_by_test_id("stException")
    assert boxes.count() == 0, "the page shows an exception:\n" + "\n".join(boxes.all_inner_texts())


def save_screenshot(page: Page, path: Path) -> None:
    """A PNG of the page as drawn, once nothing is left loading (the `screenshot` fixture
    says where: a test run's own folder unless asked for docs/screenshots/)."""
    page.mouse.move(VIEWPORT_RIGHT_EDGE, 500)  # no hover effects from the last click
    page.wait_for_function(DRAWN_JS, timeout=60_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path)


def run_id_of(page: Page) -> str:
    """The run the Train page shows, from its address (?run=...)."""
    page.wait_for_url(re.compile(r"/train\?(.*&)?run=\w+"))
    return parse_qs(urlparse(page.url).query)["run"][0]


def press_train_in_build(page: Page) -> str:
    """Build's primary Train button (not the sidebar's Train link); returns the run id."""
    button = main(page).get_by_role("button", name="Train", exact=True)
    expect(button).to_be_enabled()
    button.click()
    expect(main(page).get_by_role("heading", name="Train", exact=True)).to_be_visible()
    return run_id_of(page)


# A completed run says so, or, when it learned next to nothing, says what to change in
# its place (tflab.hints): short test runs on a few pictures often end near chance.
COMPLETED = re.compile(r"^Completed in|ended at .*, (near chance|no better than always predicting)")


def wait_for_completion(page: Page) -> None:
    """Wait until the Train page says the run completed and has redrawn itself for it."""
    expect(main(page).get_by_text(COMPLETED).first).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    # The page reruns once when its run ends, which turns Stop off; a click on another
    # page during that rerun can be lost, so wait for it.
    expect(main(page).get_by_role("button", name="Stop")).to_be_disabled()
    wait_until_idle(page)


def pick_run(page: Page, run_id: str) -> None:
    """Choose a run in the Predict page's "Run" box by its id."""
    choice = main(page).get_by_role("combobox", name="Run", exact=True)
    choice.click()
    page.get_by_role("option", name=re.compile(re.escape(run_id))).click()
    expect(choice).to_have_value(re.compile(re.escape(run_id)))
    wait_until_idle(page)


def train_from_link(page: Page, recipe: str, epochs: int, **options: str) -> str:
    """Open Build from a shared link with the recipe's spec (its data `options` changed),
    press Train, wait for the end."""
    spec = get_recipe(recipe).spec.with_setting("fit.epochs", epochs)
    for name, value in options.items():
        spec = spec.with_setting(f"data.options.{name}", value)
    page.goto(f"/build?{PARAM}={encode(spec)}")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    run_id = press_train_in_build(page)
    wait_for_completion(page)
    return run_id


def digit_png(folder: Path, index: int, name: str) -> Path:
    """A handwritten digit from the validation share, as the PNG a person would upload."""
    digits = load_dataset("digits", {}, 0.2, 42)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    Image.fromarray(np.clip(digits.x_val[index][..., 0], 0, 255).astype(np.uint8)).save(path)
    return path


def upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(path)
    expect(main(page).get_by_role("button", name=f"Remove {path.name}", exact=True).last) \
        .to_be_visible()


def top_k_charts(page: Page, count: int) -> list[int]:
    """Wait until `count` top-k charts are drawn or the page fails; returns their bar counts."""
    page.wait_for_function(f"({EXCEPTION_JS})() || ({BARS_PER_CHART_JS})().length >= {count}",
                           timeout=60_000)
    assert_no_exception(page)
    return page.evaluate(BARS_PER_CHART_JS)


# While the first person's Build page loads TensorFlow into the server, on two busy cores
# the second person's page can take longer than Playwright's 30 s to arrive.
PAGE_TIMEOUT_MS = 90_000


def queue_from_link(page: Page, recipe: str, epochs: int) -> str:
    """Open Build from a link with the recipe at `epochs`, press Train; returns the run id."""
    spec = get_recipe(recipe).spec.with_setting("fit.epochs", epochs)
    page.goto(f"/build?{PARAM}={encode(spec)}", wait_until="commit")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    expect(main(page).get_by_role("button", name="Train", exact=True)).to_be_enabled(
        timeout=PAGE_TIMEOUT_MS)
    return press_train_in_build(page)


def answer_box(page: Page, name: str):
    """The bordered box of one uploaded picture on Predict: its caption, chart and notes."""
    return (main(page).get_by_test_id("stVerticalBlock")
            .filter(has=page.get_by_test_id("stImageCaption").get_by_text(name, exact=True))
            .filter(has=page.locator(".js-plotly-plot")).last)


# The likeliest class in the answer of the uploaded picture captioned `name`: the chart of
# the nearest box around its caption that holds a chart; null when that box holds more
# than one (the caption is not in an answer's box) or the picture has no caption yet.
TOP_CLASS_OF_JS = """name => {
    const captions = Array.from(document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]:not([data-stale="true"]) '
        + '[data-testid="stImageCaption"]')).filter(caption => caption.textContent.trim() === name);
    if (captions.length !== 1) return null;
    let box = captions[0].parentElement;
    while (box && !box.querySelector('.js-plotly-plot')) box = box.parentElement;
    const charts = box ? box.querySelectorAll('.js-plotly-plot') : [];
    return charts.length === 1 ? String(charts[0].data[0].y[0]) : null;
}"""


def top_class(page: Page, name: str) -> str:
    """The most likely class in the answer of the picture uploaded as `name`, as its top-k
    chart names it (bars sorted, likeliest first: `components.class_charts.top_k_chart`)."""
    wait_until_idle(page)
    answer = page.evaluate(TOP_CLASS_OF_JS, name)
    assert answer is not None, f"no answer of its own for {name!r} on the page"
    return answer


def top_classes(page: Page) -> list[str]:
    """The most likely class of every top-k chart drawn on Predict, in the page's order
    (stale charts of an earlier run left out, as `top_k_charts` counts them)."""
    return page.evaluate(TOP_CLASSES_JS)


def digit_label(index: int) -> str:
    """The class of the validation digit `digit_png` saves for `index`, as Predict names it."""
    return str(load_dataset("digits", {}, 0.2, 42).y_val[index])
