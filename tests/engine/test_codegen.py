"""Exported scripts are standalone and reproduce the engine's loss for the same seed."""

import ast
import json
import os
import subprocess
import sys

import pytest

from tflab.codegen import export_script
from tflab.recipes import RECIPES, get_recipe
from tflab.stream import ListSink
from tflab.train import train


def run_script(script, tmp_path):
    path = tmp_path / "exported.py"
    path.write_text(script)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("recipe,epochs", [("linear", 500), ("deep_regression", 40)])
def test_exported_script_reproduces_the_engines_loss(recipe, epochs, tmp_path):
    spec = get_recipe(recipe).spec.with_setting("fit.epochs", epochs)
    engine = train(spec, ListSink())
    exported = run_script(export_script(spec), tmp_path)
    assert exported["epochs"] == epochs
    for name, value in engine.final_metrics.items():
        assert exported["final_metrics"][name] == pytest.approx(value, rel=1e-3, abs=1e-6), name


@pytest.mark.parametrize("recipe", [r.name for r in RECIPES])
def test_every_recipe_exports_valid_python_without_tflab(recipe):
    script = export_script(get_recipe(recipe).spec)
    tree = ast.parse(script)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module)])}
    assert imported <= {"json", "math", "keras", "numpy", "tensorflow", "sklearn"}, imported
    assert "model.fit(" in script


def test_imagenet_weights_export_as_keras_own_argument():
    spec = get_recipe("transfer").spec.with_setting("model.base.weights", "imagenet")
    script = export_script(spec)
    assert "include_top=False, weights='imagenet')" in script
    assert "load_weights('imagenet')" not in script
