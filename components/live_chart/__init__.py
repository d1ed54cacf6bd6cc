"""A live Plotly chart: drawn once, then updated in place as a run's data arrives.

`st.plotly_chart` makes a new chart for each new figure, so a person's zoom is lost at
every refresh of the Train page. This chart is a Streamlit components v2 element with a
fixed key: each refresh sends the new figure to the same element, whose JavaScript
(`live_chart.js`) passes it to `Plotly.react` on the same <div> with a constant
`uirevision`. Zoom, pan and hidden legend entries stay; with `follow` on, an x range the
person chose slides to keep the newest point in view.

Plotly.js is the installed `plotly` package's `plotly.min.js`, served by Streamlit as
this component's asset (`/_stcore/bidi-components/tflab.live_chart/plotly.min.js`) and
loaded once per page: nothing comes from the network, and an update carries only the
figure. Figures are still built by the pure builders (`components.curves`...).

Example:

>>> from components import curves
>>> live_chart(curves.metric_chart({"loss": [(1, 0.5)]}, "loss"), key="train.metric.loss",
...            follow=True)                                   # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Hashable

import plotly
import plotly.graph_objects as go
import streamlit as st
from streamlit.components.v2 import component

from components.language import words

NAME = "tflab.live_chart"
PLOTLY_FILE = "plotly.min.js"
_SCRIPT = (Path(__file__).parent / "live_chart.js").read_text(encoding="utf-8")
# Plotly's styles go to the page's <head>: in a shadow root its modebar and hover labels
# would be unstyled.
_mount = component(NAME, js=_SCRIPT, isolate_styles=False)


def plotly_url(base_url_path: str = "") -> str:
    """Where the page loads Plotly.js from: this component's asset route on the server.

    Example:

    >>> plotly_url(), plotly_url("/lab/")
    ('/_stcore/bidi-components/tflab.live_chart/plotly.min.js', '/lab/_stcore/bidi-components/tflab.live_chart/plotly.min.js')
    """
    base = base_url_path.strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/_stcore/bidi-components/{NAME}/{PLOTLY_FILE}"


def payload(figure: go.Figure | dict, follow: bool = False, base_url_path: str = "") -> dict:
    """What one update sends to the page: the figure as JSON, whether to follow, Plotly's URL.

    Args:
        figure: the chart, as a builder (`components.curves`...) makes it, or already as
            `encode` gives it.
        follow: whether an x range the person set slides to the newest point.
            Defaults to False: their range stays where they put it.
        base_url_path: the server's `server.baseUrlPath`. Defaults to "".

    Example:

    >>> sent = payload(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), follow=True)
    >>> sent["follow"], sent["figure"]["data"][0]["x"]
    (True, [1, 2])
    """
    return {"figure": figure if isinstance(figure, dict) else encode(figure),
            "follow": bool(follow), "plotly_url": plotly_url(base_url_path)}


def encode(figure: go.Figure) -> dict:
    """The figure as plain JSON data, through Plotly's own encoder (it turns numpy arrays
    into typed arrays Plotly.js reads, and NaN into null)."""
    return json.loads(figure.to_json())


def live_chart(figure: go.Figure | Callable[[], go.Figure], *, key: str, follow: bool = False,
               signature: Hashable | None = None) -> None:
    """Draw `figure`, or update the chart already drawn under `key` in place.

    Args:
        figure: the chart, as a builder (`components.curves`...) makes it, or a function
            that builds it.
        key: the chart's identity across refreshes: the same key is the same chart.
        follow: whether an x range the person set slides to the newest point.
            Defaults to False.
        signature: what the chart is drawn from (for example the run and its newest
            epoch). A figure is built once per `key`, signature and language for every
            session of the server (`_shared`). Defaults to None: always built.
    """
    _serve_plotly()
    if signature is not None:  # the same data says other words after a language switch
        signature = (signature, words().language)  # read only: never writes the address
    encoded = (encode(figure() if callable(figure) else figure) if signature is None
               else _shared(key, signature, figure))
    sent = payload(encoded, follow, st.get_option("server.baseUrlPath"))
    # The browser skips redrawing a figure it has drawn already (Plotly.react still lays
    # a chart out again, and a busy CPU trains at the same time).
    sent["revision"] = None if signature is None else repr(signature)
    sent["key"] = key  # the browser keeps the chart under it when the element is remade
    _mount(key=key, data=sent, width="stretch", height="content")


# A refresh five times a second mostly finds the same data, and ten people watching one
# run ask for the same figures: building a Plotly figure (tens of ms) once per change for
# all of them leaves the server's one Python process to their refreshes (issue 12).
# Bounded: a run's older figures are never asked for again.
@st.cache_resource(max_entries=128, ttl=120, show_spinner=False)
def _shared(key: str, signature: Hashable, _figure: go.Figure | Callable[[], go.Figure]) -> dict:
    """The figure under `key` drawn from `signature`, encoded: built by the first session
    that asks, sent as it is to the others (never changed: `payload` wraps it)."""
    return encode(_figure() if callable(_figure) else _figure)


def _serve_plotly() -> None:
    """Make the installed plotly package's folder of Plotly.js this component's asset folder.

    Streamlit serves a v2 component's files only from an asset folder declared by an
    installed package's manifest; the dashboard is not installed, so the manifest is
    registered here, on the running server's component manager (each AppTest has its own).
    """
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    manager = get_bidi_component_manager()
    if manager.get_component_path(NAME) is not None:
        return
    project, component = NAME.split(".")
    manager.register_from_manifest(
        ComponentManifest(name=project, version=plotly.__version__,
                          components=[ComponentConfig(name=component, asset_dir="package_data")]),
        Path(plotly.__file__).parent)
