"""Spec to a standalone Python script that trains the same model with plain Keras.

The script holds everything it needs: the data generation (the engine's own generator
functions, copied), the same tf.data pipeline, the same layers with the same seeds, and
model.fit. Run with the same seed, it reaches the engine's loss. It needs only numpy,
tensorflow and keras (and scikit-learn for the digits datasets, which ship inside it).

Example:

>>> from tflab.recipes import get_recipe
>>> script = export_script(get_recipe("linear").spec)
>>> "model.fit(" in script and "import streamlit" not in script
True
"""

from __future__ import annotations

import ast
import inspect
import textwrap

from tflab import files
from tflab import train as train_module
from tflab.build import layer_arguments, layer_seeds
from tflab.data import digits, points, regression, series, shapes, split
from tflab.data.catalog import summarize
from tflab.metrics import early_stopping_monitor, mode
from tflab.spec import LAYER_TYPES, OPTIMIZERS, RUN_BASE, ExperimentSpec

# Names written as identifiers come from tables (this one and `OPTIMIZERS`), never from
# the spec's text.
_APPLICATIONS = {"InceptionV3": "InceptionV3", "MobileNetV2": "MobileNetV2"}


def _module_code(module) -> str:
    """A module's functions and constants, without its docstring and imports."""
    tree = ast.parse(inspect.getsource(module))
    source = inspect.getsource(module).splitlines()
    keep = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        start = node.lineno - 1 - len(getattr(node, "decorator_list", []))
        keep.append("\n".join(source[start:node.end_lineno]))
    return "\n\n\n".join(keep)


def _data_code(spec: ExperimentSpec) -> tuple[list, str]:
    """The generator modules to copy, and the body of load_data().

    Every value from the spec is written with `repr`, never as raw text.
    """
    o, name = dict(spec.data.options), spec.data.dataset
    summary = summarize(name, o)
    vs = spec.data.validation_split
    if name == "series":
        read = (f"series = read_csv_column(STORE.joinpath(*{files.relative('csv', o['csv_id'])!r})"
                f".read_text(encoding='utf-8-sig'), {o['csv_column']!r})" if o["csv_id"] else
                f"series = make_series({o['length']!r}, {o['period']!r}, {o['amplitude']!r}, "
                f"{o['slope']!r}, {o['noise']!r}, SEED)")
        return [series], (f"{read}\n"
                          f"train_part, val_part = time_split(series, {vs!r})\n"
                          f"x_train, y_train = windows(train_part, {o['window']!r})\n"
                          f"x_val, y_val = windows(val_part, {o['window']!r})\n"
                          "return x_train, y_train, x_val, y_val")
    modules, make = {
        "line": ([regression], "notes_line()"),
        "sine": ([regression], f"make_sine({o.get('samples')!r}, {o.get('noise')!r}, SEED)"),
        "points": ([points], f"make_points({o.get('pattern')!r}, {o.get('samples')!r}, "
                             f"{o.get('noise')!r}, SEED)"),
        "digits": ([digits], "digit_images()"),
        "digit_pair": ([digits], f"digit_pair(*digit_images(), {o.get('first')!r}, "
                                 f"{o.get('second')!r})"),
        "shapes": ([shapes], f"make_shapes({summary.class_names!r}, {o.get('samples_per_class')!r}, "
                             f"{o.get('image_size')!r}, SEED)"),
        # The pictures an upload kept, by the dataset's id; the spec checked its alphabet.
        "folder": ([], f"read_folder(STORE.joinpath('datasets', {o.get('dataset_id')!r}), "
                       f"{summary.class_names!r}, {o.get('image_size')!r})"),
        "mnist": ([], "_keras_images(keras.datasets.mnist.load_data())"),
        "fashion_mnist": ([], "_keras_images(keras.datasets.fashion_mnist.load_data())"),
    }[name]
    if summary.kind == "multiclass":
        target = "y = np.asarray(y, dtype=np.int32).reshape(-1)"
    else:
        target = f"y = np.asarray(y, dtype=np.float32).reshape(len(y), *{tuple(summary.target_shape)!r})"
    body = (f"x, y = {make}\n"
            "x = np.asarray(x, dtype=np.float32)\n"
            f"{target}\n"
            f"return split(x, y, {vs!r}, SEED)")
    return modules + [split], body


_KERAS_IMAGES = '''
def _keras_images(loaded):
    """keras.datasets' train and test parts as one set of 28x28x1 images in 0..255."""
    (x1, y1), (x2, y2) = loaded
    x = np.concatenate([x1, x2]).astype(np.float32)[..., None]
    return x, np.concatenate([y1, y2])
'''


_READ_FOLDER = '''
def read_folder(folder, class_names, size):
    """Each class folder's pictures (named 0.png, 1.jpg, ...) as size x size RGB arrays in
    0..255, read as TF Lab reads them: resized without keeping the aspect ratio, bilinear.
    Label i is class_names[i]."""
    x, y = [], []
    for label, name in enumerate(class_names):
        paths = sorted((p for p in (folder / name).iterdir() if p.stem.isdigit()),
                       key=lambda p: int(p.stem))
        for path in paths:
            picture = keras.utils.load_img(path, color_mode="rgb", target_size=(size, size),
                                           interpolation="bilinear")
            x.append(keras.utils.img_to_array(picture))
            y.append(label)
    return np.stack(x), np.asarray(y)
'''


def _call(name: str, arguments: dict) -> str:
    """`keras.layers.Name(k=repr(v), ...)`: the class and keywords are the spec's declared
    ones (LAYER_TYPES), checked again here because they are written as identifiers."""
    known = LAYER_TYPES[name]  # KeyError: never a name the spec did not declare
    allowed = {p.name for p in known.params} | {"name", "seed", "width_factor", "y_factor"}
    if not set(arguments) <= allowed:
        raise ValueError(f"{name} has no arguments {sorted(set(arguments) - allowed)}")
    parts = ", ".join(f"{k}={v!r}" for k, v in arguments.items())
    return f"keras.layers.{name}({parts})"


def _freeze_code(trainable_layers: int) -> list[str]:
    lines = [f"base.trainable = {trainable_layers > 0!r}"]
    if trainable_layers:
        lines += ["weighted = [layer for layer in base.layers if layer.weights]",
                  f"for layer in weighted[:-{trainable_layers!r}]:",
                  "    layer.trainable = False"]
    return lines


def _model_code(spec: ExperimentSpec) -> str:
    lines = ["keras.utils.set_random_seed(SEED)",
             f"inputs = keras.Input(shape={spec.model.input_shape!r}, name='input')",
             "x = inputs"]
    augmentation, layers = layer_seeds(spec)
    for layer, seed, name in augmentation:
        lines.append(f"x = {_call(*layer_arguments(layer, seed, name))}(x)")
    base = spec.model.base
    if base is not None and base.name == RUN_BASE:
        # Comments hold no value from the spec: a comment ends at a line break, and values
        # are written only through repr.
        lines += ["# The base: a saved model from TF Lab's store up to its cut layer, without",
                  "# its own rescale and augmentation layers (this model's come first).",
                  f"source = keras.saving.load_model(STORE.joinpath("
                  f"*{files.relative('base model', base.weights)!r}))",
                  f"base_input = y = keras.Input(shape={spec.model.input_shape!r})",
                  "chain = [layer for layer in source.layers if not isinstance(layer, "
                  "keras.layers.InputLayer)]",
                  "while isinstance(chain[0], keras.layers.Rescaling) or "
                  "type(chain[0]).__name__.startswith('Random'):",
                  "    chain.pop(0)",
                  "for layer in chain:",
                  "    y = layer(y)",
                  f"    if layer.name == {base.cut_layer!r}:",
                  "        break",
                  "base = keras.Model(base_input, y)"]
        lines += _freeze_code(base.trainable_layers)
        lines.append("x = base(x, training=False)")
    elif base is not None:
        weights = "'imagenet'" if base.weights == "imagenet" else "None"
        lines += [f"base = keras.applications.{_APPLICATIONS[base.name]}("
                  f"input_shape={spec.model.input_shape!r}, include_top=False, weights={weights})"]
        if base.weights and base.weights != "imagenet":
            lines.append(f"base.load_weights(STORE.joinpath("
                         f"*{files.relative('weights', base.weights)!r}))")
        lines.append(f"base = keras.Model(base.input, base.get_layer({base.cut_layer!r}).output)")
        lines += _freeze_code(base.trainable_layers)
        lines.append("x = base(x)")
    for layer, seed, name in layers:
        lines.append(f"x = {_call(*layer_arguments(layer, seed, name))}(x)")
    lines.append("return keras.Model(inputs, x, name=RECIPE)")
    return "\n".join(lines)


def _uses_store(spec: ExperimentSpec) -> bool:
    """Whether the script reads a file TF Lab keeps (a CSV, pictures, weights, a saved model)."""
    base = spec.model.base
    return bool(spec.data.options.get("csv_id")) or spec.data.dataset == "folder" or (
        base is not None and base.weights not in ("", "imagenet"))


_STORE = """
# Files TF Lab keeps are named by id in its store: $TFLAB_HOME, else ~/.tflab (as in TF Lab).
STORE = pathlib.Path(os.environ.get("TFLAB_HOME") or pathlib.Path.home() / ".tflab").expanduser()
"""


def export_script(spec: ExperimentSpec) -> str:
    """A runnable script that trains `spec` with plain Keras and prints its final metrics."""
    modules, data_body = _data_code(spec)
    copied = "\n\n\n".join(_module_code(m) for m in modules)
    if spec.data.dataset in ("mnist", "fashion_mnist"):
        copied += "\n\n" + _KERAS_IMAGES.strip()
    if spec.data.dataset == "folder":
        copied += "\n\n" + _READ_FOLDER.strip()
    c, f = spec.compile, spec.fit
    early = ""
    if f.early_stopping:
        monitor = early_stopping_monitor(has_validation=bool(spec.data.validation_split))
        early = (f"keras.callbacks.EarlyStopping(monitor={monitor!r}, mode={mode(monitor)!r}, "
                 f"patience={f.patience!r}, restore_best_weights=True)")
    pipeline = textwrap.dedent(inspect.getsource(train_module.pipelines))
    store = _STORE if _uses_store(spec) else ""
    # The docstring and comments are fixed text: every value from the spec is below, in repr.
    return f'''"""Exported from TF Lab: trains the same model as TF Lab, with the same seed.

Run: python <this file>   (needs numpy, tensorflow and keras)
RECIPE and SEED below name the recipe and the seed; SPEC is the whole experiment.
The last line printed is a JSON object with the final metrics.
"""

import json
import math
import os
import pathlib

import keras
import numpy as np
import tensorflow as tf

RECIPE = {spec.recipe!r}
SEED = {spec.seed!r}
SPEC = {spec.to_json()!r}
{store}

# -- data: TF Lab's own generators ------------------------------------------------------

{copied}


def load_data():
{textwrap.indent(data_body, "    ")}


# -- the input pipeline: one tf.data pipeline for every epoch ---------------------------

{pipeline}

# -- the model ---------------------------------------------------------------------------

def build_model():
{textwrap.indent(_model_code(spec), "    ")}


def main():
    x_train, y_train, x_val, y_val = load_data()
    model = build_model()
    model.compile(optimizer=keras.optimizers.{OPTIMIZERS[c.optimizer]}(learning_rate={c.learning_rate!r}),
                  loss={c.loss!r}, metrics={list(c.metrics)!r})
    model.summary()
    train, steps, val = pipelines(x_train, y_train, x_val, y_val, {f.batch_size!r}, SEED)
    history = model.fit(train, epochs={f.epochs!r}, steps_per_epoch=steps, validation_data=val,
                        callbacks=[{early}], verbose=2, shuffle=False)
    final = {{name: values[-1] for name, values in history.history.items()}}
    print(json.dumps({{"epochs": len(history.history["loss"]), "final_metrics": final}}))


if __name__ == "__main__":
    main()
'''
