"""What every chart builder shares (components/chart_style.py and the builders): the
look, plain JSON without NaN, a new figure each call, no Streamlit or TensorFlow loaded,
and nothing mutable kept at module level."""

import importlib
import json
import subprocess
import sys
import types
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.class_charts import confusion_chart, top_k_chart
from components.curves import batch_chart, metric_chart, overlay_chart
from components.data_figures import (decision_boundary_chart, points_chart, regression_chart,
                                     series_chart)

REPO = Path(__file__).resolve().parents[2]
NAN = float("nan")
BUILDERS = ("components.chart_style", "components.curve_points", "components.curves",
            "components.data_figures", "components.class_charts", "components.sweep_figures")
TWO_RUNS = {"a": {"loss": [(1, 0.9), (2, 0.5)]},
            "b": {"loss": [(1, 0.8), (2, 0.3)], "val_loss": [(1, 0.9), (2, NAN)]}}


def test_import_loads_neither_streamlit_nor_tensorflow():
    code = (f"import sys, {', '.join(BUILDERS)}; "
            "print(sorted(m for m in sys.modules"
            " if m.split('.')[0] in ('streamlit', 'tensorflow', 'keras')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", BUILDERS)
def test_module_level_values_are_immutable(name):
    module = importlib.import_module(name)
    public = {key: value for key, value in vars(module).items()
              if not key.startswith("__") and not callable(value)
              and not isinstance(value, types.ModuleType)
              and key not in ("annotations", "History")}
    assert public, "the module's constants should be found"
    mutable = {key for key, value in public.items()
               if not isinstance(value, (str, int, float, tuple, frozenset))}
    assert mutable == set()


ALL_FIGURES = {
    "metric": lambda: metric_chart(TWO_RUNS["b"], "loss", total_epochs=10),
    "batch": lambda: batch_chart({"loss": [(1, 0.5), (2, NAN)]}, epoch=1),
    "overlay": lambda: overlay_chart(TWO_RUNS, "loss", smoothing=0.5),
    "boundary": lambda: decision_boundary_chart([0, 1], [0, 1], [[0, 1], [1, 0]], [0], [0], [1]),
    "regression": lambda: regression_chart([0, 1], [0, 1], [0, 1], [0, 1]),
    "series": lambda: series_chart([1.0, NAN, 3.0], forecast=[2.0], split=1),
    "top_k": lambda: top_k_chart([("a", 0.6), ("b", 0.4)]),
    "points": lambda: points_chart([[0, 0]], [0], ["a", "b"]),
    "confusion": lambda: confusion_chart([[1, 0], [0, 1]], ["a", "b"]),
}


@pytest.mark.parametrize("name", ALL_FIGURES)
def test_every_figure_is_white_valid_json_and_new_each_call(name):
    fig = ALL_FIGURES[name]()
    assert isinstance(fig, go.Figure)
    assert fig.layout.template == pio.templates["plotly_white"]
    text = fig.to_json()
    assert "NaN" not in text
    json.loads(text)
    again = ALL_FIGURES[name]()
    assert again is not fig and again.to_json() == text
