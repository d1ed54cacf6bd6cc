"""A sweep's charts: its settings against the number it is judged by, and its variants' curves.

Pure builders, as `components.curves`: plain data in (`tflab.sweep_results.SweepResults`),
a Plotly figure out, in the reader's words (`tflab.words.Words`: names, numbers, the
decimal mark). The parallel-coordinates chart is TensorBoard's HParams view: one axis
per varied setting and one for the final validation number, one line per variant that
completed, coloured by that number, the best named. A setting varied in log scale (a
learning rate) gets a log10 axis with its values written as they are; a setting of
words (an activation, an optimizer) gets one tick per word.

Example:

>>> from tflab.words import Words
>>> setting_label("model.layers[1].units", Words.load("es"))
'Unidades (Capa 2)'
>>> log_axis([0.001, 0.01, 0.1], "list"), log_axis([16, 64], "list"), log_axis([1, 2], "log")
(True, False, True)
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import plotly.graph_objects as go

from components.chart_style import ENGLISH, style
from components.curves import metric_label, overlay_chart
from components.runs_table import significant
from tflab.metrics import base_name, higher_is_better
from tflab.spec.experiment import setting_keys
from tflab.sweep_results import SweepResults, Variant
from tflab.words import Words

# Light to strong: the best variant's line is the strongest, whether the number judging
# the sweep is an accuracy (higher is better) or a loss (lower is better).
COLORSCALE = ((0.0, "#f7b98b"), (0.5, "#ee7733"), (1.0, "#7a1f00"))
# Positive numbers this many times apart read better on a log scale (0.0001..0.1).
LOG_SPAN = 100
PARCOORDS_HEIGHT = 380
STAR = "★"


def setting_label(setting: str, words: Words | None = None) -> str:
    """A varied setting's name as the Build page says it: "Learning rate", "Layer 2 ·
    Units"; its path when the catalog has no name for it."""
    w = words or ENGLISH
    keys = setting_keys(setting)
    name = keys[-1] if keys and isinstance(keys[-1], str) else setting
    key = f"setting.{name}.label"
    if not w.has(key):
        return setting
    if len(keys) == 4 and keys[:2] == ["model", "layers"] and isinstance(keys[2], int):
        return w("runs.sweep.layer_setting", layer=w("build.layer", n=keys[2] + 1),
                 setting=w(key))
    return w(key)


def judged_label(metric: str, words: Words | None = None) -> str:
    """The name of the number a sweep is judged by: "validation accuracy"."""
    w = words or ENGLISH
    if metric != base_name(metric):
        return w("runs.sweep.validation_metric", metric=metric_label(base_name(metric), w))
    return metric_label(metric, w)


def log_axis(values: Sequence[Any], spacing: str) -> bool:
    """Whether a setting's axis is in log scale: values spaced in log scale, or positive
    numbers at least `LOG_SPAN` times apart."""
    numbers = [v for v in values if _is_number(v)]
    if not numbers or len(numbers) < len(values) or min(numbers) <= 0:
        return False
    return spacing in ("log", "lograndom") or max(numbers) / min(numbers) >= LOG_SPAN


def value_words(value: Any, words: Words | None = None) -> str:
    """A setting's value as a person reads it: numbers the language's way (0,001)."""
    w = words or ENGLISH
    if _is_number(value):
        return w.number(value, 0) if float(value).is_integer() and abs(value) >= 1 \
            else significant(w, float(value))
    if isinstance(value, bool):
        return w("runs.sweep.yes") if value else w("runs.sweep.no")
    return str(value)


def parcoords_chart(results: SweepResults, words: Words | None = None) -> go.Figure:
    """From the varied settings to the sweep's final validation number, a line per variant.

    Args:
        results: the sweep (`tflab.sweep_results.sweep_results`).
        words: the reader's language. Defaults to None: English.

    Returns:
        A figure with one `go.Parcoords` trace: a dimension per varied setting, in the
        sweep's order, then one for the judging metric, whose tick at the best value reads
        "★ value"; lines of the variants that completed with that number, coloured by it
        (the strongest colour the best). The title names the best variant. Without such a
        variant, a figure with no trace.
    """
    w = words or ENGLISH
    fig = go.Figure()
    style(fig, w, height=PARCOORDS_HEIGHT)
    shown = results.completed()
    if not shown or results.best is None:
        return fig
    spacings = _spacings(results)
    dimensions = [_dimension(setting_label(setting, w), [v.values[i] for v in shown],
                             spacings.get(setting, "list"), w)
                  for i, setting in enumerate(results.settings)]
    values = [results.value_of(v) for v in shown]
    best_value = results.value_of(results.best)
    metric = judged_label(results.metric, w)
    dimensions.append(_metric_dimension(metric, values, best_value, w))
    fig.add_trace(go.Parcoords(
        dimensions=dimensions,
        line=dict(color=values, colorscale=[list(stop) for stop in COLORSCALE],
                  reversescale=not higher_is_better(results.metric), showscale=True,
                  colorbar=dict(title=dict(text=metric), thickness=14)),
        labelangle=0, labelside="top"))
    fig.update_layout(
        title=dict(text=w("runs.sweep.chart_title", best=_best_words(results, w)),
                   x=0, xanchor="left", font=dict(size=15)),
        margin=dict(l=60, r=40, t=100, b=24))
    return fig


def curves_chart(results: SweepResults, histories: Mapping[int, Mapping], metric: str,
                 smoothing: float = 0.0, words: Words | None = None) -> go.Figure:
    """The variants' curves of `metric` on one chart, the best drawn over the others.

    Args:
        results: the sweep.
        histories: `{variant number: history}` (`RunStore.history` of each variant's run).
        metric: the base metric, e.g. "loss".
        smoothing: as `components.curves.overlay_chart`. Defaults to 0.0.
        words: the reader's language. Defaults to None: English.
    """
    w = words or ENGLISH
    named = {variant_name(v, results, w): histories.get(v.number, {}) for v in results.variants}
    best = variant_name(results.best, results, w) if results.best is not None else None
    return overlay_chart(named, metric, smoothing, words=w, highlight=best)


def variant_name(variant: Variant, results: SweepResults, words: Words | None = None) -> str:
    """A variant as a legend names it, short (the variants table names the settings):
    its number, the best's starred, and its values: "★ 3 · 0.01 · relu"."""
    w = words or ENGLISH
    mark = f"{STAR} " if variant is results.best else ""
    return " · ".join([f"{mark}{variant.number}", *(value_words(v, w) for v in variant.values)])


def _best_words(results: SweepResults, w: Words) -> str:
    best = results.best
    return w("runs.sweep.best_line", number=best.number,
             metric=judged_label(results.metric, w),
             value=significant(w, results.value_of(best)))


def _dimension(label: str, values: list, spacing: str, w: Words) -> dict:
    """An axis for one setting: log10 of log-spaced numbers, numbers as they are, and one
    tick per word for anything else; ticks read in the person's language."""
    distinct = list(dict.fromkeys(values))
    if all(_is_number(v) for v in distinct):
        ordered = sorted(distinct)
        if log_axis(ordered, spacing):
            place = [math.log10(v) for v in values]
            ticks = [math.log10(v) for v in ordered]
        else:
            place, ticks = [float(v) for v in values], [float(v) for v in ordered]
        low, high = min(ticks), max(ticks)
        pad = (high - low) * 0.05 or 0.5  # one value still gets an axis with some length
        return dict(label=label, values=place, tickvals=ticks, range=[low - pad, high + pad],
                    ticktext=[value_words(v, w) for v in ordered])
    place = [distinct.index(v) for v in values]
    return dict(label=label, values=place, tickvals=list(range(len(distinct))),
                ticktext=[value_words(v, w) for v in distinct],
                range=[-0.5, len(distinct) - 0.5])


def _metric_dimension(label: str, values: list[float], best: float, w: Words) -> dict:
    """The judging metric's axis: its values, the best's tick starred."""
    ticks = sorted(set(values))
    if len(ticks) > 6:  # a tick per variant would crowd: the ends and the best
        ticks = sorted({ticks[0], ticks[-1], best})
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or abs(high) * 0.05 or 0.05
    return dict(label=label, values=values, tickvals=ticks, range=[low - pad, high + pad],
                ticktext=[f"{STAR} {significant(w, v)}" if v == best else significant(w, v)
                          for v in ticks])


def _spacings(results: SweepResults) -> dict[str, str]:
    """How each varied setting's values were found ("list", "log", ...), from the sweep's
    spec as `SweepSpec.to_dict` keeps it."""
    vary = results.sweep.spec.get("vary")
    return {item["setting"]: item.get("spacing", "list") for item in vary or ()
            if isinstance(item, dict) and isinstance(item.get("setting"), str)}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)
