"""Shared test setup: a fresh run store per test, quiet TensorFlow, nothing downloaded."""

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
