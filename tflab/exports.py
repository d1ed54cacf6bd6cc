"""A run's model in the formats other programs load: Keras, SavedModel, TensorFlow Lite, ONNX.

Every format starts from the model TF Lab keeps for the run (augmentation left out,
`tflab.saving`), so an export answers as the run's Predict page does, given the inputs
the run's data set gives (the model holds its own scaling):

- ``keras``: the .keras file, loaded by `keras.saving.load_model`.
- ``savedmodel``: Keras 3's `model.export(folder, format="tf_saved_model")`, the folder
  zipped into one file; `tf.saved_model.load(folder).serve(x)` answers.
- ``tflite``: converted from that SavedModel by `tf.lite.TFLiteConverter.from_saved_model`,
  the route that works with Keras 3, with TensorFlow Lite's own operations only, so any
  TensorFlow Lite interpreter (a phone's) runs it. A recurrent layer (LSTM) converts to
  them only at a fixed batch of one: such a file takes one example at a time (`note`).
- ``onnx``: Keras 3's `model.export(path, format="onnx")`, which needs the optional
  `tf2onnx` and `onnx` packages (`requirements-export.txt`); where they are missing the
  error says how to install them.

TensorFlow.js cannot be made here: its converter (the `tensorflowjs` package) pins
TensorFlow 2.19 and older NumPy and protobuf, so it cannot be installed beside
TensorFlow 2.21 (`unavailable("tfjs")` says so in the reader's language).

Example:

>>> KINDS
('keras', 'savedmodel', 'tflite', 'onnx')
>>> str(unavailable("tfjs")).startswith("TensorFlow.js cannot be made here")
True
>>> export_run(store, run_id, "tflite").name              # doctest: +SKIP
'rabc123.tflite'
>>> export_run(store, run_id, "pdf")                      # doctest: +SKIP
Traceback (most recent call last):
ExportError: The export format must be one of keras, savedmodel, tflite, onnx; received 'pdf'.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tflab.run import open_run
from tflab.store import RunStore
from tflab.words import Phrase, PhrasedError

KINDS = ("keras", "savedmodel", "tflite", "onnx")  # what `export_run` makes
ELSEWHERE = ("tfjs",)  # formats people ask for that cannot be made beside TensorFlow 2.21
SUFFIX = {"keras": ".keras", "savedmodel": "_savedmodel.zip", "tflite": ".tflite",
          "onnx": ".onnx"}
MIME = {"keras": "application/octet-stream", "savedmodel": "application/zip",
        "tflite": "application/octet-stream", "onnx": "application/octet-stream"}
ONNX_PACKAGES = ("tf2onnx", "onnx")  # what Keras's ONNX export imports


class ExportError(PhrasedError, ValueError):
    """A run's model that cannot be exported in a format; `phrase` says which and why.

    Example:

    >>> str(ExportError(Phrase("exports.errors.kind", {"kind": "'pdf'",
    ...                                               "allowed": ", ".join(KINDS)})))
    "The export format must be one of keras, savedmodel, tflite, onnx; received 'pdf'."
    """


@dataclass(frozen=True)
class Export:
    """One exported file: its name, its bytes, its MIME type, and what to know about it
    (`note`, a Phrase, e.g. a TensorFlow Lite file that takes one example at a time)."""

    name: str
    data: bytes
    mime: str
    note: Phrase | None = None


def unavailable(kind: str) -> Phrase | None:
    """Why `kind` cannot be made on this installation, or None when it can.

    Example:

    >>> unavailable("tflite") is None
    True
    >>> unavailable("tfjs").key
    'exports.errors.tfjs'
    """
    if kind == "tfjs":
        return Phrase("exports.errors.tfjs")
    if kind == "onnx" and any(importlib.util.find_spec(name) is None for name in ONNX_PACKAGES):
        return Phrase("exports.errors.onnx_missing")
    return None


def export_run(store: RunStore, run_id: str, kind: str, stem: str | None = None) -> Export:
    """The model of run `run_id` as a file in format `kind` (one of `KINDS`).

    Args:
        store: the run store.
        run_id: the run's id.
        kind: "keras", "savedmodel", "tflite" or "onnx".
        stem: the file name without its ending. Defaults to the run's id.

    Raises:
        ExportError: a format not in `KINDS` or not installable here, a run without a
            model, a file that is no model, or a model a format cannot hold (the
            message names its layers).
        RunNotFound: no run has this id.
    """
    _check_kind(kind)
    opened = open_run(store, run_id)  # RunNotFound first: a run that is not there has no model
    if not opened.has_model:
        raise ExportError(Phrase("exports.errors.no_model", {"run": opened.id,
                                                             "status": opened.run.status}))
    from tflab.models import ModelFileError
    from tflab.saving import inference_model

    try:
        model = opened.model()
    except ModelFileError as error:  # not a .keras file, truncated, a lambda
        raise ExportError(error.phrase or str(error)) from None
    # An older run may have kept its augmentation layers: they do nothing at inference.
    return export_model(inference_model(model), kind, stem or opened.id)


def export_model(model, kind: str, stem: str) -> Export:
    """`model` (a Keras model) as an `Export` named `stem` plus the format's ending."""
    _check_kind(kind)
    name, note = stem + SUFFIX[kind], None
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if kind == "keras":
            model.save(work / name)
            data = (work / name).read_bytes()
        elif kind == "savedmodel":
            _saved_model(model, work / stem)
            data = _zipped(work / stem)
        elif kind == "tflite":
            data, note = _tflite(model, work)
        else:
            data = _onnx(model, work / name)
    return Export(name, data, MIME[kind], note)


def _check_kind(kind: str) -> None:
    if (why := unavailable(kind)) is not None:
        raise ExportError(why)
    if kind not in KINDS:
        raise ExportError(Phrase("exports.errors.kind", {"kind": repr(kind),
                                                         "allowed": ", ".join(KINDS)}))


def _saved_model(model, folder: Path, batch: int | None = None) -> None:
    """Keras 3's SavedModel export; `batch` fixes the batch size of its `serve` input."""
    signature = None
    if batch is not None:
        import tensorflow as tf

        signature = [tf.TensorSpec((batch, *model.input_shape[1:]), tf.float32)]
    try:
        model.export(str(folder), format="tf_saved_model", verbose=False,
                     input_signature=signature)
    except Exception as error:  # Keras and TensorFlow raise many kinds while tracing
        raise _failed("savedmodel", error) from None


def _zipped(folder: Path) -> bytes:
    """The folder zipped, its files under the folder's own name (unzips as one folder)."""
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder.parent).as_posix())
    return target.read_bytes()


def _tflite(model, work: Path) -> tuple[bytes, Phrase | None]:
    """TensorFlow Lite through the SavedModel, with TensorFlow Lite's own operations only
    (a file needing TensorFlow's ("select") operations runs only in an interpreter built
    with them, which a phone's and Python's tf.lite.Interpreter are not).

    Keras's LSTM becomes a TensorFlow while loop whose tensor lists TensorFlow Lite lowers
    only when their shapes are known: a fixed batch of one gives them, so a model that
    fails at any batch size is tried again at one (and says so in its note)."""
    import tensorflow as tf

    first = None
    for batch in (None, 1):
        folder = work / f"saved_model_{batch or 'any'}"
        _saved_model(model, folder, batch)
        try:
            data = tf.lite.TFLiteConverter.from_saved_model(str(folder)).convert()
        except Exception as error:  # ConverterError, and others from the MLIR passes
            first = first or error
            continue
        if batch is None:
            return data, None
        recurrent = _layer_types(model)
        return data, (Phrase("exports.notes.batch_one", {"layers": recurrent}) if recurrent
                      else Phrase("exports.notes.batch_one_any"))
    layers = _named_in(model, str(first))
    if layers:
        raise ExportError(Phrase("exports.errors.tflite_layers", {
            "layers": layers, "error": _short(first)})) from None
    raise _failed("tflite", first)


def _onnx(model, path: Path) -> bytes:
    import tensorflow as tf

    # Keras reads the input's shape from the model only once it has been called, which a
    # loaded model has not: the signature says it (any batch size).
    signature = [tf.TensorSpec((None, *model.input_shape[1:]), tf.float32, name="input")]
    try:
        model.export(str(path), format="onnx", verbose=False, input_signature=signature)
    except Exception as error:  # tf2onnx raises its own kinds, and ValueError, ...
        raise _failed("onnx", error) from None
    return path.read_bytes()


def _layers(model):
    """Every layer, inside nested models too (a transfer base)."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _layers(layer)


def _layer_types(model, names: set[str] | None = None) -> str:
    """The types of the model's recurrent layers (or of the layers in `names`), as the Build
    page names them: "LSTM, Conv1D"."""
    found: list[str] = []
    for layer in _layers(model):
        kind = type(layer).__name__
        wanted = layer.name in names if names is not None else "RNN" in \
            [base.__name__ for base in type(layer).__mro__]
        if wanted and kind not in found:
            found.append(kind)
    return ", ".join(found)


def _named_in(model, text: str) -> str:
    """The types of the layers a converter's message names (its graph paths say
    `.../lstm_1/...`, a layer's name with the graph's `_1` suffixes), or ""."""
    names = {layer.name for layer in _layers(model)
             if re.search(rf"(?<![\w]){re.escape(layer.name)}(_\d+)?/", text)}
    return _layer_types(model, names) if names else ""


def _short(error: BaseException) -> str:
    """The converter's first error line, without the location noise around it."""
    lines = [line for line in str(error).splitlines() if "error:" in line] or [str(error)]
    return lines[0].split("error:")[-1].strip()[:300]


def _failed(kind: str, error: BaseException) -> ExportError:
    return ExportError(Phrase("exports.errors.failed", {
        "format": Phrase(f"exports.format.{kind}"), "kind": type(error).__name__,
        "error": _short(error)}))
