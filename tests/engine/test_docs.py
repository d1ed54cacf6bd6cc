"""The Example: sections of the engine's docstrings run as written."""

import doctest
import importlib

import pytest

MODULES = ["tflab.spec.params", "tflab.spec.layers", "tflab.spec.training", "tflab.spec.augmentation",
           "tflab.spec.data", "tflab.spec.model", "tflab.spec.experiment", "tflab.recipes",
           "tflab.stream", "tflab.data.dataset", "tflab.build", "tflab.codegen", "tflab.executor",
           "tflab.job", "tflab.train", "tflab.evaluate", "tflab.data.csvfiles", "tflab.weights",
           "tflab.imagenet", "tflab.files", "tflab.spec.names", "tflab.spec.legacy",
           "tflab.views", "tflab.kept", "tflab.coach", "tflab.gradcam", "tflab.parcels",
           "tflab.ray_executor", "tflab.sweep", "tflab.best", "tflab.sweep_results",
           "tflab.sweeping", "tflab.exports", "tflab.store_health", "tflab.worker"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_importing_the_engine_light_parts_does_not_load_tensorflow():
    import subprocess
    import sys

    code = ("import sys, tflab, tflab.spec, tflab.recipes, tflab.store, tflab.data, tflab.images, "
            "tflab.coach; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF loaded'; "
            "assert 'streamlit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
