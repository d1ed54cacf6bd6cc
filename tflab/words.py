"""The words TF Lab shows, in Spanish and English: one catalog per language.

Every sentence a person reads lives in `tflab/locales/<language>.toml` under a dotted key
(`train.completed`), with `{name}` where a value goes in. The engine never writes a
sentence for a person inline: it names one by key in a `Phrase` (its errors carry one),
which any page then says in the reader's language. Said without a language (the command
line, a log, `str(error)`), a phrase reads in English.

Keys whose table has `one` and `other` are counted: `Words.count` picks the form.
Numbers and dates follow the language: "0,93" and "30 nov 2026" in Spanish.

Example:

>>> es, en = Words.load("es"), Words.load("en")
>>> en("common.epoch_of", epoch=3, epochs=20), es("common.epoch_of", epoch=3, epochs=20)
('Epoch 3 of 20', 'Época 3 de 20')
>>> es.number(0.9345, 2), en.number(12345.5, 1), es.percent(0.934)
('0,93', '12,345.5', '93,4\\xa0%')
>>> str(Phrase("common.epoch_of", {"epoch": 1, "epochs": 2}))
'Epoch 1 of 2'
>>> es("no.such.key")
'⟦no.such.key⟧'
"""

from __future__ import annotations

import datetime as _dt
import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

LANGUAGES = ("es", "en")  # Spanish first: the notes' language
DEFAULT = "en"  # a browser in neither language
NAMES = {"es": "Español", "en": "English"}  # each language named in itself
_FOLDER = Path(__file__).with_name("locales")


def missing(key: str) -> str:
    """How a key with no text shows: visible in the page, found by the tests."""
    return f"⟦{key}⟧"


def language_of(locale: str | None) -> str:
    """The catalog's language for a browser locale ("es-AR" -> "es"); `DEFAULT` otherwise.

    >>> language_of("es-AR"), language_of("en-GB"), language_of("fr-FR"), language_of(None)
    ('es', 'en', 'en', 'en')
    """
    code = (locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


@dataclass(frozen=True)
class Phrase:
    """A sentence named by its catalog key and the values it says: said in any language.

    Values may be phrases themselves ("a list of {item}"), said in the same language.

    Example:

    >>> p = Phrase("common.epoch_of", {"epoch": 2, "epochs": 5})
    >>> Words.load("es").say(p)
    'Época 2 de 5'
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return Words.load("en").say(self)


@dataclass(frozen=True)
class Amount:
    """A number put into a sentence, written the reader's way.

    `spec` is its Python format as English writes it ("g" for a bound, "," for a count
    grouped by thousands, ".1f", ".3g", ".0%"); Spanish swaps the decimal and thousands
    marks and puts a space before %. Any value with a `said(words)` method is said so.

    Example:

    >>> es = Words.load("es")
    >>> str(Amount(64_000_000, ",")), Amount(64_000_000, ",").said(es), Amount(0.25).said(es)
    ('64,000,000', '64.000.000', '0,25')
    >>> Amount(0.6, ".0%").said(Words.load("en")), Amount(0.6, ".0%").said(es)
    ('60%', '60\\xa0%')
    """

    value: float
    spec: str = "g"

    def __str__(self) -> str:
        return format(self.value, self.spec)

    def said(self, words: "Words") -> str:
        text = str(self)
        if words.language != "es":
            return text
        text = text.translate(str.maketrans(",.", ".,"))
        return text[:-1] + "\u00a0%" if text.endswith("%") else text


def to_data(value: object) -> object:
    """A phrase (or an amount, or the parts of a message) as JSON-ready data, to store.

    Example:

    >>> said = (Phrase("common.epoch_of", {"epoch": 1, "epochs": Amount(2.0, ".0f")}), "as is")
    >>> from_data(to_data(said)) == said
    True
    """
    if isinstance(value, Phrase):
        return {"key": value.key, "values": {k: to_data(v) for k, v in value.values.items()}}
    if isinstance(value, Amount):
        return {"amount": value.value, "spec": value.spec}
    if isinstance(value, (tuple, list)):
        return [to_data(item) for item in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def from_data(data: object) -> object:
    """What `to_data` stored, back as phrases, amounts and tuples."""
    if isinstance(data, dict) and "key" in data:
        return Phrase(str(data["key"]), {k: from_data(v) for k, v in
                                         dict(data.get("values") or {}).items()})
    if isinstance(data, dict) and "amount" in data:
        return Amount(float(data["amount"]), str(data.get("spec", "g")))
    if isinstance(data, list):
        return tuple(from_data(item) for item in data)
    return data


class PhrasedError(Exception):
    """An error a person reads: `phrase` is said in the page's language, `str(error)` is
    its English. A plain string (from a caller not yet giving a phrase) is kept as the
    message, with no phrase. Mixed in before the built-in error it is:
    `class UploadError(PhrasedError, ValueError)`.

    Example:

    >>> error = PhrasedError(Phrase("common.epoch_of", {"epoch": 1, "epochs": 2}))
    >>> str(error), Words.load("es").say(error.phrase)
    ('Epoch 1 of 2', 'Época 1 de 2')
    """

    def __init__(self, phrase: "Phrase | str"):
        super().__init__(str(phrase))
        self.phrase = phrase if isinstance(phrase, Phrase) else None


@functools.cache  # a catalog is read once per process; the mapping is read-only
def catalog(language: str) -> Mapping[str, object]:
    """Every key of one language's catalog, flattened (`train.completed`), read-only."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; received {language!r}")
    with open(_FOLDER / f"{language}.toml", "rb") as file:
        tree = tomllib.load(file)
    flat: dict[str, object] = {}

    def walk(node: Mapping, prefix: str) -> None:
        for name, value in node.items():
            if isinstance(value, Mapping):
                walk(value, f"{prefix}{name}.")
            else:
                flat[prefix + name] = value
    walk(tree, "")
    return MappingProxyType(flat)


def placeholders(text: str) -> set[str]:
    """The `{names}` a text puts values into.

    >>> sorted(placeholders("Epoch {epoch} of {epochs}"))
    ['epoch', 'epochs']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _Values(dict):
    def __missing__(self, name: str) -> str:  # a value the caller forgot stays visible
        return missing(name)


@dataclass(frozen=True)
class Words:
    """One language's words: call it with a key (and values) for the text.

    Example:

    >>> Words.load("es").count("common.epochs", 1), Words.load("es").count("common.epochs", 3)
    ('1 época', '3 épocas')
    """

    language: str
    texts: Mapping[str, object]

    @classmethod
    def load(cls, language: str) -> "Words":
        return cls(language, catalog(language))

    def __call__(self, key: str, **values: object) -> str:
        text = self.texts.get(key)
        if not isinstance(text, str):
            return missing(key)
        if not values:
            return text
        return text.format_map(_Values({k: self._value(v) for k, v in values.items()}))

    def has(self, key: str) -> bool:
        return isinstance(self.texts.get(key), str)

    def count(self, key: str, n: int, **values: object) -> str:
        """The form of `key` for `n` things (`key.one` or `key.other`), `n` put in as {n}."""
        form = "one" if n == 1 else "other"
        return self(f"{key}.{form}", n=n, **values)

    def say(self, phrase: "Phrase | str") -> str:
        """A phrase in this language; a plain string (not yet a phrase) as it is."""
        if isinstance(phrase, Phrase):
            return self(phrase.key, **phrase.values)
        return str(phrase)

    def list(self, key: str) -> list[str]:
        """A list kept under `key` (month names); empty when missing."""
        value = self.texts.get(key)
        return list(value) if isinstance(value, list) else []

    def _value(self, value: object) -> object:
        if isinstance(value, Phrase):
            return self.say(value)
        if hasattr(value, "said"):  # an Amount: a number written the reader's way
            return value.said(self)
        if isinstance(value, tuple) and value and all(isinstance(v, Phrase) for v in value):
            return "; ".join(self.say(item) for item in value)  # things said one after another
        if isinstance(value, float) and self.language == "es":
            return repr(value).replace(".", ",")
        return value

    # Numbers and dates in the language's way of writing them.

    def number(self, value: float, digits: int | None = None) -> str:
        """`value` with `digits` decimals (as written when None), grouped by thousands.

        Spanish groups from five digits on (10.000), as the RAE asks, not 1.000.
        """
        text = f"{value:,.{digits}f}" if digits is not None else f"{value:,}"
        if self.language != "es":
            return text
        whole = text.split(".")[0].lstrip("-")
        if len(whole.replace(",", "")) <= 4:
            text = text.replace(",", "")
        return text.translate(str.maketrans(",.", ".,"))

    def percent(self, share: float, digits: int = 1) -> str:
        """A share (0.934) as a percentage: "93.4%", "93,4 %" (a space before % in Spanish)."""
        number = self.number(share * 100, digits)
        return f"{number}\u00a0%" if self.language == "es" else f"{number}%"

    def date(self, moment: _dt.datetime | float) -> str:
        """A moment as day, month and time: "30 Nov 2026, 08:24" / "30 nov 2026, 08:24"."""
        if not isinstance(moment, _dt.datetime):
            moment = _dt.datetime.fromtimestamp(moment)
        months = self.list("dates.months") or [str(m) for m in range(1, 13)]
        return f"{moment.day} {months[moment.month - 1]} {moment.year}, {moment:%H:%M}"

    @property
    def plotly_separators(self) -> str:
        """Plotly's `layout.separators`: the decimal mark, then the thousands mark."""
        return ",." if self.language == "es" else ".,"
