"""The dashboard's own configuration: it listens on this machine only and keeps error
details out of the browser. Checked on the file and on a real server started from it."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import tomllib

import pytest
from streamlit.config import ShowErrorDetailsConfigOptions

from conftest import REPO, free_port, stop_server, wait_for_health

CONFIG = REPO / ".streamlit" / "config.toml"


def test_the_config_binds_to_localhost_and_hides_error_details():
    config = tomllib.loads(CONFIG.read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    assert config["server"]["enableXsrfProtection"] is True


def other_addresses() -> list[str]:
    """This machine's addresses that are not loopback (what `hostname -I` lists)."""
    listed = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [a for a in listed if not ipaddress.ip_address(a.split("%")[0]).is_loopback]


def answers(host: str, port: int) -> bool:
    """Whether something accepts a TCP connection at host:port (refused at once if not)."""
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture
def started(tmp_path):
    """A server started as the e2e tests and README start it, from the repo's config."""
    port = free_port()
    env = {**os.environ, "TFLAB_HOME": str(tmp_path / "tflab-home"),
           "KERAS_HOME": str(tmp_path / "keras-home"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    log = tmp_path / "streamlit.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        wait_for_health(f"http://localhost:{port}", process, log, 60)
        yield port
    finally:
        stop_server(process)


def test_a_server_from_the_repo_answers_on_loopback_only(started):
    others = other_addresses()
    if not others:
        pytest.skip("this machine has no address other than loopback to try")
    assert answers("127.0.0.1", started)
    for address in others:
        assert not answers(address, started), f"the dashboard answers on {address}"
