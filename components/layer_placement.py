"""Where a new layer goes in Build's list of layers, and the settings it starts with.

Pure rules on the layers as spec dicts (no Streamlit): the model keeps ending in its
output layer, a convolution lands where the shape still has room for it, and a new hidden
layer takes the experiment's hidden activation rather than Keras' linear default.

Example:

>>> layers = [{"type": "Dense", "units": 8, "activation": "tanh"},
...           {"type": "Dense", "units": 1, "activation": "sigmoid"}]
>>> output_index(layers), new_layer(layers, "Dense")
(1, (1, {'type': 'Dense', 'activation': 'tanh'}))
"""

from __future__ import annotations

from tflab.spec import LAYER_TYPES, LayerSpec, SpecError, output_shape

DEFAULT_HIDDEN_ACTIVATION = "relu"


def output_index(layers: list[dict]) -> int | None:
    """The output layer's place: the last layer with units (Dense, LSTM), as
    `ModelSpec.output_layer` reads a valid spec; None when no layer has units."""
    for index in range(len(layers) - 1, -1, -1):
        kind = LAYER_TYPES.get(layers[index].get("type"))
        if kind is not None and any(p.name == "units" for p in kind.params):
            return index
    return None


def hidden_activation(layers: list[dict]) -> str:
    """The activation a new hidden layer gets: that of the hidden layer nearest the output
    (the experiment's choice, tanh in Playground's recipe), else relu.

    Example:

    >>> hidden_activation([{"type": "Dense", "activation": "tanh"},
    ...                    {"type": "Dense", "units": 1, "activation": "sigmoid"}])
    'tanh'
    >>> hidden_activation([{"type": "Dense", "units": 1}])
    'relu'
    """
    output = output_index(layers)
    hidden = layers[:output] if output is not None else layers
    for layer in reversed(hidden):
        kind = LAYER_TYPES.get(layer.get("type"))
        if kind is not None and any(p.name == "activation" for p in kind.params):
            return layer.get("activation", DEFAULT_HIDDEN_ACTIVATION)
    return DEFAULT_HIDDEN_ACTIVATION


def new_layer(layers: list[dict], kind: str, input_shape=None) -> tuple[int, dict]:
    """Where a new layer of type `kind` goes in `layers`, and its first settings.

    An augmentation layer goes first, where the pictures come in. Any other goes just
    before the output layer, so the model still ends in it; or, when it needs a shape the
    layers there no longer have (a convolution after Flatten), at the latest place before
    it that has that shape, given the model's `input_shape`. A layer with an activation
    takes the experiment's hidden one (`hidden_activation`), not Keras' linear default.

    Example:

    >>> layers = [{"type": "Flatten"}, {"type": "Dense", "units": 128, "activation": "relu"},
    ...           {"type": "Dense", "units": 1, "activation": "sigmoid"}]
    >>> new_layer(layers, "Dense")
    (2, {'type': 'Dense', 'activation': 'relu'})
    >>> new_layer(layers, "Dropout")
    (2, {'type': 'Dropout'})
    >>> new_layer(layers, "Conv2D", input_shape=(28, 28, 1))[0]   # before Flatten
    0
    """
    info = LAYER_TYPES[kind]
    layer = {"type": kind}
    if any(p.name == "activation" for p in info.params):
        layer["activation"] = hidden_activation(layers)
    if info.augmentation:
        return 0, layer
    output = output_index(layers)
    last = len(layers) if output is None else output
    if input_shape is not None:
        for index in range(last, -1, -1):
            if _shapes_fit(layers[:index] + [layer] + layers[index:], input_shape):
                return index, layer
    return last, layer


def _shapes_fit(layers: list[dict], shape) -> bool:
    """Whether every layer takes the shape the one before it gives."""
    try:
        for layer in layers:
            shape = output_shape(LayerSpec.from_dict(
                {k: v for k, v in layer.items() if k != "_id"}), tuple(shape))
    except SpecError:
        return False
    return True
