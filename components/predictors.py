"""A run's loaded model, kept by the server between page runs and sessions.

Loading a model takes a second or more; answering a picture a few milliseconds. The
predictor (`tflab.predict.Predictor`: the model, its spec and its pictures' profile) is
kept in Streamlit's resource cache, keyed by the store, the run, the epoch, and the model
file's size and time of change: a run trained again, or whose file was replaced, is loaded
anew, and a deleted one is not served from memory.

Example:

>>> predictor = predictor_for(store, run_id)          # doctest: +SKIP
>>> predictor.images([("seven.png", data)])           # doctest: +SKIP
"""

from __future__ import annotations

import streamlit as st

from components.language import t
from tflab.store import RunStore


def model_stamp(store: RunStore, run_id: str) -> tuple[int, int] | None:
    """(size in bytes, time of change in ns) of the run's model file; None without one."""
    try:
        stat = store.model_path(run_id).stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def predictor_for(store: RunStore, run_id: str, epoch: int | None = None):
    """The run's `Predictor` (its final model, or as it was at a kept `epoch`), loaded once
    per version of its model file and kept for every session.

    Raises what `Predictor.from_run` raises (a missing or damaged model file: a
    `PredictionError` saying which and why); nothing is kept then.
    """
    stamp = model_stamp(store, run_id)
    if stamp is None:  # the file is gone: let the engine say so, and keep nothing
        from tflab.predict import Predictor

        return Predictor.from_run(store, run_id, epoch=epoch)
    # The spinner is said here, in this session's language; Streamlit shows it only when
    # loading takes over half a second, so a cached predictor shows none.
    with st.spinner(t("predict.loading")):
        return _loaded(store, str(store.root), run_id, epoch, stamp)


# A few runs at a time: each holds a model (a CNN takes tens of MB).
@st.cache_resource(max_entries=4, show_spinner=False)
def _loaded(_store: RunStore, root: str, run_id: str, epoch: int | None,
            stamp: tuple[int, int]):
    """Keyed by everything but `_store` (Streamlit leaves arguments named with "_" out):
    its folder `root` stands for it, and `stamp` makes a new version of the file another
    entry."""
    from tflab.predict import Predictor

    return Predictor.from_run(_store, run_id, epoch=epoch)
