"""Issue 9: the Train page's charts are drawn once and updated in place while a run
trains, so what a person does to a chart stays; Plotly.js comes from the dashboard's
own server, never from the network."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support import PAGE_TIMEOUT_MS, main, queue_from_link, train_from_link, wait_until_idle

# The loss chart's Plotly <div>, found by its title: the page draws one chart a metric.
LOSS_GRAPH = """() => [...document.querySelectorAll('.tflab-live-chart.js-plotly-plot')]
    .find(graph => graph.layout && graph.layout.title && graph.layout.title.text === 'loss')"""


def on_loss_graph(page: Page, body: str):
    """Evaluate `body` (JavaScript, with `graph` the loss chart's <div>) in the page."""
    return page.evaluate(f"() => {{ const graph = ({LOSS_GRAPH})(); {body} }}")


# The newest epoch on the loss chart's training curve, as the browser has drawn it.
NEWEST_EPOCH = f"""(() => {{ const graph = ({LOSS_GRAPH})();
    const curve = graph && graph.data.find(trace => trace.name === 'training');
    return curve && curve.x.length ? curve.x[curve.x.length - 1] : 0; }})()"""


def newest_epoch(page: Page) -> int:
    return page.evaluate(NEWEST_EPOCH)


def wait_for_more_epochs(page: Page, than: int, more: int = 5) -> int:
    """Wait until the chart has drawn `more` epochs past `than`; returns the newest."""
    page.wait_for_function(f"() => {NEWEST_EPOCH} >= {than + more}", timeout=PAGE_TIMEOUT_MS)
    return newest_epoch(page)


def test_the_loss_chart_is_updated_in_place_and_keeps_what_the_person_did(new_user, server):
    page = new_user()
    # Streamlit's own request for the tab's icon font is the one allowed (see conftest);
    # blob: and data: addresses are the page's own (the chart's script is one).
    external = []
    page.on("request", lambda request: external.append(request.url)
            if request.url.startswith("http") and not request.url.startswith(server)
            and "fonts.gstatic.com" not in request.url else None)
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url)
            if request.url.endswith("/plotly.min.js") else None)
    queue_from_link(page, "linear", 8000)
    expect(main(page).get_by_role("button", name="Stop")).to_be_enabled()
    first = wait_for_more_epochs(page, than=0, more=3)

    # The same DOM node later is the same chart: a new one would not carry the mark.
    on_loss_graph(page, "graph.__markedByTest = true;")
    # Follow off: a range the person sets stays exactly where they put it.
    main(page).get_by_text("Follow the newest epoch").click()
    expect(main(page).get_by_role("switch", name="Follow the newest epoch")).not_to_be_checked()
    # An update already on its way when the switch turned still follows: wait for one
    # drawn after it (a person's zoom in that half second would slide once).
    page.wait_for_function(f"() => ({LOSS_GRAPH})().dataset.follow === 'false'",
                           timeout=PAGE_TIMEOUT_MS)
    on_loss_graph(page, "return Plotly.relayout(graph, {'xaxis.range': [1, 3]});")
    # Hidden from its legend entry, as a person does (Plotly keeps a change made in its
    # own interface across updates, not one made by a script's Plotly.restyle).
    loss_chart = page.locator(".tflab-live-chart").filter(
        has=page.locator(".gtitle", has_text=re.compile(r"^loss$")))
    loss_chart.locator(".legend .traces").filter(has_text="best training").locator(
        ".legendtoggle").click()
    page.wait_for_function(f"""() => {{ const graph = ({LOSS_GRAPH})();
        return graph && graph._fullData.find(
            trace => trace.name.startsWith('best')).visible === 'legendonly'; }}""")
    later = wait_for_more_epochs(page, than=newest_epoch(page))
    kept = on_loss_graph(page, """return {marked: graph.__markedByTest === true,
        range: graph._fullLayout.xaxis.range,
        best: graph._fullData.find(trace => trace.name.startsWith('best')).visible};""")
    assert kept == {"marked": True, "range": [1, 3], "best": "legendonly"}, (first, later)

    # Follow on: the chosen width slides along with the newest epoch.
    main(page).get_by_text("Follow the newest epoch").click()
    expect(main(page).get_by_role("switch", name="Follow the newest epoch")).to_be_checked()
    page.wait_for_function(f"() => ({LOSS_GRAPH})().dataset.follow === 'true'",
                           timeout=PAGE_TIMEOUT_MS)
    newest = wait_for_more_epochs(page, than=later)
    start, end = on_loss_graph(page, "return graph._fullLayout.xaxis.range;")
    assert end - start == pytest.approx(2)
    assert end >= newest - 1  # an update may be on its way; the window is at the newest
    assert on_loss_graph(page, "return graph.__markedByTest === true;")

    stop = main(page).get_by_role("button", name="Stop")
    if stop.is_enabled():
        stop.click()
    expect(stop).to_be_disabled(timeout=PAGE_TIMEOUT_MS)  # stopped, or done first
    # The page runs once more for the run's end: the chart, the same node, keeps its range.
    wait_until_idle(page)
    assert on_loss_graph(page, """return graph.__markedByTest === true
        && Math.abs(graph._fullLayout.xaxis.range[1] - graph._fullLayout.xaxis.range[0] - 2)
           < 1e-9;""")
    assert len(loaded) == 1, loaded  # Plotly.js once, from the dashboard's server
    assert external == []


# The live view's <div> (decision boundary, matrix, fitted line or forecast): its title
# ends with the epoch it shows.
VIEW_GRAPH = """() => [...document.querySelectorAll('.tflab-live-chart.js-plotly-plot')]
    .find(graph => graph.layout && graph.layout.title
          && / · epoch \\d+$/.test(graph.layout.title.text))"""


def view_drawn(page: Page) -> dict:
    """The view's title and its boundary's probabilities as the browser drew them."""
    return page.evaluate(f"""() => {{ const graph = ({VIEW_GRAPH})();
        const heat = graph._fullData.find(trace => trace.type === 'heatmap');
        return {{title: graph.layout.title.text, marked: graph.__markedByTest === true,
                 z: Array.from(heat.z, row => Array.from(row))}}; }}""")


def test_the_epoch_slider_goes_back_to_epoch_1_and_on_to_predict_with_that_model(page: Page):
    """Issue 9: a finished spiral run; the slider under its view moves the boundary back
    to epoch 1, on the same chart, and links to Predict with the weights kept then."""
    run_id = train_from_link(page, "binary_points", 60, pattern="spiral")
    page.wait_for_function(f"() => !!({VIEW_GRAPH})()", timeout=PAGE_TIMEOUT_MS)
    page.evaluate(f"() => {{ ({VIEW_GRAPH})().__markedByTest = true; }}")
    last = view_drawn(page)
    assert re.search(r"· epoch (\d+)$", last["title"]).group(1) != "1"

    thumb = main(page).get_by_role("slider", name="Epoch shown")
    thumb.focus()
    page.keyboard.press("Home")  # the first kept epoch: 1
    page.wait_for_function(f"() => ({VIEW_GRAPH})().layout.title.text.endsWith('· epoch 1')",
                           timeout=PAGE_TIMEOUT_MS)
    first = view_drawn(page)
    assert first["marked"]  # the same chart, redrawn in place
    assert max(abs(a - b) for row_a, row_b in zip(first["z"], last["z"])
               for a, b in zip(row_a, row_b)) > 0.1

    main(page).get_by_role("link", name="Predict with the model as it was at epoch 1").click()
    expect(main(page).get_by_role("heading", name="Predict", exact=True)).to_be_visible()
    expect(main(page).get_by_role("combobox", name="Model")).to_have_value(
        re.compile(r"^epoch 1 \(the first"))
    assert run_id in page.url
