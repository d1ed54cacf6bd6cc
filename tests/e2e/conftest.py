"""The dashboard as a person meets it: a real Streamlit server and a real Chromium.

One server for the whole session (it starts in a few seconds, but its training worker
loads TensorFlow once, about 10 s), with its own empty run store and Keras cache; one
fresh browser context per test, so no test sees another's cookies or session.

Playwright never downloads a browser here: it drives the system Chromium
(`apt-get install chromium`; another path through the CHROMIUM environment variable).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # A camera with Chromium's moving test picture, allowed without asking.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT = 60.0
# Streamlit draws pages in React after the script runs; TensorFlow loads on first use.
DEFAULT_TIMEOUT_MS = 30_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Return once GET /_stcore/health answers "ok"; fail with the server's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    raise RuntimeError(f"Streamlit did not answer /_stcore/health within {timeout:.0f} s:\n"
                       f"{log.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    """End the server and its training worker: both are in the session started for it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    try:
        os.killpg(process.pid, signal.SIGTERM)  # the worker, if it outlived the server
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """The dashboard's base URL, served from the repo root with a fresh TFLAB_HOME."""
    folder = tmp_path_factory.mktemp("dashboard")
    (folder / "keras-home").mkdir()
    port = free_port()
    env = {**os.environ, "TFLAB_HOME": str(folder / "tflab-home"),
           "KERAS_HOME": str(folder / "keras-home"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    log = folder / "streamlit.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    url = f"http://localhost:{port}"
    try:
        wait_for_health(url, process, log, HEALTH_TIMEOUT)
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install it (apt-get install chromium) or set "
                    "CHROMIUM to its path. Playwright must not download a browser here.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A new user: a fresh browser context on the dashboard's first page."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
