"""Declared settings: each one's default, bounds or choices and description in one place.

A `Param` is the single source of truth for one setting. Specs validate with it and
the dashboard builds its widgets from it, so a range is never written twice.

Example:

>>> units = Param("units", 32, low=1, high=8192)
>>> str(units.label), str(units.help)
('Units', 'Neurons in the layer.')
>>> units.check(64, "model.layers[0].units")
64
>>> units.check(0, "model.layers[0].units")
Traceback (most recent call last):
...
tflab.params.SpecError: `model.layers[0].units` must be a whole number from 1 to 8192; received 0.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from tflab.words import Amount, Phrase  # Amount: said here before


class SpecError(ValueError):
    """An invalid setting: names the field, the value received and what is allowed.

    `field` is the dotted path of the setting (for example `fit.epochs`), so a form
    can show the message beside the widget that holds it. `allowed` and `hint` are
    `tflab.words.Phrase`s (a plain str is still taken), so a page says them in the
    reader's language; `str(error)` reads in English.

    Example:

    >>> from tflab.words import Words
    >>> error = SpecError("fit.epochs", 0, Param("epochs", 20, "", low=1).describe())
    >>> str(error)
    '`fit.epochs` must be a whole number at least 1; received 0.'
    >>> Words.load("es").say(error.allowed)
    'un número entero mayor o igual que 1'
    """

    def __init__(self, field: str, value: Any, allowed: Phrase | str,
                 hint: Phrase | str = ""):
        self.field = field
        self.value = value
        self.allowed = allowed
        self.hint = hint
        message = f"`{field}` must be {allowed}; received {value!r}."
        if hint:
            message += f" {hint}"
        super().__init__(message)

    def under(self, prefix: str) -> "SpecError":
        """The same error with its field placed under `prefix` (`fit` + `epochs`).

        A field already under `prefix` (some checks know their full path) stays as is.
        """
        if not prefix or self.field == prefix or self.field.startswith(prefix + "."):
            return self
        return type(self)(f"{prefix}.{self.field}", self.value, self.allowed, self.hint)


def said(error: BaseException) -> Phrase | str:
    """What `error` says, to put into another error's words: its phrase when it has one
    (said in the reader's language then), else its English text."""
    phrase = getattr(error, "phrase", None)
    return phrase if isinstance(phrase, Phrase) else str(error)


class MissingInput(SpecError):
    """A setting the person has not given yet (a file still to upload), not a wrong one.

    A form shows it as a prompt to give it rather than as an error.

    Example:

    >>> isinstance(MissingInput("data.options.dataset_id", "", Phrase("allowed.uploaded_dataset")), SpecError)
    True
    """


@dataclass(frozen=True)
class Param:
    """One setting: its name, default, words for a person and what values it allows.

    Its label and help live in the catalog (`tflab/locales`), under `setting.<name>`:
    `label` and `help` name them as phrases, read in English when printed and in the
    reader's language on a page.

    Args:
        name: the setting's name as it appears in the spec's JSON.
        default: the value used when none is given.
        text: the catalog table with its label and help, when not the name's own: two
            settings of one name that mean different things (a Dense layer's units, an
            LSTM's) each have their own (`"lstm_units"`).
        low, high: inclusive bounds for numbers (None: unbounded).
        low_open, high_open: make the bound exclusive (a dropout rate is < 1).
        choices: the allowed values, for a setting picked from a list.
        optional: None is allowed (and means "not set").
        step: a sensible widget step for numbers.
        pattern: for text, the alphabet the whole value must match (a
            `tflab.names.TextPattern`); text that becomes code, a layer name or a
            file name is never free.

    The kind (bool, int, float, str) is taken from the default, or from `kind`.
    """

    name: str
    default: Any
    text: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple | None = None
    optional: bool = False
    step: float | None = None
    kind: type | None = None
    multiple: bool = False
    pattern: Any = None

    @property
    def words(self) -> str:
        """The catalog table of its label and help: `setting.units`."""
        return f"setting.{self.text or self.name}"

    @property
    def label(self) -> Phrase:
        """Its name for a person, in a few words: "Units"."""
        return Phrase(f"{self.words}.label")

    @property
    def help(self) -> Phrase:
        """One line for a person, shown beside the widget: "Neurons in the layer."."""
        return Phrase(f"{self.words}.help")

    @property
    def type(self) -> type:
        if self.kind is not None:
            return self.kind
        if self.choices:
            return type(self.choices[0])
        return type(self.default)

    def describe(self) -> Phrase:
        """What is allowed, in words: 'a finite number greater than 0 and at most 10'.

        Example:

        >>> from tflab.words import Words
        >>> str(Param("units", 32, "", low=1, high=8192).describe())
        'a whole number from 1 to 8192'
        >>> Words.load("es").say(Param("rate", 0.5, "", low=0, high=1, high_open=True).describe())
        'un número finito mayor o igual que 0 y menor que 1'
        """
        if self.choices is not None:
            key = "allowed.any_of" if self.multiple else "allowed.one_of"
            text = Phrase(key, {"choices": ", ".join(repr(c) for c in self.choices)})
        elif self.type is bool:
            text = Phrase("allowed.true_or_false")
        elif self.pattern is not None:
            text = self.pattern.words
        elif self.type is str:
            text = Phrase("allowed.text")
        else:
            text = self._number_phrase("whole" if self.type is int else "finite")
        return Phrase("allowed.or_empty", {"allowed": text}) if self.optional else text

    def _number_phrase(self, noun: str) -> Phrase:
        """`allowed.<noun>_...`: the number's kind and its bounds, in one sentence each way."""
        low, high = self.low, self.high
        if low is not None and high is not None and not self.low_open and not self.high_open:
            return Phrase(f"allowed.{noun}_between", {"low": Amount(low), "high": Amount(high)})
        parts = []
        if low is not None:
            key = "allowed.bound.greater_than" if self.low_open else "allowed.bound.at_least"
            parts.append(Phrase(key, {"n": Amount(low)}))
        if high is not None:
            key = "allowed.bound.less_than" if self.high_open else "allowed.bound.at_most"
            parts.append(Phrase(key, {"n": Amount(high)}))
        if not parts:
            return Phrase(f"allowed.{noun}")
        bounds = parts[0] if len(parts) == 1 else Phrase("allowed.bound.both",
                                                          {"low": parts[0], "high": parts[1]})
        return Phrase(f"allowed.{noun}_bounded", {"bounds": bounds})

    def check(self, value: Any, field: str | None = None) -> Any:
        """Return `value` in this setting's kind, or raise SpecError naming `field`."""
        field = field or self.name
        if self.multiple:
            return self._check_many(value, field)
        if value is None:
            if self.optional:
                return None
            raise SpecError(field, value, self.describe())
        kind = self.type
        try:
            value = _coerce(value, kind)
        except (TypeError, ValueError):
            raise SpecError(field, value, self.describe()) from None
        if self.choices is not None and value not in self.choices:
            raise SpecError(field, value, self.describe())
        if self.pattern is not None:
            self.pattern.check(value, field)
        if kind in (int, float):
            if not math.isfinite(value):
                raise SpecError(field, value, self.describe())
            too_low = self.low is not None and (value <= self.low if self.low_open else value < self.low)
            too_high = self.high is not None and (value >= self.high if self.high_open else value > self.high)
            if too_low or too_high:
                raise SpecError(field, value, self.describe())
        return value

    def _check_many(self, value: Any, field: str) -> tuple:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise SpecError(field, value, Phrase("allowed.list_of", {"allowed": self.describe()}))
        for item in value:
            if item not in self.choices:
                raise SpecError(field, item, self.describe())
        return tuple(dict.fromkeys(value))


def _coerce(value: Any, kind: type) -> Any:
    """Accept JSON's and widgets' spellings of a value, nothing looser.

    An int is a float; a float with no fraction is an int (JSON may give 5.0); a bool is
    neither (True is not 1 epoch).
    """
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise TypeError(value)
    if isinstance(value, bool):
        raise TypeError(value)
    if kind is int:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TypeError(value)
    if kind is float:
        if isinstance(value, (int, float)):
            return float(value)
        raise TypeError(value)
    if kind is str:
        if isinstance(value, str):
            return value
        raise TypeError(value)
    return value


def param(default: Any, text: str = "", **bounds: Any) -> Any:
    """A dataclass field declared by a Param (name filled in by `declared`)."""
    return dataclasses.field(default=default, metadata={"param": Param("", default, text, **bounds)})


def declared(cls: type) -> tuple[Param, ...]:
    """The Params of a spec class, in field order, each with its name.

    Example:

    >>> from tflab.spec import FitSpec
    >>> [p.name for p in declared(FitSpec)][:2]
    ['epochs', 'batch_size']
    """
    return tuple(
        dataclasses.replace(f.metadata["param"], name=f.name)
        for f in dataclasses.fields(cls)
        if "param" in f.metadata
    )


def check_declared(spec: Any) -> None:
    """Validate and coerce every declared field of a frozen spec, in place."""
    for p in declared(type(spec)):
        value = p.check(getattr(spec, p.name), p.name)
        object.__setattr__(spec, p.name, value)


def from_plain(cls: type, data: Any, field: str) -> Any:
    """Build a flat spec class from a dict, refusing unknown keys by name."""
    if not isinstance(data, dict):
        raise SpecError(field, data, Phrase("allowed.settings_object"))
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise SpecError(f"{field}.{unknown[0]}" if field else unknown[0], data[unknown[0]],
                        Phrase("allowed.known_setting", {"known": ", ".join(sorted(names))}))
    try:
        return cls(**data)
    except SpecError as error:
        raise error.under(field) from None
