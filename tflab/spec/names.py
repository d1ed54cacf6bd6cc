"""Names in a spec that become code, layer names or file names: their safe alphabets.

A spec comes from a link as readily as from a person, and some of its text ends up in an
exported Python script, in Keras layer names or in a file name. Each such name is checked
against a small alphabet when the spec is made, so a hostile value is refused with a
SpecError before anything uses it (the exporter also writes every value through `repr`,
so the alphabet is a second wall, not the only one).

Example:

>>> RECIPE_NAME.check("time_series", "recipe")
'time_series'
>>> RECIPE_NAME.check("x'; import os", "recipe")
Traceback (most recent call last):
...
tflab.spec.params.SpecError: `recipe` must be a name of lowercase letters, digits, _ and - (1 to 40 characters, starting with a letter), like 'time_series'; received "x'; import os".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tflab.spec.params import SpecError

@dataclass(frozen=True)
class TextPattern:
    """An alphabet for a text setting: a regular expression the whole value must match,
    and the same rule in words for the message."""

    regex: str
    words: str

    def matches(self, value: Any) -> bool:
        return isinstance(value, str) and re.fullmatch(self.regex, value) is not None

    def check(self, value: Any, field: str) -> str:
        """`value` when it matches; SpecError naming `field` otherwise."""
        if not self.matches(value):
            raise SpecError(field, value, self.words)
        return value


RECIPE_NAME = TextPattern(
    r"[a-z][a-z0-9_-]{0,39}",
    "a name of lowercase letters, digits, _ and - (1 to 40 characters, starting with a "
    "letter), like 'time_series'")
# Keras' own names (mixed7, block_13_expand_relu, Conv_1, layer_2_dense) fit this.
LAYER_NAME = TextPattern(
    r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}",
    "a layer name of letters, digits, _, . and - (1 to 100 characters), like 'mixed7'")
