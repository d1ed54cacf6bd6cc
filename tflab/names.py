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
tflab.params.SpecError: `recipe` must be a name of lowercase letters, digits, _ and - (1 to 40 characters, starting with a letter), like 'time_series'; received "x'; import os".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tflab.params import SpecError
from tflab.words import Phrase

CONTENT_ID = r"[0-9a-f]{12}"  # the first 12 hex digits of a kept file's sha256
RUN_ID = r"[0-9a-z]{1,40}"   # the store's run ids: "r" + base-36 time + hex
RUN_PREFIX = "run:"


@dataclass(frozen=True)
class TextPattern:
    """An alphabet for a text setting: a regular expression the whole value must match,
    and the same rule in words for the message (a phrase, said in the reader's language)."""

    regex: str
    words: Phrase

    def matches(self, value: Any) -> bool:
        return isinstance(value, str) and re.fullmatch(self.regex, value) is not None

    def check(self, value: Any, field: str) -> str:
        """`value` when it matches; SpecError naming `field` otherwise."""
        if not self.matches(value):
            raise SpecError(field, value, self.words)
        return value


RECIPE_NAME = TextPattern(r"[a-z][a-z0-9_-]{0,39}", Phrase("allowed.recipe_name"))
# Keras' own names (mixed7, block_13_expand_relu, Conv_1, layer_2_dense) fit this.
LAYER_NAME = TextPattern(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", Phrase("allowed.layer_name"))
CSV_ID = TextPattern(f"(?:{CONTENT_ID})?", Phrase("allowed.csv_id"))
DATASET_ID = TextPattern(f"(?:{CONTENT_ID})?", Phrase("allowed.dataset_id"))
# A column is chosen by its header, which is free text; it only ever reaches code through
# repr. One line of printable characters: csv_columns splits lines on every line break.
CSV_COLUMN = TextPattern(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]{1,200}", Phrase("allowed.csv_column"))
NETWORK_WEIGHTS = TextPattern(f"|imagenet|{CONTENT_ID}(?:\\.weights)?\\.h5",
                              Phrase("allowed.network_weights"))
BASE_MODEL = TextPattern(f"{RUN_PREFIX}{RUN_ID}|{CONTENT_ID}\\.keras", Phrase("allowed.base_model"))
