"""Build: a pretrained base's weights uploaded in the page; wrong ones keep Train off."""

import keras
import pytest

from apptest_support import no_exception, open_page
from shown import shown
from components.urlspec import decode


@pytest.fixture(scope="module")
def mobilenet_weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("w") / "mobilenet.weights.h5"
    keras.applications.MobileNetV2(input_shape=(150, 150, 3), include_top=False,
                                   weights=None).save_weights(path)
    return path.read_bytes()


def weights_uploader(at):
    [source] = [r for r in at.radio if r.label == "Weights"]
    if source.value != "file":
        source.set_value("file").run()
    [uploader] = [u for u in at.get("file_uploader") if u.label.startswith("Upload weights")]
    return uploader


def spec_in(at):
    value = at.query_params["spec"]
    return decode(value[0] if isinstance(value, list) else value)


def test_weights_that_fit_the_base_are_used_and_train_stays_on(mobilenet_weights, tflab_home):
    at = no_exception(open_page("app_pages/build.py", recipe="transfer"))
    [name] = [s for s in at.selectbox if s.label == "Base network"]
    name.set_value("MobileNetV2").run()
    weights_uploader(at).upload("mine.weights.h5", mobilenet_weights).run()
    no_exception(at)
    kept = spec_in(at).model.base.weights  # the kept file's id, not a path
    assert (tflab_home / "weights" / kept).read_bytes() == mobilenet_weights
    assert not at.button(key="build.train").disabled


def test_weights_of_another_network_are_named_and_train_is_off(mobilenet_weights):
    at = no_exception(open_page("app_pages/build.py", recipe="transfer"))  # InceptionV3
    weights_uploader(at).upload("mobilenet.weights.h5", mobilenet_weights).run()
    no_exception(at)
    assert any("does not hold InceptionV3 weights" in shown(e.value) for e in at.error)
    assert at.button(key="build.train").disabled


def test_a_text_file_named_h5_gets_a_message_and_the_page_keeps_working():
    at = no_exception(open_page("app_pages/build.py", recipe="transfer"))
    weights_uploader(at).upload("notes.h5", b"just notes").run()
    no_exception(at)
    assert any("'notes.h5' is not an HDF5 weights file" in shown(e.value) for e in at.error)
    assert not at.button(key="build.train").disabled  # random weights, as before
