"""Fixtures for the dashboard's AppTest tests.

Each test gets its own empty TFLAB_HOME (tests/conftest.py). Tests that need trained
runs use `lab`: one store per test module, so each recipe is trained once per module,
and the training worker the pages start is shut down when the module ends.
"""

import pytest


@pytest.fixture(scope="module")
def lab_home(tmp_path_factory):
    """A TFLAB_HOME (and empty KERAS_HOME) shared by one test module."""
    folder = tmp_path_factory.mktemp("lab")
    home = folder / "tflab-home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TFLAB_HOME", str(home))
        patch.setenv("KERAS_HOME", str(folder / "keras-home"))
        yield home
        from components.state import executor

        executor().shutdown()  # the worker the pages started for this store, if any


@pytest.fixture
def lab(lab_home, monkeypatch):
    """The module's shared store, for this test's pages and for the test itself."""
    from tflab.store import RunStore

    monkeypatch.setenv("TFLAB_HOME", str(lab_home))
    monkeypatch.setenv("KERAS_HOME", str(lab_home.parent / "keras-home"))
    with RunStore(lab_home) as store:
        yield store
