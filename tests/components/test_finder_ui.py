"""The finder's chart and words, without a page: plain data in, a figure or a text out."""

import doctest
import math

import pytest

import components.finder_ui
from components.finder_ui import finder_chart, rate_text, reason_text, same_experiment
from tflab.finder import RangeTest, Suggestion
from tflab.words import Phrase, Words

EN, ES = Words.load("en"), Words.load("es")


def blown_up(suggestion=0.01) -> RangeTest:
    reason = Phrase("finder.reason.tenth", {"rate": 0.01, "lowest": 0.1, "steepest": 0.05})
    return RangeTest((1e-3, 1e-2, 1e-1, 1.0), (2.0, 1.0, 0.5, math.nan),
                     (2.0, 0.8, 0.4, math.inf), True, Suggestion(suggestion, reason), 1.2)


def test_the_docstring_examples_run():
    assert doctest.testmod(components.finder_ui, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.mark.parametrize("value, english, spanish", [(0.0046, "0.0046", "0,0046"),
                                                     (0.01, "0.01", "0,01"),
                                                     (10.0, "10", "10"),
                                                     (1e-06, "0.000001", "0,000001"),
                                                     (0.25, "0.25", "0,25")])
def test_a_rate_is_written_with_its_own_digits(value, english, spanish):
    assert (rate_text(value, EN), rate_text(value, ES)) == (english, spanish)


def test_a_reason_writes_its_rates_the_language_s_way():
    reason = Phrase("finder.reason.steepest", {"rate": 9.5e-05, "steepest": 9.5e-05, "lowest": 0.28})
    assert "0,000095" in reason_text(reason, ES) and "0,28" in reason_text(reason, ES)
    assert "0.000095" in reason_text(reason, EN) and "e-05" not in reason_text(reason, EN)
    steps = Phrase("finder.reason.too_short", {"steps": 5, "high": 0.001})
    assert "5 lotes" in reason_text(steps, ES)


def test_the_chart_reads_in_spanish_and_marks_the_suggestion():
    fig = finder_chart(blown_up(), ES)
    assert fig.layout.separators == ",." and fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "Tasa de aprendizaje (escala logarítmica)"
    assert [trace.name for trace in fig.data] == ["Pérdida por lote", "Pérdida suavizada",
                                                  "Sugerida"]
    assert "Tasa de aprendizaje" in fig.data[0].hovertemplate
    marker = fig.data[2]
    assert list(marker.x) == [0.01] and list(marker.y) == [1.0]  # on the smoothed curve
    assert fig.layout.shapes[0].x0 == 0.01


def test_the_loss_axis_ignores_the_blow_up():
    fig = finder_chart(blown_up(), EN)
    assert fig.layout.yaxis.range == pytest.approx((0.0, 2.2))


def test_no_suggestion_draws_the_curve_alone():
    fig = finder_chart(blown_up(None), EN)
    assert [trace.name for trace in fig.data] == ["Loss per batch", "Smoothed loss"]
    assert not fig.layout.shapes


def test_the_same_experiment_but_for_its_rate():
    spec = {"compile": {"learning_rate": 0.001, "optimizer": "adam"}, "fit": {"epochs": 3}}
    assert same_experiment(spec, {**spec, "compile": {"learning_rate": 0.5, "optimizer": "adam"}})
    assert not same_experiment(spec, {**spec, "fit": {"epochs": 4}})
    assert not same_experiment(spec, {**spec, "compile": {"learning_rate": 0.001,
                                                          "optimizer": "sgd"}})
