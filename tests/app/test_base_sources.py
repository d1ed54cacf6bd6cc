"""Build: where a pretrained base comes from. ImageNet weights are downloaded only when the
person presses Download (no network gets a clear message and the page keeps working), and
a finished run's model can be the base, its layers offered with their shapes."""

import http.server
import re
import socket
import threading

import h5py
import keras
import pytest
from keras.src.legacy.saving import legacy_h5_format

from apptest_support import no_exception, open_page, train_now
from components.urlspec import decode
from tflab import imagenet
from tflab.recipes import get_recipe


def spec_in(at):
    value = at.query_params["spec"]
    return decode(value[0] if isinstance(value, list) else value)


def with_base(at):
    [toggle] = [t for t in at.toggle if t.label.startswith("Pretrained base")]
    toggle.set_value(True).run()
    return no_exception(at)


def choose_network(at, name):
    [network] = [s for s in at.selectbox if s.label == "Base network"]
    network.set_value(name).run()
    return no_exception(at)


def imagenet_source(at):
    [source] = [r for r in at.radio if r.label == "Weights"]
    source.set_value("imagenet").run()
    return no_exception(at)


def download_button(at):
    [button] = [b for b in at.button if b.label.startswith("Download ImageNet weights")]
    return button


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return port  # nothing listens there: connections are refused, as with no network


@pytest.fixture
def mirror(tmp_path):
    """A real HTTP server on 127.0.0.1 holding MobileNetV2's ImageNet file (made here)."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)
    with h5py.File(folder / imagenet.FILES["MobileNetV2"].file, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, base)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_no_network_is_said_plainly_and_the_page_keeps_working(monkeypatch, closed_port):
    monkeypatch.setenv("TFLAB_IMAGENET_MIRROR", f"http://127.0.0.1:{closed_port}/")
    at = imagenet_source(no_exception(open_page("app_pages/build.py", recipe="transfer")))
    assert any("not in the Keras cache" in w.value for w in at.warning)
    assert at.button(key="build.train").disabled  # nothing to load until they are there
    download_button(at).click().run()
    no_exception(at)
    [error] = [e.value for e in at.error if "Could not download" in e.value]
    assert f"127.0.0.1:{closed_port} cannot be reached" in error and "no network" in error
    assert imagenet.cached("InceptionV3") is None
    # The person picks random weights instead and can train.
    [source] = [r for r in at.radio if r.label == "Weights"]
    source.set_value("").run()
    no_exception(at)
    assert spec_in(at).model.base.weights == "" and not at.button(key="build.train").disabled


def test_a_download_on_request_fills_the_cache_and_turns_train_on(monkeypatch, mirror):
    monkeypatch.setenv("TFLAB_IMAGENET_MIRROR", mirror)
    at = imagenet_source(choose_network(open_page("app_pages/build.py", recipe="transfer"),
                                        "MobileNetV2"))
    assert at.button(key="build.train").disabled
    download_button(at).click().run()
    no_exception(at)
    assert imagenet.cached("MobileNetV2") is not None
    assert any("found in the Keras cache" in c.value for c in at.caption)
    assert spec_in(at).model.base.weights == "imagenet"
    assert not at.button(key="build.train").disabled
    assert not [b for b in at.button if b.label.startswith("Download ImageNet weights")]


def test_with_no_finished_run_the_page_says_what_to_train_first():
    at = choose_network(with_base(open_page("app_pages/build.py", recipe="multiclass")), "run")
    assert any("No finished run has a saved model" in i.value for i in at.info)
    assert at.button(key="build.train").disabled


def test_a_finished_runs_model_is_offered_as_a_base_with_its_layers(lab):
    digits = train_now(lab, get_recipe("multiclass").spec.with_setting("fit.epochs", 1))
    at = choose_network(with_base(open_page("app_pages/build.py", recipe="multiclass")), "run")
    [run] = [s for s in at.selectbox if s.label == "Run"]
    assert run.value == str(lab.model_path(digits)) and digits in run.options[0]
    [cut] = [s for s in at.selectbox if s.label == "Cut layer"]
    names = [option.split(" → ")[0] for option in cut.options]
    assert names == ["layer_1_flatten", "layer_2_dense", "layer_3_dense"]  # no Rescaling: this spec's comes first
    assert cut.value == names[1] and cut.options[1].endswith("→ 128")  # under the old output
    spec = spec_in(at)
    assert spec.model.base.name == "run" and spec.model.base.run_id == digits
    summary = [c.value for c in at.caption if "trainable parameters" in c.value]
    assert summary and "frozen" in summary[0]
    assert not at.button(key="build.train").disabled


def model_bytes(tmp_path, name, *layers, scale=1 / 255):
    """A digits-shaped model saved as a person would: model.save('name.keras')."""
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Rescaling(scale),
                              keras.layers.Flatten(), *layers,
                              keras.layers.Dense(10, activation="softmax")])
    model.save(tmp_path / name)
    return (tmp_path / name).read_bytes()


def model_uploader(at):
    [uploader] = [u for u in at.get("file_uploader") if u.label.startswith("Upload a saved model")]
    return uploader


def test_an_uploaded_model_becomes_the_base(tmp_path, tflab_home):
    data = model_bytes(tmp_path, "features.keras", keras.layers.Dense(32, name="features"))
    at = choose_network(with_base(open_page("app_pages/build.py", recipe="multiclass")),
                        "model_file")
    assert at.button(key="build.train").disabled  # no model yet
    model_uploader(at).upload("features.keras", data).run()
    no_exception(at)
    base = spec_in(at).model.base
    assert base.name == "run" and base.weights.startswith(str(tflab_home / "weights"))
    [cut] = [s for s in at.selectbox if s.label == "Cut layer"]
    assert cut.value == "features" and "features → 32" in cut.options
    assert not at.button(key="build.train").disabled


@pytest.mark.parametrize("name,make,message", [
    ("lambda.keras", lambda p: model_bytes(p, "lambda.keras", keras.layers.Lambda(lambda x: x * 2)),
     "lambda.keras holds a Python lambda, which safe mode refuses"),
    ("notes.keras", lambda p: b"my notes, not a model", "'notes.keras' is not a saved Keras model"),
    ("raw.keras", lambda p: model_bytes(p, "raw.keras", scale=1.0),
     "`augmentation.rescale`: the model file "),  # trained on 0..255, this recipe scales to 0..1
])
def test_a_model_that_cannot_be_a_base_is_refused_and_the_page_keeps_working(tmp_path, name, make,
                                                                             message):
    at = choose_network(with_base(open_page("app_pages/build.py", recipe="multiclass")),
                        "model_file")
    model_uploader(at).upload(name, make(tmp_path)).run()
    no_exception(at)
    # Messages are markdown with every punctuation mark escaped (components.messages).
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert any(message in text for text in shown), shown
    assert at.button(key="build.train").disabled
    # The person turns the base off again: the plain recipe trains.
    [toggle] = [t for t in at.toggle if t.label.startswith("Pretrained base")]
    toggle.set_value(False).run()
    no_exception(at)
    assert spec_in(at).model.base is None and not at.button(key="build.train").disabled
