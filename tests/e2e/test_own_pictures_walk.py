"""Your own pictures, end to end in Chromium: upload a zip of two classes, train, read the
confusion matrix, click a cell, then predict an uploaded picture."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from support import (assert_no_exception, main, pick_run, press_train_in_build, top_class,
                     top_k_charts, upload, wait_for_completion, wait_until_idle)
from tflab.data.shapes import make_shapes


def shapes_zip(path: Path, per_class: int = 30) -> Path:
    """A zip of class folders, as a person would make from two folders of pictures."""
    x, y = make_shapes(("circle", "square"), per_class, 64, 3)
    with zipfile.ZipFile(path, "w") as archive:
        for i, (image, label) in enumerate(zip(x, y)):
            buffer = io.BytesIO()
            Image.fromarray(image.astype(np.uint8)).save(buffer, "PNG")
            archive.writestr(f"my shapes/{('circle', 'square')[label]}/{i}.png", buffer.getvalue())
    return path


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the main area's select box called `label`."""
    box = main(page).get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return  # typing the name shown lists no options
    box.click()
    box.fill(option)  # the box filters its list as a person types
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
    wait_until_idle(page)


def click_cell(page: Page, run_id: str, row: int, column: int, classes: int) -> None:
    """Click the confusion matrix's cell in `row` (true class) and `column` (predicted)."""
    cells = main(page).locator(f".st-key-evaluate-matrix-{run_id} .nsewdrag")  # the grid
    expect(cells).to_be_visible()
    box = cells.bounding_box()
    page.mouse.click(box["x"] + box["width"] * (column + 0.5) / classes,
                     box["y"] + box["height"] * (row + 0.5) / classes)
    wait_until_idle(page)


def shows_cell(page: Page, true: str, predicted: str) -> None:
    """The gallery is the cell's, and the select boxes name it."""
    expect(main(page).get_by_text(re.compile(
        rf"validation example\(s\) of class {true} predicted as {predicted}"))).to_be_visible()
    expect(main(page).get_by_role("combobox", name="True class", exact=True)).to_have_value(true)
    expect(main(page).get_by_role("combobox", name="Predicted as", exact=True)) \
        .to_have_value(predicted)


@pytest.mark.slow
def test_a_zip_of_two_classes_trains_shows_its_mistakes_and_predicts(page: Page, tmp_path):
    page.goto("/build?recipe=binary_images")
    expect(main(page).get_by_role("heading", name="Build", exact=True)).to_be_visible()
    wait_until_idle(page)
    choose(page, "Dataset", "Your own pictures (folder)")
    expect(main(page).get_by_text(re.compile("Upload a zip of class folders first")).first) \
        .to_be_visible()

    archive = shapes_zip(tmp_path / "shapes.zip")
    main(page).locator('input[type="file"][accept*=".zip"]').set_input_files(archive)
    expect(main(page).get_by_text(re.compile(r"60 pictures in 2 classes \(circle: 30, square: 30\)"))) \
        .to_be_visible(timeout=60_000)
    wait_until_idle(page)
    assert_no_exception(page)

    press_train_in_build(page)
    wait_for_completion(page)
    expect(main(page).get_by_role("heading", name="Where it goes wrong")).to_be_visible(
        timeout=60_000)
    wait_until_idle(page)
    run_id = page.url.split("run=")[1].split("&")[0]
    choose(page, "True class", "circle")  # the boxes first: the click must move them
    choose(page, "Predicted as", "circle")
    shows_cell(page, "circle", "circle")
    click_cell(page, run_id, row=1, column=0, classes=2)
    shows_cell(page, "square", "circle")
    choose(page, "Predicted as", "square")  # after a click the boxes still choose
    shows_cell(page, "square", "square")
    assert_no_exception(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Predict", exact=True).click()
    expect(main(page).get_by_role("heading", name="Predict", exact=True)).to_be_visible()
    wait_until_idle(page)
    pick_run(page, run_id)
    x, _ = make_shapes(("circle",), 10, 64, 99)
    picture = tmp_path / "my circle.png"
    Image.fromarray(x[0].astype(np.uint8)).save(picture)
    upload(page, picture)
    assert top_k_charts(page, 1) == [2]
    # The answer names a class by its folder in the zip. Which one is not checked: the
    # recipe's dense network on 48 training pictures ends near chance (this circle came
    # out "square"); the drawn digits and the CNN's shapes check known classes.
    assert top_class(page, picture.name) in {"circle", "square"}
    expect(main(page).get_by_text("what the model sees")).to_be_visible()
    assert_no_exception(page)
