"""Where the model looked: a heat map over one picture, and that map laid over it
(`looked`, with `tflab.heat_overlay.overlay`).

Models with convolutions get Grad-CAM (Selvaraju et al., 2017): the gradient of the
chosen class's score with respect to the last Conv2D layer's output (the last one whose
map is at least `MIN_CELLS` a side, when there is one), averaged over each channel, weighs
those channels; the weighted sum, kept where positive, is spread over the picture
(bilinear, each cell at the centre of what it sees). The score is the class's logit where
the last layer is a Dense one (its softmax or sigmoid left out, so a sure answer still has
a gradient); for a single sigmoid unit, the logit for class 1 and its negative for class 0.
Models without Conv2D layers (a Flatten and Dense layers on digits) get a saliency map
instead: the absolute gradient of the same score with respect to each input pixel, the
largest over its channels.

The last Conv2D is looked for in the model's layers and, depth first, in the models nested
in it (a transfer base); when the model cannot be cut there, saliency is used and
`method` says why.

Example:

>>> import keras, numpy as np
>>> model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3),
...                           keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
>>> heat = heat_map(model, np.random.default_rng(0).uniform(0, 255, (16, 16, 3)))
>>> heat.shape, bool(0.0 <= heat.min() <= heat.max() <= 1.0)
((16, 16), True)
>>> looked(model, np.full((16, 16, 3), 128.0)).shape
(16, 16, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from tflab.heat_overlay import overlay
from tflab.words import Phrase

# The fewest cells a side of the map Grad-CAM weighs. The CNN recipe's last Conv2D gives
# 4x4 cells on 64x64 pictures, each seeing most of the picture: on triangles 0.3 to 0.4 of
# the heat fell on the shape; its Conv2D before, at 12x12, put 0.55 to 1 there.
MIN_CELLS = 8


@dataclass(frozen=True)
class Method:
    """How `heat_map` explains a model.

    Args:
        kind: "grad_cam" or "saliency".
        layer: the Conv2D layer's name for Grad-CAM, '' for saliency.
        phrase: a sentence for people saying what the map shows, and why saliency when a
            model with convolutions gets it (`note` is it in English).
    """

    kind: str
    layer: str
    phrase: Phrase

    @property
    def note(self) -> str:
        return str(self.phrase)


def _check_model(model) -> None:
    if not isinstance(model, keras.Model):
        raise ValueError(f"Received an invalid value for `model`, expected a keras.Model. "
                         f"Received: model of type {type(model).__name__}")
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ValueError(f"Received an invalid value for `model`, expected a model with one "
                         f"input and one output. Received: {len(model.inputs)} inputs and "
                         f"{len(model.outputs)} outputs")


def _conv_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every Conv2D layer, those of nested models included, in graph order."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += _conv_layers(layer)
        elif isinstance(layer, keras.layers.Conv2D):
            found.append(layer)
    return found


def _holds(model: keras.Model, target: keras.layers.Layer) -> bool:
    return any(layer is target or (isinstance(layer, keras.Model) and _holds(layer, target))
               for layer in model.layers)


def _cut(model: keras.Model, conv: keras.layers.Layer | None, dense_head: bool) -> keras.Model:
    """A model with `model`'s layers (shared, not copied) whose outputs are `conv`'s output
    (left out when None) and the input of the last layer when `dense_head`, else the output.

    The layers are chained again from a new input, nested models laid out in place, rather
    than read from `layer.output`: a layer shared by two models (the kept model and the one
    trained with augmentation) knows only its first model's tensors.
    """
    last = model.layers[-1]
    reached = {}

    def call(layer, *args, **kwargs):
        if isinstance(layer, keras.Model) and conv is not None and _holds(layer, conv):
            output = laid_out(layer, args[0])  # in inference mode, as predictions run
        else:
            output = layer(*args, **kwargs)
        if layer is conv:
            reached["conv"] = output
        if layer is last:
            reached["end"] = args[0] if dense_head else output
        return output

    def laid_out(nested: keras.Model, x):
        if isinstance(nested, keras.Sequential):
            for layer in nested.layers:
                x = call(layer, x)
            return x
        # Functional models: each layer called through `call` in graph order (the walk
        # `clone_model` makes with a `call_function`, without copying the model).
        return nested._run_through_graph(x, call_fn=call)

    inputs = keras.Input(batch_shape=model.input_shape)
    laid_out(model, inputs)
    outputs = [reached["end"]] if conv is None else [reached["conv"], reached["end"]]
    return keras.Model(inputs, outputs)


def method(model: keras.Model) -> Method:
    """Which map `heat_map` draws for `model`: Grad-CAM on its last Conv2D (of at least
    `MIN_CELLS` cells a side when it has one), or saliency.

    Example:

    >>> import keras
    >>> dense = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(3, activation="softmax")])
    >>> method(dense).kind
    'saliency'
    """
    _check_model(model)
    return _plan(model)[0]


def _plan(model: keras.Model) -> tuple[Method, keras.Model | None,
                                         keras.layers.Layer | None]:
    convs = _conv_layers(model)
    if not convs:
        return Method("saliency", "", Phrase("gradcam.no_convolution")), None, None
    fine = [layer for layer in convs if min(_cells(layer)) >= MIN_CELLS]
    conv = fine[-1] if fine else convs[-1]
    try:
        cut = _cut(model, conv, _has_dense_head(model))
    except Exception as error:  # a graph that cannot be laid out again, a layer used twice
        return Method("saliency", "", Phrase("gradcam.not_cut", {
            "layer": repr(conv.name), "kind": type(error).__name__,
            "error": str(error)[:150]})), None, None
    return Method("grad_cam", conv.name, Phrase("gradcam.grad_cam", {"layer": repr(conv.name)})), \
        cut, conv


def _placement(model: keras.Model, conv: keras.layers.Layer, size: tuple, grid: tuple):
    """Where the centres of `conv`'s output cells fall on the picture, per axis, or None.

    Unpadded convolutions and pooling shrink the map unevenly: the CNN recipe's last 4x4
    map sees rows 18 to 43 of 64, not 8 to 56 as stretching it would say. Each strided
    layer before `conv` (in graph order) is followed as if they were one chain; when the
    sizes this gives are not the map's, the layers branch in a way it cannot follow and
    None says to stretch the map over the picture. On the CNN recipe's triangles (its 12x12
    map) 0.32 to 0.52 of the heat fell on the shape stretched, 0.56 to 0.76 placed.
    """
    axes = []
    for axis in (0, 1):
        n, step, start = size[axis], 1.0, 0.0
        for layer in _flat_layers(model):
            if isinstance(layer, keras.layers.ZeroPadding2D):
                before, after = layer.padding[axis]
                n, start = n + before + after, start - step * before
            elif hasattr(layer, "strides") and (hasattr(layer, "kernel_size")
                                                or hasattr(layer, "pool_size")):
                kernel = (layer.kernel_size if hasattr(layer, "kernel_size")
                          else layer.pool_size)[axis]
                kernel = (kernel - 1) * getattr(layer, "dilation_rate", (1, 1))[axis] + 1
                stride = layer.strides[axis]
                if layer.padding == "same":
                    out = -(-n // stride)
                    before = max((out - 1) * stride + kernel - n, 0) // 2
                else:
                    out, before = (n - kernel) // stride + 1, 0
                n, start, step = out, start + step * ((kernel - 1) / 2 - before), step * stride
            if layer is conv:
                break
        if n != grid[axis]:
            return None
        axes.append(start + step * np.arange(n))
    return axes


def _flat_layers(model: keras.Model) -> list:
    return [inner for layer in model.layers
            for inner in (_flat_layers(layer) if isinstance(layer, keras.Model) else [layer])]


def _spread(cam: np.ndarray, centres, size: tuple) -> np.ndarray:
    """`cam` laid over a picture of `size`, bilinear between its cells' centres."""
    if centres is None:  # the cells evenly over the picture, as a plain resize
        centres = [(np.arange(n) + 0.5) * size[axis] / n - 0.5
                   for axis, n in enumerate(cam.shape)]
    rows = np.stack([np.interp(np.arange(size[0]), centres[0], cam[:, j])
                     for j in range(cam.shape[1])], axis=1)
    return np.stack([np.interp(np.arange(size[1]), centres[1], row) for row in rows])


def _cells(conv: keras.layers.Layer) -> tuple:
    """The layer's map's height and width in cells; MIN_CELLS where unknown."""
    try:
        shape = conv.output.shape  # the same for every model sharing the layer
    except (AttributeError, ValueError):  # called more than once: more than one output
        return (MIN_CELLS, MIN_CELLS)
    return tuple(n if n is not None else MIN_CELLS for n in shape[1:3])


def _has_dense_head(model: keras.Model) -> bool:
    return isinstance(model.layers[-1], keras.layers.Dense)


def _scores(model: keras.Model, end, dense_head: bool):
    """The class scores: the last Dense layer's logits, or the model's outputs."""
    import tensorflow as tf

    if dense_head:
        head = model.layers[-1]
        end = tf.matmul(end, head.kernel)
        if head.use_bias:
            end = end + head.bias
    return tf.reshape(end, (tf.shape(end)[0], -1))


def _class_score(scores, class_index: int | None, classes: int):
    if class_index is None:
        class_index = int(scores[0, 0] >= 0) if classes == 1 else int(np.argmax(scores[0]))
    if classes == 1:
        return scores[0, 0] if class_index == 1 else -scores[0, 0]
    return scores[0, class_index]


def _normalised(heat: np.ndarray) -> np.ndarray:
    heat = np.nan_to_num(np.asarray(heat, dtype=np.float32))
    top = float(heat.max()) if heat.size else 0.0
    if top <= 0.0 or not np.isfinite(top):
        return np.zeros_like(heat)
    return np.clip(heat / top, 0.0, 1.0)


def _check_image(model: keras.Model, image) -> np.ndarray:
    expected = tuple(model.input_shape[1:])
    try:
        image = np.asarray(image, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError(f"Received an invalid value for `image`, expected an array of numbers "
                         f"of shape {expected}. Received: image of type "
                         f"{type(image).__name__}") from None
    fits = image.ndim == len(expected) and all(
        want is None or want == got for want, got in zip(expected, image.shape))
    if image.ndim != 3 or not fits:
        raise ValueError(f"Received an invalid value for `image`, expected one picture of "
                         f"shape {expected} (height, width, channels) as the model takes it. "
                         f"Received: image.shape={image.shape}")
    if not np.isfinite(image).all():
        raise ValueError("Received an invalid value for `image`, expected finite numbers. "
                         "Received: an image holding NaN or infinity")
    return image


def _check_class(model: keras.Model, class_index) -> int:
    classes = int(np.prod(model.output_shape[1:]))
    allowed = 2 if classes == 1 else classes
    if class_index is not None and (
            isinstance(class_index, bool) or not isinstance(class_index, (int, np.integer))
            or not 0 <= class_index < allowed):
        raise ValueError(f"Received an invalid value for `class_index`, expected None (the top "
                         f"class) or an integer from 0 to {allowed - 1}. "
                         f"Received: class_index={class_index!r}")
    return classes


def heat_map(model: keras.Model, image, class_index: int | None = None) -> np.ndarray:
    """Where `model` looked to answer `class_index` for `image`, 0..1 at each pixel.

    Grad-CAM on the last Conv2D layer (see `MIN_CELLS`) when the model has one, else a
    saliency map (see the module's docstring and `method`).

    Args:
        model: a Keras model with one input and one output, as TF Lab keeps them.
        image: one picture as the model takes it, (height, width, channels), for example
            `ImagePrediction.view`.
        class_index: the class whose score is explained; for a single sigmoid unit 0 or 1.
            Defaults to None: the model's top class for this picture.

    Returns:
        float32 (height, width) of the image, from 0 to 1 (the largest value is 1),
        all zeros when nothing raised the score.

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> heat_map(model, np.ones((8, 8, 1)), class_index=0).shape
    (8, 8)
    """
    import tensorflow as tf

    _check_model(model)
    image = _check_image(model, image)
    classes = _check_class(model, class_index)
    found, cut, conv = _plan(model)
    dense_head = _has_dense_head(model)
    x = tf.constant(image[None])
    if found.kind == "grad_cam":
        with tf.GradientTape() as tape:
            conv_output, end = cut(x, training=False)
            tape.watch(conv_output)
            score = _class_score(_scores(model, end, dense_head), class_index, classes)
        gradient = tape.gradient(score, conv_output)
        if gradient is None:
            return np.zeros(image.shape[:2], dtype=np.float32)
        weights = tf.reduce_mean(gradient, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(weights * conv_output, axis=-1))[0].numpy()
        centres = _placement(model, conv, image.shape[:2], cam.shape)
        return _normalised(_spread(cam, centres, image.shape[:2]))
    features = _cut(model, None, dense_head)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = _class_score(_scores(model, features(x, training=False), dense_head),
                             class_index, classes)
    gradient = tape.gradient(score, x)
    if gradient is None:
        return np.zeros(image.shape[:2], dtype=np.float32)
    return _normalised(np.abs(gradient.numpy()[0]).max(axis=-1))


def looked(model: keras.Model, view, class_index: int | None = None) -> np.ndarray:
    """`heat_map` of `view` laid over it (`overlay`): where the model looked, to show.

    Args:
        model: the model, as for `heat_map`.
        view: what the model saw, (height, width, channels) in 0..255, as
            `tflab.predict.ImagePrediction.view`.
        class_index: as for `heat_map`. Defaults to None: the top class.

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> looked(model, np.full((8, 8, 1), 128.0)).shape
    (8, 8, 3)
    """
    heat = heat_map(model, view, class_index)
    return overlay(np.clip(np.rint(np.asarray(view, dtype=np.float32)), 0, 255).astype(np.uint8),
                   heat)

