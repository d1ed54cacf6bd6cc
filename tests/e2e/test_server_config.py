"""The dashboard's own configuration: it listens on this machine only and keeps error
details out of the browser. Checked on the file and on a real server started from it."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import tomllib

from streamlit import config as streamlit_config
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_cache import populate_hash_if_needed

from conftest import REPO, started_server

CONFIG = REPO / ".streamlit" / "config.toml"


def test_the_config_binds_to_localhost_and_hides_error_details():
    config = tomllib.loads(CONFIG.read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    assert config["server"]["enableXsrfProtection"] is True


def test_no_message_goes_to_the_browser_as_a_reference_to_its_cache(monkeypatch):
    """A big element (a chart) is sent whole, never as a hash of one the browser may have
    dropped ("Cached ForwardMsg MISS" closed two Train pages' connections in a CI run)."""
    monkeypatch.chdir(REPO)
    streamlit_config.get_config_options(force_reparse=True)  # the repo's config.toml
    message = ForwardMsg()
    message.delta.new_element.markdown.body = "x" * 1_000_000
    populate_hash_if_needed(message)
    assert message.hash and not message.metadata.cacheable


def test_no_full_garbage_collection_after_every_script_run(monkeypatch):
    """Each refresh of a live Train page is a script run: Streamlit's collection after
    each (0.2 s with TensorFlow loaded) is off, as Streamlit reads the repo's config."""
    monkeypatch.chdir(REPO)
    streamlit_config.get_config_options(force_reparse=True)
    assert streamlit_config.get_option("runner.postScriptGC") is False


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


def listening_addresses(port: int) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The local addresses the kernel has a listening TCP socket on for `port`
    (/proc/net/tcp and tcp6: state 0A is LISTEN; addresses are little-endian hex words)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.partition(":")
                if state != "0A" or int(hex_port, 16) != port:
                    continue
                raw = bytes.fromhex(address)
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(ipaddress.ip_address(words))
    return found


def test_a_server_from_the_repo_listens_on_loopback_only(tmp_path):
    with started_server(tmp_path) as port:
        bound = listening_addresses(port)
        assert bound and all(address.is_loopback for address in bound), bound
        assert answers("127.0.0.1", port)
        for address in other_addresses():  # where the machine has one, try it for real
            assert not answers(address, port), f"the dashboard answers on {address}"
