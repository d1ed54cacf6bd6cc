"""`python -m tflab export RUN --format ...`, run as a person would: a real process, a real
store, the file loaded back."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tflab.recipes import get_recipe
from tflab.store import RunStore

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:.*Interpreter is deprecated:UserWarning")


def tflab(*args, home, cwd):
    env = {**os.environ, "TFLAB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tflab", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_run_exports_as_tensorflow_lite_that_answers_as_keras(tflab_home, tmp_path):
    from tflab.job import run_job
    from tflab.models import load_model

    spec = get_recipe("linear").spec.with_setting("fit.epochs", 10)
    with RunStore(tflab_home) as store:
        run_id = store.create_run(spec.recipe, spec.to_dict(), 10)
        assert run_job(store, run_id).status == "completed"
        model = load_model(store.model_path(run_id))

    done = tflab("export", run_id[:7], "--format", "tflite", "-o", "line.tflite",
                 home=tflab_home, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "wrote line.tflite" in done.stderr and not done.stdout
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(tmp_path / "line.tflite"))
    interpreter.allocate_tensors()  # its batch of one: x = 10
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.array([[10.0]], "f"))
    interpreter.invoke()
    answer = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(answer, model(np.array([[10.0]], "f")).numpy(), atol=1e-4)

    # Without -o: the run's id and the format's ending, in the current folder.
    zipped = tflab("export", run_id, "--format", "savedmodel", home=tflab_home, cwd=tmp_path)
    assert zipped.returncode == 0, zipped.stderr
    assert (tmp_path / f"{run_id}_savedmodel.zip").stat().st_size > 1000


def test_what_cannot_be_exported_exits_non_zero_saying_why(tflab_home, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with RunStore(tflab_home) as store:
        queued = store.create_run("linear", get_recipe("linear").spec.to_dict(), 1)

    recipe = tflab("export", "linear", "--format", "tflite", home=tflab_home, cwd=out)
    assert recipe.returncode == 2
    assert "'linear' is a recipe, which has no trained model" in recipe.stderr
    no_model = tflab("export", queued, "--format", "onnx", home=tflab_home, cwd=out)
    assert no_model.returncode == 1
    assert f"Run {queued} has no model to export (queued)" in no_model.stderr
    tfjs = tflab("export", queued, "--format", "tfjs", home=tflab_home, cwd=out)
    assert tfjs.returncode == 1 and "TensorFlow.js cannot be made here" in tfjs.stderr
    assert list(out.iterdir()) == []  # nothing half-written
