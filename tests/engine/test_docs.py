"""The Example: sections of every module's docstrings run as written.

The modules are found, not listed: every module of the `tflab` and `components` packages
has its examples run, so a new module's examples run without anyone remembering to add it.
"""

import doctest
import importlib
import pkgutil

import pytest

import components
import tflab

# Modules that cannot be imported in a test, each with the reason. Keep it short.
NOT_IMPORTABLE = {
    "tflab.__main__": "importing it runs the command line and exits (python -m tflab)",
}


def every_module() -> list[str]:
    """The dotted names of every module of the engine and the components, packages too."""
    names = []
    for package in (tflab, components):
        names.append(package.__name__)
        names += [info.name for info in
                  pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return sorted(name for name in names if name not in NOT_IMPORTABLE)


MODULES = every_module()


def test_every_module_is_found():
    """The discovery itself could go quiet (a package moved, a path wrong): it finds the
    engine's modules in sub-packages, and the components'."""
    assert {"tflab.spec.training", "tflab.data.csvfiles", "tflab.store", "tflab.executor",
            "components.curves", "components.live_chart", "components.state"} <= set(MODULES)
    assert set(NOT_IMPORTABLE) <= {info.name for package in (tflab, components)
                                   for info in pkgutil.walk_packages(package.__path__,
                                                                     package.__name__ + ".")}


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
