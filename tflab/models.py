"""Loading a run's saved model: safe mode, clear messages, and its kept past epochs.

Every model TF Lab reads back (to predict, evaluate, export, or build on as a base) comes
through `load_model`: safe mode on, a model saved with an older Keras's unloadable
setting repaired, and a file that is no model said plainly. `load_model_at` puts the
weights a run kept at a past epoch (its first, its best) back into it. Pages and
commands open a run with `tflab.run.open_run` and ask it for `model(epoch)`.

Example:

>>> import tempfile, keras
>>> path = tempfile.mkdtemp() + "/line.keras"
>>> keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]).save(path)
>>> load_model(path).output_shape
(None, 1)
>>> load_model(path + ".gone")
Traceback (most recent call last):
tflab.models.ModelFileError: There is no model file at .../line.keras.gone: the run kept no model (it failed, diverged or was deleted).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras

from tflab.kept import load_weights
from tflab.saving import repaired_copy
from tflab.store import RunStore, weights_file
from tflab.words import Phrase, PhrasedError


class ModelFileError(PhrasedError, ValueError):
    """A model file that cannot be loaded: missing, not a Keras model, holding code that
    safe mode refuses, or past weights that do not fit it; the message says which.

    Args:
        phrase: why, as a `tflab.words.Phrase` of the catalog's `predict.errors`: a page
            says it in the reader's language; `str(error)` is the English.

    Example:

    >>> str(ModelFileError(Phrase("predict.errors.weights", {"epoch": 3, "error": "no file"})))
    'The weights of epoch 3 could not be loaded (no file).'
    """


def load_model(path: str | Path) -> keras.Model:
    """Load a .keras model with safe_mode on; clear messages for files that are not one.

    Python lambdas inside a model are code that would run on load, so safe mode refuses
    them: such a model must be rebuilt with serializable layers (Rescaling for `x * 400`).

    Raises:
        ModelFileError: no file at `path`, a file that is not a Keras model, or a model
            holding a Python lambda.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(Phrase("predict.errors.no_model_file", {"path": str(path)}))
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # Keras raises ValueError, OSError, zipfile errors, ...
        failure = error
        with tempfile.TemporaryDirectory() as folder:
            # A model saved with Keras 3.15's unloadable RandomShear setting (every CNN
            # trained with the notes' augmentation before TF Lab kept models without it).
            if (repaired := repaired_copy(path, folder)) is not None:
                try:
                    return keras.saving.load_model(repaired, safe_mode=True)
                except Exception as retry_error:
                    failure = retry_error
        text = str(failure)
        if "lambda" in text.lower() or "safe_mode" in text:
            raise ModelFileError(Phrase("predict.errors.lambda", {"file": path.name})) from None
        raise ModelFileError(Phrase("predict.errors.not_a_model", {
            "file": path.name, "kind": type(failure).__name__, "error": text[:200]})) from None


def load_model_at(store: RunStore, run_id: str, epoch: int | None = None) -> keras.Model:
    """The run's kept model (`load_model`), as it was at `epoch` when given.

    Only the epochs in `store.weight_epochs(run_id)` can be had (the first, and the best
    by validation loss); their weights go into the kept model, which has the same layers,
    augmentation left out.

    Args:
        store: the run store.
        run_id: the run's id.
        epoch: a kept epoch. Defaults to None: the model as training left it.

    Raises:
        ModelFileError: the model file (see `load_model`) or the epoch's weights cannot
            be loaded.
        ValueError: `epoch` is not one of the kept epochs.

    Example:

    >>> model = load_model_at(store, run_id, epoch=1)          # doctest: +SKIP
    >>> load_model_at(store, run_id, epoch=2)                  # doctest: +SKIP
    Traceback (most recent call last):
    ValueError: Received an invalid value for `epoch`, expected one of the kept epochs 1, 7 ...
    """
    model = load_model(store.model_path(run_id))
    if epoch is None:
        return model
    kept = store.weight_epochs(run_id)
    if epoch not in kept:
        allowed = ", ".join(map(str, kept)) if kept else "none (this run kept no past weights)"
        raise ValueError(f"Received an invalid value for `epoch`, expected one of the kept "
                         f"epochs {allowed}, or None for the final model. Received: epoch={epoch!r}")
    try:
        load_weights(model, weights_file(store.weights_folder(run_id), epoch))
    except (OSError, ValueError) as error:
        raise ModelFileError(Phrase("predict.errors.weights", {
            "epoch": epoch, "error": str(error)})) from None
    return model
