"""ImageNet weights: read from the Keras cache, downloaded only on request, and every way a
download can go wrong says so and leaves the cache as it was.

The downloads here are real HTTP, from a server the test runs on 127.0.0.1, so nothing
leaves the machine; "no network" is a real refused connection to a closed port.
"""

import hashlib
import http.server
import socket
import threading

import h5py
import keras
import numpy as np
import pytest
from keras.src.legacy.saving import legacy_h5_format

from tflab import imagenet
from tflab.build import BuildError, build_base
from tflab.cli import main
from tflab.spec import BaseSpec


@pytest.fixture(scope="module")
def mobilenet_h5(tmp_path_factory):
    """MobileNetV2 (no top) weights in the Keras 2 layout Keras publishes them in."""
    keras.utils.set_random_seed(3)
    base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
    path = tmp_path_factory.mktemp("served") / imagenet.FILES["MobileNetV2"].file
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, base)
    return path.read_bytes(), base.get_layer("out_relu").output.shape, base.get_weights()[0]


class _Files(http.server.BaseHTTPRequestHandler):
    """Serves `routes[path] = (status, body, claimed length or None)`."""

    routes: dict = {}

    def do_GET(self):
        status, body, length = self.routes.get(self.path, (404, b"not here", None))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def server(mobilenet_h5):
    data = mobilenet_h5[0]
    handler = type("Handler", (_Files,), {"routes": {
        "/weights.h5": (200, data, None),
        "/page.h5": (200, b"<html>sign in first</html>", None),
        "/short.h5": (200, data[:5000], len(data)),
    }})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


def cache_files():
    folder = imagenet.path("MobileNetV2").parent
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_download_on_request_lands_in_the_cache_and_the_base_loads_it(server, mobilenet_h5):
    data, _, first_kernel = mobilenet_h5
    assert imagenet.cached("MobileNetV2") is None
    with pytest.raises(BuildError, match="not in the Keras cache.*Download them on request"):
        build_base(BaseSpec("MobileNetV2", "imagenet", "out_relu", 0), (96, 96, 3))
    seen = []
    path = imagenet.download("MobileNetV2", origin=f"{server}/weights.h5",
                             md5=hashlib.md5(data).hexdigest(),
                             progress=lambda done, total: seen.append((done, total)))
    assert path == imagenet.cached("MobileNetV2") and path.read_bytes() == data
    assert seen[-1] == (len(data), len(data))
    assert cache_files() == [imagenet.FILES["MobileNetV2"].file]  # no partial file left behind
    base = build_base(BaseSpec("MobileNetV2", "imagenet", "out_relu", 0), (96, 96, 3))
    np.testing.assert_array_equal(base.get_weights()[0], first_kernel)
    # Asked again, it is already there: no second download (the origin is not even tried).
    assert imagenet.download("MobileNetV2", origin="http://127.0.0.1:1/gone.h5") == path


def test_no_network_says_so_and_what_to_do_instead():
    port = closed_port()
    with pytest.raises(imagenet.DownloadError) as caught:
        imagenet.download("InceptionV3", origin=f"http://127.0.0.1:{port}/w.h5", timeout=5)
    message = str(caught.value)
    assert f"127.0.0.1:{port} cannot be reached" in message and "no network" in message
    assert "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5" in message
    assert "upload a weights file" in message
    assert imagenet.cached("InceptionV3") is None and cache_files() == []


@pytest.mark.parametrize("route,md5,message", [
    ("/missing.h5", None, r"refused the ImageNet weights for MobileNetV2 \(HTTP 404"),
    ("/page.h5", None, "did not send an HDF5 weights file"),
    ("/short.h5", None, "stopped at 5000 of"),
    ("/weights.h5", "0" * 32, "checksum"),
])
def test_a_bad_download_keeps_nothing(server, route, md5, message):
    with pytest.raises(imagenet.DownloadError, match=message):
        imagenet.download("MobileNetV2", origin=server + route, md5=md5, timeout=5)
    assert imagenet.cached("MobileNetV2") is None and cache_files() == []


def test_the_command_line_downloads_on_request_and_reports_no_network(server, capsys):
    port = closed_port()
    assert main(["weights", "MobileNetV2", "--origin", f"http://127.0.0.1:{port}/w.h5"]) == 1
    assert "cannot be reached" in capsys.readouterr().err
    assert main(["weights", "MobileNetV2", "--origin", f"{server}/weights.h5"]) == 0
    assert "saved" in capsys.readouterr().out and imagenet.cached("MobileNetV2") is not None
    assert main(["weights", "MobileNetV2"]) == 0  # already there: no network needed
    assert "already in the Keras cache" in capsys.readouterr().out


def test_only_the_two_bases_have_imagenet_files():
    with pytest.raises(ValueError, match="`name` must be one of InceptionV3, MobileNetV2"):
        imagenet.path("ResNet50")


def test_a_mirror_named_in_the_environment_is_used(server, monkeypatch, mobilenet_h5):
    monkeypatch.setenv("TFLAB_IMAGENET_MIRROR", server + "/mirror/")
    with pytest.raises(imagenet.DownloadError, match="/mirror/mobilenet_v2_weights_tf_dim_"):
        imagenet.download("MobileNetV2", timeout=5)  # the mirror does not hold it: 404
