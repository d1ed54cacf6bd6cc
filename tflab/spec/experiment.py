"""One experiment, complete: data, model, compile, fit, augmentation and seed.

The whole spec is checked when it is built, including the parts that only make sense
together: the model's input must match the data, the output layer and the loss must
fit the task (one sigmoid unit for a binary label, one softmax unit per class), and
augmentation needs images. A spec that exists is a spec that can train.

Example:

>>> from tflab.recipes import get_recipe
>>> spec = get_recipe("linear").spec
>>> spec.with_setting("fit.epochs", 20).fit.epochs
20
>>> ExperimentSpec.from_json(spec.to_json()) == spec
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tflab.spec.augmentation import AugmentationSpec
from tflab.spec.data import DataSpec
from tflab.spec.layers import LayerSpec
from tflab.spec.legacy import upgrade_paths
from tflab.spec.model import ModelSpec
from tflab.spec.names import RECIPE_NAME
from tflab.spec.params import SpecError, check_declared, from_plain, param
from tflab.spec.training import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, CompileSpec, FitSpec

SECTIONS = ("recipe", "data", "model", "compile", "fit", "augmentation", "seed")


@dataclass(frozen=True)
class ExperimentSpec:
    """Everything that decides a run; JSON in, JSON out, validated on construction."""

    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=lambda: ModelSpec((1,), (LayerSpec("Dense", {"units": 1}),)))
    compile: CompileSpec = field(default_factory=CompileSpec)
    fit: FitSpec = field(default_factory=FitSpec)
    augmentation: AugmentationSpec = field(default_factory=AugmentationSpec)
    seed: int = param(42, low=0, high=2**31 - 1)
    # The recipe's name reaches code (the exported script, the Keras model's name) and file
    # names, and a link can carry any: it is held to a safe alphabet.
    recipe: str = param("custom", pattern=RECIPE_NAME)

    def __post_init__(self):
        check_declared(self)
        self._check_together()

    # -- checks across sections ------------------------------------------------------

    def _check_together(self) -> None:
        from tflab.data.catalog import summarize

        summary = summarize(self.data.dataset, dict(self.data.options))
        model = self.model
        if not _same_shape(model.input_shape, summary.input_shape):
            raise SpecError("model.input_shape", list(model.input_shape),
                            f"the shape of one example of `{self.data.dataset}`: "
                            f"{list(summary.input_shape)} (without the batch axis)",
                            "The notes' last section: the input shape is the data's shape "
                            "without the batch coordinate.")
        if self.augmentation.active and not summary.image:
            raise SpecError("augmentation", "on", f"off for `{self.data.dataset}`, which is not "
                            "an image dataset", "Augmentation moves and flips pixels; it needs images.")
        for i, layer in enumerate(model.layers):
            if layer.info.augmentation and not summary.image:
                raise SpecError(f"model.layers[{i}].type", layer.type, "a layer for this data",
                                f"`{self.data.dataset}` is not an image dataset.")
        self._check_output(summary)

    def _check_output(self, summary) -> None:
        model, loss = self.model, self.compile.loss
        found = model.output_layer
        if found is None:
            raise SpecError("model.layers", [l.type for l in model.layers],
                            "a list ending in a Dense or LSTM layer that gives the output")
        index, out = found
        units, activation = out.args["units"], out.args.get("activation", "linear")
        where = f"model.layers[{index}]"
        if activation == "softmax" and units == 1:
            raise SpecError(f"{where}.units", units, "at least 2 with softmax",
                            "Softmax over one unit always outputs 1. For two classes use one "
                            "sigmoid unit, or softmax over 2 units.")
        if summary.is_classification:
            if loss not in CLASSIFICATION_LOSSES:
                raise SpecError("compile.loss", loss, "one of " + ", ".join(CLASSIFICATION_LOSSES)
                                + f" for the {summary.kind} task of `{self.data.dataset}`")
            if loss == "binary_crossentropy":
                if summary.kind != "binary":
                    raise SpecError("compile.loss", loss, "sparse_categorical_crossentropy for "
                                    f"{summary.num_classes} classes")
                if units != 1:
                    raise SpecError(f"{where}.units", units, "1 with binary cross-entropy",
                                    "A binary model outputs one probability: Dense(1, sigmoid). "
                                    "(The notes' Dense(10, sigmoid) would give ten.)")
                if activation != "sigmoid":
                    raise SpecError(f"{where}.activation", activation, "'sigmoid' with binary "
                                    "cross-entropy", "The loss expects a probability between 0 and 1.")
            else:
                if units != summary.num_classes:
                    raise SpecError(f"{where}.units", units, f"{summary.num_classes}, one per class "
                                    f"of `{self.data.dataset}`")
                if activation != "softmax":
                    raise SpecError(f"{where}.activation", activation, "'softmax' with sparse "
                                    "categorical cross-entropy", "The loss expects one probability "
                                    "per class, summing to 1.")
        else:
            if loss not in REGRESSION_LOSSES:
                raise SpecError("compile.loss", loss, "one of " + ", ".join(REGRESSION_LOSSES)
                                + f" for predicting numbers (`{self.data.dataset}`)")
            if "accuracy" in self.compile.metrics:
                raise SpecError("compile.metrics", list(self.compile.metrics),
                                "metrics for numbers (mae, mse)", "Accuracy counts right classes; "
                                "this task predicts numbers.")
        shapes = model.shapes()
        if shapes is not None:
            final = shapes[-1]
            expected = _output_shape(summary)
            if not _same_shape(final, expected):
                raise SpecError(f"model.layers[{len(model.layers) - 1}]", list(final),
                                f"an output of shape {list(expected)} for `{self.data.dataset}`",
                                _output_hint(summary))

    # -- plain data --------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "recipe": self.recipe,
            "data": self.data.to_dict(),
            "model": self.model.to_dict(),
            "compile": {"optimizer": self.compile.optimizer, "learning_rate": self.compile.learning_rate,
                        "loss": self.compile.loss, "metrics": list(self.compile.metrics)},
            "fit": {"epochs": self.fit.epochs, "batch_size": self.fit.batch_size,
                    "early_stopping": self.fit.early_stopping, "patience": self.fit.patience},
            "augmentation": {name: getattr(self.augmentation, name)
                             for name in AugmentationSpec.__dataclass_fields__},
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: Any, *, older_paths: bool = True) -> "ExperimentSpec":
        """The spec in plain data (JSON's objects and lists), checked.

        Args:
            data: the spec as `to_dict` gives it; missing settings take their defaults.
            older_paths: accept the paths older versions wrote into runs' specs for the
                store's own files, as their ids (`tflab.spec.legacy`). Defaults to True;
                a link passes False: it names files by id only.
        """
        if older_paths:
            data = upgrade_paths(data)
        if not isinstance(data, dict):
            raise SpecError("spec", data, "an object with data, model, compile, fit, augmentation, seed")
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise SpecError(unknown[0], data[unknown[0]], "one of " + ", ".join(SECTIONS))
        if "recipe" in data:  # first: a hostile name is refused before any data is looked at
            RECIPE_NAME.check(data["recipe"], "recipe")
        parts: dict[str, Any] = {
            "data": from_plain(DataSpec, data.get("data", {}), "data"),
            "model": _model_from(data.get("model", {})),
            "compile": from_plain(CompileSpec, data.get("compile", {}), "compile"),
            "fit": from_plain(FitSpec, data.get("fit", {}), "fit"),
            "augmentation": from_plain(AugmentationSpec, data.get("augmentation", {}), "augmentation"),
        }
        for key in ("seed", "recipe"):
            if key in data:
                parts[key] = data[key]
        return cls(**parts)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> "ExperimentSpec":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError("spec", text[:40], "JSON text", str(error)) from None
        return cls.from_dict(data)

    def with_setting(self, path: str, value: Any) -> "ExperimentSpec":
        """A copy with one setting changed, by its dotted path.

        Paths look like `fit.epochs`, `data.options.noise`, `model.layers[1].units` (or
        `model.layers.1.units`), `seed`.
        """
        data = self.to_dict()
        keys = [int(k) if k.isdigit() else k for k in re.split(r"\.|\[(\d+)\]", path) if k]
        target: Any = data
        for i, key in enumerate(keys[:-1]):
            try:
                target = target[key]
            except (KeyError, IndexError, TypeError):
                raise SpecError(path, value, "a setting path like fit.epochs or model.layers[0].units",
                                f"`{'.'.join(map(str, keys[:i + 1]))}` does not exist.") from None
        last = keys[-1] if keys else path
        if isinstance(target, list):
            if not isinstance(last, int) or not 0 <= last < len(target):
                raise SpecError(path, value, f"an index below {len(target)}")
        elif isinstance(target, dict):
            if last not in target and not (len(keys) == 3 and keys[:2] == ["data", "options"]):
                raise SpecError(path, value, "a known setting; known here: " + ", ".join(map(str, target)))
        else:
            raise SpecError(path, value, "a setting path like fit.epochs")
        target[last] = value
        return ExperimentSpec.from_dict(data)


def _model_from(data: Any) -> ModelSpec:
    try:
        return ModelSpec.from_dict(data)
    except SpecError as error:
        raise error.under("model") from None


def _same_shape(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x == y for x, y in zip(a, b))


def _output_shape(summary) -> tuple:
    if summary.kind == "multiclass":
        return (summary.num_classes,)
    if summary.kind == "binary":
        return (1,)
    return tuple(summary.target_shape)


def _output_hint(summary) -> str:
    if summary.kind == "series":
        return ("A series model predicts every step of its window: keep return_sequences=True "
                "on the LSTMs and end with Dense(1).")
    return "Add a Flatten before the Dense layers so each example gives one output."
