// A Plotly chart that a Streamlit components v2 element draws once and then updates in
// place: each new payload goes through Plotly.react on the same <div>, with a constant
// uirevision, so what the person did (zoom, pan, legend entries hidden) stays.
//
// Plotly.js itself is not in this file: it is the installed plotly package's
// plotly.min.js, served by Streamlit as this component's asset and loaded once per page
// with a <script> tag (data.plotly_url), then shared by every chart of the page.

const UIREVISION = "tflab-live-chart";
const TOOLBAR_HEIGHT = 28; // px

function loadPlotly(url) {
  // One load per page, however many charts ask: the promise lives on window. A
  // window.Plotly already there (Streamlit's own charts may set one) is not used: the
  // charts draw with the version the figures were built for.
  if (!window.__tflabPlotly) {
    window.__tflabPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error(`Plotly.js did not load from ${url}`));
      document.head.appendChild(script);
    });
  }
  return window.__tflabPlotly;
}

function newestX(data) {
  let newest = -Infinity;
  for (const trace of data) {
    for (const x of trace.x || []) {
      if (typeof x === "number" && x > newest) newest = x;
    }
  }
  return newest;
}

// The x range to draw: the figure's own until the person sets one; theirs afterwards,
// slid to the newest point when `follow` is on (same width), kept as is when off.
function xRange(graph, data, follow) {
  const chosen = graph.__tflabRange;
  if (!chosen) return null;
  if (!follow) return chosen;
  const newest = newestX(data);
  const [start, end] = chosen;
  if (!(newest > end)) return chosen;
  const width = end - start;
  const slid = [newest - 0.95 * width, newest + 0.05 * width];
  graph.__tflabRange = slid;
  return slid;
}

function watchRange(graph) {
  // Only the person's relayouts: Plotly.react emits plotly_react, not plotly_relayout.
  graph.on("plotly_relayout", (event) => {
    if (event["xaxis.autorange"]) {
      graph.__tflabRange = null;
    } else if (event["xaxis.range[0]"] !== undefined) {
      graph.__tflabRange = [event["xaxis.range[0]"], event["xaxis.range[1]"]];
    } else if (Array.isArray(event["xaxis.range"])) {
      graph.__tflabRange = event["xaxis.range"].slice();
    }
  });
}

// The charts drawn on this page by key, newest last: when Streamlit mounts a chart's
// element again (a full page run, as when a run ends), the same graph moves into it,
// with the person's zoom and hidden legend entries, instead of a new one.
const KEPT_CHARTS = 16;

function graphFor(key, parentElement) {
  const charts = window.__tflabCharts || (window.__tflabCharts = new Map());
  let graph = parentElement.querySelector(".tflab-live-chart");
  if (!graph && key) {
    graph = charts.get(key) || null;
    if (graph) parentElement.appendChild(graph);
  }
  if (!graph) {
    graph = document.createElement("div");
    graph.className = "tflab-live-chart";
    parentElement.appendChild(graph);
  }
  if (key) {
    charts.delete(key);
    charts.set(key, graph);
    for (const [old, kept] of charts) {
      if (charts.size <= KEPT_CHARTS) break;
      charts.delete(old);
      if (!kept.isConnected && window.Plotly) window.Plotly.purge(kept);
    }
  }
  return graph;
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data || !data.figure) return;
  const graph = graphFor(data.key, parentElement);
  const figure = data.figure;
  const layout = { ...(figure.layout || {}), uirevision: UIREVISION };
  // Plotly's toolbar sits at the top right, where the figures put their legend: move the
  // plot down by the toolbar's height so every legend entry can still be clicked.
  const margin = layout.margin || {};
  layout.margin = { ...margin, t: (margin.t ?? 28) + TOOLBAR_HEIGHT };
  layout.height = (layout.height || 340) + TOOLBAR_HEIGHT;
  graph.style.height = `${layout.height}px`;
  // The same figure again (the page refreshes faster than most charts change): nothing
  // to draw. A revision is the data the server built the figure from.
  const revision = data.revision == null ? null : `${data.revision}|${!!data.follow}`;
  if (revision !== null && revision === graph.__tflabRevision) return;
  graph.__tflabRevision = revision;
  // Updates can arrive faster than Plotly.js loads: only the newest is drawn.
  graph.__tflabNext = { data: figure.data || [], layout, follow: !!data.follow };
  loadPlotly(data.plotly_url).then((Plotly) => {
    const next = graph.__tflabNext;
    if (!next) return;
    graph.__tflabNext = null;
    // What the newest update said, for a test or a person's tools to read: an update
    // already on its way when the toggle changed still carries the old value.
    graph.dataset.follow = String(next.follow);
    const range = xRange(graph, next.data, next.follow);
    if (range) {
      next.layout.xaxis = { ...(next.layout.xaxis || {}), range, autorange: false };
    }
    const first = !graph.__tflabDrawn;
    return Plotly.react(graph, next.data, next.layout,
                        { responsive: true, displaylogo: false }).then(() => {
      if (first) {
        graph.__tflabDrawn = true;
        watchRange(graph);
      }
    });
  });
}
