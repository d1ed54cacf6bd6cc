"""The live chart's Python side: what each update sends, and where Plotly.js comes from."""

import doctest
import json
from pathlib import Path

import numpy as np
import plotly

import components.live_chart
from components import curves, data_figures
from components.live_chart import NAME, PLOTLY_FILE, payload, plotly_url


def test_docstring_examples_run():
    result = doctest.testmod(components.live_chart)
    assert result.attempted >= 3 and result.failed == 0


def test_an_update_carries_the_figure_as_plain_json_and_no_plotly_js():
    history = {"loss": [(1, 0.9), (2, float("nan")), (3, 0.4)]}
    sent = payload(curves.metric_chart(history, "loss", total_epochs=10), follow=True)
    text = json.dumps(sent, allow_nan=False)  # NaN went through Plotly's encoder as null
    assert len(text) < 20_000
    [curve] = [t for t in sent["figure"]["data"] if t["name"] == "training"]
    assert curve["x"] == [1, 2, 3] and curve["y"][1] is None
    assert sent["follow"] is True and sent["figure"]["layout"]["title"]["text"] == "loss"


def test_numpy_data_of_the_live_view_becomes_lists():
    grid = np.linspace(-1, 1, 5)
    figure = data_figures.decision_boundary_chart(grid, grid, np.full((5, 5), 0.5),
                                                  np.zeros(4), np.ones(4),
                                                  np.array([0, 1, 0, 1]))
    assert json.dumps(payload(figure)["figure"])


def test_plotly_js_is_the_installed_plotly_packages_and_served_under_the_components_route():
    served = Path(plotly.__file__).parent / "package_data" / PLOTLY_FILE
    assert served.stat().st_size > 1_000_000
    assert plotly_url("") == f"/_stcore/bidi-components/{NAME}/{PLOTLY_FILE}"
    assert plotly_url("/lab") == f"/lab/_stcore/bidi-components/{NAME}/{PLOTLY_FILE}"


def test_an_update_of_a_10000_epoch_run_stays_small():
    """Issue 9: long curves are thinned before they are sent, so an update of the longest
    run a spec allows weighs about what a 1,000-epoch one does."""
    rng = np.random.default_rng(0)
    curve = rng.random(10_000) + 1 / np.arange(1, 10_001)
    history = {name: [(n, float(v)) for n, v in enumerate(curve, 1)] for name in ("loss", "val_loss")}
    sent = json.dumps(payload(curves.metric_chart(history, "loss", total_epochs=10_000)))
    assert len(sent) < 100_000  # 62 KB measured
    [curve] = [t for t in json.loads(sent)["figure"]["data"] if t["name"] == "training"]
    assert curve["x"][-1] == 10_000 and len(curve["x"]) <= 1_100
