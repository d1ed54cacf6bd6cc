"""The layer rows on Build, in Chromium: every box shows its whole value."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, encode
from support import main, wait_until_idle
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec

# Each value the longest its box can hold (leaky_relu, horizontal_and_vertical, causal, a
# four-digit number), and the longest layer type, so the row widths meet their worst case.
IMAGE_LAYERS = [
    {"type": "RandomFlip", "mode": "horizontal_and_vertical"},
    {"type": "RandomRotation", "factor": 0.1, "fill_mode": "constant"},
    {"type": "RandomTranslation", "height_factor": 0.1, "width_factor": 0.1,
     "fill_mode": "reflect"},
    {"type": "RandomShear", "x_factor": 0.1, "fill_mode": "nearest"},
    {"type": "RandomZoom", "height_factor": 0.1, "fill_mode": "wrap"},
    {"type": "Rescaling", "scale": 0.5, "offset": 0.0},
    {"type": "Conv2D", "filters": 1024, "kernel_size": 15, "strides": 8, "padding": "valid",
     "activation": "leaky_relu"},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "GlobalAveragePooling2D"},
    {"type": "Dense", "units": 8192, "activation": "leaky_relu"},
    {"type": "Dropout", "rate": 0.95},
    {"type": "Dense", "units": 1, "activation": "sigmoid"},
]
SERIES_LAYERS = [
    {"type": "Conv1D", "filters": 1024, "kernel_size": 64, "strides": 1, "padding": "causal",
     "activation": "leaky_relu"},
    {"type": "LSTM", "units": 2048, "return_sequences": True},
    {"type": "LSTM", "units": 64, "return_sequences": True},
    {"type": "Dense", "units": 1, "activation": "softplus"},
    {"type": "Rescaling", "scale": 400.0, "offset": 0.0},
]

# Every select and number box in the layer rows (the Layers tab's columns; hidden tabs
# have no width) whose text is wider than the box shows.
CLIPPED_JS = """() => Array.from(document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stColumn"] input'))
    .filter(box => box.type !== 'checkbox' && box.getBoundingClientRect().width > 0)
    .map(box => ({label: box.getAttribute('aria-label'), value: box.value,
                  text: box.scrollWidth, shown: box.clientWidth}))"""


def with_layers(recipe: str, layers: list[dict]) -> ExperimentSpec:
    data = get_recipe(recipe).spec.to_dict()
    data["model"]["layers"] = layers
    data["augmentation"] = {}
    return ExperimentSpec.from_dict(data)


@pytest.mark.parametrize("spec", [with_layers("cnn", IMAGE_LAYERS),
                                  with_layers("time_series", SERIES_LAYERS)],
                         ids=["images", "series"])
def test_every_box_of_the_layer_rows_shows_its_whole_value(page: Page, spec):
    """Issue 8: the activation box cut "sigmoid" to "sigmo"."""
    page.goto(f"/build?{PARAM}={encode(spec)}")
    main(page).get_by_role("tab", name="Layers").click()
    expect(main(page).get_by_role("combobox", name=f"Layer {len(spec.model.layers)}",
                                  exact=True)).to_be_visible(timeout=60_000)
    wait_until_idle(page)

    boxes = page.evaluate(CLIPPED_JS)

    rows = len(spec.model.layers)
    assert {f"Layer {row}" for row in range(1, rows + 1)} <= {box["label"] for box in boxes}
    assert "leaky_relu" in {box["value"] for box in boxes}
    clipped = [box for box in boxes if box["text"] > box["shown"]]
    assert clipped == [], clipped


def test_a_learning_rate_typed_out_of_range_is_named_and_keeps_train_off(page: Page):
    """Issue 12: a box with a maximum refused 50 in the browser (red, unseen by the page),
    and Train stayed on, training with the old rate."""
    spec = get_recipe("linear").spec
    page.goto(f"/build?{PARAM}={encode(spec)}")
    main(page).get_by_role("tab", name="Compile & fit").click()
    rate = main(page).get_by_role("spinbutton", name="Learning rate")
    rate.fill("50")
    rate.press("Enter")
    wait_until_idle(page)
    expect(main(page).get_by_text("compile.learning_rate").first).to_be_visible()
    expect(main(page).get_by_text("received 50").first).to_be_visible()
    expect(main(page).get_by_role("button", name="Train", exact=True)).to_be_disabled()
