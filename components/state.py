"""Objects shared by every session of one server: the run store, the executors and who
watches runs train.

All are thread-safe; the store and the executors are keyed by the store's folder, so a
test that points TFLAB_HOME elsewhere gets its own. Training runs in a worker process, so
the server itself loads TensorFlow only for what a page shows (a model summary, a
prediction).

Example:

>>> store = run_store()          # doctest: +SKIP
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

import streamlit as st

from tflab.executor import ProcessExecutor
from tflab.home import default_root
from tflab.store import RunStore
from tflab.watchers import Watchers

if TYPE_CHECKING:
    from tflab.ray_executor import RayExecutor


@st.cache_resource(max_entries=4, show_spinner=False)
def _store_at(root: str) -> RunStore:
    return RunStore(root)


@st.cache_resource(max_entries=4, show_spinner=False)
def _executor_at(root: str) -> ProcessExecutor:
    return ProcessExecutor(_store_at(root))


def run_store() -> RunStore:
    """The run store of this server ($TFLAB_HOME, else ~/.tflab).

    Raises `tflab.store_health.StoreUnavailable` when it cannot be opened; pages ask
    through `components.store_failure_ui.store_or_stop`, which says so. A failure is not
    cached: once the person fixes it, the next page run opens the store.
    """
    return _store_at(str(default_root()))


def executor() -> ProcessExecutor:
    """The server's training worker: a process of its own, started on first use."""
    return _executor_at(str(default_root()))


@st.cache_resource(max_entries=1, show_spinner=False)
def watchers() -> Watchers:
    """The pages of this server watching a run train: their live views share a budget of
    refreshes (`tflab.watchers`)."""
    return Watchers()


@st.cache_resource(max_entries=2, show_spinner=False)
def _ray_executor_at(root: str, address: str) -> "RayExecutor":
    from tflab.ray_executor import RayExecutor  # Ray is optional: loaded when asked for

    return RayExecutor(_store_at(root), address=address)


def ray_executor(address: str) -> "RayExecutor":
    """The server's Ray executor for `address` ("local", or a cluster's), made on first use.

    Raises `tflab.ray_cluster.RayMissing` (Ray not installed) or `RayUnreachable` (no
    cluster there), which say so in the reader's language; a failure is not kept, so
    the next try (Ray installed, the cluster up) connects. Only one Ray per process:
    once one is started, another address uses it (`RayExecutor`).
    """
    return _ray_executor_at(str(default_root()), address)


# Modules whose objects stay for the life of the server once imported: millions of them.
_LASTING = ("tensorflow", "keras", "plotly", "PIL", "numpy")


def settle_heap() -> None:
    """Exempt the objects of the big libraries already imported from garbage collection.

    Python collects garbage on its own as objects are made, and a full collection looks
    at every object: with TensorFlow loaded one took 0.2 s on this machine.
    (Streamlit's own collections after every script run are off: `runner.postScriptGC`
    in `.streamlit/config.toml`, and `keep_keras_state`.) `gc.freeze()` moves the
    objects alive now out of the collector's way (Python's advice for long-lived heaps):
    a collection then takes well under a millisecond.
    Called at the start of every page run; it freezes again only when another of these
    libraries has been imported since, so objects made by pages are collected as usual.

    Example:

    >>> settle_heap()          # doctest: +SKIP
    """
    _freeze_with(tuple(name for name in _LASTING if name in sys.modules))


@st.cache_resource(max_entries=len(_LASTING) + 1, show_spinner=False)
def _freeze_with(modules: tuple[str, ...]) -> tuple[str, ...]:
    gc.freeze()
    return modules


@st.cache_resource(max_entries=1, show_spinner=False)
def keep_keras_state() -> bool:
    """Stop Streamlit from resetting Keras after every script run of every session.

    After each page run and each refresh of a live fragment, Streamlit 1.67 calls
    `keras.backend.clear_session()` once keras is imported (`script_runner.
    _clean_problem_modules`), meant for a script that builds a new model at each run.
    In this server it is harmful: it replaces Keras' global state under the other
    sessions' threads (a model loading for Predict in one session while another's Train
    page refreshes), empties TensorFlow's kernel cache, so the next prediction sets its
    kernels up again, and collects garbage (0.18 s with TensorFlow loaded). With 10 pages
    watching a run it was a quarter of the server's time and their refreshes fell 10 to
    17 s apart (`benchmarks/viewers.py`). Pages here never rely on it: every layer TF Lab
    builds is named, and training runs in worker processes. Matplotlib figures are still
    closed, as Streamlit does. Once per server process; True when Streamlit's hook was
    found and replaced.

    Example:

    >>> keep_keras_state()          # doctest: +SKIP
    True
    """
    from streamlit.runtime.scriptrunner import script_runner

    if not callable(getattr(script_runner, "_clean_problem_modules", None)):
        return False  # another Streamlit: tests/components/test_state.py says so
    script_runner._clean_problem_modules = _close_matplotlib_figures
    return True


def _close_matplotlib_figures() -> None:
    """What Streamlit's after-run clean-up does, less the Keras reset (`keep_keras_state`)."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
