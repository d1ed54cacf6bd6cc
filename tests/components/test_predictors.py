"""components.predictors: a run's loaded model is kept between page runs, and loaded anew
when its file changes or is gone (a run trained again, replaced, deleted), never served
stale. Called as a page calls it, in Streamlit's bare mode (its resource cache works the
same)."""

import os
import shutil

import numpy as np
import pytest

from components.predictors import model_stamp, predictor_for
from tflab.job import run_job
from tflab.models import ModelFileError
from tflab.recipes import get_recipe
from tflab.store import RunNotFound, RunStore

POINTS = [[0.0, 0.0], [0.8, 0.8], [-0.5, 0.9]]


def trained(store, seed):
    spec = get_recipe("binary_points").spec.with_setting("fit.epochs", 3) \
        .with_setting("seed", seed)
    run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
    assert run_job(store, run_id).status == "completed"
    return run_id


@pytest.fixture
def store(tflab_home):
    with RunStore(tflab_home) as opened:
        yield opened


def test_a_runs_predictor_is_loaded_once_and_kept(store):
    run_id = trained(store, seed=1)
    first = predictor_for(store, run_id)
    assert predictor_for(store, run_id) is first
    assert predictor_for(store, run_id, epoch=None) is first


def test_a_replaced_model_file_is_loaded_anew_and_answers_as_the_new_model(store):
    run_id, other_id = trained(store, seed=1), trained(store, seed=2)
    before = predictor_for(store, run_id)
    old_answers = before.numbers(POINTS)
    # The run's model file replaced by another model (a run trained again writes a new one).
    shutil.copyfile(store.model_path(other_id), store.model_path(run_id))
    stamp = model_stamp(store, run_id)
    os.utime(store.model_path(run_id), ns=(stamp[1], stamp[1] + 2_000_000_000))
    after = predictor_for(store, run_id)
    assert after is not before
    np.testing.assert_allclose(after.numbers(POINTS), predictor_for(store, other_id).numbers(POINTS),
                               atol=1e-6)
    assert not np.allclose(after.numbers(POINTS), old_answers, atol=1e-3)


def test_a_deleted_model_or_run_is_not_served_from_memory(store):
    kept_id, deleted_id = trained(store, seed=1), trained(store, seed=2)
    for run_id in (kept_id, deleted_id):
        assert predictor_for(store, run_id).numbers(POINTS).shape == (3,)
    store.model_path(kept_id).unlink()  # the run stays, its model file is gone
    with pytest.raises(ModelFileError, match="model file"):
        predictor_for(store, kept_id)
    store.delete_run(deleted_id)
    assert model_stamp(store, deleted_id) is None
    with pytest.raises(RunNotFound):
        predictor_for(store, deleted_id)
