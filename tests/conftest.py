"""Shared test setup: a fresh run store per test, quiet TensorFlow, nothing downloaded, and
how the tests share the machine when they run side by side (`-n 2`, pytest-xdist)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest


@pytest.fixture(autouse=True)
def tflab_home(tmp_path, monkeypatch):
    """Every test gets its own TFLAB_HOME and an empty Keras cache: no shared state."""
    home = tmp_path / "tflab-home"
    monkeypatch.setenv("TFLAB_HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    return home


# Tests that start a server and a browser take the machine's cores for many seconds each;
# two of them at once made each other's pages wait past their timeouts. (Two local Ray
# clusters can run at once: each takes free ports, and TF Lab starts Ray without its
# dashboard, so the Ray tests need no turn of their own.)
ONE_AT_A_TIME = ("tests/e2e/",)


# First: xdist reads the groups in a hook of its own, which must see them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Group the tests for pytest-xdist's `loadgroup`: the browser tests in one group,
    run first and one after another on one worker; every other module a group of its own, so
    its module-scoped fixtures (a trained model) are built once. The other worker takes the
    modules meanwhile: the suite takes about as long as its browser tests, not their sum."""
    def one_at_a_time(item):
        return item.nodeid.startswith(ONE_AT_A_TIME)

    for item in items:
        group = "one-at-a-time" if one_at_a_time(item) else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: not one_at_a_time(item))  # stable: the rest keep their order
