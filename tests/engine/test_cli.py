"""The command line, run as a person would: a real process, a real store."""

import json
import os
import subprocess
import sys
from pathlib import Path

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
