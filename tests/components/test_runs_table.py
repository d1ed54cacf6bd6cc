"""Tests for components.runs_table: the Runs page's numbers, computed from plain histories."""

import csv
import io
import json
import math

import pytest

from components.runs_table import (chart_name, differences, file_stem, history_csv, run_rows,
                                   spec_json)
from tflab.store import RunStore

NAN = math.nan


def test_history_csv_has_an_epoch_column_and_one_column_per_metric():
    history = {"val_loss": [(1, 0.8), (2, 0.6)], "loss": [(1, 0.9), (2, 0.5), (3, 0.25)]}

    rows = list(csv.reader(io.StringIO(history_csv(history))))

    assert rows == [["epoch", "loss", "val_loss"],
                    ["1", "0.9", "0.8"],
                    ["2", "0.5", "0.6"],
                    ["3", "0.25", ""]]  # a metric missing in an epoch leaves its cell empty


def test_history_csv_orders_epochs_and_keeps_nan():
    text = history_csv({"loss": [(2, NAN), (1, 1.5)]})

    assert list(csv.DictReader(io.StringIO(text))) == [{"epoch": "1", "loss": "1.5"},
                                                       {"epoch": "2", "loss": "nan"}]


def test_history_csv_of_no_epochs_is_the_header():
    assert history_csv({}) == "epoch\r\n"


def test_run_rows_describe_each_run(tmp_path):
    with RunStore(tmp_path) as store:
        done = store.create_run("multiclass", {"fit": {"epochs": 2}}, 2)
        store.mark_running(done)
        store.add_epochs(done, [(1, {"loss": 0.5, "val_accuracy": 0.8}),
                                (2, {"loss": 0.3, "val_accuracy": 0.91234})])
        store.finish(done, "completed")
        queued = store.create_run("linear", {"data": {"dataset": "line"}}, None)
        store.set_label(done, "128 relu")

        rows = run_rows(store, [store.get_run(queued), store.get_run(done)])

    assert [(r["run"], r["label"], r["recipe"], r["data"], r["status"], r["epochs"], r["best"],
             r["duration (s)"]) for r in rows] == [
        (queued, "", "linear", "the notes' six points", "queued", "0/?", "", None),
        (done, "128 relu", "multiclass", "?", "completed", "2/2", "val_accuracy 0.9123",
         rows[1]["duration (s)"])]
    assert float(rows[1]["duration (s)"].replace(",", "")) >= 0
    assert list(rows[0])[:4] == ["run", "label", "recipe", "data"]  # what tells runs apart first


def titled(label="", recipe="cnn", run_id="k3x9", data=None):
    from types import SimpleNamespace

    return SimpleNamespace(id=run_id, recipe=recipe, label=label,
                           spec={"data": data or {"dataset": "shapes", "options": {}}})


@pytest.mark.parametrize("run, stem", [
    (titled(), "cnn-shapes-circle-square-k3x9"),
    (titled("first try"), "first-try-cnn-shapes-circle-square-k3x9"),
    (titled("../../etc/passwd"), "etc-passwd-cnn-shapes-circle-square-k3x9"),
    (titled('a"b<c>:|?*\\d'), "a-b-c-d-cnn-shapes-circle-square-k3x9"),
    (titled("café · día"), "cafe-dia-cnn-shapes-circle-square-k3x9"),
    (titled("x" * 60), "x" * 60 + "-cnn-shapes-cir-k3x9"),  # 80 characters, the id kept
], ids=["no label", "label", "path", "reserved characters", "accents", "long"])
def test_download_names_come_from_the_runs_title(run, stem):
    assert file_stem(run) == stem


def test_chart_names_escape_tags_a_plotly_legend_would_draw():
    name = chart_name(titled('<a href="https://evil.test">x</a> & <b>y</b>'))
    assert "<" not in name and ">" not in name
    assert name.startswith('&lt;a href="https://evil.test"&gt;x&lt;/a&gt; &amp; &lt;b&gt;y')


def test_spec_json_is_the_runs_spec(tmp_path):
    spec = {"recipe": "linear", "fit": {"epochs": 3}}
    with RunStore(tmp_path) as store:
        run = store.get_run(store.create_run("linear", spec, 3))

    assert json.loads(spec_json(run)) == spec


def test_differences_name_each_changed_setting_by_its_path():
    base = {"model": {"layers": [{"type": "Dense", "units": 8}], "input_shape": [1]},
            "augmentation": {"rotation_range": 0.0}, "seed": 42}
    wider = json.loads(json.dumps(base))
    wider["model"]["layers"][0]["units"] = 64
    deeper = json.loads(json.dumps(base))
    deeper["model"]["layers"].insert(0, {"type": "Flatten"})
    rows = differences({"a": base, "b": wider, "c": deeper})
    assert {row["setting"]: (row["a"], row["b"], row["c"]) for row in rows} == {
        "model.layers[0].type": ("Dense", "Dense", "Flatten"),
        "model.layers[0].units": ("8", "64", "-"),
        "model.layers[1].type": ("-", "-", "Dense"),
        "model.layers[1].units": ("-", "-", "8"),
    }
    assert differences({"a": base, "same": json.loads(json.dumps(base))}) == []


def test_docstring_examples_run_as_written():
    import doctest

    import components.runs_table

    assert doctest.testmod(components.runs_table).failed == 0


def test_run_rows_in_spanish_name_columns_status_numbers_and_dates(tmp_path):
    from datetime import datetime

    from tflab.words import Words

    es = Words.load("es")
    with RunStore(tmp_path) as store:
        done = store.create_run("linear", {"data": {"dataset": "line"}}, 2)
        store.mark_running(done)
        store.add_epochs(done, [(1, {"loss": 0.5, "val_accuracy": 0.8}),
                                (2, {"loss": 0.3, "val_accuracy": 0.91234})])
        store.finish(done, "completed")
        [row] = run_rows(store, [store.get_run(done)], es)
        created = store.get_run(done).created

    assert list(row) == ["ejecución", "etiqueta", "receta", "datos", "estado", "épocas", "mejor",
                         "duración (s)", "cuándo"]
    assert row["estado"] == "completada" and row["mejor"] == "val_accuracy 0,9123"
    assert row["datos"] == "los seis puntos de los apuntes"
    assert row["cuándo"] == es.date(datetime.fromtimestamp(created))
    assert "," in row["duración (s)"] and "." not in row["duración (s)"]


def test_every_status_and_column_has_its_word_in_both_languages():
    from components.runs_table import COLUMNS, status_word
    from tflab.store import STATUSES
    from tflab.words import Words

    for language in ("en", "es"):
        w = Words.load(language)
        assert all(w.has(f"progress.status.{status}") for status in STATUSES)
        assert all(w.has(f"runs.column.{name}") for name in (*COLUMNS, "setting"))
    assert [status_word(s) for s in STATUSES] == list(STATUSES)  # English: as stored
    assert status_word("diverged", Words.load("es")) == "divergida"
    # A state this version's catalog does not know (a newer store's) reads as stored.
    assert status_word("paused", Words.load("es")) == "paused"


def test_differences_name_their_first_column_in_the_language():
    from tflab.words import Words

    a, b = {"fit": {"epochs": 5}}, {"fit": {"epochs": 9}}
    assert differences({"a": a, "b": b}, Words.load("es")) == [
        {"ajuste": "fit.epochs", "a": "5", "b": "9"}]
