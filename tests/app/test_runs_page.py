"""The Runs page: the table of runs, their curves overlaid, downloads, and Delete."""

import json

import pytest

from apptest_support import no_exception, open_page, texts, train_now
from every_text import missing_keys
from shown import shown
from tflab.recipes import get_recipe

RUNS = "app_pages/runs.py"


@pytest.fixture(scope="module")
def trained(lab_home):
    """A linear run, then a digits run (the newest), trained once for the module."""
    from tflab.store import RunStore

    with RunStore(lab_home) as store:
        linear = train_now(store, get_recipe("linear").spec.with_setting("fit.epochs", 30))
        digits = train_now(store, get_recipe("multiclass").spec.with_setting("fit.epochs", 2))
    return {"linear": linear, "multiclass": digits}


def finished_run(store, losses=(0.9, 0.5), status="completed") -> str:
    """A run as the store keeps it after training, without training (no TensorFlow)."""
    spec = get_recipe("linear").spec.with_setting("fit.epochs", len(losses))
    run_id = store.create_run("linear", spec.to_dict(), len(losses))
    store.mark_running(run_id)
    store.add_epochs(run_id, [(epoch, {"loss": loss}) for epoch, loss in enumerate(losses, 1)])
    store.finish(run_id, status)
    store.model_path(run_id).write_bytes(b"model bytes")
    return run_id


def overlay(at) -> dict:
    [chart] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-runs.overlay")]
    return json.loads(chart.proto.spec)


def downloads(at) -> dict:
    return {button.proto.label: button.proto for button in at.get("download_button")}


def select_rows(at, rows):
    """What clicking rows of the table does: the table's selection state, then a rerun."""
    at.session_state["runs.table"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def test_without_runs_says_so():
    at = no_exception(open_page(RUNS))
    assert texts(at.info) == ["No runs yet."]


def test_the_table_lists_every_run_with_its_status(lab, trained):
    at = no_exception(open_page(RUNS))

    table = at.dataframe[0].value.set_index("run")
    assert list(table.index) == [trained["multiclass"], trained["linear"]]  # newest first
    assert list(table["status"]) == ["completed", "completed"]
    assert list(table["epochs"]) == ["2/2", "30/30"]
    assert table.loc[trained["multiclass"], "best"].startswith("val_accuracy 0.")
    assert table.loc[trained["linear"], "best"].startswith("loss ")  # no validation split


def test_the_newest_run_has_its_curves_and_downloads(lab, trained):
    at = no_exception(open_page(RUNS))
    newest = trained["multiclass"]

    assert f"Run {newest}" in texts(at.subheader)
    chart = overlay(at)
    name = f"multiclass · handwritten digits (offline) · {newest}"
    assert {trace["name"] for trace in chart["data"]} == {name, f"{name} (validation)"}
    assert at.selectbox(key="runs.metric").options == ["loss", "accuracy"]
    buttons = downloads(at)
    assert {"Model (.keras)", "History (CSV)", "Spec (JSON)"} <= set(buttons)
    assert not any(buttons[name].disabled
                   for name in ("Model (.keras)", "History (CSV)", "Spec (JSON)"))
    assert buttons["Model (.keras)"].url  # served: the model file exists
    assert not at.button(key="runs.delete").disabled

    no_exception(at.selectbox(key="runs.metric").set_value("accuracy").run())
    assert overlay(at)["layout"]["title"]["text"] == "accuracy"


def test_selected_runs_are_overlaid(lab, trained):
    at = no_exception(open_page(RUNS))

    no_exception(select_rows(at, [0, 1]))

    names = {trace["name"] for trace in overlay(at)["data"]}
    assert f"linear · the notes' six points · {trained['linear']}" in names
    assert f"multiclass · handwritten digits (offline) · {trained['multiclass']}" in names


def test_code_export_offers_a_script(lab, trained):
    at = no_exception(open_page(RUNS))
    assert "Save script" not in downloads(at)

    no_exception(at.button(key="runs.code.make").click().run())

    assert "Save script" in downloads(at)


def test_delete_removes_a_finished_run(tflab_home):
    from tflab.store import RunNotFound, RunStore

    with RunStore(tflab_home) as store:
        kept, deleted = finished_run(store), finished_run(store, (0.8, 0.4, 0.2))
        at = no_exception(open_page(RUNS))
        assert f"Run {deleted}" in texts(at.subheader)

        no_exception(at.button(key="runs.delete").click().run())

        with pytest.raises(RunNotFound):
            store.get_run(deleted)
        assert not store.model_path(deleted).exists()
        assert [run.id for run in store.list_runs()] == [kept]
        assert list(at.dataframe[0].value["run"]) == [kept]
        assert f"Run {kept}" in texts(at.subheader)


def test_a_queued_run_cannot_be_deleted(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        finished_run(store)
        queued = store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)

        at = no_exception(open_page(RUNS))

        assert f"Run {queued}" in texts(at.subheader)
        assert at.button(key="runs.delete").disabled
        assert downloads(at)["Model (.keras)"].disabled  # no model yet


def test_deleting_the_selected_last_row_keeps_the_page(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        oldest, middle, newest = finished_run(store), finished_run(store), finished_run(store)
        at = no_exception(open_page(RUNS))
        no_exception(select_rows(at, [2]))
        assert f"Run {oldest}" in texts(at.subheader)

        no_exception(at.button(key="runs.delete").click().run())

        assert [run.id for run in store.list_runs()] == [newest, middle]


def test_selected_runs_show_only_the_settings_that_differ(tflab_home):
    from tflab.store import RunStore

    store = RunStore(tflab_home)
    slow = finished_run(store, losses=(0.9, 0.5))
    fast = finished_run(store, losses=(0.9, 0.5, 0.2))  # the same spec but for its epochs
    at = no_exception(open_page(RUNS))
    assert "Select rows in the table" in " ".join(texts(at.caption))
    no_exception(select_rows(at, [0, 1]))
    [table] = [d for d in at.dataframe if "setting" in d.value.columns]
    rows = table.value.to_dict("records")
    line = "linear · the notes' six points"
    assert rows == [{"setting": "fit.epochs", f"{line} · {fast}": "3", f"{line} · {slow}": "2"}]


def pictures_zip() -> bytes:
    """A zip of two class folders of small pictures, as a person uploads it."""
    import io
    import zipfile

    from PIL import Image

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder, colour in (("cats", "black"), ("dogs", "white")):
            for n in range(3):
                picture = io.BytesIO()
                Image.new("RGB", (40, 40), colour).save(picture, format="PNG")
                archive.writestr(f"pets/{folder}/{n}.png", picture.getvalue())
    return buffer.getvalue()


def cnn_runs(store, home) -> tuple[str, str]:
    """A CNN run on drawn shapes and one on the person's own pictures, both finished."""
    from tflab.data.zip_import import import_zip
    from tflab.spec import ExperimentSpec

    shapes = get_recipe("cnn").spec.to_dict()
    record = import_zip(pictures_zip(), "pets.zip", home)
    own = get_recipe("cnn").spec.to_dict()
    own["data"] = {"dataset": "folder", "options": {"dataset_id": record.id, "image_size": 64},
                   "validation_split": 0.2}
    ids = []
    for spec in (shapes, own):
        ExperimentSpec.from_dict(spec)  # both are specs Build could have made
        run_id = store.create_run("cnn", spec, 1)
        store.mark_running(run_id)
        store.add_epochs(run_id, [(1, {"loss": 0.6, "accuracy": 0.7})])
        store.finish(run_id, "completed")
        ids.append(run_id)
    return ids[0], ids[1]


def test_a_shapes_cnn_and_an_own_pictures_cnn_read_differently(tflab_home):
    """Issue 8.6: both read "cnn · completed · id" and could not be told apart."""
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        shapes, own = cnn_runs(store, tflab_home)
        at = no_exception(open_page(RUNS))

        table = at.dataframe[0].value.set_index("run")
        assert table.loc[shapes, "data"] == "shapes: circle, triangle"
        assert table.loc[own, "data"] == "your pictures: cats, dogs"
        assert list(table["recipe"]) == ["cnn", "cnn"]

        no_exception(select_rows(at, [0, 1]))
        names = {trace["name"] for trace in overlay(at)["data"]}
        assert names == {f"cnn · shapes: circle, triangle · {shapes}",
                         f"cnn · your pictures: cats, dogs · {own}"}
        [changed] = [d for d in at.dataframe if "setting" in d.value.columns]
        assert set(changed.value.columns) == {"setting", f"cnn · shapes: circle, triangle · {shapes}",
                                              f"cnn · your pictures: cats, dogs · {own}"}


def test_a_label_typed_for_a_run_is_kept_and_names_it(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        shapes, own = cnn_runs(store, tflab_home)
        at = no_exception(open_page(RUNS))
        assert f"Run {own}" in texts(at.subheader)  # the newest is picked first

        no_exception(at.text_input(key=f"runs.label.{own}").input("  my pets\n").run())

        assert store.get_run(own).label == "my pets"
        assert store.get_run(shapes).label == ""
        table = at.dataframe[0].value.set_index("run")
        assert table.loc[own, "label"] == "my pets" and table.loc[shapes, "label"] == ""
        # A new visit, as after a restart: the label came from the store.
        again = no_exception(open_page(RUNS))
        assert again.text_input(key=f"runs.label.{own}").value == "my pets"
        assert {trace["name"] for trace in overlay(again)["data"]} == {
            f"my pets · cnn · your pictures: cats, dogs · {own}"}


def test_a_label_shows_as_typed_in_the_legend_and_the_message_as_written(tflab_home):
    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        run_id = finished_run(store)
        store.set_label(run_id, '<a href="https://evil.test">log in</a>')
        store.finish(run_id, "completed", "See ![x](https://evil.test/a.png) **now**")

        at = no_exception(open_page(RUNS))

        [name] = {trace["name"] for trace in overlay(at)["data"]}
        assert name.startswith('&lt;a href="https://evil.test"&gt;log in&lt;/a&gt; · linear')
        [caption] = [c.value for c in at.caption if "evil" in c.value]
        assert "![x](" not in caption and "**now**" not in caption


def test_an_own_pictures_run_exports_its_script_and_says_when_its_pictures_are_gone(tflab_home):
    """Its "Code (.py)" raised KeyError: the exporter had no code for uploaded pictures."""
    import shutil

    from tflab.store import RunStore

    with RunStore(tflab_home) as store:
        _, own = cnn_runs(store, tflab_home)
        at = no_exception(open_page(RUNS))
        no_exception(at.button(key="runs.code.make").click().run())
        assert at.session_state["runs.code"][0] == own
        assert "read_folder(STORE.joinpath('datasets'" in at.session_state["runs.code"][1]
        assert "Save script" in downloads(at)

        dataset_id = store.get_run(own).spec["data"]["options"]["dataset_id"]
        shutil.rmtree(tflab_home / "datasets" / dataset_id)
        at = no_exception(open_page(RUNS))
        no_exception(at.button(key="runs.code.make").click().run())
        assert "Save script" not in downloads(at)
        assert any(dataset_id in shown(e.value) for e in at.error)


def test_in_spanish_the_table_charts_and_buttons_speak_spanish(tflab_home):
    from datetime import datetime

    from tflab.store import RunStore
    from tflab.words import Words

    es = Words.load("es")
    with RunStore(tflab_home) as store:
        older = finished_run(store, losses=(0.9, 0.5))
        newer = finished_run(store, losses=(0.9, 0.5, 0.25), status="stopped")
        store.finish(newer, "stopped", "Stopped on request during epoch 3.")
        at = no_exception(open_page(RUNS, lang="es"))

        assert texts(at.title) == ["Ejecuciones"]
        table = at.dataframe[0].value.set_index("ejecución")
        assert list(table.columns) == ["etiqueta", "receta", "datos", "estado", "épocas", "mejor",
                                       "duración (s)", "cuándo"]
        assert list(table["estado"]) == ["detenida", "completada"]
        assert table.loc[newer, "mejor"] == "loss 0,25"
        assert table.loc[older, "datos"] == "los seis puntos de los apuntes"
        assert table.loc[older, "cuándo"] == es.date(datetime.fromtimestamp(
            store.get_run(older).created))
        assert f"Ejecución {newer}" in texts(at.subheader)
        assert {"Modelo (.keras)", "Historial (CSV)", "Especificación (JSON)"} <= set(downloads(at))
        assert at.button(key="runs.delete").label == "Borrar"
        assert at.selectbox(key="runs.metric").label == "Métrica"
        assert at.selectbox(key="runs.metric").format_func("loss") == "pérdida"
        chart = overlay(at)
        assert chart["layout"]["title"]["text"] == "pérdida"
        assert chart["layout"]["separators"] == ",."
        assert "Selecciona filas de la tabla" in " ".join(texts(at.caption))
        assert "Detenida a petición durante la época 3." in [shown(c) for c in texts(at.caption)]

        no_exception(select_rows(at, [0, 1]))
        [changed] = [d for d in at.dataframe if "ajuste" in d.value.columns]
        assert "Lo que cambia entre estas ejecuciones" in texts(at.caption)
        assert not missing_keys(at)


def test_in_spanish_the_comparison_names_each_side_and_its_gap(tflab_home):
    from components.compare import without_augmentation
    from tflab.store import RunStore

    cnn = get_recipe("cnn").spec
    plain = without_augmentation(cnn)
    with RunStore(tflab_home) as store:
        ids = []
        for spec in (cnn, plain):
            run_id = store.create_run("cnn", spec.to_dict(), 2)
            store.mark_running(run_id)
            store.add_epochs(run_id, [(1, {"accuracy": 0.7, "val_accuracy": 0.6}),
                                      (2, {"accuracy": 0.95, "val_accuracy": 0.8})])
            store.finish(run_id, "completed")
            ids.append(run_id)
        at = no_exception(open_page(RUNS, lang="es", compare=",".join(ids)))

    assert "Con y sin aumento de datos" in texts(at.subheader)
    headings = [m.value for m in at.markdown if "aumento de datos**" in m.value]
    assert headings[0] == "**Con aumento de datos** · completada · época 2/2"
    assert headings[1].startswith("**Sin aumento de datos**")
    gaps = [(m.label, m.value) for m in at.metric]
    assert gaps == [("Entrenamiento − validación: precisión", "+0,150")] * 2
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
              if "-compare." in c.proto.id]
    assert [c["layout"]["separators"] for c in charts] == [",.", ",."]
    assert [c["layout"]["title"]["text"] for c in charts] == ["precisión", "precisión"]
    assert not missing_keys(at)
