"""The model: its input shape, an ordered list of layers, and an optional pretrained base.

Example:

>>> from tflab.spec.layers import LayerSpec
>>> spec = ModelSpec((1,), (LayerSpec("Dense", {"units": 1}),))
>>> spec.shapes()
[(1,)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tflab.names import BASE_MODEL, LAYER_NAME, NETWORK_WEIGHTS, RUN_PREFIX
from tflab.params import Amount, SpecError, check_declared, from_plain, param
from tflab.spec.layers import LayerSpec, output_shape, parameter_count
from tflab.words import Phrase

BASE_MODELS = ("InceptionV3", "MobileNetV2", "run")
DEFAULT_CUT = {"InceptionV3": "mixed7", "MobileNetV2": "block_13_expand_relu"}
RUN_BASE = "run"
# A model is held to these before anything is built: a link once asked for twelve
# Dense(8192) layers (800 M parameters, gigabytes of memory) and got them on page load.
# The largest model the pages offer by default is the transfer recipe switched to
# MobileNetV2 (cut at block_13_expand_relu, 10x10x576, under the Dense(1024) head):
# 59.6 M; with InceptionV3, as in the notes, 47.5 M. 64 M keeps both, about 256 MB of
# float32 weights.
MAX_PARAMETERS = 64_000_000
MAX_LAYERS = 100  # the notes' largest model has 12; a list this long is no experiment


@dataclass(frozen=True)
class BaseSpec:
    """A pretrained network whose early layers the model reuses (transfer learning).

    Files are named by id, never by path (a link carries the spec, and a path in it would
    make the server read any file). For InceptionV3 and MobileNetV2, `weights` is "" for
    random weights, "imagenet" for the Keras cache (never downloaded while building), or
    the id of a weights file kept by TF Lab ("3fa2b1c4d5e6.weights.h5"). For "run", the
    base is a saved model: a finished run's ("run:<run id>") or one uploaded ("<id>.keras");
    it holds the layers and their weights. `tflab.files` finds each in the store.

    Example:

    >>> BaseSpec("run", "run:r1", "layer_2_dense", 0).model_label
    "run r1's model"
    >>> BaseSpec("InceptionV3", "/etc/passwd")
    Traceback (most recent call last):
    ...
    tflab.params.SpecError: `weights` must be '' (random), 'imagenet' (the Keras cache) or the id of a weights file kept by TF Lab, ...; received '/etc/passwd'.
    """

    name: str = param("InceptionV3", "base_name", choices=BASE_MODELS)
    weights: str = param("", "base_weights")
    # A layer name reaches Keras and the exported script: held to Keras' own alphabet.
    cut_layer: str = param("mixed7", pattern=LAYER_NAME)
    trainable_layers: int = param(0, low=0, high=1000)

    def __post_init__(self):
        check_declared(self)
        (BASE_MODEL if self.name == RUN_BASE else NETWORK_WEIGHTS).check(self.weights, "weights")

    @property
    def run_id(self) -> str | None:
        """The run whose model is the base, or None (a named network, an uploaded model)."""
        if self.name != RUN_BASE or not self.weights.startswith(RUN_PREFIX):
            return None
        return self.weights[len(RUN_PREFIX):]

    @property
    def model_label(self) -> str:
        """How messages name a saved-model base: "run r1's model" or "the uploaded model x.keras"."""
        return str(self.model_phrase)

    @property
    def model_phrase(self) -> Phrase:
        """`model_label` as a phrase, for messages said in the reader's language."""
        if self.run_id is not None:
            return Phrase("errors.base.run_model", {"run": self.run_id})
        return Phrase("errors.base.uploaded_model", {"file": self.weights})

    def to_dict(self) -> dict:
        return {"name": self.name, "weights": self.weights, "cut_layer": self.cut_layer,
                "trainable_layers": self.trainable_layers}


@dataclass(frozen=True)
class ModelSpec:
    """Input shape (one example, no batch axis; None for a free-length axis) and layers.

    With a `base`, the layers form the head placed on the base's cut layer.
    """

    input_shape: tuple = (1,)
    layers: tuple = field(default=())
    base: BaseSpec | None = None

    def __post_init__(self):
        shape = self.input_shape
        if not isinstance(shape, (list, tuple)) or not shape or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 100_000)
                for d in shape):
            raise SpecError("input_shape", shape, Phrase("allowed.input_shape"))
        object.__setattr__(self, "input_shape", tuple(shape))
        layers = tuple(self.layers)
        if not layers:
            raise SpecError("layers", [], Phrase("allowed.some_layer"))
        for i, layer in enumerate(layers):
            if not isinstance(layer, LayerSpec):
                raise SpecError(f"layers[{i}]", layer, Phrase("allowed.layer_spec"))
        _check_count(layers)
        object.__setattr__(self, "layers", layers)
        if self.base is not None and self.base.name != RUN_BASE and len(self.input_shape) != 3:
            raise SpecError("input_shape", self.input_shape, Phrase("allowed.base_image_shape"))
        self.shapes()

    def shapes(self) -> list[tuple] | None:
        """Each layer's output shape, checking every layer against its input and the model
        against the parameter budget.

        None when a pretrained base makes the head's input unknown until it is built
        (`tflab.build` then checks the head with `head_shapes` before making it).
        """
        if self.base is not None:
            return None
        return head_shapes(self.layers, self.input_shape)

    @property
    def output_layer(self) -> tuple[int, LayerSpec] | None:
        """The last layer with neurons (Dense or LSTM): it decides what the model outputs."""
        for i in range(len(self.layers) - 1, -1, -1):
            if "units" in self.layers[i].args:
                return i, self.layers[i]
        return None

    def to_dict(self) -> dict:
        data = {"input_shape": list(self.input_shape),
                "layers": [layer.to_dict() for layer in self.layers]}
        if self.base is not None:
            data["base"] = self.base.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Any) -> "ModelSpec":
        if not isinstance(data, dict):
            raise SpecError("model", data, Phrase("allowed.model_object"))
        unknown = sorted(set(data) - {"input_shape", "layers", "base"})
        if unknown:
            raise SpecError(unknown[0], data[unknown[0]],
                            Phrase("allowed.one_of", {"choices": "input_shape, layers, base"}))
        raw_layers = data.get("layers", [])
        if not isinstance(raw_layers, list):
            raise SpecError("layers", raw_layers, Phrase("allowed.layer_list"))
        _check_count(raw_layers)  # before any is read: a link may list thousands
        layers = []
        for i, raw in enumerate(raw_layers):
            try:
                layers.append(LayerSpec.from_dict(raw))
            except SpecError as error:
                raise error.under(f"layers[{i}]") from None
        base = data.get("base")
        if base is not None:
            base = from_plain(BaseSpec, base, "base")
        shape = data.get("input_shape", (1,))
        return cls(tuple(shape) if isinstance(shape, list) else shape, tuple(layers), base)


def _check_count(layers) -> None:
    if len(layers) > MAX_LAYERS:
        raise SpecError("layers", f"{len(layers)} layers", Phrase("allowed.layers_at_most", {"n": MAX_LAYERS}))


def head_shapes(layers, input_shape: tuple, base_parameters: int = 0) -> list[tuple]:
    """Each layer's output shape from `input_shape`, checking each layer against its input
    and the whole model, with `base_parameters` already used, against MAX_PARAMETERS.

    Raises:
        SpecError: on `layers[i]` for the layer that does not fit its input, or the one
            that takes the model past the budget (the message gives its count).

    Example:

    >>> big = [LayerSpec("Dense", {"units": 8192})] * 12
    >>> head_shapes(big, (1,))
    Traceback (most recent call last):
    ...
    tflab.params.SpecError: `layers[1]` must be a layer that keeps the model within 64,000,000 parameters; received 67117056. This Dense layer holds 67,117,056 parameters, bringing the model to 67,133,440. ...
    """
    shape, shapes, total = tuple(input_shape), [], base_parameters
    for i, layer in enumerate(layers):
        try:
            count, shape = parameter_count(layer, shape), output_shape(layer, shape)
        except SpecError as error:
            raise error.under(f"layers[{i}]") from None
        total += count
        if total > MAX_PARAMETERS:
            raise SpecError(f"layers[{i}]", count,
                            Phrase("allowed.within_parameters", {"limit": Amount(MAX_PARAMETERS, ",")}),
                            Phrase("errors.hint.too_many_parameters", {
                                "layer": layer.type, "count": Amount(count, ","),
                                "total": Amount(total, ",")}))
        shapes.append(shape)
    return shapes
