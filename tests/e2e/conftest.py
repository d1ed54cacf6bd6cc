"""The dashboard as a person meets it: a real Streamlit server and a real Chromium.

One server for the whole session (it starts in a few seconds, but its training worker
loads TensorFlow once, about 10 s), with its own empty run store and Keras cache; one
fresh browser context per test, so no test sees another's cookies or session.

Screenshots the tests take go to a folder of the test run (`TFLAB_SCREENSHOTS` names
another): a test run leaves the checkout as it was, and fails if anything under docs/
changed. The README's pictures are retaken on request:
`TFLAB_SCREENSHOTS=docs/screenshots python -m pytest tests/e2e`.

Playwright never downloads a browser here: it drives the system Chromium
(`apt-get install chromium`; another path through the CHROMIUM environment variable).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from support import save_screenshot

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
SCREENSHOTS_VARIABLE = "TFLAB_SCREENSHOTS"
DOCS = REPO / "docs"


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


@contextlib.contextmanager
def started_server(folder: Path, *options: str):
    """A dashboard served from the repo root as the README starts it, with its own empty
    TFLAB_HOME and Keras cache under `folder`; yields its port, then stops it."""
    (folder / "keras-home").mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "TFLAB_HOME": str(folder / "tflab-home"),
           "KERAS_HOME": str(folder / "keras-home"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    log = folder / "streamlit.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             *options],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        wait_for_health(f"http://localhost:{port}", process, log, HEALTH_TIMEOUT)
        yield port
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """The dashboard's base URL, served from the repo root with a fresh TFLAB_HOME."""
    with started_server(tmp_path_factory.mktemp("dashboard"), "--server.headless", "true",
                        "--browser.gatherUsageStats", "false") as port:
        yield f"http://localhost:{port}"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install it (apt-get install chromium) or set "
                    "CHROMIUM to its path. Playwright must not download a browser here.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Console errors that say nothing about the page, each with why; anything else fails the
# test that logged it.
HARMLESS_CONSOLE_ERRORS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"status of 404 .*\(http://[^/]+/[\w-]+/_stcore/(health|host-config)\)"),
     "Opened at a page's address (/build), Streamlit first asks for its server under that "
     "path, then at the root, which answers"),
    (re.compile(r"net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED).*//fonts\.gstatic\.com/"),
     "Streamlit fetches the tab's icon (:material/neurology:) as a picture from Google's "
     "font server, which a machine without internet cannot reach"),
)


class BrowserErrors:
    """Errors a browser context logged to its console, and uncaught page errors.

    Streamlit's frontend reports a broken element tree ("Bad delta path index 2") only in
    the console, while the page turns white: every end-to-end test records them.
    """

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, context) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda error: self.seen.append(
            f"page error on {_where(error.page)}: {error.error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        text = f"{message.text} ({message.location.get('url', '')})"
        if not any(pattern.search(text) for pattern, _ in HARMLESS_CONSOLE_ERRORS):
            self.seen.append(f"console error on {_where(message.page)}: {text}")


def _where(page) -> str:
    """The page's address, short: a Build address holds a whole experiment."""
    url = page.url if page is not None else "?"
    return url if len(url) <= 80 else url[:77] + "..."


@pytest.fixture
def browser_errors() -> BrowserErrors:
    """The console and page errors of every browser context of this test; any fails it."""
    errors = BrowserErrors()
    yield errors
    if errors.seen:
        pytest.fail("the browser logged errors:\n" + "\n".join(errors.seen), pytrace=False)


@pytest.fixture
def new_user(browser, server, browser_errors):
    """Makes new users: each call a fresh browser context's first tab, its errors recorded."""
    contexts = []

    def make(locale: str = "en-US"):
        """A new user whose browser speaks `locale` (the dashboard's first language)."""
        context = browser.new_context(viewport=VIEWPORT, base_url=server, locale=locale)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        browser_errors.watch(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_user):
    """A new user: a fresh browser context on the dashboard's first page."""
    return new_user()


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder`, with its size and modification time (ns)."""
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="session")
def screenshots_folder(tmp_path_factory) -> Path:
    """Where `screenshot` writes: `TFLAB_SCREENSHOTS` when set (docs/screenshots to retake
    the README's pictures), else a folder of this test run."""
    asked = os.environ.get(SCREENSHOTS_VARIABLE, "").strip()
    return Path(asked).resolve() if asked else tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session", autouse=True)
def docs_left_as_they_were():
    """A test run must not dirty the checkout: unless screenshots were asked for, nothing
    under docs/ may be written (the session's last test errors, naming the files)."""
    if os.environ.get(SCREENSHOTS_VARIABLE, "").strip():
        yield
        return
    before = files_of(DOCS)
    yield
    after = files_of(DOCS)
    changed = sorted(name for name in before.keys() | after.keys()
                     if before.get(name) != after.get(name))
    assert not changed, (f"the e2e tests changed docs/ without {SCREENSHOTS_VARIABLE} set: "
                         + ", ".join(changed))


@pytest.fixture
def screenshot(screenshots_folder):
    """`screenshot(page, name)`: <name>.png of the page as drawn, in `screenshots_folder`."""
    def take(page: Page, name: str) -> None:
        save_screenshot(page, screenshots_folder / f"{name}.png")
    return take
