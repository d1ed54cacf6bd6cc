"""tflab.run: a stored run opened once, its spec read once; a spec that no longer reads and a
model file that is gone are said, each with its reason, and the rest of the run still opens."""

import numpy as np
import pytest

from tflab.data import load_dataset
from tflab.job import run_job
from tflab.models import ModelFileError
from tflab.predict import Predictor
from tflab.recipes import get_recipe
from tflab.run import open_run
from tflab.spec import SpecError
from tflab.store import RunNotFound

GONE = {"data": {"dataset": "gone"}}  # as a store of a TF Lab that had such a dataset wrote it


def test_a_finished_run_gives_its_spec_summary_model_data_and_history(spiral_run):
    store, run_id = spiral_run
    opened = open_run(store, run_id)
    assert opened.id == run_id and opened.run == store.get_run(run_id)
    assert opened.spec_error is None
    assert opened.spec.data.options["pattern"] == "spiral"
    assert opened.summary.kind == "binary" and opened.summary.input_shape == (2,)
    assert opened.has_model and opened.kept_epochs == store.weight_epochs(run_id)

    assert opened.model() is opened.model()  # loaded once
    points = np.array([[0.0, 0.0], [2.0, -1.0], [-3.0, 2.5]], dtype="float32")
    final, first = opened.model()(points).numpy(), opened.model(epoch=1)(points).numpy()
    assert np.abs(final - first).max() > 1e-3, "epoch 1 gave the final model"
    with pytest.raises(ValueError, match=r"kept epochs .*Received: epoch=31"):
        opened.model(epoch=31)

    spec = opened.spec
    expected = load_dataset(spec.data.dataset, dict(spec.data.options),
                            spec.data.validation_split, spec.seed)
    assert opened.data() is opened.data()
    np.testing.assert_array_equal(opened.data().x_val, expected.x_val)
    history = opened.history()
    assert history == store.history(run_id) and [e for e, _ in history["loss"]] == list(range(1, 31))


def test_a_run_is_opened_from_its_record_as_from_its_id(spiral_run):
    store, run_id = spiral_run
    record = store.list_runs()[0]
    assert open_run(store, record).run is record
    with pytest.raises(RunNotFound):
        open_run(store, "nosuchrun")


def test_a_spec_that_no_longer_reads_opens_the_run_and_says_why_wherever_it_is_needed(spiral_run):
    store, trained = spiral_run
    run_id = store.create_run("binary_points", GONE, 5)
    store.model_path(run_id).write_bytes(store.model_path(trained).read_bytes())
    opened = open_run(store, run_id)

    error = opened.spec_error
    assert isinstance(error, SpecError) and error.field == "data.dataset"
    assert str(error).startswith("`data.dataset` must be one of ") and "received 'gone'" in str(error)
    for needs_the_spec in (lambda: opened.spec, lambda: opened.summary, opened.data,
                           lambda: Predictor.from_run(store, run_id)):
        with pytest.raises(SpecError) as caught:
            needs_the_spec()
        assert caught.value.field == "data.dataset"
    # What does not need the spec is still there.
    assert opened.has_model and opened.model().output_shape == (None, 1)
    assert opened.history() == {}


def test_training_a_run_whose_spec_does_not_read_fails_it_with_the_reason(tmp_path):
    from tflab.store import RunStore

    with RunStore(tmp_path) as store:
        run_id = store.create_run("linear", GONE, 5)
        assert run_job(store, run_id).status == "failed"
        run = store.get_run(run_id)
        assert run.status == "failed"
        assert run.message.startswith("The run's spec is not valid: `data.dataset` must be one of")


def test_a_run_without_its_model_file_says_so_when_the_model_is_asked_for(spiral_run, tmp_path):
    store, run_id = spiral_run
    queued = store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)
    opened = open_run(store, queued)
    assert not opened.has_model and opened.spec.recipe == "linear"
    with pytest.raises(ModelFileError, match="There is no model file at .*" + queued):
        opened.model()
    store.model_path(run_id).unlink()  # deleted by hand beside the store
    gone = open_run(store, run_id)
    assert not gone.has_model and gone.summary.kind == "binary"
    with pytest.raises(ModelFileError, match="no model file"):
        gone.model(epoch=1)
