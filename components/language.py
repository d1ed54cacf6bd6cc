"""The reader's language: which one, the sidebar's switch, and the words in it.

The first visit follows the browser (`st.context.locale`); the switch in the sidebar
changes it; the choice lives in the session and travels in the page's address
(`?lang=es`), so a link opens in the language it was made in. Pages say everything
through `t` (and `count`, `words` for numbers and dates), never in a literal.

Example:

>>> st.title(t("nav.train"))             # doctest: +SKIP
>>> st.caption(count("common.epochs", 3))  # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from tflab.words import LANGUAGES, NAMES, Phrase, Words, language_of

PARAM = "lang"
_CHOSEN = "language"  # session_state key of the language in use
_SWITCH = "language_switch"  # the sidebar widget's own key


def language() -> str:
    """The language of this page run: the address's, else the session's, else the browser's.

    Also writes it into the address, so the page's link carries it.
    """
    asked = st.query_params.get(PARAM)
    if asked in LANGUAGES:
        st.session_state[_CHOSEN] = asked
    elif st.session_state.get(_CHOSEN) not in LANGUAGES:
        st.session_state[_CHOSEN] = language_of(_browser_locale())
    chosen = st.session_state[_CHOSEN]
    if asked != chosen:
        st.query_params[PARAM] = chosen
    return chosen


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # noqa: BLE001 - no browser behind this run (a bare script)
        return None


@st.cache_resource(show_spinner=False)
def _words_in(language_code: str) -> Words:
    return Words.load(language_code)


def words() -> Words:
    """The catalog of the session's language (numbers, dates, counts)."""
    chosen = st.session_state.get(_CHOSEN)
    return _words_in(chosen if chosen in LANGUAGES else language_of(_browser_locale()))


def t(key: str, **values: object) -> str:
    """The text under `key` in the session's language, `values` put in."""
    return words()(key, **values)


def count(key: str, n: int, **values: object) -> str:
    """The text for `n` things under `key` (`key.one` / `key.other`)."""
    return words().count(key, n, **values)


def say(phrase: Phrase | str) -> str:
    """An engine phrase (or an error's) in the session's language."""
    return words().say(phrase)


def language_switch() -> None:
    """The sidebar's language switch. Call inside `with st.sidebar:`."""
    chosen = language()
    st.session_state[_SWITCH] = chosen
    st.segmented_control(t("language.label"), LANGUAGES, format_func=NAMES.get,
                         key=_SWITCH, on_change=_switched, help=t("language.help"))


def _switched() -> None:
    picked = st.session_state.get(_SWITCH)
    if picked in LANGUAGES:  # a click on the chosen one unselects it: keep the language
        st.session_state[_CHOSEN] = picked
        st.query_params[PARAM] = picked
