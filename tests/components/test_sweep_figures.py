"""A sweep's charts (components/sweep_figures.py): axes per setting, the best marked."""

import math

import pytest

from components.sweep_figures import (STAR, curves_chart, log_axis, parcoords_chart,
                                      setting_label, value_words)
from made_sweeps import digits_sweep, final, made_sweep
from tflab.store import RunStore
from tflab.sweep_results import sweep_results
from tflab.words import Words

ES = Words.load("es")


@pytest.fixture
def store(tflab_home):
    with RunStore(tflab_home) as opened:
        yield opened


@pytest.fixture
def results(store):
    """Learning rate 0.001 or 0.1 (log scale) x relu or tanh; variant 3 is best, 4 runs."""
    sweep_id, _ = made_sweep(store, [("completed", final(0.81, 0.6)),
                                     ("completed", final(0.42, 1.5)),
                                     ("completed", final(0.93, 0.3)), "running"])
    return sweep_results(store, sweep_id)


def _parcoords(fig):
    [trace] = fig.data
    assert trace.type == "parcoords"
    return trace


def test_one_axis_per_setting_then_the_judged_metric_one_line_per_completed_variant(results):
    trace = _parcoords(parcoords_chart(results))

    assert [d.label for d in trace.dimensions] == [
        "Learning rate", "Layer 2 · Activation", "validation accuracy"]
    assert list(trace.dimensions[-1].values) == [0.81, 0.42, 0.93]  # the running one is not drawn
    assert list(trace.line.color) == [0.81, 0.42, 0.93]
    assert trace.line.colorbar.title.text == "validation accuracy"
    assert trace.line.reversescale is False  # accuracy: the highest is the strongest colour


def test_a_log_spaced_setting_has_a_log10_axis_with_its_real_values(results):
    rate = _parcoords(parcoords_chart(results)).dimensions[0]

    assert list(rate.values) == pytest.approx([-3, -3, -1])
    assert list(rate.tickvals) == pytest.approx([-3, -1])
    assert list(rate.ticktext) == ["0.001", "0.1"]
    spanish = _parcoords(parcoords_chart(results, ES)).dimensions[0]
    assert list(spanish.ticktext) == ["0,001", "0,1"]


def test_a_choice_setting_has_one_tick_per_word(results):
    activation = _parcoords(parcoords_chart(results)).dimensions[1]

    assert list(activation.values) == [0, 1, 0]
    assert list(activation.tickvals) == [0, 1]
    assert list(activation.ticktext) == ["relu", "tanh"]


def test_the_best_is_starred_on_the_metric_axis_and_named_in_the_title(results):
    fig = parcoords_chart(results)
    metric = _parcoords(fig).dimensions[-1]

    starred = [text for text in metric.ticktext if text.startswith(STAR)]
    assert starred == [f"{STAR} 0.93"]
    assert metric.tickvals[list(metric.ticktext).index(starred[0])] == 0.93
    assert "variant 3 (validation accuracy 0.93)" in fig.layout.title.text
    spanish = parcoords_chart(results, ES)
    assert "variante 3 (precisión de validación 0,93)" in spanish.layout.title.text
    assert spanish.layout.separators == ",."


def test_a_loss_judged_sweep_reverses_the_colours_so_the_lowest_is_strongest(store):
    sweep_id, _ = made_sweep(store, [("completed", {"loss": v, "val_loss": v})
                                     for v in (0.7, 0.2, 0.4, 0.9)])
    trace = _parcoords(parcoords_chart(sweep_results(store, sweep_id)))

    assert trace.line.reversescale is True
    assert f"{STAR} 0.2" in trace.dimensions[-1].ticktext


def test_numbers_varied_in_a_list_keep_a_linear_axis(store):
    sweep = digits_sweep(("model.layers[1].units=16,64", "fit.batch_size=32,64"))
    sweep_id, _ = made_sweep(store, [("completed", final(a, 0.5)) for a in (0.7, 0.8, 0.75, 0.9)],
                             sweep)
    units = _parcoords(parcoords_chart(sweep_results(store, sweep_id))).dimensions[0]

    assert list(units.values) == [16, 16, 64, 64] and list(units.ticktext) == ["16", "64"]


def test_without_a_completed_variant_there_is_nothing_to_draw(store):
    sweep_id, _ = made_sweep(store, ["running", None, None, None])
    assert parcoords_chart(sweep_results(store, sweep_id)).data == ()


def test_the_curves_draw_the_best_over_the_others(store, results):
    histories = {v.number: store.history(v.run.id) for v in results.variants}
    fig = curves_chart(results, histories, "accuracy")

    widths = {trace.name: trace.line.width for trace in fig.data if "validation" not in trace.name}
    best = f"{STAR} 3 · 0.1 · relu"
    assert widths[best] == 4
    assert all(width < 4 for name, width in widths.items() if name != best)
    assert len(widths) == 3  # the running variant has logged no accuracy yet


@pytest.mark.parametrize("values, spacing, expected", [
    ([0.0001, 0.001], "log", True), ([0.0001, 0.01], "list", True), ([0.1, 0.5], "list", False),
    ([0, 1, 100], "list", False), (["relu", "tanh"], "list", False)])
def test_log_axis(values, spacing, expected):
    assert log_axis(values, spacing) is expected


def test_settings_and_values_read_in_the_person_s_language():
    assert setting_label("compile.learning_rate", ES) == "Tasa de aprendizaje"
    assert setting_label("some.unknown_thing") == "some.unknown_thing"
    assert value_words(0.0005, ES) == "0,0005" and value_words(12800, ES) == "12.800"
    assert value_words(True, ES) == "sí" and value_words("relu") == "relu"
    assert not math.isnan(float(value_words(64)))
