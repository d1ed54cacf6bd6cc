"""Which data a run trains on: a dataset of the catalog, its options, the validation share.

Example:

>>> DataSpec("points", {"pattern": "xor"}).options["pattern"]
'xor'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from tflab.data.catalog import check_options  # the catalog declares each dataset's options
from tflab.params import Param, SpecError
from tflab.words import Phrase

VALIDATION_SPLIT = Param("validation_split", 0.2, low=0.0, high=0.9, step=0.05)


@dataclass(frozen=True)
class DataSpec:
    """A dataset name from the catalog (`tflab.data`), its own options, and the split.

    Options are checked against the dataset's declared options and filled with their
    defaults, so two specs that mean the same data compare equal.
    """

    dataset: str = "line"
    options: Mapping[str, Any] = field(default_factory=dict)
    validation_split: float = VALIDATION_SPLIT.default

    def __post_init__(self):
        if not isinstance(self.options, Mapping):
            raise SpecError("options", self.options, Phrase("allowed.options_object"))
        options = check_options(self.dataset, dict(self.options))
        object.__setattr__(self, "options", MappingProxyType(options))
        object.__setattr__(self, "validation_split",
                           VALIDATION_SPLIT.check(self.validation_split, "validation_split"))

    def to_dict(self) -> dict:
        return {"dataset": self.dataset, "options": dict(self.options),
                "validation_split": self.validation_split}
