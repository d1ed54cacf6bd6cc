"""What TF Lab teaches, in Chromium and in Spanish: the learning-rate finder on Build, the
coach on an overfitting run, and where the model looked on Predict.

Each part takes the README's screenshot of it (finder.png, coach.png, heat_maps.png; into
docs/screenshots/ when asked: `TFLAB_SCREENSHOTS=docs/screenshots`).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, encode
from made_specs import overfitting_spec
from support import main, top_class, top_k_charts, upload, wait_until_idle
from tflab.data.shapes import make_shapes
from tflab.recipes import get_recipe

RUN_TIMEOUT_MS = 120_000
NO_AUGMENTATION = {"rotation_range": 0.0, "width_shift_range": 0.0, "height_shift_range": 0.0,
                   "shear_range": 0.0, "zoom_range": 0.0, "horizontal_flip": False}


def train_in_spanish(page: Page, spec) -> str:
    """Open Build with `spec` in its address, press Entrenar, wait for the run's end."""
    page.goto(f"/build?{PARAM}={encode(spec)}")
    button = main(page).get_by_role("button", name="Entrenar", exact=True)
    expect(button).to_be_enabled(timeout=90_000)
    button.click()
    page.wait_for_url(re.compile(r"/train\?(.*&)?run=\w+"), timeout=90_000)
    expect(main(page).get_by_role("button", name="Detener")).to_be_disabled(
        timeout=RUN_TIMEOUT_MS)
    wait_until_idle(page)
    return re.search(r"run=(\w+)", page.url).group(1)


def test_the_finder_suggests_a_rate_and_one_click_uses_it(new_user, screenshot):
    page = new_user(locale="es-ES")
    page.goto("/build?recipe=multiclass")
    main(page).get_by_role("tab", name="Compilar y entrenar").click()
    rate = main(page).get_by_label("Tasa de aprendizaje", exact=True)
    expect(rate).to_have_value("0.0010")
    main(page).get_by_role("button", name="Buscar una tasa de aprendizaje").click()
    use = main(page).get_by_role("button", name=re.compile(r"^Usar "))
    expect(use).to_be_visible(timeout=RUN_TIMEOUT_MS)
    chart = main(page).locator(".js-plotly-plot").filter(
        has_text="La pérdida según crece la tasa de aprendizaje")
    expect(chart).to_be_visible()
    expect(main(page).get_by_text("Tasa de aprendizaje sugerida")).to_be_visible()
    wait_until_idle(page)
    # The button's tooltip stays up when the button was redrawn under the pointer: hover
    # it again, so that leaving it (screenshot moves the pointer away) closes it.
    main(page).get_by_role("button", name="Buscar una tasa de aprendizaje").hover()
    page.mouse.move(1395, 500)
    page.wait_for_timeout(800)  # the tooltip fades out
    main(page).get_by_text("Buscador de tasa de aprendizaje").evaluate(
        "title => title.scrollIntoView({block: 'start'})")
    screenshot(page, "finder")

    suggested = use.inner_text().split()[-1].replace(",", ".")
    use.click()
    expect(use).to_have_count(0)  # the experiment took the suggested rate: nothing to use
    wait_until_idle(page)
    assert float(rate.input_value()) == pytest.approx(float(suggested), rel=0.05)




@pytest.mark.slow
def test_the_coach_names_overfitting_and_offers_early_stopping(new_user, screenshot):
    page = new_user(locale="es-ES")
    train_in_spanish(page, overfitting_spec())
    heading = main(page).get_by_text("Consejos", exact=True)
    expect(heading).to_be_visible(timeout=60_000)
    expect(main(page).get_by_text(re.compile("^Sobreajuste"))).to_be_visible()
    expect(main(page).get_by_role("button", name=re.compile("^Probar: "))).not_to_have_count(0)
    heading.scroll_into_view_if_needed()
    page.mouse.wheel(0, 250)  # the findings under the heading, with the charts above them
    screenshot(page, "coach")


@pytest.mark.slow
def test_where_the_cnn_looked_at_a_drawn_triangle(new_user, tmp_path, screenshot):
    page = new_user(locale="es-ES")
    spec = get_recipe("cnn").spec.with_setting("fit.epochs", 12)
    for name, value in NO_AUGMENTATION.items():
        spec = spec.with_setting(f"augmentation.{name}", value)
    run_id = train_in_spanish(page, spec)

    page.goto(f"/predict?run={run_id}")
    expect(main(page).get_by_role("heading", name="Predecir", exact=True)).to_be_visible()
    wait_until_idle(page)
    for seed, shape in ((7, "triangle"), (8, "circle")):
        x, _ = make_shapes((shape,), 1, 150, seed)
        picture = tmp_path / f"{shape}.png"
        Image.fromarray(x[0].astype(np.uint8)).save(picture)
        upload(page, picture)
    assert top_k_charts(page, 2) == [2, 2]
    # 12 epochs without augmentation: the triangle at 61%, the circle at 88%. Class names
    # are the data's own, not translated.
    assert [top_class(page, f"{shape}.png") for shape in ("triangle", "circle")] \
        == ["triangle", "circle"]
    main(page).get_by_text("Dónde miró el modelo", exact=True).click()
    expect(main(page).get_by_text(re.compile("Grad-CAM")).first).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    main(page).locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    screenshot(page, "heat_maps")
