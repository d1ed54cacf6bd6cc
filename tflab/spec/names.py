"""Names in a spec that become code, layer names, file names or ids: their safe alphabets.

A spec comes from a link as readily as from a person, and some of its text ends up in an
exported Python script, in Keras layer names or in the name of a file in the store. Each
such name is checked against a small alphabet when the spec is made, so a hostile value
is refused with a SpecError before anything uses it (the exporter also writes every value
through `repr`, so the alphabet is a second wall, not the only one). Files are named by
the ids TF Lab gave them, never by a path.

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

CONTENT_ID = r"[0-9a-f]{12}"  # the first 12 hex digits of a kept file's sha256
RUN_ID = r"[0-9a-z]{1,40}"   # the store's run ids: "r" + base-36 time + hex
RUN_PREFIX = "run:"


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
CSV_ID = TextPattern(
    f"(?:{CONTENT_ID})?",
    "'' (generate the series) or the id of a CSV kept by TF Lab: 12 hex digits, like "
    "'3fa2b1c4d5e6' (upload it in Build, or `python -m tflab import file.csv`)")
DATASET_ID = TextPattern(
    f"(?:{CONTENT_ID})?",
    "'' or the id of an uploaded dataset: 12 hex digits, like '3fa2b1c4d5e6'")
# A column is chosen by its header, which is free text; it only ever reaches code through
# repr. One line of printable characters: csv_columns splits lines on every line break.
CSV_COLUMN = TextPattern(
    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]{1,200}",
    "a header name or a 0-based column index, one line of up to 200 printable characters")
NETWORK_WEIGHTS = TextPattern(
    f"|imagenet|{CONTENT_ID}(?:\\.weights)?\\.h5",
    "'' (random), 'imagenet' (the Keras cache) or the id of a weights file kept by TF Lab, "
    "like '3fa2b1c4d5e6.weights.h5' (upload it in Build, or `python -m tflab import "
    "file.h5`)")
BASE_MODEL = TextPattern(
    f"{RUN_PREFIX}{RUN_ID}|{CONTENT_ID}\\.keras",
    "a finished run's model, like 'run:r0abc1234ef01', or the id of a model kept by TF Lab, "
    "like '3fa2b1c4d5e6.keras' (upload it in Build, or `python -m tflab import file.keras`)")
