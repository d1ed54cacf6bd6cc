"""The Build page: settings from a recipe or a link, checked as they change, kept in the URL."""

import base64
import json
import zlib

import pytest

from apptest_support import no_exception, open_page, texts
from components.messages import safe
from components.urlspec import decode, encode
from tflab.recipes import get_recipe

BUILD = "app_pages/build.py"


def link(data) -> str:
    """A link's `spec` text for any JSON data, as `encode` packs a spec."""
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def layer_types(at) -> list[str]:
    return [box.value for box in at.selectbox if box.label.startswith("Layer ")]


def inputs(at, label: str) -> list:
    return [widget for widget in at.number_input if widget.label == label]


def layer_button(at, help_text: str, index: int):
    """A layer row's button, found by the hint a person sees on it."""
    return [b for b in at.button if b.help == help_text][index]


def train_button(at):
    return at.button(key="build.train")


def url_spec(at):
    return decode(at.query_params["spec"])


def test_recipe_link_fills_every_tab():
    at = no_exception(open_page(BUILD, recipe="multiclass"))

    assert texts(at.title) == ["Build"]
    assert at.caption[0].value.startswith("Recipe: multiclass.")
    assert [tab.label for tab in at.tabs] == ["Data", "Layers", "Compile & fit", "Augmentation",
                                              "Sweep"]
    assert at.tabs[0].selectbox[0].label == "Dataset"
    assert at.tabs[0].selectbox[0].value == "digits"
    assert layer_types(at) == ["Flatten", "Dense", "Dense"]
    assert [w.value for w in inputs(at, "Units")] == [128, 10]
    assert [box.value for box in at.selectbox if box.label == "Activation"] == ["relu", "softmax"]
    assert inputs(at, "Epochs")[0].value == 10
    assert not at.error
    assert not train_button(at).disabled
    assert "recipe" not in at.query_params
    assert url_spec(at) == get_recipe("multiclass").spec
    summary = at.tabs[1].dataframe[0].value
    assert list(summary["type"]) == ["Rescaling", "Flatten", "Dense", "Dense"]  # rescale is a layer


def test_softmax_over_one_unit_names_the_field_and_turns_train_off():
    at = no_exception(open_page(BUILD, recipe="multiclass"))

    no_exception(inputs(at, "Units")[1].set_value(1).run())

    layers_tab_errors = texts(at.tabs[1].error)
    assert len(layers_tab_errors) == 1 and "`model.layers[2].units`" in layers_tab_errors[0]
    assert "softmax" in layers_tab_errors[0]
    assert any(e.startswith("Train is off until this is fixed: `model.layers[2].units`")
               for e in texts(at.error))
    assert train_button(at).disabled
    assert url_spec(at) == get_recipe("multiclass").spec  # the link keeps the last valid spec

    no_exception(inputs(at, "Units")[1].set_value(10).run())

    assert not at.error
    assert not train_button(at).disabled


def test_kernel_larger_than_its_input_names_the_field_and_turns_train_off():
    # The fourth convolution sees 6x6 pictures; 5 fits, until the third one grows too.
    spec = get_recipe("cnn").spec.with_setting("model.layers[7].kernel_size", 5)
    at = no_exception(open_page(BUILD, spec=encode(spec)))
    assert not at.error and not train_button(at).disabled

    no_exception(inputs(at, "Kernel size")[2].set_value(7).run())

    message = texts(at.tabs[1].error)
    assert len(message) == 1
    assert "`model.layers[7].kernel_size`" in message[0] and "4x4" in message[0]
    assert train_button(at).disabled
    assert url_spec(at) == spec

    no_exception(inputs(at, "Kernel size")[2].set_value(3).run())

    assert not at.error and not train_button(at).disabled
    assert url_spec(at) == spec.with_setting("model.layers[5].kernel_size", 3)


def add_layer(at, kind: str):
    [new_layer] = [box for box in at.selectbox if box.label == "New layer"]
    no_exception(new_layer.set_value(kind).run())
    return no_exception([b for b in at.button if b.label == "Add layer"][0].click().run())


def test_add_move_and_remove_a_layer():
    at = no_exception(open_page(BUILD, recipe="multiclass"))

    add_layer(at, "Dropout")  # issue 8: it used to land after the softmax output layer
    assert layer_types(at) == ["Flatten", "Dense", "Dropout", "Dense"]
    assert [layer.type for layer in url_spec(at).model.layers] == layer_types(at)
    assert dict(url_spec(at).model.layers[3].args) == {"units": 10, "activation": "softmax"}

    no_exception(layer_button(at, "Move down", 2).click().run())  # Dropout below the output
    assert layer_types(at) == ["Flatten", "Dense", "Dense", "Dropout"]
    assert [w.value for w in inputs(at, "Units")] == [128, 10]  # values move with their layer
    assert [layer.type for layer in url_spec(at).model.layers] == layer_types(at)

    no_exception(layer_button(at, "Remove this layer", 3).click().run())
    assert layer_types(at) == ["Flatten", "Dense", "Dense"]
    assert url_spec(at) == get_recipe("multiclass").spec

    assert layer_button(at, "Move up", 0).disabled and layer_button(at, "Move down", 2).disabled


def tanh_points():
    """binary_points with TensorFlow Playground's tanh hidden layers."""
    spec = get_recipe("binary_points").spec
    for index in range(len(spec.model.layers) - 1):
        spec = spec.with_setting(f"model.layers[{index}].activation", "tanh")
    return spec


@pytest.mark.parametrize("spec, hidden", [(tanh_points(), "tanh"),
                                          (get_recipe("linear").spec, "relu")])
def test_a_new_dense_layer_goes_before_the_output_with_the_hidden_activation(spec, hidden):
    """Issue 8: new Dense layers defaulted to linear and landed after the output layer."""
    at = no_exception(open_page(BUILD, spec=encode(spec)))
    output = dict(spec.model.layers[-1].args)

    add_layer(at, "Dense")

    layers = url_spec(at).model.layers  # the link holds it: the model is valid
    assert layers[-2].type == "Dense" and layers[-2].args["activation"] == hidden
    assert layers[-1].type == "Dense" and dict(layers[-1].args) == output
    assert not at.error and not train_button(at).disabled


def test_your_own_pictures_before_an_upload_asks_for_them_without_an_error():
    """Issue 8: picking "Your own pictures" showed two red boxes in developer words
    ("data.options.dataset_id must be ...") before anything was uploaded."""
    at = no_exception(open_page(BUILD, recipe="cnn"))
    [dataset] = [box for box in at.selectbox if box.label == "Dataset"]

    no_exception(dataset.set_value("folder").run())

    assert not at.error and not at.warning
    assert texts(at.tabs[0].info) == [safe("Upload a zip of class folders first (cats/1.jpg, "
                                           "dogs/2.png).")]
    assert "dataset_id" not in " ".join(texts(at.caption) + texts(at.info))
    assert train_button(at).disabled
    assert train_button(at).help.startswith("Upload a zip of class folders first")


def test_a_valid_change_goes_into_the_link_and_the_link_reproduces_it():
    at = no_exception(open_page(BUILD, recipe="multiclass"))

    no_exception(inputs(at, "Units")[0].set_value(64).run())
    no_exception(inputs(at, "Epochs")[0].set_value(3).run())

    expected = (get_recipe("multiclass").spec.with_setting("model.layers[1].units", 64)
                .with_setting("fit.epochs", 3))
    shared = at.query_params["spec"]
    assert decode(shared) == expected

    other = no_exception(open_page(BUILD, spec=shared))

    assert other.caption[0].value.startswith("Recipe: multiclass.")
    assert [w.value for w in inputs(other, "Units")] == [64, 10]
    assert inputs(other, "Epochs")[0].value == 3
    assert not other.error
    assert decode(other.query_params["spec"]) == expected


@pytest.mark.parametrize("text", ["not-a-link", "eJwLycgsVgCiRIWS1OISAC", "", "%%%"])
def test_a_damaged_link_says_so_and_opens_a_recipe(text):
    at = no_exception(open_page(BUILD, spec=text))

    errors = texts(at.error)
    assert len(errors) == 1
    assert errors[0].startswith("This link's experiment cannot be opened: `spec` must be "
                                "an experiment link made by TF Lab")
    assert at.caption[0].value.startswith("Recipe: linear.")
    assert not train_button(at).disabled
    assert url_spec(at) == get_recipe("linear").spec


def test_a_link_with_an_invalid_setting_names_it():
    data = get_recipe("multiclass").spec.to_dict()
    data["model"]["layers"][2]["units"] = 1

    at = no_exception(open_page(BUILD, spec=link(data)))

    errors = texts(at.error)
    assert len(errors) == 1 and "`model.layers[2].units`" in errors[0]
    assert at.caption[0].value.startswith("Recipe: linear.")


def test_an_unknown_recipe_says_so_and_opens_linear():
    at = no_exception(open_page(BUILD, recipe="nope"))

    assert texts(at.error)[0].startswith("There is no such recipe: `recipe` must be one of ")
    assert "received `'nope'`" in texts(at.error)[0]
    assert at.caption[0].value.startswith("Recipe: linear.")
    assert url_spec(at) == get_recipe("linear").spec


def test_a_deeply_nested_link_is_refused_without_a_crash():
    nested = base64.urlsafe_b64encode(zlib.compress(b"[" * 100_000, 9)).decode()  # 180 chars

    at = no_exception(open_page(BUILD, spec=nested))

    assert texts(at.error)[0].startswith("This link's experiment cannot be opened: `spec`")


def test_a_link_whose_layer_type_is_not_a_name_is_refused_without_a_crash():
    data = get_recipe("linear").spec.to_dict()
    data["model"]["layers"][0]["type"] = ["Dense"]

    at = no_exception(open_page(BUILD, spec=link(data)))

    assert "`model.layers[0].type`" in texts(at.error)[0]


def test_layer_edits_survive_a_visit_to_another_page():
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    no_exception(inputs(at, "Units")[0].set_value(64).run())
    no_exception(inputs(at, "Epochs")[0].set_value(3).run())

    no_exception(at.switch_page("app_pages/runs.py").run())
    no_exception(at.switch_page(BUILD).run())

    assert inputs(at, "Epochs")[0].value == 3
    assert [w.value for w in inputs(at, "Units")] == [64, 10]
    assert url_spec(at).model.layers[1].args["units"] == 64


def test_a_late_rerun_carrying_an_earlier_address_keeps_the_edits():
    """A timer's rerun can reach the server with the address as it was before the last
    edit; that must not reload the older experiment over the person's edits."""
    at = no_exception(open_page(BUILD, recipe="multiclass"))
    earlier = at.query_params["spec"]
    no_exception(inputs(at, "Units")[0].set_value(64).run())
    edited = at.query_params["spec"]
    assert edited != earlier

    at.query_params["spec"] = earlier  # what the late rerun carries
    no_exception(at.run())
    assert [w.value for w in inputs(at, "Units")] == [64, 10]
    assert at.query_params["spec"] == edited  # and the address is put right

    # A link this session never wrote still opens, in the same session.
    other = encode(get_recipe("multiclass").spec.with_setting("fit.epochs", 7))
    at.query_params["spec"] = other
    no_exception(at.run())
    assert inputs(at, "Epochs")[0].value == 7 and [w.value for w in inputs(at, "Units")] == [128, 10]


def test_the_cnn_rescale_box_shows_one_255th_not_zero():
    at = no_exception(open_page(BUILD, recipe="cnn"))
    [rescale] = [box for box in at.number_input if box.label == "Rescale"]
    assert rescale.value == pytest.approx(1 / 255) and rescale.proto.format == "%.5f"
