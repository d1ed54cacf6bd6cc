"""Build's Sweep tab: settings to vary and their values, the variants they make, where they
train, and Start, which queues the sweep and opens Runs on it."""

import sys

import pytest

from apptest_support import no_exception, open_page, texts, wait_for
from components.messages import plain, safe
from components.urlspec import encode
from every_text import every_text, missing_keys
from tflab.recipes import get_recipe
from tflab.store import RunStore
from tflab.sweep import SweepSpec

BUILD = "app_pages/build.py"
SETTINGS = "Settings to vary (1 to 3)"


def one(widgets, label: str):
    [found] = [widget for widget in widgets if widget.label == label]
    return found


def choose(at, settings: list[str], label: str = SETTINGS):
    """Pick the settings to vary by their paths: the options are worded by the page, so
    the choice goes in through the session, as a person's click would."""
    at.session_state[one(at.multiselect, label).key] = settings
    return no_exception(at.run())


def values(at, index: int, text: str):
    """Type a list of values into the `index`-th chosen setting's Values box."""
    [box for box in at.text_input if box.label == "Values"][index].set_value(text)
    return no_exception(at.run())


def start(at):
    return at.button(key="build.sweep.start")


def test_the_tab_lists_the_settings_and_counts_the_variants():
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    assert [tab.label for tab in at.tabs][-1] == "Sweep"
    options = one(at.multiselect, SETTINGS).options
    assert {"Learning rate", "Optimizer", "Epochs", "Batch size", "Layer 2 · Dense · Units",
            "Layer 3 · Dense · Activation", "Rotation range", "Seed"} <= set(options)
    assert not any(option.startswith("Layer 1 ") for option in options)  # Flatten: nothing
    assert start(at).disabled and start(at).help == "Choose a setting to vary."

    choose(at, ["model.layers[1].units", "compile.learning_rate"])
    assert [box.value for box in at.text_input if box.label == "Values"] == [
        "64, 128, 256", "0.0005, 0.001, 0.002"]  # half, the current value, double
    values(at, 0, "16, 64")
    values(at, 1, "0.001, 0.01")

    shown = texts(at.markdown)
    assert "**4 variants**" in shown
    assert f"Takes: {plain('16, 64')}" in texts(at.caption)
    assert f"Takes: {plain('0.001, 0.01')}" in texts(at.caption)
    assert ("No estimated time yet: no run of this recipe or its dataset has completed here."
            in texts(at.caption))  # a new store: nothing to go by
    assert not start(at).disabled and start(at).label == "Start sweep (4 runs)"
    assert not at.error


def test_the_estimate_follows_runs_of_the_recipe_in_the_store(tflab_home):
    spec = get_recipe("linear").spec.with_setting("fit.epochs", 100)
    with RunStore(tflab_home) as store:  # one run of the recipe: 20 s for 100 epochs
        run_id = store.create_run("linear", spec.to_dict(), 100)
        store.mark_running(run_id)
        store.add_epochs(run_id, [(epoch, {"loss": 1.0}) for epoch in range(1, 101)])
        store.finish(run_id, "completed")
        with store._transaction() as db:
            db.execute("UPDATE runs SET started = 0, ended = 20 WHERE id = ?", (run_id,))
    at = no_exception(open_page(BUILD, spec=encode(spec)))
    choose(at, ["compile.learning_rate"])
    values(at, 0, "0.01, 0.02")
    at.number_input(key=[w.key for w in at.number_input if w.label == "Side by side"][0]) \
        .set_value(1).run()
    # Two variants of 100 epochs at 0.2 s, one after another, after a worker's start-up.
    assert ("Estimated time: about 44 s, 1 side by side (from the pace of the runs of this "
            "recipe trained here).") in texts(at.caption)


def test_a_bad_value_names_its_setting_and_keeps_start_off():
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    choose(at, ["model.layers[1].units"])

    values(at, 0, "0, 16")
    [message] = texts(at.tabs[4].error)
    assert message.startswith("Layer 2 · Dense · Units: `model.layers[1].units` must be a whole "
                              "number from 1 to 8192; received `0`.")
    assert "In variant 1 of 2" in message
    assert start(at).disabled and "`model.layers[1].units`" in start(at).help

    values(at, 0, "16, many")
    [message] = texts(at.tabs[4].error)
    assert "`model.layers[1].units`" in message and "`'many'`" in message
    assert start(at).disabled

    values(at, 0, "16, 32")
    assert not at.error and not start(at).disabled


def test_more_than_64_variants_are_refused_with_the_reason():
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    choose(at, ["compile.learning_rate", "seed"])
    values(at, 0, "0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008")
    values(at, 1, "1, 2, 3, 4, 5, 6, 7, 8, 9")
    [message] = texts(at.tabs[4].error)
    assert "at most 64 variants" in message and safe("These values make 72: give fewer.") in message
    assert start(at).disabled
    assert not any(text.startswith("**") and "variants" in text for text in texts(at.markdown))


def test_ray_missing_says_how_to_install_it_and_queues_nothing(tflab_home, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # how Python reports a package not installed
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    choose(at, ["compile.learning_rate"])
    at.session_state[one(at.radio, "Where to run").key] = "ray"
    no_exception(at.run())
    [message] = texts(at.tabs[4].error)
    assert "Ray is not installed" in message and "`pip install -r requirements-ray.txt`" in message
    assert start(at).disabled
    assert [box.value for box in at.text_input if box.label == "Ray address"] == ["local"]
    with RunStore(tflab_home) as store:
        assert store.list_runs() == [] and store.list_sweeps() == []


@pytest.mark.slow
def test_start_queues_a_sweep_and_opens_runs_on_it(lab):
    spec = get_recipe("linear").spec.with_setting("fit.epochs", 2)
    at = no_exception(open_page(BUILD, spec=encode(spec)))
    choose(at, ["compile.learning_rate"])
    values(at, 0, "0.01, 0.02")
    assert start(at).label == "Start sweep (2 runs)"
    assert one(at.number_input, "Side by side").value == min(2, one(
        at.number_input, "Side by side").max)

    no_exception(start(at).click().run())  # and Runs, opened on the sweep, draws it

    [sweep] = lab.list_sweeps()
    runs = lab.sweep_runs(sweep.id)
    assert SweepSpec.from_dict(sweep.spec).base == spec and sweep.varies == ("compile.learning_rate",)
    assert [run.spec["compile"]["learning_rate"] for run in runs] == [0.01, 0.02]
    assert at.query_params.get("sweep") in (sweep.id, [sweep.id])  # Runs opened on the sweep
    assert [wait_for(lab, run.id).status for run in runs] == ["completed"] * 2


def test_the_sweep_tab_speaks_spanish():
    at = no_exception(open_page(BUILD, recipe="multiclass", lang="es"))
    assert [tab.label for tab in at.tabs][-1] == "Barrido"
    choose(at, ["compile.learning_rate", "model.layers[2].activation"],
           label="Ajustes que variar (de 1 a 3)")
    assert "Capa 3 · Dense · Activación" in one(at.multiselect, "Ajustes que variar (de 1 a 3)").options
    assert one(at.radio, "Valores por").options == ["Lista", "Pasos iguales", "Pasos logarítmicos",
                                                    "Al azar"]
    assert one(at.radio, "Dónde entrenar").options == ["Esta máquina", "Clúster de Ray"]
    assert start(at).label == "Iniciar el barrido (3 ejecuciones)"
    assert "**3 variantes**" in texts(at.markdown)
    shown = " ".join(every_text(at))
    assert not missing_keys(at)
    for english in ("Start sweep", "Side by side", "Values from", "Where to run", "variants",
                    "Estimated time", "No estimated time"):
        assert english not in shown
