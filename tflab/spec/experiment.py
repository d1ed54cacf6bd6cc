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
from typing import Any, Iterable

from tflab.data.catalog import summarize
from tflab.names import RECIPE_NAME
from tflab.params import SpecError, check_declared, from_plain, param
from tflab.spec.augmentation import AugmentationSpec
from tflab.spec.data import DataSpec
from tflab.spec.layers import LayerSpec
from tflab.spec.legacy import upgrade_paths
from tflab.spec.model import ModelSpec
from tflab.spec.training import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, CompileSpec, FitSpec
from tflab.words import Phrase

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
        summary = summarize(self.data.dataset, dict(self.data.options))
        model = self.model
        if not _same_shape(model.input_shape, summary.input_shape):
            raise SpecError("model.input_shape", list(model.input_shape),
                            Phrase("allowed.example_shape", {
                                "dataset": self.data.dataset, "shape": list(summary.input_shape)}),
                            Phrase("errors.hint.input_shape_notes"))
        if self.augmentation.active and not summary.image:
            raise SpecError("augmentation", "on",
                            Phrase("allowed.augmentation_off", {"dataset": self.data.dataset}),
                            Phrase("errors.hint.augmentation_needs_images"))
        for i, layer in enumerate(model.layers):
            if layer.info.augmentation and not summary.image:
                raise SpecError(f"model.layers[{i}].type", layer.type, Phrase("allowed.layer_for_data"),
                                Phrase("errors.hint.not_images", {"dataset": self.data.dataset}))
        self._check_output(summary)

    def _check_output(self, summary) -> None:
        model, loss = self.model, self.compile.loss
        found = model.output_layer
        if found is None:
            raise SpecError("model.layers", [l.type for l in model.layers],
                            Phrase("allowed.output_layer_last"))
        index, out = found
        units, activation = out.args["units"], out.args.get("activation", "linear")
        where = f"model.layers[{index}]"
        if activation == "softmax" and units == 1:
            raise SpecError(f"{where}.units", units, Phrase("allowed.softmax_units"),
                            Phrase("errors.hint.softmax_one_unit"))
        if summary.is_classification:
            if loss not in CLASSIFICATION_LOSSES:
                raise SpecError("compile.loss", loss, Phrase("allowed.classification_loss", {
                    "losses": ", ".join(CLASSIFICATION_LOSSES),
                    "task": Phrase(f"allowed.task.{summary.kind}"), "dataset": self.data.dataset}))
            if loss == "binary_crossentropy":
                if summary.kind != "binary":
                    raise SpecError("compile.loss", loss,
                                    Phrase("allowed.sparse_loss", {"n": summary.num_classes}))
                if units != 1:
                    raise SpecError(f"{where}.units", units, Phrase("allowed.binary_units"),
                                    Phrase("errors.hint.binary_one_output"))
                if activation != "sigmoid":
                    raise SpecError(f"{where}.activation", activation, Phrase("allowed.binary_sigmoid"),
                                    Phrase("errors.hint.loss_wants_probability"))
            else:
                if units != summary.num_classes:
                    raise SpecError(f"{where}.units", units, Phrase("allowed.units_per_class", {
                        "n": summary.num_classes, "dataset": self.data.dataset}))
                if activation != "softmax":
                    raise SpecError(f"{where}.activation", activation, Phrase("allowed.sparse_softmax"),
                                    Phrase("errors.hint.loss_wants_distribution"))
        else:
            if loss not in REGRESSION_LOSSES:
                raise SpecError("compile.loss", loss, Phrase("allowed.regression_loss", {
                    "losses": ", ".join(REGRESSION_LOSSES), "dataset": self.data.dataset}))
            if "accuracy" in self.compile.metrics:
                raise SpecError("compile.metrics", list(self.compile.metrics),
                                Phrase("allowed.number_metrics"),
                                Phrase("errors.hint.accuracy_counts_classes"))
        shapes = model.shapes()
        if shapes is not None:
            final = shapes[-1]
            expected = _output_shape(summary)
            if not _same_shape(final, expected):
                raise SpecError(f"model.layers[{len(model.layers) - 1}]", list(final),
                                Phrase("allowed.output_shape", {
                                    "shape": list(expected), "dataset": self.data.dataset}),
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
            raise SpecError("spec", data, Phrase("allowed.spec_object"))
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise SpecError(unknown[0], data[unknown[0]], Phrase("allowed.one_of", {"choices": ", ".join(SECTIONS)}))
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
            raise SpecError("spec", text[:40], Phrase("allowed.json_text"), str(error)) from None
        return cls.from_dict(data)

    def with_setting(self, path: str, value: Any) -> "ExperimentSpec":
        """A copy with one setting changed, by its dotted path.

        Paths look like `fit.epochs`, `data.options.noise`, `model.layers[1].units` (or
        `model.layers.1.units`), `seed`.
        """
        return self.with_settings([(path, value)])

    def with_settings(self, settings: Iterable[tuple[str, Any]]) -> "ExperimentSpec":
        """A copy with several settings changed, by their dotted paths (`with_setting`),
        checked once all are in: a loss and the output layer that goes with it change
        together."""
        data = self.to_dict()
        for path, value in settings:
            _put(data, path, value)
        return ExperimentSpec.from_dict(data)


def setting_keys(path: str) -> list[str | int]:
    """The keys a dotted setting path walks through, list indexes as numbers.

    Example:

    >>> setting_keys("model.layers[1].units"), setting_keys("model.layers.1.units")
    (['model', 'layers', 1, 'units'], ['model', 'layers', 1, 'units'])
    """
    return [int(k) if k.isdigit() else k for k in re.split(r"\.|\[(\d+)\]", path) if k]


def _put(data: dict, path: str, value: Any) -> None:
    """Set the setting at `path` in a spec's plain data, or SpecError naming the path."""
    keys = setting_keys(path)
    target: Any = data
    for i, key in enumerate(keys[:-1]):
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            raise SpecError(path, value, Phrase("allowed.setting_path_long"), Phrase(
                "errors.hint.no_such_path", {"path": ".".join(map(str, keys[:i + 1]))})) from None
    last = keys[-1] if keys else path
    if isinstance(target, list):
        if not isinstance(last, int) or not 0 <= last < len(target):
            raise SpecError(path, value, Phrase("allowed.index_below", {"n": len(target)}))
    elif isinstance(target, dict):
        if last not in target and not (len(keys) == 3 and keys[:2] == ["data", "options"]):
            raise SpecError(path, value, Phrase("allowed.known_setting_here",
                                                {"known": ", ".join(map(str, target))}))
    else:
        raise SpecError(path, value, Phrase("allowed.setting_path"))
    target[last] = value


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


def _output_hint(summary) -> Phrase:
    if summary.kind == "series":
        return Phrase("errors.hint.series_output")
    return Phrase("errors.hint.flatten_before_dense")
