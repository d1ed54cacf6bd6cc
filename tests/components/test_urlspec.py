"""Tests for components.urlspec: an experiment packed into a link, and links that are not."""

import base64
import json
import re
import zlib

import pytest

from components.urlspec import MAX_JSON, PARAM, decode, encode
from tflab.recipes import RECIPES, get_recipe
from tflab.spec import ExperimentSpec, SpecError


def pack(raw: bytes) -> str:
    """Any bytes packed as a link packs a spec's JSON."""
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def linear_json(padding: int = 0) -> bytes:
    """The linear recipe's JSON, with `padding` spaces before its last brace (still valid)."""
    raw = json.dumps(get_recipe("linear").spec.to_dict(), separators=(",", ":"))
    return (raw[:-1] + " " * padding + "}").encode()


def assert_damaged(text: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        decode(text)
    error = caught.value
    assert error.field == "spec"
    assert str(error).startswith("`spec` must be an experiment link made by TF Lab; received ")
    assert "The link is damaged; open a recipe instead." in str(error)
    return error


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.name)
def test_every_recipe_round_trips_through_a_short_url_safe_link(recipe):
    text = encode(recipe.spec)

    assert decode(text) == recipe.spec
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text)
    assert len(text) < 1000  # a CNN spec is about 600 characters


def test_a_changed_setting_survives_the_link():
    spec = get_recipe("multiclass").spec.with_setting("model.layers[1].units", 64)

    decoded = decode(encode(spec))

    assert decoded == spec and decoded != get_recipe("multiclass").spec
    assert decoded.model.layers[1].args["units"] == 64


def test_links_already_shared_keep_their_parameter_name():
    assert PARAM == "spec"  # renaming it would break every link people have shared


@pytest.mark.parametrize("text", ["", "not-a-link", "%%%%", "a", "eJwLycgsVgCiRIWS1OISAC",
                                  pack(b"not json"), pack(b"\xff\xfe\xfd")])
def test_damaged_text_is_a_spec_error_naming_spec(text):
    assert_damaged(text)


def test_a_link_cut_short_is_damaged():
    text = encode(get_recipe("cnn").spec)
    assert_damaged(text[: len(text) // 2])


def test_the_message_shows_only_the_start_of_a_long_link():
    error = assert_damaged("x" * 300)
    assert error.value == "x" * 24 + "..."


def test_json_that_is_not_an_experiment_names_spec():
    with pytest.raises(SpecError) as caught:
        decode(pack(b"[1, 2, 3]"))
    assert caught.value.field == "spec"


def test_an_invalid_setting_in_a_link_names_the_setting():
    data = get_recipe("linear").spec.to_dict()
    data["fit"]["epochs"] = 0

    with pytest.raises(SpecError) as caught:
        decode(pack(json.dumps(data).encode()))

    assert caught.value.field == "fit.epochs"


def test_an_inflated_bomb_link_is_refused():
    text = pack(linear_json(padding=50 * MAX_JSON))  # valid JSON of 10 MB

    assert len(text) < 20_000
    assert_damaged(text)


def test_the_size_limit_is_max_json_bytes():
    under = linear_json(padding=MAX_JSON - len(linear_json()))
    assert len(under) == MAX_JSON
    assert decode(pack(under)) == get_recipe("linear").spec

    assert_damaged(pack(under[:-1] + b" }"))


def test_deeply_nested_json_is_damaged():
    assert_damaged(pack(b"[" * 100_000))


def test_a_layer_type_that_is_not_a_name_names_the_layer():
    data = get_recipe("linear").spec.to_dict()
    data["model"]["layers"][0]["type"] = ["Dense"]

    with pytest.raises(SpecError) as caught:
        decode(pack(json.dumps(data).encode()))

    assert caught.value.field == "model.layers[0].type"


# -- a link is an attack surface: it names files by id only -----------------------------

def store_paths(home) -> list[tuple[str, dict]]:
    """Specs naming the store's own files by path, as older versions wrote into runs."""
    series = get_recipe("time_series").spec.to_dict()
    del series["data"]["options"]["csv_id"]
    series["data"]["options"]["csv_path"] = str(home / "datasets" / "csv" / "3fa2b1c4d5e6.csv")
    run_base = get_recipe("transfer").spec.to_dict()
    run_base["model"]["base"].update(name="run", weights=str(home / "models" / "r0abc12.keras"),
                                     cut_layer="layer_2_dense")
    weights = get_recipe("transfer").spec.to_dict()
    weights["model"]["base"]["weights"] = str(home / "weights" / "3fa2b1c4d5e6.h5")
    return [("data.options.csv_path", series), ("model.base.weights", run_base),
            ("model.base.weights", weights)]


def test_a_link_naming_a_file_by_path_is_refused_even_inside_the_store(tflab_home):
    for field, data in store_paths(tflab_home):
        assert ExperimentSpec.from_dict(data)  # a run's stored spec: converted to ids
        with pytest.raises(SpecError) as caught:
            decode(pack(json.dumps(data).encode()))
        assert caught.value.field == field


@pytest.mark.parametrize("change,field", [
    (lambda d: d.update(recipe='x"""\nimport os\n"""'), "recipe"),
    (lambda d: d["model"]["layers"].append({"type": "Conv2D"}), "model.layers[1].type"),
    (lambda d: d["model"]["layers"].extend([{"type": "Dense", "units": 8192}] * 12),
     "model.layers[2]"),  # the second Dense(8192): 67 M parameters
    (lambda d: d["model"]["layers"].extend([{"type": "Dropout"}] * 120), "model.layers"),
])
def test_a_hostile_link_is_refused_before_anything_is_built(change, field):
    data = get_recipe("linear").spec.to_dict()
    change(data)
    with pytest.raises(SpecError) as caught:
        decode(pack(json.dumps(data).encode()))
    assert caught.value.field == field
