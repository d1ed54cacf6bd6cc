"""Spec to keras.Model: augmentation layers, an optional pretrained base, the layers.

Example:

>>> from tflab.recipes import get_recipe
>>> model = build_model(get_recipe("linear").spec)
>>> model.output.shape
(None, 1)
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from tflab import files, imagenet
from tflab.params import Amount, said
from tflab.spec import OPTIMIZERS, RUN_BASE, BaseSpec, ExperimentSpec, LayerSpec, SpecError
from tflab.spec.model import MAX_PARAMETERS, head_shapes
from tflab.words import Phrase, PhrasedError


class BuildError(PhrasedError, ValueError):
    """The spec is valid but its model cannot be made here (missing or wrong weights file).

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """


class ShapeMismatch(ValueError):
    """The data's examples do not have the shape the model's input expects."""


def layer_arguments(spec: LayerSpec, seed: int, name: str | None = None) -> tuple[str, dict]:
    """The Keras class name and keyword arguments for one layer of a spec.

    Random layers get their own seed so a run is reproducible. The code exporter writes
    these same arguments, so an exported script builds exactly this layer.
    """
    a = dict(spec.args)
    if name is not None:
        a["name"] = name
    if spec.type in ("Dense", "Conv2D", "Conv1D") and a["activation"] == "linear":
        del a["activation"]  # Keras' default: no activation
    if spec.type.startswith("Random"):
        a["seed"] = seed
    if spec.type == "RandomZoom":
        a["width_factor"] = None  # zoom keeps the aspect ratio, like ImageDataGenerator
    if spec.type == "RandomShear":
        a["y_factor"] = 0.0  # ImageDataGenerator shears along one axis
    return spec.type, a


Planned = tuple[LayerSpec, int, str]


def layer_seeds(spec: ExperimentSpec) -> tuple[list[Planned], list[Planned]]:
    """(augmentation layers, model layers), each with the seed and the name its layer gets.

    Model layers are named by their place, as Build numbers them ("Layer 2" is
    `layer_2_dense`), so a summary, a cut-layer picker or an exported script reads the
    same in every process; Keras' own names (`dense_37`) count layers made so far.

    Example:

    >>> from tflab.recipes import get_recipe
    >>> augmentation, layers = layer_seeds(get_recipe("multiclass").spec)
    >>> [name for _, _, name in augmentation], [name for _, _, name in layers]
    (['rescaling'], ['layer_1_flatten', 'layer_2_dense', 'layer_3_dense'])
    """
    augmentation = [(layer, spec.seed + i, _snake(layer.type))
                    for i, layer in enumerate(spec.augmentation.layers())]
    layers = [(layer, spec.seed + 100 + i, f"layer_{i + 1}_{_snake(layer.type)}")
              for i, layer in enumerate(spec.model.layers)]
    return augmentation, layers


def _snake(type_name: str) -> str:
    """`RandomRotation` reads `random_rotation`, `Conv2D` reads `conv2d`."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", type_name).lower()


def _layer(spec: LayerSpec, seed: int, name: str | None = None) -> keras.layers.Layer:
    kind, arguments = layer_arguments(spec, seed, name)
    return getattr(keras.layers, kind)(**arguments)


def _cached_imagenet(name: str) -> Path:
    """ImageNet weights from the Keras cache; building never downloads them."""
    found = imagenet.cached(name)
    if found is None:
        raise BuildError(Phrase("errors.build.imagenet_not_cached", {
            "name": name, "path": str(imagenet.path(name))}))
    return found


def weights_file(spec: BaseSpec) -> Path | None:
    """The weights file a network base loads (None for random weights), checked to be in
    the store or the Keras cache and within the size limit before anything opens it."""
    if not spec.weights:
        return None
    if spec.weights == "imagenet":
        path, limit = _cached_imagenet(spec.name), imagenet.MAX_BYTES
    else:
        path, limit = files.path("weights", spec.weights), files.MAX_WEIGHTS_BYTES
    try:
        return files.check_size(path, limit, f"`model.base.weights` ({spec.weights})")
    except FileNotFoundError:
        raise BuildError(Phrase("errors.build.no_weights_file", {"file": spec.weights})) from None
    except files.FileTooLarge as error:
        raise BuildError(said(error)) from None


def build_base(spec: BaseSpec, input_shape: tuple) -> keras.Model:
    """The pretrained network cut at `spec.cut_layer`, frozen but for its top layers."""
    if spec.name == RUN_BASE:
        return run_base(spec, input_shape)[0]
    path = weights_file(spec)  # before building: a missing file costs no network
    factory = getattr(keras.applications, spec.name)
    base = factory(input_shape=input_shape, include_top=False, weights=None)
    if path is not None:
        try:
            with warnings.catch_warnings():
                # A wrong file warns once per layer before it fails; the failure says it all.
                warnings.simplefilter("ignore", UserWarning)
                base.load_weights(str(path))
        except Exception as error:  # Keras raises ValueError, OSError or KeyError here
            raise BuildError(Phrase("errors.build.wrong_weights", {
                "file": spec.weights, "name": spec.name,
                "error": f"{type(error).__name__}: {str(error)[:300]}"})) from None
    names = [layer.name for layer in base.layers]
    if spec.cut_layer not in names:
        near = [n for n in names if n.startswith(spec.cut_layer[:3])][:8]
        raise BuildError(Phrase("errors.build.no_such_layer_some", {
            "base": spec.name, "layer": repr(spec.cut_layer), "layers": ", ".join(near or names[-8:])}))
    cut = keras.Model(base.input, base.get_layer(spec.cut_layer).output, name=f"{spec.name}_base")
    _freeze(cut, spec.trainable_layers)
    return cut


def _freeze(base: keras.Model, trainable_layers: int) -> None:
    base.trainable = trainable_layers > 0
    if trainable_layers:
        # "top N layers" counts layers that hold weights: activations and concatenations
        # have nothing to fine-tune.
        weighted = [layer for layer in base.layers if layer.weights]
        for layer in weighted[:-trainable_layers]:
            layer.trainable = False


def _is_preprocessing(layer: keras.layers.Layer) -> bool:
    return isinstance(layer, keras.layers.Rescaling) or type(layer).__name__.startswith("Random")


def run_layers(model: keras.Model) -> tuple[float, list[keras.layers.Layer]]:
    """A trained model split for reuse as a base: (the scale its leading Rescaling layers
    apply, its layers after that preprocessing).

    The run's own preprocessing is left out because the new experiment's rescale and
    augmentation come first; the scale is returned so the two can be checked to agree.
    """
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    scale, start = 1.0, 0
    while start < len(layers) and _is_preprocessing(layers[start]):
        if isinstance(layers[start], keras.layers.Rescaling):
            scale *= float(np.asarray(layers[start].scale))
        start += 1
    return scale, layers[start:]


def load_base_model(spec: BaseSpec) -> keras.Model:
    """The saved model a "run" base names (a finished run's or an uploaded one), found in
    the store by its id, checked against the size limit, loaded with safe_mode."""
    from tflab.models import ModelFileError, load_model  # safe_mode, with clear messages

    label = spec.model_phrase
    try:
        path = files.check_size(files.path("base model", spec.weights),
                                files.MAX_WEIGHTS_BYTES, Phrase("errors.build.its_file"))
        return load_model(path)
    except FileNotFoundError:
        raise BuildError(Phrase("errors.build.no_model_file", {"model": label})) from None
    except (files.FileTooLarge, ModelFileError) as error:
        raise BuildError(Phrase("errors.build.unusable_base", {
            "model": label, "error": said(error)})) from None


def run_base(spec: BaseSpec, input_shape: tuple) -> tuple[keras.Model, float]:
    """A finished run's model, cut at `spec.cut_layer` and frozen but for its top layers,
    with the input scale it was trained on (see `run_layers`).

    Example:

    >>> base, scale = run_base(BaseSpec("run", "run:r1", "layer_2_dense", 0), (28, 28, 1))  # doctest: +SKIP
    """
    label = spec.model_phrase
    source = load_base_model(spec)
    expected = tuple(source.input_shape[1:])
    if expected != tuple(input_shape):
        raise BuildError(Phrase("errors.build.base_shape", {
            "model": label, "expected": list(expected), "shape": list(input_shape)}))
    scale, layers = run_layers(source)
    names = [layer.name for layer in layers]
    if spec.cut_layer not in names:
        raise BuildError(Phrase("errors.build.no_such_layer", {
            "base": label, "layer": repr(spec.cut_layer), "layers": ", ".join(names)}))
    inputs = x = keras.Input(shape=input_shape, name="base_input")
    try:
        for layer in layers[:names.index(spec.cut_layer) + 1]:
            x = layer(x)
    except Exception as error:  # a model whose layers are not one chain (branches, merges)
        raise BuildError(Phrase("errors.build.not_a_chain", {
            "model": label, "layer": repr(spec.cut_layer),
            "error": f"{type(error).__name__}: {str(error)[:200]}"})) from None
    cut = keras.Model(inputs, x, name=f"run_{spec.run_id}_base" if spec.run_id else "saved_model_base")
    _freeze(cut, spec.trainable_layers)
    return cut, scale


def build_model(spec: ExperimentSpec) -> keras.Model:
    """A fresh, uncompiled model for `spec`; weights drawn from `spec.seed`."""
    keras.utils.set_random_seed(spec.seed)
    inputs = keras.Input(shape=spec.model.input_shape, name="input")
    x = inputs
    augmentation, layers = layer_seeds(spec)
    for layer, seed, name in augmentation:
        x = _layer(layer, seed, name)(x)
    base = spec.model.base
    if base is not None and base.name == RUN_BASE:
        cut, scale = run_base(base, spec.model.input_shape)
        if not np.isclose(scale, spec.augmentation.rescale, rtol=1e-4):
            raise BuildError(Phrase("errors.build.rescale", {
                "model": base.model_phrase, "scale": Amount(scale, ".6g"),
                "rescale": Amount(spec.augmentation.rescale, ".6g")}))
        # training=False: the reused layers stay in inference mode (no dropout, batch
        # normalization keeps its statistics), as Keras' transfer-learning guide advises.
        x = cut(x, training=False)
    elif base is not None:
        cut = build_base(base, spec.model.input_shape)
        x = cut(x)
    if base is not None:
        check_head(spec, cut)  # before the head's layers hold any memory
    for layer, seed, name in layers:
        x = _layer(layer, seed, name)(x)
    return keras.Model(inputs, x, name=spec.recipe)


def check_head(spec: ExperimentSpec, cut: keras.Model) -> None:
    """Refuse a head on a pretrained base that does not fit it or the parameter budget.

    The spec cannot check the head alone: its input is the base's output at the cut layer,
    known once the base exists. The base's own parameters count towards the budget.

    Raises:
        SpecError: on `model.base.cut_layer` when the base alone is over the budget, on
            `model.layers[i]` for the head layer that does not fit or is over it.
    """
    held = int(cut.count_params())
    if held > MAX_PARAMETERS:
        raise SpecError("model.base.cut_layer", spec.model.base.cut_layer,
                        Phrase("allowed.cut_within", {"limit": Amount(MAX_PARAMETERS, ",")}),
                        Phrase("errors.hint.cut_lower", {"held": Amount(held, ",")}))
    try:
        head_shapes(spec.model.layers, tuple(cut.output.shape[1:]), held)
    except SpecError as error:
        raise error.under("model") from None


def compile_model(model: keras.Model, spec: ExperimentSpec) -> None:
    """Compile with the spec's optimizer (by learning_rate: the notes' `lr=` is gone)."""
    c = spec.compile
    optimizer = getattr(keras.optimizers, OPTIMIZERS[c.optimizer])
    model.compile(optimizer=optimizer(learning_rate=c.learning_rate),
                  loss=c.loss, metrics=list(c.metrics))


def check_data(model: keras.Model, x: np.ndarray) -> None:
    """Refuse, before training, data whose examples do not fit the model's input.

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    >>> check_data(model, np.zeros((5, 28, 28)))
    Traceback (most recent call last):
    ...
    tflab.build.ShapeMismatch: The data's examples have shape [28, 28] but the model's input expects [28, 28, 1]. ...
    """
    expected = tuple(model.input_shape[1:])
    got = tuple(x.shape[1:])
    if len(expected) != len(got) or any(e is not None and e != g for e, g in zip(expected, got)):
        raise ShapeMismatch(
            f"The data's examples have shape {list(got)} but the model's input expects "
            f"{list(expected)}. The input shape is the shape of one example, without the batch "
            f"axis: set `model.input_shape` to {list(got)} (the data has {x.shape[0]} examples "
            f"of shape {list(got)}, array shape {list(x.shape)}).")


@dataclass(frozen=True)
class LayerRow:
    """One line of a model summary."""

    name: str
    type: str
    output_shape: tuple
    params: int
    trainable: bool


def summarize_model(model: keras.Model) -> list[LayerRow]:
    """Layer, output shape, parameter count and trainability, as Keras' summary shows."""
    rows = []
    for layer in model.layers[1:]:
        shape = tuple(layer.output.shape)
        rows.append(LayerRow(layer.name, type(layer).__name__, shape, int(layer.count_params()),
                             bool(layer.trainable)))
    return rows


def parameter_counts(model: keras.Model) -> tuple[int, int]:
    """(trainable, frozen) parameter counts."""
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen


def augmented_samples(spec: ExperimentSpec, image: np.ndarray, count: int = 8) -> np.ndarray:
    """`count` versions of one image (0..255, height x width x channels) as training sees
    them after the spec's augmentation layers, returned in 0..255 for display."""
    layers = [_layer(layer, spec.seed + i) for i, layer in enumerate(spec.augmentation.layers())
              if layer.type != "Rescaling"]
    x = np.repeat(image[None].astype("float32"), count, axis=0)
    for layer in layers:
        x = layer(x, training=True)
    return np.clip(np.asarray(x), 0, 255)


def base_layers(name: str, input_shape: tuple) -> list[tuple[str, tuple]]:
    """A pretrained network's layers with their output shapes, to choose where to cut it.

    Example:

    >>> dict(base_layers("InceptionV3", (150, 150, 3)))["mixed7"]
    (None, 7, 7, 768)
    """
    factory = getattr(keras.applications, name)
    base = factory(input_shape=input_shape, include_top=False, weights=None)
    return [(layer.name, tuple(layer.output.shape)) for layer in base.layers[1:]]
