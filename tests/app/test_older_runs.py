"""Runs made by older versions name their files by path in their stored spec. The store's
own files become ids, so those runs open, predict and export as before; a path outside the
store is refused with a message on the page, which keeps working."""

import pytest

from apptest_support import no_exception, open_page, texts
from shown import code_spans, shown
from tflab.data.csvfiles import store_csv
from tflab.recipes import get_recipe

SALES = ("day,sales\n" + "\n".join(f"{i},{20 + (i % 12) * 3.5}" for i in range(300))).encode()


def old_series_spec(csv_path: str) -> dict:
    """The time-series recipe as an older version stored it: the CSV named by its path."""
    data = get_recipe("time_series").spec.with_setting("fit.epochs", 1).to_dict()
    options = data["data"]["options"]
    del options["csv_id"]
    options.update(csv_path=csv_path, csv_column="sales", window=10)
    return data


@pytest.fixture(scope="module")
def older(lab_home):
    """(a run whose spec names a CSV in the store by path, one naming a CSV outside it)."""
    from tflab.job import run_job
    from tflab.store import RunStore

    with RunStore(lab_home) as store, pytest.MonkeyPatch.context() as patch:
        patch.setenv("TFLAB_HOME", str(lab_home))
        csv_id = store_csv(SALES, "sales.csv")
        inside = store.create_run("time_series", old_series_spec(
            str(lab_home / "datasets" / "csv" / f"{csv_id}.csv")), 1)
        assert run_job(store, inside).status == "completed"
        outside = store.create_run("time_series", old_series_spec("/home/me/sales.csv"), 1)
        store.mark_running(outside)
        store.finish(outside, "completed")
        store.model_path(outside).write_bytes(store.model_path(inside).read_bytes())
        assert "csv_path" in store.get_run(inside).spec["data"]["options"]  # kept as it was
    return {"inside": inside, "outside": outside, "csv_id": csv_id}


def refusal(at) -> str:
    [error] = [e.value for e in at.error if "csv_path" in e.value]
    assert "data.options.csv_path" in code_spans(error)
    assert "python -m tflab import <file>" in shown(error)
    return error


def test_predict_opens_an_older_run_whose_csv_is_in_the_store(lab, older):
    at = no_exception(open_page("app_pages/predict.py", run=older["inside"]))
    assert not at.error, texts(at.error)
    assert at.get("plotly_chart")  # the forecast of the series


def test_predict_refuses_an_older_run_whose_csv_is_outside_the_store(lab, older):
    at = no_exception(open_page("app_pages/predict.py", run=older["outside"]))
    refusal(at)


@pytest.mark.parametrize("which", ["inside", "outside"])
def test_train_shows_an_older_run(lab, older, which):
    at = no_exception(open_page("app_pages/train.py", run=older[which]))
    assert not [e for e in at.error if "csv_path" in e.value]  # Train only draws its curves


def select(at, run_id, lab):
    rows = [run.id for run in lab.list_runs(limit=200)]
    at.session_state["runs.table"] = {"selection": {"rows": [rows.index(run_id)], "columns": [],
                                                    "cells": []}}
    return no_exception(at.run())


def test_runs_exports_an_older_run_by_its_csv_id(lab, older):
    at = select(open_page("app_pages/runs.py"), older["inside"], lab)
    no_exception(at.button(key="runs.code.make").click().run())
    [script] = [b.proto for b in at.get("download_button") if b.proto.label == "Save script"]
    assert script


def test_runs_refuses_to_export_an_older_run_whose_csv_is_outside_the_store(lab, older):
    at = select(open_page("app_pages/runs.py"), older["outside"], lab)
    no_exception(at.button(key="runs.code.make").click().run())
    refusal(at)


def test_compare_says_why_an_older_run_cannot_be_told_with_or_without_augmentation(lab, older):
    at = no_exception(open_page("app_pages/runs.py", compare=f"{older['inside']},{older['outside']}"))
    refusal(at)
    assert any("Without augmentation" in m.value for m in at.markdown)  # the one that reads
