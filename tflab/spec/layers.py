"""The layers a model can hold: each type's settings and the shape it outputs.

Shapes here never include the batch axis; None is an axis of free length (a series'
time steps). `output_shape` checks a layer against its input before any Keras object
exists, so a kernel larger than its image is reported at the setting, not in a
traceback.

Example:

>>> layer = LayerSpec("Conv2D", {"filters": 32, "kernel_size": 3, "activation": "relu"})
>>> output_shape(layer, (150, 150, 3))
(148, 148, 32)
>>> output_shape(LayerSpec("Conv2D", {"kernel_size": 5}), (3, 3, 8))
Traceback (most recent call last):
...
tflab.params.SpecError: `kernel_size` must be at most 3 (the layer's input is 3x3x8); received 5. Lower it, pad with padding='same', or remove a pooling layer before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

from tflab.params import Param, SpecError
from tflab.words import Phrase

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu",
               "silu", "leaky_relu", "softplus")
FILL_MODES = ("nearest", "reflect", "wrap", "constant")

# Each setting's label and help are in the catalog, `setting.<name>` (`setting.<text>` when
# one name means different things in different layers).
_activation = Param("activation", "linear", choices=ACTIVATIONS)
_units = Param("units", 32, low=1, high=8192)
_filters = Param("filters", 32, low=1, high=1024)
_strides = Param("strides", 1, low=1, high=8)
_fill = Param("fill_mode", "nearest", choices=FILL_MODES)


@dataclass(frozen=True)
class LayerType:
    """A kind of layer: its settings, what it is for, and its output shape rule.

    What it is for, in one line, is in the catalog: `help` names it (`layer.Dense.help`).
    """

    name: str
    params: tuple[Param, ...]
    shape: Callable[[tuple, Mapping[str, Any]], tuple]
    augmentation: bool = False
    # Parameters the layer holds for an input shape; 0 for layers without weights.
    weights: Callable[[tuple, Mapping[str, Any]], int] = lambda shape, args: 0

    @property
    def help(self) -> Phrase:
        """What the layer does, in one line: "Every input connects to every neuron."."""
        return Phrase(f"layer.{self.name}.help")


def _dims(shape: tuple) -> str:
    return "x".join("?" if d is None else str(d) for d in shape)


def _need_rank(shape: tuple, rank: int, layer: str, takes: str) -> None:
    """SpecError unless `shape` has `rank` axes; `takes` names what `layer` takes, in
    `errors.takes` (images, sequences, augmentation)."""
    if len(shape) != rank:
        what = Phrase(f"errors.takes.{takes}", {"layer": layer})
        raise SpecError("type", layer, Phrase("allowed.layer_for_shape", {"shape": _dims(shape)}),
                        Phrase("errors.hint.input_here", {"what": what, "shape": _dims(shape)}))


def _window(size: int | None, kernel: int, stride: int, padding: str, field_name: str,
            shape: tuple) -> int | None:
    """Output length of one axis under a sliding window (conv or pooling)."""
    if size is None:
        return None
    if padding in ("same", "causal"):
        return math.ceil(size / stride)
    if kernel > size:
        raise SpecError(field_name, kernel,
                        Phrase("allowed.window_fits", {"size": size, "shape": _dims(shape)}),
                        Phrase("errors.hint.window_too_big"))
    return (size - kernel) // stride + 1


def _dense(shape, args):
    if not shape or shape[-1] is None:
        raise SpecError("type", "Dense", Phrase("allowed.known_last_axis"),
                        Phrase("errors.hint.layer_input_here", {"layer": "Dense", "shape": _dims(shape)}))
    return shape[:-1] + (args["units"],)


def _conv2d(shape, args):
    _need_rank(shape, 3, "Conv2D", "images")
    h = _window(shape[0], args["kernel_size"], args["strides"], args["padding"], "kernel_size", shape)
    w = _window(shape[1], args["kernel_size"], args["strides"], args["padding"], "kernel_size", shape)
    return (h, w, args["filters"])


def _pool2d(shape, args):
    _need_rank(shape, 3, "MaxPooling2D", "images")
    p = args["pool_size"]
    return (_window(shape[0], p, p, "valid", "pool_size", shape),
            _window(shape[1], p, p, "valid", "pool_size", shape), shape[2])


def _conv1d(shape, args):
    _need_rank(shape, 2, "Conv1D", "sequences")
    steps = _window(shape[0], args["kernel_size"], args["strides"], args["padding"], "kernel_size", shape)
    return (steps, args["filters"])


def _lstm(shape, args):
    _need_rank(shape, 2, "LSTM", "sequences")
    return (shape[0], args["units"]) if args["return_sequences"] else (args["units"],)


def _flatten(shape, args):
    if any(d is None for d in shape):
        raise SpecError("type", "Flatten", Phrase("allowed.fixed_size_input"),
                        Phrase("errors.hint.layer_input_here", {"layer": "Flatten", "shape": _dims(shape)}))
    return (math.prod(shape),)


def _global_pool(shape, args):
    _need_rank(shape, 3, "GlobalAveragePooling2D", "images")
    return (shape[2],)


def _image_same(shape, args):
    _need_rank(shape, 3, "augmentation", "augmentation")
    return shape


def _same(shape, args):
    return shape


# Parameter counts, as Keras' summary gives them: kernel plus bias (an unknown input axis
# counts as 0: Keras cannot build such a layer, so it holds nothing).

def _dense_weights(shape, args):
    return ((shape[-1] or 0) + 1) * args["units"]


def _conv2d_weights(shape, args):
    return (args["kernel_size"] ** 2 * (shape[-1] or 0) + 1) * args["filters"]


def _conv1d_weights(shape, args):
    return (args["kernel_size"] * (shape[-1] or 0) + 1) * args["filters"]


def _lstm_weights(shape, args):
    units = args["units"]  # four gates, each with input and recurrent kernels and a bias
    return 4 * units * ((shape[-1] or 0) + units + 1)


LAYER_TYPES: Mapping[str, LayerType] = MappingProxyType({
    t.name: t for t in (
        LayerType("Dense", (_units, _activation), _dense, weights=_dense_weights),
        LayerType("Conv2D", (
            _filters, Param("kernel_size", 3, low=1, high=15),
            _strides, Param("padding", "valid", choices=("valid", "same")),
            _activation), _conv2d, weights=_conv2d_weights),
        LayerType("MaxPooling2D", (Param("pool_size", 2, low=1, high=8),), _pool2d),
        LayerType("GlobalAveragePooling2D", (), _global_pool),
        LayerType("Dropout", (Param("rate", 0.5, low=0.0, high=1.0, high_open=True, step=0.05),),
                  _same),
        LayerType("Flatten", (), _flatten),
        LayerType("Conv1D", (
            _filters, Param("kernel_size", 5, "conv1d_kernel_size", low=1, high=64),
            _strides, Param("padding", "causal", "conv1d_padding",
                            choices=("valid", "same", "causal")),
            _activation), _conv1d, weights=_conv1d_weights),
        LayerType("LSTM", (
            Param("units", 64, "lstm_units", low=1, high=2048),
            Param("return_sequences", False),
        ), _lstm, weights=_lstm_weights),
        LayerType("Rescaling", (
            Param("scale", 1.0, low=-1e6, high=1e6),
            Param("offset", 0.0, low=-1e6, high=1e6),
        ), _same),
        LayerType("RandomFlip", (
            Param("mode", "horizontal", choices=("horizontal", "vertical", "horizontal_and_vertical")),
        ), _image_same, True),
        LayerType("RandomRotation", (
            Param("factor", 0.1, low=0.0, high=1.0, step=0.01), _fill), _image_same, True),
        LayerType("RandomTranslation", (
            Param("height_factor", 0.1, low=0.0, high=1.0, high_open=True, step=0.01),
            Param("width_factor", 0.1, low=0.0, high=1.0, high_open=True, step=0.01), _fill),
            _image_same, True),
        LayerType("RandomShear", (
            Param("x_factor", 0.1, low=0.0, high=1.0, step=0.01), _fill), _image_same, True),
        LayerType("RandomZoom", (
            Param("height_factor", 0.1, "zoom_height_factor", low=0.0, high=1.0, high_open=True,
                  step=0.01), _fill), _image_same, True),
    )
})


@dataclass(frozen=True)
class LayerSpec:
    """One layer: its type and settings, checked when built.

    Args:
        type: a key of LAYER_TYPES ("Dense", "Conv2D", ...).
        args: the type's settings; missing ones take their defaults.

    Example:

    >>> LayerSpec("Dense", {"units": 64, "activation": "relu"}).to_dict()
    {'type': 'Dense', 'units': 64, 'activation': 'relu'}
    """

    type: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        kind = LAYER_TYPES.get(self.type) if isinstance(self.type, str) else None
        if kind is None:
            raise SpecError("type", self.type, Phrase("allowed.one_of", {"choices": ", ".join(LAYER_TYPES)}))
        given = dict(self.args)
        known = {p.name for p in kind.params}
        for name in given:
            if name not in known:
                allowed = Phrase("allowed.layer_setting", {"layer": self.type, "known": ", ".join(sorted(known))}) \
                    if known else Phrase("allowed.layer_setting_none", {"layer": self.type})
                raise SpecError(name, given[name], allowed)
        checked = {p.name: p.check(given.get(p.name, p.default), p.name) for p in kind.params}
        object.__setattr__(self, "args", MappingProxyType(checked))

    @property
    def info(self) -> LayerType:
        return LAYER_TYPES[self.type]

    def to_dict(self) -> dict:
        return {"type": self.type, **self.args}

    @classmethod
    def from_dict(cls, data: Any) -> "LayerSpec":
        if not isinstance(data, dict) or "type" not in data:
            raise SpecError("type", data, Phrase("allowed.layer_object",
                                                 {"example": "{'type': 'Dense', 'units': 8}"}))
        args = {k: v for k, v in data.items() if k != "type"}
        return cls(data["type"], args)


def output_shape(layer: LayerSpec, input_shape: tuple) -> tuple:
    """The shape `layer` gives for one example of `input_shape` (no batch axis)."""
    return tuple(layer.info.shape(tuple(input_shape), layer.args))


def parameter_count(layer: LayerSpec, input_shape: tuple) -> int:
    """The parameters `layer` holds on an input of `input_shape`, as Keras counts them.

    Example:

    >>> parameter_count(LayerSpec("Dense", {"units": 128}), (784,))
    100480
    >>> parameter_count(LayerSpec("LSTM", {"units": 64}), (None, 32))
    24832
    """
    return int(layer.info.weights(tuple(input_shape), layer.args))
