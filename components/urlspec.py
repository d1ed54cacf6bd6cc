"""An experiment in the URL: the spec packed into one query parameter, so a link
reproduces the experiment.

The spec's JSON is compressed and base64url-encoded: a CNN spec fits in about 600
characters. A broken or stale link gives a SpecError, never a crash. A link is written
by anyone, so it is read as strictly as a spec can be: files only by the ids TF Lab gave
them (never a path, not even the store's own, which older runs' specs may hold), every
name held to its alphabet, the model to its budget.

Example:

>>> from tflab.recipes import get_recipe
>>> spec = get_recipe("linear").spec
>>> decode(encode(spec)) == spec
True
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from tflab.spec import ExperimentSpec, SpecError
from tflab.words import Phrase

PARAM = "spec"
MAX_JSON = 200_000  # bytes; a real spec is a few thousand


def encode(spec: ExperimentSpec) -> str:
    raw = json.dumps(spec.to_dict(), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode(text: str) -> ExperimentSpec:
    """The spec in a link; SpecError when the link is damaged or its settings invalid."""
    try:
        padded = text + "=" * (-len(text) % 4)
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.urlsafe_b64decode(padded.encode()), MAX_JSON)
        if inflate.unconsumed_tail:  # a link that inflates past any real spec: refuse it
            raise ValueError("too large")
        data = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError, RecursionError):
        raise SpecError("spec", text[:24] + ("..." if len(text) > 24 else ""),
                        Phrase("allowed.tf_lab_link"), Phrase("errors.hint.damaged_link")) from None
    return ExperimentSpec.from_dict(data, older_paths=False)
