"""A run's model as it is kept: without augmentation layers, loadable by plain Keras.

Augmentation layers (RandomRotation, RandomShear, ...) change pictures only while
training and pass them through untouched at prediction, so the model kept for
prediction, transfer and download leaves them out: the same chain of trained layers
(shared, not copied), its Rescaling kept since predictions rely on it. The kept file
then loads with `keras.saving.load_model(path)` and nothing else, whatever a Keras
version does with an augmentation layer's settings. Keras 3.15 saves
`RandomShear(x_factor=0.2)` with its factor as `[-0.2, 0.2]`, and loading refuses a
negative factor, so every model trained with the notes' shear could not be loaded again;
`repair_config` fixes that one setting in files saved that way.

Example:

>>> import keras
>>> inputs = keras.Input((8, 8, 3))
>>> x = keras.layers.RandomShear(x_factor=0.2, y_factor=0.0)(inputs)
>>> model = keras.Model(inputs, keras.layers.Flatten()(x))
>>> [type(layer).__name__ for layer in inference_model(model).layers]
['InputLayer', 'Flatten']
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import keras

from tflab.home import write_whole
from tflab.spec import LAYER_TYPES

# The layer editor's augmentation types: each passes its input through at inference.
# (Not every Random* layer does: RandomCrop crops at inference too.)
CONFIG = "config.json"  # the model's layers and settings inside a .keras zip
AUGMENTATION_TYPES = frozenset(name for name, kind in LAYER_TYPES.items() if kind.augmentation)


def is_augmentation(layer: keras.layers.Layer) -> bool:
    return type(layer).__name__ in AUGMENTATION_TYPES


def _holds_augmentation(model: keras.Model) -> bool:
    return any(is_augmentation(layer) or (isinstance(layer, keras.Model)
                                          and _holds_augmentation(layer))
               for layer in model.layers)


def inference_model(model: keras.Model) -> keras.Model:
    """`model` without its augmentation layers, at any depth; the other layers are the
    same objects, so their trained weights are shared, not copied.

    A model with no augmentation layer is returned as it is. The copy is compiled as
    `model` was (with a new optimizer), so a downloaded model can be evaluated or
    trained further in plain Keras.
    """
    if not _holds_augmentation(model):
        return model
    if isinstance(model, keras.Sequential):
        kept = [layer for layer in model.layers if not is_augmentation(layer)]
        copy = keras.Sequential([keras.Input(batch_shape=model.input_shape, name="input"),
                                 *[inference_model(layer) if isinstance(layer, keras.Model)
                                   else layer for layer in kept]], name=model.name)
        if model.compiled:
            copy.compile_from_config(model.get_compile_config())
        return copy

    def call(layer, *args, **kwargs):
        return args[0] if is_augmentation(layer) else layer(*args, **kwargs)

    # clone_model walks any graph, not only a chain; `lambda layer: layer` reuses each
    # layer, and recursive=True does the same inside nested models (a transfer base).
    return keras.models.clone_model(model, clone_function=lambda layer: layer,
                                    call_function=call, recursive=True)


def repaired_copy(path: str | Path, folder: str | Path) -> Path | None:
    """A copy of the .keras file `path` in `folder` with its config repaired
    (`repair_config`), or None when the file has nothing to repair or is no .keras zip."""
    try:
        with zipfile.ZipFile(path) as source:
            config = json.loads(source.read(CONFIG))
            if not repair_config(config):
                return None
            copy = Path(folder) / Path(path).name
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
                for item in source.infolist():
                    data = json.dumps(config).encode() if item.filename == CONFIG \
                        else source.read(item)
                    target.writestr(item, data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    return copy


def save_model(model: keras.Model, path: str | Path) -> None:
    """Save the model kept for prediction: `model` without augmentation, as a .keras file,
    whole or not at all (`tflab.home.write_whole`): Predict may load it meanwhile."""
    with write_whole(path) as partial:
        inference_model(model).save(partial)


def repair_config(config: Any) -> bool:
    """Fix, in place, RandomShear factors saved as a negative range by Keras 3.15.

    `RandomShear(x_factor=0.2)` keeps and saves the range `(-0.2, 0.2)`; loading checks
    each end to lie in 0..1 and refuses it. The single number 0.2 stands for the same
    range, and loads. Returns True when something was fixed.

    Example:

    >>> config = {"class_name": "RandomShear", "config": {"x_factor": [-0.2, 0.2],
    ...                                                   "y_factor": [-0.0, 0.0]}}
    >>> repair_config(config), config["config"]
    (True, {'x_factor': 0.2, 'y_factor': [-0.0, 0.0]})
    """
    fixed = False
    if isinstance(config, dict):
        if config.get("class_name") == "RandomShear" and isinstance(config.get("config"), dict):
            settings = config["config"]
            for name in ("x_factor", "y_factor"):
                factor = settings.get(name)
                if (isinstance(factor, (list, tuple)) and len(factor) == 2
                        and all(isinstance(v, (int, float)) for v in factor)
                        and min(factor) < 0 and abs(factor[0]) == abs(factor[1])):
                    settings[name] = abs(factor[1])
                    fixed = True
        for value in config.values():
            fixed = repair_config(value) or fixed
    elif isinstance(config, list):
        for value in config:
            fixed = repair_config(value) or fixed
    return fixed
