"""Objects shared by every session of one server: the run store and the executor.

Both are thread-safe and keyed by the store's folder, so a test that points TFLAB_HOME
elsewhere gets its own. Training runs in a worker process, so the server itself loads
TensorFlow only for what a page shows (a model summary, a prediction).

Example:

>>> store = run_store()          # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from tflab.executor import ProcessExecutor
from tflab.store import RunStore, default_root


@st.cache_resource(max_entries=4, show_spinner=False)
def _store_at(root: str) -> RunStore:
    return RunStore(root)


@st.cache_resource(max_entries=4, show_spinner=False)
def _executor_at(root: str) -> ProcessExecutor:
    return ProcessExecutor(_store_at(root))


def run_store() -> RunStore:
    """The run store of this server ($TFLAB_HOME, else ~/.tflab)."""
    return _store_at(str(default_root()))


def executor() -> ProcessExecutor:
    """The server's training worker: a process of its own, started on first use."""
    return _executor_at(str(default_root()))
