"""What the dashboard's AppTest tests share: open a page, wait for a run, make a picture."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
RECIPES_PAGE = "app_pages/recipes.py"
TIMEOUT = 120  # seconds: a page or the worker may import TensorFlow first


def open_page(page: str = RECIPES_PAGE, **query: str) -> AppTest:
    """A new session on `page`, opened with `query` as the address's query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    if page != RECIPES_PAGE:
        at.switch_page(page).run()
    return at


def no_exception(at: AppTest) -> AppTest:
    """The page ran without an uncaught exception (the message says which one if not)."""
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def wait_for(store, run_id: str, statuses=("completed", "stopped", "failed", "diverged",
                                           "interrupted"), timeout: float = TIMEOUT,
             epochs: int = 0):
    """The run once its status is one of `statuses` with at least `epochs` epochs done;
    fails past `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while ((run := store.get_run(run_id)).status not in statuses
           or run.epochs_done < epochs):
        if time.monotonic() > deadline:
            log = store.root / "worker.log"
            pytest.fail(f"run {run_id} is still {run.status} with {run.epochs_done} epochs "
                        f"done after {timeout} s; worker log:\n"
                        + (log.read_text()[-2000:] if log.exists() else "(none)"))
        time.sleep(0.1)
    return run


def train_now(store, spec) -> str:
    """Train `spec` in this process, as the worker would; returns the finished run's id."""
    from tflab.job import run_job

    run_id = store.create_run(spec.recipe, spec.to_dict(), spec.fit.epochs)
    result = run_job(store, run_id)
    assert result.status == "completed", result.message
    return run_id


def png_bytes(image: np.ndarray) -> bytes:
    """A grey PNG of an (H, W, 1) array of 0..255 values."""
    buffer = io.BytesIO()
    Image.fromarray(np.clip(image[..., 0], 0, 255).astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()
