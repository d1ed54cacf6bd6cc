"""Text for Streamlit's markdown elements that shows exactly what it says.

`st.error`, `st.info`, `st.caption`, `st.write` and widget labels render markdown: a
value from a link, a file name or a file's first line could otherwise draw a remote
image, a link ("session expired, log in here") or coloured text in the page. Here
every character of such text is escaped, and what the engine marks as code (between
backticks, as SpecError does with a field) becomes a code span that cannot be closed
early.

Example:

>>> plain("![x](http://evil.test/a.png)")
'\\\\!\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/evil\\\\.test\\\\/a\\\\.png\\\\)'
>>> code("a`b")
'`` a`b ``'
>>> safe("`fit.epochs` must be at least 1")
'`fit.epochs` must be at least 1'
"""

from __future__ import annotations

import re

from components.language import say, t
from tflab.spec import SpecError
from tflab.words import Phrase

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
# of them also breaks autolinks (http\://) and Streamlit's :material/...: and :red[...].
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
MAX_VALUE = 120  # characters of a value shown; a link can carry a very long one


def plain(text: object) -> str:
    """`text` with every markdown character escaped: it reads exactly as written."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def code(text: object, limit: int = MAX_VALUE) -> str:
    """`text` as one inline code span, whatever backticks it holds; cut at `limit`.

    The fence is one backtick longer than the longest run inside, as CommonMark allows,
    and newlines become spaces (a code span is one line).
    """
    text = " ".join(str(text).splitlines()) if "\n" in str(text) or "\r" in str(text) \
        else str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def safe(text: object) -> str:
    """Engine text for markdown: its `backticked` parts as code, the rest escaped.

    Every part is either escaped or a code span, so no input can inject markdown.
    """
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one opens nothing
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return "".join(code(part) if i % 2 else plain(part) for i, part in enumerate(parts))


def error_text(error: BaseException) -> str:
    """An error's message for `st.error`, in the reader's language where the engine named it.

    An engine error a person reads carries `phrase` (a `tflab.words.Phrase`; its
    `str` is the English): said here in the session's language. A SpecError is worded
    from its parts (`errors.must_be`): its field and received value show as code, what
    is allowed and the hint are said in the session's language.

    Example:

    >>> error_text(SpecError("recipe", "x**y**", "a recipe name"))
    "`recipe` must be a recipe name; received `'x**y**'`."
    """
    if isinstance(error, SpecError):
        return _spec_error_text(error)
    phrase = getattr(error, "phrase", None)
    if isinstance(phrase, Phrase):  # the engine's structured words: in the reader's language
        return safe(say(phrase))
    return safe(str(error))


def _spec_error_text(error: SpecError) -> str:
    # The catalog's sentence is ours; every value put into it is escaped or a code span.
    text = t("errors.must_be", field=code(error.field), allowed=safe(say(error.allowed)),
             value=code(repr(error.value)))
    return text + (f" {safe(say(error.hint))}" if error.hint else "")
