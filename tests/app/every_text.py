"""Every text a page shows, read from its element tree: to find a key with no text (⟦key⟧).

The texts are the string fields of each element's message (a label, a help, an option, a
chart's spec, a markdown body) and the column names of each table.
"""

from __future__ import annotations

import io

from google.protobuf.message import Message


def _strings(message: Message) -> list[str]:
    found = []
    for field, value in message.ListFields():
        values = value if isinstance(value, (list, tuple)) or hasattr(value, "extend") else [value]
        for item in values:
            if isinstance(item, Message):
                found += _strings(item)
            elif isinstance(item, str):
                found.append(item)
    return found


def _columns(proto: Message) -> list[str]:
    data = getattr(getattr(proto, "data", None), "data", b"") or getattr(proto, "data", b"")
    if not isinstance(data, bytes) or not data:
        return []
    import pyarrow as pa

    return [str(name) for name in pa.ipc.open_stream(io.BytesIO(data)).schema.names]


def every_text(at) -> list[str]:
    """The texts of every element on the page and in the sidebar."""
    texts, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        stack += list(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            texts += _strings(proto)
            if getattr(node, "type", "") in ("arrow_data_frame", "dataframe"):
                texts += _columns(proto)
    return texts


def missing_keys(at) -> list[str]:
    """The texts that show a key with no text in the catalog."""
    return [text for text in every_text(at) if "⟦" in text]
