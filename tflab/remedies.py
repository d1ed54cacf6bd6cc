"""The changes the coach offers: a variant of the run's settings worth trying next.

A `tflab.coach.Finding` says what went wrong; its `Variant` is the settings one click
would change (a lower or higher learning rate, more epochs, wider layers, early stopping,
the notes' augmentation or more dropout), made from the run's spec by the builders here
and applied by `apply_variant`. Each variant's button says `coach.variant.<name>` from the
catalog (`tflab/locales`). Nothing here imports TensorFlow or Streamlit.

Example:

>>> from tflab.recipes import get_recipe
>>> spec = get_recipe("linear").spec
>>> lower_rate(spec).settings, spec.compile.learning_rate
((('compile.learning_rate', 0.001),), 0.01)
>>> wider(spec).name  # one layer, nothing to widen: it learns longer instead
'more_epochs'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tflab.data.catalog import summarize
from tflab.spec import ExperimentSpec, declared
from tflab.words import Words

if TYPE_CHECKING:
    from tflab.coach import Finding

# The changes a finding offers; each label is `coach.variant.<name>`.
VARIANTS = ("early_stopping", "dropout", "augmentation", "lower_rate", "higher_rate",
            "more_epochs", "wider")
MORE_DROPOUT = 0.2        # what a dropout variant adds to the rates (new layers get this much)
MAX_DROPOUT = 0.5
RATE_STEP = 10.0          # a lower or higher learning rate: divided or multiplied by this


@dataclass(frozen=True)
class Variant:
    """The settings one click would change, as (setting path, new value) pairs, and a name.

    Args:
        name: which change, one of VARIANTS; the button says `coach.variant.<name>`.
        settings: pairs for `ExperimentSpec.with_setting`, applied in order.

    Example:

    >>> Variant("more_epochs", (("fit.epochs", 40),)).label_in(Words.load("es"))
    'Más épocas'
    """

    name: str
    settings: tuple[tuple[str, Any], ...]

    @property
    def label(self) -> str:
        """A few words for the button, in English."""
        return self.label_in(Words.load("en"))

    def label_in(self, words: Words) -> str:
        return words(f"coach.variant.{self.name}")


def apply_variant(spec: ExperimentSpec, finding: Finding) -> ExperimentSpec:
    """The spec with the finding's variant applied: the experiment one click queues.

    Example:

    >>> from tflab.coach import Finding
    >>> from tflab.recipes import get_recipe
    >>> from tflab.words import Phrase
    >>> finding = Finding("plateau", 9, Phrase("coach.why.plateau"),
    ...                   Variant("lower_rate", (("compile.learning_rate", 0.001),)))
    >>> apply_variant(get_recipe("linear").spec, finding).compile.learning_rate
    0.001
    """
    if finding.variant is None:
        raise ValueError(f"Received a finding without a variant: `variant` is None for the "
                         f"{finding.kind!r} finding; expected a Variant. Only findings with one "
                         "can be applied.")
    for path, value in finding.variant.settings:
        spec = spec.with_setting(path, value)
    return spec


def _bounded(owner, name: str, value: float) -> float:
    param = next(p for p in declared(owner) if p.name == name)
    return min(max(value, param.low), param.high)


def lower_rate(spec: ExperimentSpec | None) -> Variant | None:
    """The learning rate divided by RATE_STEP: for a run that diverged or stalled."""
    if spec is None:
        return None
    rate = float(f"{spec.compile.learning_rate / RATE_STEP:.3g}")
    return Variant("lower_rate", (("compile.learning_rate", rate),))


def higher_rate(spec: ExperimentSpec | None) -> Variant | None:
    """The learning rate times RATE_STEP, within its bounds; more epochs once it is at
    the top: for a loss that moved too slowly."""
    if spec is None:
        return None
    rate = float(f"{_bounded(type(spec.compile), 'learning_rate', spec.compile.learning_rate * RATE_STEP):.3g}")
    if rate <= spec.compile.learning_rate:
        return _more_epochs(spec)
    return Variant("higher_rate", (("compile.learning_rate", rate),))


def _more_epochs(spec) -> Variant | None:
    epochs = int(_bounded(type(spec.fit), "epochs", spec.fit.epochs * 2))
    if epochs <= spec.fit.epochs:
        return None
    return Variant("more_epochs", (("fit.epochs", epochs),))


def _hidden(spec, kind: str) -> list[int]:
    """Indexes of the layers of `kind` before the output layer."""
    found = spec.model.output_layer
    end = found[0] if found is not None else len(spec.model.layers)
    return [i for i, layer in enumerate(spec.model.layers[:end]) if layer.type == kind]


def wider(spec: ExperimentSpec | None) -> Variant | None:
    """Each hidden Dense layer twice as wide; more epochs when there is none: for a
    model that underfits."""
    if spec is None:
        return None
    dense = _hidden(spec, "Dense")
    if not dense:  # nothing to widen: one layer, as in the linear recipe, learns longer
        return _more_epochs(spec)
    settings = tuple((f"model.layers[{i}].units", min(spec.model.layers[i].args["units"] * 2, 8192))
                     for i in dense)
    return Variant("wider", settings)


def against_overfitting(spec: ExperimentSpec | None,
                        val_to_best: list[tuple[int, float]]) -> Variant | None:
    """Early stopping first; with it on already, augmentation for pictures, else dropout."""
    if spec is None:
        return None
    if not spec.fit.early_stopping:
        # Patient enough to wait through every stall before the best epoch: the same seed
        # replays the same curve, so the run stops after the best and restores its weights.
        stall = longest = 0
        lowest = math.inf
        for _, value in val_to_best:
            stall = 0 if value < lowest else stall + 1
            lowest, longest = min(lowest, value), max(longest, stall)
        patience = min(max(longest + 1, 3), 1000)
        return Variant("early_stopping", (("fit.early_stopping", True),
                                                  ("fit.patience", patience)))
    from tflab.recipes import NOTES_AUGMENTATION

    if summarize(spec.data.dataset, dict(spec.data.options)).image and not spec.augmentation.random:
        settings = tuple((f"augmentation.{name}", getattr(NOTES_AUGMENTATION, name))
                         for name in ("rotation_range", "width_shift_range", "height_shift_range",
                                      "shear_range", "zoom_range", "horizontal_flip", "fill_mode"))
        return Variant("augmentation", settings)
    return _more_dropout(spec)


def _more_dropout(spec) -> Variant | None:
    dropout = _hidden(spec, "Dropout")
    if dropout:
        rates = {i: spec.model.layers[i].args["rate"] for i in dropout}
        settings = tuple((f"model.layers[{i}].rate", round(min(rate + MORE_DROPOUT, MAX_DROPOUT), 2))
                         for i, rate in rates.items() if rate < MAX_DROPOUT)
        return Variant("dropout", settings) if settings else None
    # No dropout yet: one after each hidden Dense layer.
    layers = []
    for i, layer in enumerate(spec.model.layers):
        layers.append(layer.to_dict())
        if i in _hidden(spec, "Dense"):
            layers.append({"type": "Dropout", "rate": MORE_DROPOUT})
    if len(layers) == len(spec.model.layers):
        return None
    return Variant("dropout", (("model.layers", layers),))
