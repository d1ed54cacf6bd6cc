"""A sweep: one experiment trained again with a few settings varied, each combination a run.

A `SweepSpec` is a base `ExperimentSpec` and one to three `Vary`s, each naming a setting by
its dotted path (as `ExperimentSpec.with_setting` takes it) and the values it takes: a
list, a range with a count spaced evenly or in log scale, or a count drawn at random within
a range (by default the setting's declared bounds, `tflab.params.Param`) from a seed.
Its variants are the combinations of those values, each checked as any experiment is when
the sweep is built, so nothing is queued for a sweep holding one bad variant.

On the command line (`python -m tflab sweep ... --vary SETTING=VALUES`) values are written:

    SETTING=V1,V2,V3                         the values listed (each JSON, else text)
    SETTING=lin:LOW..HIGH:COUNT              COUNT values evenly spaced from LOW to HIGH
    SETTING=log:LOW..HIGH:COUNT              COUNT values evenly spaced in log scale
    SETTING=random:LOW..HIGH:COUNT[:seed=S]  COUNT values drawn uniformly (seed 0 unless S)
    SETTING=random:COUNT[:seed=S]            drawn within the setting's declared bounds
    SETTING=lograndom:...                    as random, drawn uniformly in log scale

Ranges are for number settings. A whole-number setting (units, epochs) takes its values
rounded, repeats dropped; other numbers keep 6 significant digits.

Example:

>>> from tflab.recipes import get_recipe
>>> sweep = SweepSpec(get_recipe("multiclass").spec, (
...     parse_vary("compile.learning_rate=log:1e-4..1e-1:4"),
...     parse_vary("model.layers[1].units=16,64")))
>>> len(sweep.variants()), sweep.values()[1]
(8, (0.0001, 64))
>>> SweepSpec.from_dict(sweep.to_dict()) == sweep
True
"""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import dataclass, field
from typing import Any

from tflab.data.catalog import get_dataset
from tflab.spec import (AugmentationSpec, BaseSpec, CompileSpec, ExperimentSpec, FitSpec, Param,
                        SpecError, declared)
from tflab.spec.data import VALIDATION_SPLIT
from tflab.spec.experiment import setting_keys
from tflab.words import Phrase

MAX_SETTINGS = 3
# A sweep on one machine trains its variants a few at a time: 64 small runs are an
# afternoon's class, and a typo in a count (400 instead of 4) is refused, not queued.
MAX_VARIANTS = 64
SPACINGS = ("list", "lin", "log", "random", "lograndom")
SIGNIFICANT_DIGITS = 6  # of a range's number values: 0.0001, not 0.00010000000000000009


@dataclass(frozen=True)
class Vary:
    """One setting a sweep varies, and how its values are found.

    Args:
        setting: the setting's dotted path, as `ExperimentSpec.with_setting` takes it,
            like `compile.learning_rate` or `model.layers[2].rate`.
        values: the values, for `spacing="list"`. Defaults to ().
        spacing: "list" (the values given), "lin" or "log" (`count` values from `low` to
            `high`, evenly spaced or in log scale), "random" or "lograndom" (`count`
            values drawn from `seed`, uniformly or in log scale). Defaults to "list".
        low: the range's low end. Defaults to None: for random draws, the setting's
            declared lower bound.
        high: the range's high end. Defaults to None, as `low`.
        count: how many values a range gives. Defaults to None (a list).
        seed: the random draws' seed. Defaults to 0.

    Example:

    >>> Vary("model.layers[1].units", spacing="lin", low=16, high=128, count=4).count
    4
    >>> Vary("fit.epochs", spacing="lin", low=1, high=10)
    Traceback (most recent call last):
    ...
    tflab.params.SpecError: `fit.epochs` must be a range with a count of values from 1 to 64, like lin:16..128:4; received None.
    """

    setting: str
    values: tuple = ()
    spacing: str = "list"
    low: float | None = None
    high: float | None = None
    count: int | None = None
    seed: int = 0

    def __post_init__(self):
        if not isinstance(self.setting, str) or not setting_keys(self.setting):
            raise SpecError("vary", self.setting, Phrase("sweep.allowed.setting"))
        if self.spacing not in SPACINGS:
            raise SpecError(self.setting, self.spacing, Phrase("allowed.one_of", {
                "choices": ", ".join(SPACINGS)}))
        if self.spacing == "list":
            values = tuple(self.values) if isinstance(self.values, (list, tuple)) else ()
            if not values:
                raise SpecError(self.setting, self.values, Phrase("sweep.allowed.values"))
            object.__setattr__(self, "values", values)
            return
        count = self.count
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_VARIANTS:
            raise SpecError(self.setting, count, Phrase("sweep.allowed.count",
                                                        {"max": MAX_VARIANTS}))
        ends = (self.low, self.high)
        random_draw = self.spacing in ("random", "lograndom")
        if not (random_draw and ends == (None, None)):
            if not all(_is_number(end) for end in ends) or self.low > self.high:
                raise SpecError(self.setting, f"{self.low}..{self.high}",
                                Phrase("sweep.allowed.range"))
            if self.spacing in ("log", "lograndom") and self.low <= 0:
                raise SpecError(self.setting, f"{self.low}..{self.high}",
                                Phrase("sweep.allowed.log_range"))
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise SpecError(self.setting, self.seed, Phrase("sweep.allowed.seed"))

    def resolve(self, base: ExperimentSpec) -> tuple:
        """The values this setting takes in a sweep of `base`, in order.

        A range's ends must be within the setting's declared bounds; a random draw without
        ends takes those bounds.
        """
        if self.spacing == "list":
            return self.values
        param = setting_param(base, self.setting)
        if param is None or param.type not in (int, float):
            raise SpecError(self.setting, self.spacing, Phrase("sweep.allowed.number_setting"))
        low, high = self._ends(param)
        if self.spacing == "lin":
            shares = [i / (self.count - 1) if self.count > 1 else 0.0 for i in range(self.count)]
            found = [low + (high - low) * share for share in shares]
        elif self.spacing == "log":
            shares = [i / (self.count - 1) if self.count > 1 else 0.0 for i in range(self.count)]
            found = [low * (high / low) ** share for share in shares]
        else:
            draw = random.Random(self.seed)
            if self.spacing == "random":
                found = [low + (high - low) * draw.random() for _ in range(self.count)]
            else:
                found = [math.exp(math.log(low) + math.log(high / low) * draw.random())
                         for _ in range(self.count)]
        if param.type is int:
            return tuple(dict.fromkeys(round(value) for value in found))
        return tuple(float(f"{value:.{SIGNIFICANT_DIGITS}g}") for value in found)

    def _ends(self, param: Param) -> tuple[float, float]:
        if self.low is None:  # a random draw within the declared bounds
            if param.low is None or param.high is None:
                raise SpecError(self.setting, self.spacing, Phrase("sweep.allowed.random_range"))
            if self.spacing == "lograndom" and param.low <= 0:
                raise SpecError(self.setting, self.spacing, Phrase("sweep.allowed.log_range"))
            return param.low, param.high
        for end in (self.low, self.high):
            param.check(float(end) if param.type is float else _whole(end, self.setting),
                        self.setting)
        return self.low, self.high

    def to_dict(self) -> dict:
        if self.spacing == "list":
            return {"setting": self.setting, "values": list(self.values)}
        return {"setting": self.setting, "spacing": self.spacing, "low": self.low,
                "high": self.high, "count": self.count, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: Any) -> "Vary":
        if not isinstance(data, dict) or "setting" not in data:
            raise SpecError("vary", data, Phrase("sweep.allowed.vary_object"))
        known = {"setting", "values", "spacing", "low", "high", "count", "seed"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"vary.{unknown[0]}", data[unknown[0]], Phrase(
                "allowed.known_setting", {"known": ", ".join(sorted(known))}))
        values = data.get("values", ())
        return cls(**{**data, "values": tuple(values) if isinstance(values, list) else values})


@dataclass(frozen=True)
class SweepSpec:
    """An experiment and the settings to vary in it: every combination is a variant.

    Checked when built: one to `MAX_SETTINGS` settings, each varied once, at most
    `MAX_VARIANTS` variants, and every variant a valid experiment (else SpecError naming
    the setting, with the variant's number and values in its hint).

    Args:
        base: the experiment the variants start from.
        vary: the settings to vary, the first the slowest to change between variants.
    """

    base: ExperimentSpec
    vary: tuple[Vary, ...]
    _variants: tuple = field(init=False, repr=False, compare=False)
    _values: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.base, ExperimentSpec):
            raise SpecError("base", self.base, Phrase("sweep.allowed.base"))
        vary = tuple(self.vary) if isinstance(self.vary, (list, tuple)) else ()
        if not 1 <= len(vary) <= MAX_SETTINGS or not all(isinstance(v, Vary) for v in vary):
            raise SpecError("vary", [getattr(v, "setting", v) for v in vary] or self.vary,
                            Phrase("sweep.allowed.settings", {"max": MAX_SETTINGS}))
        seen: dict[tuple, str] = {}
        for item in vary:
            key = tuple(setting_keys(item.setting))
            if key in seen:
                raise SpecError(item.setting, item.setting, Phrase("sweep.allowed.once"),
                                Phrase("sweep.hint.same_setting", {"first": seen[key]}))
            seen[key] = item.setting
        object.__setattr__(self, "vary", vary)
        columns = [item.resolve(self.base) for item in vary]
        total = math.prod(len(values) for values in columns)
        if total > MAX_VARIANTS:
            raise SpecError("vary", " x ".join(str(len(values)) for values in columns),
                            Phrase("sweep.allowed.variants", {"max": MAX_VARIANTS}),
                            Phrase("sweep.hint.fewer_values", {"n": total}))
        values = tuple(itertools.product(*columns))
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_variants", tuple(
            self._variant(number, combination, len(values))
            for number, combination in enumerate(values, 1)))

    @property
    def settings(self) -> tuple[str, ...]:
        """The varied settings' paths, in order."""
        return tuple(item.setting for item in self.vary)

    def values(self) -> list[tuple]:
        """Each variant's values of the varied settings, in `settings`' order."""
        return list(self._values)

    def variants(self) -> list[ExperimentSpec]:
        """The experiments to train, one per combination of values, checked."""
        return list(self._variants)

    def _variant(self, number: int, combination: tuple, count: int) -> ExperimentSpec:
        try:
            return self.base.with_settings(zip(self.settings, combination))
        except SpecError as error:
            where = {"number": number, "count": count,
                     "values": values_text(self.settings, combination)}
            hint = Phrase("sweep.hint.in_variant_then", {**where, "hint": error.hint}) \
                if error.hint else Phrase("sweep.hint.in_variant", where)
            raise type(error)(error.field, error.value, error.allowed, hint) from None

    def to_dict(self) -> dict:
        return {"base": self.base.to_dict(), "vary": [item.to_dict() for item in self.vary]}

    @classmethod
    def from_dict(cls, data: Any) -> "SweepSpec":
        if not isinstance(data, dict) or set(data) != {"base", "vary"} \
                or not isinstance(data["vary"], list):
            raise SpecError("sweep", data, Phrase("sweep.allowed.sweep_object"))
        return cls(ExperimentSpec.from_dict(data["base"]),
                   tuple(Vary.from_dict(item) for item in data["vary"]))


def parse_vary(text: str) -> Vary:
    """A `Vary` from its command-line form, `SETTING=VALUES` (see the module's help).

    Example:

    >>> parse_vary("compile.learning_rate=random:1e-4..1e-1:4:seed=7").seed
    7
    >>> parse_vary("model.layers[0].activation=relu,tanh").values
    ('relu', 'tanh')
    """
    if not isinstance(text, str) or "=" not in text:
        raise SpecError("--vary", text, Phrase("sweep.allowed.vary_option"))
    setting, raw = (part.strip() for part in text.split("=", 1))
    spacing, colon, rest = raw.partition(":")
    if not colon or spacing not in SPACINGS[1:]:
        return Vary(setting, tuple(plain_value(item.strip()) for item in raw.split(",")))
    parts = rest.split(":")
    seed = 0
    try:
        if parts[-1].startswith("seed="):
            seed = int(parts.pop()[len("seed="):])
        if len(parts) == 1 and spacing in ("random", "lograndom"):
            return Vary(setting, spacing=spacing, count=int(parts[0]), seed=seed)
        [ends, count] = parts
        low, high = ends.split("..")
        return Vary(setting, spacing=spacing, low=_number(low), high=_number(high),
                    count=int(count), seed=seed)
    except SpecError:
        raise
    except ValueError:  # not numbers, or not LOW..HIGH:COUNT
        raise SpecError(setting, raw, Phrase("sweep.allowed.vary_form")) from None


def plain_value(text: str) -> Any:
    """A value typed on the command line: JSON when it reads as JSON (20, 0.5, true,
    [1, 2]), else the text itself (relu)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def values_text(settings: tuple[str, ...], values: tuple) -> str:
    """A variant's values as the command line writes them: `fit.epochs=3, seed=1`."""
    return ", ".join(f"{setting}={value_text(value)}" for setting, value in zip(settings, values))


def value_text(value: Any) -> str:
    """One value as the command line writes it: relu, 0.001, true."""
    return value if isinstance(value, str) else json.dumps(value)


def setting_value(spec: dict, setting: str) -> Any:
    """The value of a setting in a spec's plain data (a run's `spec`); None when absent."""
    target: Any = spec
    for key in setting_keys(setting):
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return None
    return target


def setting_param(spec: ExperimentSpec, setting: str) -> Param | None:
    """The declared `Param` of a setting of `spec`, by its path; None for a setting that
    has none (the dataset's name, the input shape) or a path that names no setting.

    Example:

    >>> from tflab.recipes import get_recipe
    >>> setting_param(get_recipe("multiclass").spec, "model.layers[1].units").high
    8192
    """
    keys = setting_keys(setting)
    layers = spec.model.layers
    match keys:
        case [str() as name]:
            params = declared(ExperimentSpec)
        case ["compile", str() as name]:
            params = declared(CompileSpec)
        case ["fit", str() as name]:
            params = declared(FitSpec)
        case ["augmentation", str() as name]:
            params = declared(AugmentationSpec)
        case ["data", "validation_split"]:
            return VALIDATION_SPLIT
        case ["data", "options", str() as name]:
            params = get_dataset(spec.data.dataset).options
        case ["model", "layers", int() as index, str() as name] if index < len(layers):
            params = layers[index].info.params
        case ["model", "base", str() as name] if spec.model.base is not None:
            params = declared(BaseSpec)
        case _:
            return None
    return next((p for p in params if p.name == name), None)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and "e" not in text.lower() and "." not in text \
        else value


def _whole(value: float, setting: str) -> int:
    if float(value).is_integer():
        return int(value)
    raise SpecError(setting, value, Phrase("allowed.whole"))
