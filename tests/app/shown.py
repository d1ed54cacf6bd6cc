"""What a person reads in a markdown element: messages escape user text (components.messages),
so tests compare the rendered text, as a browser shows it, not the escaped source."""

import html
import re

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark")


def shown(markdown: str) -> str:
    """`markdown` rendered as CommonMark (as Streamlit renders it), tags removed.

    Example:

    >>> shown("\\\\'notes\\\\.h5\\\\' is `x`")
    "'notes.h5' is x"
    """
    inline = re.sub(r"</?code>", "", _MD.render(markdown))  # code reads inside its sentence
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def code_spans(markdown: str) -> list[str]:
    """The texts shown as code in `markdown`."""
    return [html.unescape(found) for found in re.findall(r"<code>(.*?)</code>", _MD.render(markdown),
                                                         re.S)]
