"""The command line, run as a person would: a real process, a real store."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tflab(*args, home, timeout=300):
    env = {**os.environ, "TFLAB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tflab", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_train_linear_json_predicts_about_19_for_10(tflab_home):
    done = tflab("train", "linear", "--json", home=tflab_home)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "completed" and result["epochs"] == 500
    [prediction] = result["predictions"]
    assert prediction["x"] == 10 and abs(prediction["y"] - 19) < 0.1
    assert done.stderr.count("epoch ") >= 500  # a progress line per epoch, on stderr with --json

    runs = tflab("runs", home=tflab_home)
    assert result["run"] in runs.stdout and "completed" in runs.stdout
    shown = tflab("show", result["run"][:6], home=tflab_home)
    assert shown.returncode == 0 and "status completed" in shown.stdout and "loss" in shown.stdout
    exported = tflab("export", result["run"], home=tflab_home)
    assert exported.returncode == 0 and "model.fit(" in exported.stdout


def test_train_prints_a_line_per_epoch_and_sets(tflab_home):
    done = tflab("train", "linear", "--set", "fit.epochs=7", home=tflab_home)
    assert done.returncode == 0
    lines = [l for l in done.stdout.splitlines() if l.startswith("epoch ")]
    assert [l.split()[1] for l in lines] == [f"{i}/7" for i in range(1, 8)]
    assert "predict x=10" in done.stdout


def test_a_bad_setting_exits_2_naming_the_field(tflab_home):
    done = tflab("train", "linear", "--set", "fit.epochs=0", home=tflab_home)
    assert done.returncode == 2
    assert "`fit.epochs`" in done.stderr and "received 0" in done.stderr


def test_a_failed_run_exits_non_zero_with_its_message(tflab_home):
    done = tflab("train", "multiclass", "--set", "data.dataset=mnist", "--set", "fit.epochs=1",
                 home=tflab_home)
    assert done.returncode == 1
    assert "failed" in done.stdout and "allow_download" in done.stdout


def test_recipes_and_unknown_runs(tflab_home):
    listed = tflab("recipes", home=tflab_home)
    assert listed.returncode == 0 and "time_series" in listed.stdout and "transfer" in listed.stdout
    missing = tflab("show", "rnothere", home=tflab_home)
    assert missing.returncode == 2 and "rnothere" in missing.stderr


def sales_csv(folder) -> Path:
    path = folder / "sales.csv"
    path.write_text("day,sales\n" + "\n".join(f"{i},{20 + (i % 12) * 3.5}" for i in range(200)))
    return path


def test_a_local_csv_is_imported_and_trained_on_by_its_id(tflab_home, tmp_path):
    imported = tflab("import", str(sales_csv(tmp_path)), home=tflab_home)
    assert imported.returncode == 0, imported.stderr
    csv_id = imported.stdout.strip()
    assert (tflab_home / "datasets" / "csv" / f"{csv_id}.csv").is_file()
    assert f"--set data.options.csv_id={csv_id}" in imported.stderr
    done = tflab("train", "time_series", "--set", f"data.options.csv_id={csv_id}", "--set",
                 "data.options.csv_column=sales", "--set", "data.options.window=10", "--set",
                 "fit.epochs=1", "--json", home=tflab_home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "completed"


def test_a_path_in_a_setting_is_refused_with_the_way_to_import_it(tflab_home, tmp_path):
    done = tflab("train", "time_series", "--set", f"data.options.csv_path={sales_csv(tmp_path)}",
                 home=tflab_home)
    assert done.returncode == 2
    assert "`data.options.csv_path`" in done.stderr and "python -m tflab import" in done.stderr
    weights = tflab("train", "transfer", "--set", "model.base.weights=/home/me/inception.h5",
                    home=tflab_home)
    assert weights.returncode == 2 and "`model.base.weights`" in weights.stderr


@pytest.mark.parametrize("name,data,message", [
    ("notes.h5", b"not hdf5", "'notes.h5' is not an HDF5 weights file"),
    ("notes.keras", b"not a zip", "'notes.keras' is not a saved Keras model"),
    ("notes.pdf", b"%PDF", "is not a .csv, .txt, .h5, .weights.h5 or .keras file"),
    ("empty.csv", b"", "'empty.csv' is empty"),
])
def test_an_import_that_cannot_be_kept_says_why(tflab_home, tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    done = tflab("import", str(tmp_path / name), home=tflab_home)
    assert done.returncode == 2 and message in done.stderr and not done.stdout


def test_an_older_runs_spec_is_shown_and_exported_by_id_or_refused(tflab_home):
    from tflab.data.csvfiles import store_csv
    from tflab.recipes import get_recipe
    from tflab.store import RunStore

    def old(csv_path):
        data = get_recipe("time_series").spec.to_dict()
        del data["data"]["options"]["csv_id"]
        data["data"]["options"]["csv_path"] = csv_path
        return data

    csv_id = store_csv(b"v\n" + b"\n".join(b"%d" % i for i in range(100)), "v.csv")
    with RunStore(tflab_home) as store:
        inside = store.create_run("time_series", old(str(tflab_home / "datasets" / "csv" /
                                                         f"{csv_id}.csv")), 1)
        outside = store.create_run("time_series", old("/home/me/v.csv"), 1)
    for run_id in (inside, outside):
        shown = tflab("show", run_id, "--spec", home=tflab_home)
        assert shown.returncode == 0 and "csv_path" in shown.stdout  # as it was stored
    exported = tflab("export", inside, home=tflab_home)
    assert exported.returncode == 0 and repr(f"{csv_id}.csv") in exported.stdout
    refused = tflab("export", outside, home=tflab_home)
    assert refused.returncode == 2 and "`data.options.csv_path`" in refused.stderr
    assert "python -m tflab import <file>" in refused.stderr
