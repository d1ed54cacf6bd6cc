"""The Runs page's Sweeps section: a sweep opened by its address, its variants with the best
starred, the parallel-coordinates chart, Open the best in Build, and Stop the sweep."""

import json
from urllib.parse import parse_qs

import pytest

from apptest_support import no_exception, open_page, texts
from every_text import missing_keys
from made_sweeps import final, made_sweep
from tflab.spec import ExperimentSpec
from tflab.store import RunStore

RUNS = "app_pages/runs.py"
BUILD = "app_pages/build.py"
# Variant 3 (learning rate 0.1, relu) has the highest validation accuracy, though variant 2
# has the lowest validation loss: tflab.metrics judges by accuracy when there is one.
FINISHED = [("completed", final(0.81, 0.6)), ("completed", {**final(0.42, 0.2)}),
            ("completed", final(0.93, 0.3)), ("completed", final(0.77, 0.7))]


@pytest.fixture
def store(tflab_home):
    with RunStore(tflab_home) as opened:
        yield opened


def variants_table(at):
    [table] = [d.value for d in at.dataframe if "variant" in d.value.columns
               or "variante" in d.value.columns]
    return table


def chart(at, key: str) -> dict:
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(found.proto.spec)


def test_a_finished_sweep_opens_by_its_address_with_the_best_starred(store):
    sweep_id, run_ids = made_sweep(store, FINISHED)

    at = no_exception(open_page(RUNS, sweep=sweep_id))

    assert "Sweeps" in texts(at.subheader)
    assert at.selectbox(key="runs.sweep.pick").value == sweep_id
    assert any(c.startswith("Finished") and "4 of 4 done" in c for c in texts(at.caption))
    table = variants_table(at)
    assert list(table.columns) == ["variant", "Learning rate", "Layer 2 · Activation", "status",
                                   "epochs", "validation accuracy", "run"]
    assert list(table["variant"]) == ["1", "2", "★ 3", "4"]
    assert list(table["run"]) == run_ids
    assert list(table["Learning rate"]) == ["0.001", "0.001", "0.1", "0.1"]
    assert list(table["validation accuracy"]) == ["0.81", "0.42", "0.93", "0.77"]
    assert "runs.sweep.stop" not in [b.key for b in at.button]  # nothing left to stop


def test_the_chart_is_parallel_coordinates_of_the_settings_and_the_metric(store):
    sweep_id, _ = made_sweep(store, FINISHED)

    at = no_exception(open_page(RUNS, sweep=sweep_id))

    [trace] = chart(at, "runs.sweep.parcoords")["data"]
    assert trace["type"] == "parcoords"
    assert [d["label"] for d in trace["dimensions"]] == [
        "Learning rate", "Layer 2 · Activation", "validation accuracy"]
    assert "★ 0.93" in trace["dimensions"][-1]["ticktext"]
    curves = chart(at, "runs.sweep.curves")
    assert at.selectbox(key="runs.sweep.metric").value == "accuracy"
    assert max(t["line"]["width"] for t in curves["data"]
               if t["name"].startswith("★ 3")) == 4


def test_open_the_best_in_build_loads_the_best_variant(store):
    sweep_id, run_ids = made_sweep(store, FINISHED)
    at = no_exception(open_page(RUNS, sweep=sweep_id))

    [link] = [p for p in at.get("page_link") if p.proto.label == "Open the best in Build"]
    assert link.proto.page == "build" and not link.proto.disabled
    follow(at, "Open the best in Build", BUILD)

    assert texts(at.title) == ["Build"]
    best = ExperimentSpec.from_dict(store.get_run(run_ids[2]).spec)
    assert ExperimentSpec.from_dict(at.session_state["draft"]) == best
    assert best.compile.learning_rate == 0.1


def test_an_unknown_sweep_is_named_and_the_page_still_works(store):
    made_sweep(store, FINISHED)

    at = no_exception(open_page(RUNS, sweep="snothere"))

    [warning] = texts(at.warning)
    assert "There is no sweep `snothere`" in warning
    assert variants_table(at) is not None  # the newest sweep is shown instead
    assert at.dataframe[-1].value.columns[1] == "sweep"  # the runs table marks variants


def test_a_running_sweep_can_be_stopped(store):
    sweep_id, run_ids = made_sweep(store, [("completed", final(0.8, 0.5)), "running", "running",
                                           ("completed", final(0.7, 0.6))])

    at = no_exception(open_page(RUNS, sweep=sweep_id))
    assert any("2 of 4 done · 2 training" in c for c in texts(at.caption))
    no_exception(at.button(key="runs.sweep.stop").click().run())

    assert [store.stop_requested(run_id) for run_id in run_ids] == [False, True, True, False]
    assert any(c.startswith("Stop requested") for c in texts(at.caption))


def test_a_sweep_with_nothing_finished_says_why_there_is_no_chart(store):
    sweep_id, _ = made_sweep(store, ["running", "running", "running", "running"])

    at = no_exception(open_page(RUNS, sweep=sweep_id))

    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-runs.sweep.parcoords")]
    assert any("appears once a variant has completed" in c for c in texts(at.caption))


def test_the_sweeps_section_in_spanish(store):
    sweep_id, _ = made_sweep(store, FINISHED[:3] + ["running"])

    at = no_exception(open_page(RUNS, sweep=sweep_id, lang="es"))

    assert missing_keys(at) == []
    assert "Barridos" in texts(at.subheader)
    table = variants_table(at)
    assert list(table.columns) == ["variante", "Tasa de aprendizaje", "Activación (Capa 2)",
                                   "estado", "épocas", "precisión de validación", "ejecución"]
    assert list(table["precisión de validación"])[:3] == ["0,81", "0,42", "0,93"]
    assert any("3 de 4 terminadas · 1 entrenando" in c for c in texts(at.caption))
    assert at.button(key="runs.sweep.stop").label == "Detener el barrido"
    assert "Abrir la mejor en Construir" in [p.proto.label for p in at.get("page_link")]
    [trace] = chart(at, "runs.sweep.parcoords")["data"]
    assert trace["dimensions"][0]["ticktext"] == ["0,001", "0,1"]


def follow(at, label: str, page: str):
    """What clicking a page link does: the app opens `page` with the link's address."""
    [link] = [p for p in at.get("page_link") if p.proto.label == label]
    at.query_params.clear()
    at.query_params.update({name: values[0] for name, values
                            in parse_qs(link.proto.query_string).items()})
    return no_exception(at.switch_page(page).run())


def test_the_best_opens_again_after_the_draft_was_changed(store):
    from components.urlspec import encode
    from tflab.recipes import get_recipe

    sweep_id, run_ids = made_sweep(store, FINISHED)
    best = ExperimentSpec.from_dict(store.get_run(run_ids[2]).spec)
    at = no_exception(open_page(RUNS, sweep=sweep_id))
    follow(at, "Open the best in Build", BUILD)
    at.query_params["spec"] = encode(get_recipe("linear").spec)  # another experiment opened
    no_exception(at.run())
    assert ExperimentSpec.from_dict(at.session_state["draft"]) != best

    at.query_params.clear()
    at.query_params["sweep"] = sweep_id
    no_exception(at.switch_page(RUNS).run())
    follow(at, "Open the best in Build", BUILD)

    assert ExperimentSpec.from_dict(at.session_state["draft"]) == best


def test_the_progress_line_counts_in_the_person_s_language(store):
    from components.sweep_view import progress_line
    from tflab.sweep_results import sweep_results
    from tflab.words import Words

    sweep_id, _ = made_sweep(store, [("completed", final(0.8, 0.5)), ("failed", {}),
                                     ("stopped", {}), ("stopped", {})])
    results = sweep_results(store, sweep_id)

    assert progress_line(results, Words.load("es")) == "1 de 4 terminadas · 1 fallida · 2 detenidas"
    assert progress_line(results, Words.load("en")) == "1 of 4 done · 1 failed · 2 stopped"


def test_a_page_run_reads_the_picked_sweep_s_variants_once(store, monkeypatch):
    sweep_id, _ = made_sweep(store, FINISHED[:3] + ["running"])
    reads = []
    sweep_runs = RunStore.sweep_runs

    def counted(self, asked):  # the real read, counted
        reads.append(asked)
        return sweep_runs(self, asked)

    monkeypatch.setattr(RunStore, "sweep_runs", counted)
    at = no_exception(open_page(RUNS, sweep=sweep_id))

    assert reads == [sweep_id]  # the picker's read is the one the detail draws
    assert any("3 of 4 done · 1 training" in c for c in texts(at.caption))
