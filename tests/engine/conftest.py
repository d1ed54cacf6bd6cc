"""Fixtures the engine tests share: the offline digits and what their pictures look like, and
a finished spiral run."""

import shutil

import pytest

from tflab.data import load_dataset
from tflab.profile import profile_pictures


@pytest.fixture(scope="session")
def digits():
    """The multi-class recipe's data: scikit-learn's digits at 28x28, split as it splits."""
    return load_dataset("digits", {}, 0.2, 42)


@pytest.fixture(scope="session")
def profile(digits):
    """The profile of the digits' training pictures, as a run records it."""
    return profile_pictures(digits.x_train)


@pytest.fixture(scope="session")
def _spiral_store(tmp_path_factory):
    """A store holding one finished 30-epoch spiral run, trained once for the session."""
    from tflab.job import run_job
    from tflab.recipes import get_recipe
    from tflab.store import RunStore

    root = tmp_path_factory.mktemp("spiral-store")
    spec = get_recipe("binary_points").spec.with_setting("data.options.pattern", "spiral") \
        .with_setting("fit.epochs", 30)
    with RunStore(root) as store:
        run_id = store.create_run(spec.recipe, spec.to_dict(), 30)
        assert run_job(store, run_id).status == "completed"
    return root, run_id


@pytest.fixture
def spiral_run(_spiral_store, tmp_path):
    """(store, run id) of a finished 30-epoch spiral run, in a copy of its store this test
    may change (delete the run, ...)."""
    from tflab.store import RunStore

    root, run_id = _spiral_store
    store = RunStore(shutil.copytree(root, tmp_path / "store"))
    yield store, run_id
    store.close()
