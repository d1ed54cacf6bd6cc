"""The experiment being edited, shared by the pages and kept in the URL.

A link with `?spec=...` opens that experiment; `?recipe=name` opens a recipe; otherwise
the session keeps what the person was editing. An address this session wrote itself
never reloads the draft: it can only come back with a late rerun, not from a person. Each load gets a new `version`, which
prefixes the widgets' keys so they start from the loaded values.

Example:

>>> draft, version = current_draft()      # doctest: +SKIP
"""

from __future__ import annotations

import uuid

import streamlit as st

from components.language import t
from components.messages import error_text
from components.urlspec import PARAM, decode, encode
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec, SpecError


def _load(spec: dict) -> None:
    st.session_state["draft"] = spec
    st.session_state["draft_version"] = "v" + uuid.uuid4().hex[:6]


def current_draft() -> tuple[dict, str]:
    """(spec dict, widget version) of the experiment being edited."""
    params = st.query_params
    if "recipe" in params:
        name = params["recipe"]
        try:
            spec = get_recipe(name).spec
        except SpecError as error:
            st.error(t("build.no_such_recipe", error=error_text(error)), icon=":material/error:")
            spec = get_recipe("linear").spec
        _load(spec.to_dict())
        del params["recipe"]
        remember(spec)
    elif PARAM in params and params[PARAM] in st.session_state.get("draft_params_written", ()) \
            and params[PARAM] != st.session_state.get("draft_param"):
        # A rerun can carry an address this session wrote before: a timer's rerun (the
        # sidebar's) merged with a click's keeps the older request's query string. It is
        # not a new link, so the draft stays and the address is put right again.
        st.query_params[PARAM] = st.session_state["draft_param"]
    elif PARAM in params and params[PARAM] != st.session_state.get("draft_param"):
        try:
            spec = decode(params[PARAM])
        except SpecError as error:
            # A link is anyone's text: its values are shown as code, never as markdown.
            st.error(t("build.link_unreadable", error=error_text(error)), icon=":material/error:")
            spec = get_recipe("linear").spec
        _load(spec.to_dict())
        remember(spec)
    elif "draft" not in st.session_state:
        _load(get_recipe("linear").spec.to_dict())
    return st.session_state["draft"], st.session_state["draft_version"]


def remember(spec: ExperimentSpec) -> None:
    """Keep a valid spec as the draft and in the URL."""
    st.session_state["draft"] = spec.to_dict()
    text = encode(spec)
    st.session_state["draft_param"] = text
    written = st.session_state.setdefault("draft_params_written", [])
    if not written or written[-1] != text:
        written.append(text)
        del written[:-200]  # the recent ones are the ones a late rerun can carry
    if st.query_params.get(PARAM) != text:
        st.query_params[PARAM] = text


def draft_spec() -> ExperimentSpec | None:
    """The draft as a valid spec, or None when it is not valid."""
    current_draft()
    try:
        return ExperimentSpec.from_dict(st.session_state["draft"])
    except SpecError:
        return None


def load_draft(spec: ExperimentSpec) -> None:
    """Open `spec` as the draft, in the URL too: its widgets start again from its values
    (a new version), as when a link or a recipe opens it."""
    _load(spec.to_dict())
    remember(spec)


def link_params(spec: ExperimentSpec) -> dict[str, str]:
    """The query parameters of a link (`st.page_link`) that opens `spec` in Build.

    A person follows the link even when this session wrote the same address before (they
    opened this spec, then edited it): it is then no longer taken for a late rerun's
    address, and loads.
    """
    text = encode(spec)
    written = st.session_state.get("draft_params_written")
    if written and text in written:
        written[:] = [earlier for earlier in written if earlier != text]
    return {PARAM: text}
