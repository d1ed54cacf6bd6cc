"""A new user's walk through the dashboard, in a real browser against a real server.

Each test starts from a fresh browser context and trains what it needs, so any one of
them runs alone. Each writes a screenshot of what it shows to docs/screenshots/, which
the README shows: the pictures are redrawn on every run and stay true.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, decode, encode
from tflab.data import load_dataset
from tflab.recipes import get_recipe

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT_RIGHT_EDGE = 1395
# The worker loads TensorFlow on its first run (about 10 s) and the server on its first
# model summary; on two busy cores a short run can take a minute end to end.
TRAINING_TIMEOUT_MS = 120_000
# The notes' 500 epochs on six points take under a second once TensorFlow is loaded:
# too fast to see the chart grow at the page's two refreshes a second.
LINEAR_EPOCHS = 3000

# The newest epoch and the number of points drawn in the "training" trace of the loss
# chart; Plotly keeps the figure it drew on the chart's element. Long curves are thinned
# to about 1,000 points with the newest epoch kept last. A chart being replaced can
# briefly sit beside its successor, so the largest epoch is the newest.
LOSS_CURVE_JS = """() => {
    let curve = {epoch: 0, points: 0};
    for (const chart of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
        const title = chart.layout && chart.layout.title && chart.layout.title.text || '';
        if (!/loss/.test(title)) continue;
        for (const trace of chart._fullData || []) {
            const epoch = trace.x.length ? Number(trace.x[trace.x.length - 1]) : 0;
            if (trace.name === 'training' && epoch > curve.epoch)
                curve = {epoch: epoch, points: trace.x.length};
        }
    }
    return curve;
}"""
LOSS_EPOCH_JS = f"() => ({LOSS_CURVE_JS})().epoch"

# Bars drawn in each top-k chart of the Predict page, one count per chart. While a page
# reruns, Streamlit keeps the last run's elements on screen marked stale: not counted.
BARS_PER_CHART_JS = """() => Array.from(
    document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]:not([data-stale="true"]) '
        + '.js-plotly-plot'),
    chart => chart.querySelectorAll('g.trace.bars path').length).filter(bars => bars > 0)"""
EXCEPTION_JS = """() => document.querySelector('[data-testid="stException"]') !== null"""
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


def screenshot(page: Page, name: str) -> None:
    """docs/screenshots/<name>.png of the page as drawn, once nothing is left loading."""
    page.mouse.move(VIEWPORT_RIGHT_EDGE, 500)  # no hover effects from the last click
    page.wait_for_function(DRAWN_JS, timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def run_id_of(page: Page) -> str:
    """The run the Train page shows, from its address (?run=...)."""
    page.wait_for_url(re.compile(r"/train\?(.*&)?run=\w+"))
    return parse_qs(urlparse(page.url).query)["run"][0]


def epochs_in_link(url: str) -> int | None:
    """The epochs of the experiment in Build's address, None before it holds one."""
    text = parse_qs(urlparse(url).query).get(PARAM)
    return decode(text[0]).fit.epochs if text else None


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


@pytest.mark.slow
def test_linear_recipe_trains_live_and_predicts_19_for_10(page: Page):
    page.goto("/")
    expect(main(page).get_by_role("heading", name="TF Lab", exact=True)).to_be_visible()
    wait_until_idle(page)
    screenshot(page, "recipes")

    card = main(page).get_by_test_id("stVerticalBlock").filter(
        has=page.get_by_role("heading", name="Linear regression")).last
    card.get_by_role("button", name="Open in Build").click()
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    expect(main(page).get_by_text("Recipe: linear.")).to_be_visible()

    # A person who wants to watch it learn asks for more epochs on the Compile & fit tab.
    main(page).get_by_role("tab", name="Compile & fit").click()
    epochs = main(page).get_by_label("Epochs", exact=True)
    epochs.fill(str(LINEAR_EPOCHS))
    epochs.press("Enter")
    page.wait_for_url(lambda url: epochs_in_link(url) == LINEAR_EPOCHS)
    run_id = press_train_in_build(page)

    # Two reads of the loss chart while the run trains: it reaches further epochs.
    first = page.wait_for_function(
        f"() => {{ const n = ({LOSS_EPOCH_JS})(); return n > 0 && n < {LINEAR_EPOCHS} ? n : 0; }}",
        timeout=TRAINING_TIMEOUT_MS).json_value()
    later = page.wait_for_function(
        f"() => {{ const n = ({LOSS_EPOCH_JS})(); return n > {first} ? n : 0; }}",
        timeout=TRAINING_TIMEOUT_MS).json_value()
    assert 0 < first < later, (first, later)
    wait_for_completion(page)
    expect(main(page).get_by_text(f"Epoch {LINEAR_EPOCHS} of {LINEAR_EPOCHS}")).to_be_visible()
    page.wait_for_function(f"() => ({LOSS_EPOCH_JS})() === {LINEAR_EPOCHS}")
    assert page.evaluate(LOSS_CURVE_JS)["points"] <= 1002  # 3,000 epochs, thinned
    wait_until_idle(page)
    assert_no_exception(page)
    screenshot(page, "train")

    open_page(page, "Predict")
    pick_run(page, run_id)
    # The answers' grid is drawn on a canvas; its cells are also in the page as the
    # grid's accessible table, which screen readers read.
    outputs = main(page).get_by_test_id("stDataFrame").filter(
        has=page.locator('th[role="columnheader"]', has_text="prediction"))
    row = outputs.locator('tr[role="row"]').filter(
        has=page.locator('td[aria-colindex="1"]', has_text=re.compile(r"^10$")))
    prediction = row.locator('td[aria-colindex="2"]')
    expect(prediction).to_have_text(re.compile(r"^-?\d"), timeout=60_000)
    assert float(prediction.text_content()) == pytest.approx(19.0, abs=0.1)
    assert_no_exception(page)


@pytest.mark.slow
def test_multiclass_predicts_an_uploaded_digit_and_names_a_file_that_is_not_an_image(
        page: Page, tmp_path):
    digit = digit_png(tmp_path, 0, "digit.png")
    another = digit_png(tmp_path, 1, "another-digit.png")
    notes = tmp_path / "notes.png"
    notes.write_text("Shopping: milk, bread.\n")

    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 3)
    page.goto(f"/build?{PARAM}={encode(spec)}")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    expect(main(page).get_by_role("button", name="Train")).to_be_enabled(timeout=60_000)
    wait_until_idle(page)
    screenshot(page, "build")
    run_id = press_train_in_build(page)
    wait_for_completion(page)
    expect(main(page).get_by_text("Epoch 3 of 3")).to_be_visible()

    open_page(page, "Predict")
    pick_run(page, run_id)
    upload(page, digit)
    assert top_k_charts(page, 1) == [3]
    wait_until_idle(page)
    screenshot(page, "predict")

    upload(page, notes)
    expect(main(page).get_by_text("'notes.png' is not an image")).to_be_visible()
    upload(page, another)
    assert top_k_charts(page, 2) == [3, 3]
    expect(main(page).get_by_text("'notes.png' is not an image")).to_be_visible()
    assert_no_exception(page)


@pytest.mark.slow
def test_two_uploads_with_the_same_name_both_predict(page: Page, tmp_path):
    """Photos from two folders are often both "photo.png"; each gets its own answer."""
    first = digit_png(tmp_path / "first", 0, "photo.png")
    second = digit_png(tmp_path / "second", 1, "photo.png")
    run_id = train_from_link(page, "multiclass", 1)
    open_page(page, "Predict")
    pick_run(page, run_id)
    upload(page, first)
    assert top_k_charts(page, 1) == [3]
    upload(page, second)
    expect(main(page).get_by_role("button", name="Remove photo.png", exact=True)).to_have_count(2)
    assert top_k_charts(page, 2) == [3, 3]


@pytest.mark.slow
def test_a_finished_run_shows_as_completed_without_a_reload(page: Page):
    run_id = train_from_link(page, "linear", 500)
    picker = main(page).get_by_role("combobox", name="Run", exact=True)
    expect(picker).to_have_value(re.compile(re.escape(run_id)))
    expect(picker).not_to_have_value(re.compile(r"queued|running"))  # no stale status
    expect(main(page).get_by_text(re.compile(r"^Completed in"))).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("title", ["Recipes", "Build", "Train", "Predict", "Runs"])
def test_every_page_loads_without_an_exception(page: Page, title: str):
    page.goto("/")
    expect(main(page).get_by_role("heading", name="TF Lab", exact=True)).to_be_visible()
    open_page(page, title)
    assert_no_exception(page)
    if title == "Runs":
        screenshot(page, "runs")
