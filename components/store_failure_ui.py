"""A page whose run store cannot be opened: what is wrong, where, and the fix.

Pages that need the store get it from `store_or_stop()`. When `tflab.store_health`
refuses the store (a damaged database, a read-only TFLAB_HOME, a file where the folder
should be), the page shows the message naming the folder or file and the fix, and stops
there, so the rest of the app (the sidebar, Recipes) still works. A damaged database can
be fixed from the page when the person asks: "Keep a copy and start a new store" renames
it beside itself and starts an empty store; for the other problems the fix is the
person's, and the message says which. A failed open is not cached (`components.state`):
once fixed, the next page run opens the store.

Example:

>>> store = store_or_stop()      # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.language import t
from components.messages import error_text, safe
from components.state import run_store
from tflab.store import RunStore, start_new_store
from tflab.store_health import StoreUnavailable

_STARTED = "store_failures.started"  # session key: the copy just kept, said once


def store_or_stop() -> RunStore:
    """The server's run store; when it cannot be opened, the message and the page stops."""
    started = st.session_state.pop(_STARTED, None)
    if started is not None:
        copy, root = started
        st.success(safe(t("store_failures.started_new", copy=copy, root=root))
                   if copy else t("store_failures.not_started_new"), icon=":material/check:")
    try:
        return run_store()
    except StoreUnavailable as error:
        store_failure_ui(error)
        st.stop()


def store_failure_ui(error: StoreUnavailable) -> None:
    """The message for `error`, and the button that keeps a copy when that is the fix."""
    st.subheader(t("store_failures.title"))
    st.error(error_text(error), icon=":material/database:")
    if error.can_start_new and st.button(
            t("store_failures.start_new"), help=t("store_failures.start_new_help"),
            type="primary", icon=":material/restart_alt:", key="store_failures.start_new"):
        _start_new(error)


def _start_new(error: StoreUnavailable) -> None:
    # The engine renames only a database it still finds damaged: a second session pressing
    # the button after the first finds it sound and keeps nothing.
    try:
        store, copy = start_new_store(error.root)
    except StoreUnavailable as still:  # something else went wrong meanwhile: say it
        st.error(error_text(still), icon=":material/error:")
        return
    store.close()  # the page's own store is the server's cached one, opened on the rerun
    st.session_state[_STARTED] = (str(copy) if copy else None, str(error.root))
    st.rerun()
