"""The learning-rate finder on Build: the button, the worker's curve, one click to use it."""

import json
import time

import pytest

from apptest_support import TIMEOUT, no_exception, open_page
from every_text import every_text, missing_keys
from components.urlspec import decode

BUILD = "app_pages/build.py"


def finish(at, store):
    """Wait for the session's finder job in the worker, then run the page as its last
    refresh does; returns the job."""
    job_id = at.session_state["finder.job"]
    deadline = time.monotonic() + TIMEOUT
    while not (job := store.finder(job_id)).done:
        if time.monotonic() > deadline:
            log = store.root / "worker.log"
            pytest.fail(f"finder job still {job.status}:\n"
                        + (log.read_text()[-2000:] if log.exists() else "(no log)"))
        time.sleep(0.1)
    at.run()
    return job


def rate_input(at):
    return next(w for w in at.number_input if w.key.endswith(".compile.learning_rate"))


def charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_find_a_learning_rate_and_use_it(lab):
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    find = at.button(key="finder.find")
    assert find.label == "Find a learning rate" and not find.disabled
    assert rate_input(at).value == 0.001

    find.click().run()
    no_exception(at)
    assert at.button(key="finder.find").disabled  # one test at a time
    train = at.button(key="build.train")  # opening Train while the finder's timer runs
    assert train.disabled and train.help.startswith("Wait for the learning-rate finder")
    assert at.get("progress") or any(c.value.startswith("Waiting for the training worker")
                                     for c in at.caption)
    job = finish(at, lab)
    no_exception(at)

    assert job.status == "completed", job.message
    value = job.result["suggestion"]
    assert value is not None and value != 0.001
    chart = charts(at)[0]
    assert chart["layout"]["xaxis"]["type"] == "log"
    assert [trace["name"] for trace in chart["data"]] == ["Loss per batch", "Smoothed loss",
                                                          "Suggested"]
    assert any(m.value.startswith("Suggested learning rate: **") for m in at.markdown)
    use = at.button(key="finder.use")
    assert use.label == f"Use {value}" and not at.button(key="finder.find").disabled

    use.click().run()
    no_exception(at)
    assert rate_input(at).value == pytest.approx(value)
    assert at.session_state["draft"]["compile"]["learning_rate"] == value
    assert decode(at.query_params["spec"]).compile.learning_rate == value
    assert f"The experiment's learning rate is {value}." in [c.value for c in at.caption]
    assert not any(b.key == "finder.use" for b in at.button)
    assert not at.button(key="build.train").disabled


def test_the_finder_speaks_spanish(lab):
    at = no_exception(open_page(BUILD, recipe="multiclass", lang="es"))
    at.button(key="finder.find").click().run()
    finish(at, lab)
    no_exception(at)
    assert missing_keys(at) == []
    shown = every_text(at)
    assert "Buscar una tasa de aprendizaje" in shown
    assert any(text.startswith("Tasa de aprendizaje sugerida: **0,") for text in shown)
    assert any(text.startswith("Usar 0,") for text in shown)
    chart = charts(at)[0]
    assert chart["layout"]["separators"] == ",."
    assert chart["layout"]["xaxis"]["title"]["text"] == "Tasa de aprendizaje (escala logarítmica)"


def test_a_changed_experiment_says_its_curve_is_older(lab):
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    at.button(key="finder.find").click().run()
    finish(at, lab)
    next(w for w in at.number_input if w.label == "Batch size").set_value(64).run()
    no_exception(at)
    assert any("earlier version of the experiment" in i.value for i in at.info)


def test_the_button_is_off_while_a_setting_is_wrong(lab):
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    rate_input(at).set_value(0.0).run()
    find = at.button(key="finder.find")
    assert find.disabled and find.help == "Fix the setting marked in red first"
