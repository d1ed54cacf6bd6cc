"""One stored run, opened: its record, its experiment read once, its model, data and history.

Pages, evaluation, prediction, exports, the command line and the worker all ask the same
things of a run: which experiment it was, what its data looks like, whether it kept a
model, that model (as training left it, or at a kept past epoch), its data and its
curves. `open_run(store, run_id)` reads the stored spec once and answers all of them.

A run whose stored spec no longer reads (an older store, a dataset or recipe since
renamed, a file named by a path outside the store) still opens: its record, history and
model file are all there. Its `spec_error` is then the `SpecError` naming the field,
what was received and what is allowed, and everything that needs the experiment
(`spec`, `summary`, `data()`) raises that same error. So a page about the run shows
`spec_error` where the part that needed the spec would be (Predict, Runs' script,
Compare), a list offering runs for a use that needs their spec (a base to build on)
leaves the run out, and training it ends the run as failed with that message. Nothing
here loads TensorFlow until a model is asked for.

Example:

>>> import tempfile
>>> from tflab.recipes import get_recipe
>>> from tflab.store import RunStore
>>> store = RunStore(tempfile.mkdtemp())
>>> run_id = store.create_run("linear", get_recipe("linear").spec.to_dict(), 500)
>>> opened = open_run(store, run_id)
>>> opened.spec.compile.optimizer, opened.summary.kind, opened.has_model
('sgd', 'regression', False)
>>> older = store.create_run("linear", {"data": {"dataset": "gone"}}, 5)
>>> open_run(store, older).spec_error.field
'data.dataset'
>>> open_run(store, older).summary
Traceback (most recent call last):
tflab.params.SpecError: `data.dataset` must be one of ...; received 'gone'.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tflab.data import DataSummary, Dataset, load_dataset, summarize
from tflab.spec import ExperimentSpec, SpecError
from tflab.store import Run, RunStore

if TYPE_CHECKING:  # a model is loaded only when asked for: TensorFlow is slow to import
    import keras


class OpenRun:
    """A stored run; its spec read once, when first asked for (a list that only needs
    `has_model` reads none); models and data loaded on first use and kept.

    Made by `open_run`. Not shared between threads: it keeps what it loaded.

    Args:
        store: the `RunStore` holding the run.
        run: the run's record (`tflab.store.Run`) as read from `store`.
    """

    def __init__(self, store: RunStore, run: Run):
        self.store = store
        self.run = run
        self._read: tuple[ExperimentSpec | None, SpecError | None] | None = None
        self._models: dict[int | None, keras.Model] = {}
        self._summary: DataSummary | None = None
        self._data: Dataset | None = None

    def __repr__(self) -> str:
        return f"OpenRun({self.id!r}, {self.run.status!r})"

    @property
    def id(self) -> str:
        return self.run.id

    def _spec_read(self) -> tuple[ExperimentSpec | None, SpecError | None]:
        if self._read is None:
            try:
                self._read = ExperimentSpec.from_dict(self.run.spec), None
            except SpecError as error:
                self._read = None, error
        return self._read

    @property
    def spec_error(self) -> SpecError | None:
        """None, or why the stored spec no longer reads: the `SpecError` naming the field,
        what was received and what is allowed."""
        return self._spec_read()[1]

    @property
    def spec(self) -> ExperimentSpec:
        """The run's experiment. Raises `spec_error` (a `SpecError`) when it no longer reads."""
        spec, error = self._spec_read()
        if error is not None:
            raise error
        return spec

    @property
    def summary(self) -> DataSummary:
        """What the run's data looks like (kind, input shape, class names), without loading
        it (an upload's is read from its record once). Raises `spec_error` when the spec no
        longer reads."""
        if self._summary is None:
            self._summary = summarize(self.spec.data.dataset, dict(self.spec.data.options))
        return self._summary

    @property
    def model_path(self) -> Path:
        """Where the run's model is (or would be) kept."""
        return self.store.model_path(self.id)

    @property
    def has_model(self) -> bool:
        """True when the run kept a model file (it finished, and saving did not fail)."""
        return self.model_path.is_file()

    @property
    def kept_epochs(self) -> list[int]:
        """The past epochs whose model `model(epoch)` can give: its first and its best by
        validation loss; [] when none (`RunStore.weight_epochs`)."""
        return self.store.weight_epochs(self.id)

    def model(self, epoch: int | None = None) -> keras.Model:
        """The run's model as training left it, or as it was at a kept `epoch`; loaded once
        per epoch and kept by this object.

        Args:
            epoch: one of `kept_epochs`. Defaults to None: the final model.

        Raises:
            tflab.models.ModelFileError: no model file, a file that is no model, or
                weights that do not load (the message says which).
            ValueError: `epoch` is not one of `kept_epochs`.
        """
        if epoch not in self._models:
            from tflab.models import load_model_at

            self._models[epoch] = load_model_at(self.store, self.id, epoch)
        return self._models[epoch]

    def data(self) -> Dataset:
        """The run's dataset, generated or read and split as its training split it; loaded
        once and kept by this object.

        Raises:
            SpecError: the spec no longer reads (`spec_error`).
            tflab.data.DatasetUnavailable: the data cannot be had here any more (a
                deleted upload, a download not cached).
        """
        if self._data is None:
            spec = self.spec
            self._data = load_dataset(spec.data.dataset, dict(spec.data.options),
                                      spec.data.validation_split, spec.seed)
        return self._data

    def history(self) -> dict[str, list[tuple[int, float]]]:
        """The run's epoch metrics, `{name: [(epoch, value), ...]}`, as the store has them
        now (a training run's grows)."""
        return self.store.history(self.id)


def open_run(store: RunStore, run: str | Run) -> OpenRun:
    """The run `run` of `store`, opened: its spec read once (see the module's docstring for
    a spec that no longer reads).

    Args:
        store: the run store.
        run: the run's full id, or its record already read from `store` (a list of runs
            opens each without reading it again).

    Raises:
        tflab.store.RunNotFound: no run has this id.

    Example:

    >>> open_run(store, run_id).model(epoch=1)          # doctest: +SKIP
    <Sequential name=sequential, built=True>
    """
    return OpenRun(store, store.get_run(run) if isinstance(run, str) else run)
