"""Build opened from a link an attacker wrote: every finding of the issue's probe is refused
with a clear message, user values are shown as code (never as markdown), and the page keeps
working on a valid experiment."""

import base64
import json
import zlib

import pytest

from apptest_support import no_exception, open_page
from components.urlspec import decode
from shown import code_spans, shown
from tflab.recipes import get_recipe

BUILD = "app_pages/build.py"


def link(data) -> str:
    """A link's `spec` text for any JSON, packed as `components.urlspec.decode` reads it."""
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def page_text(at) -> str:
    """Everything the page shows in its markdown elements and widget values."""
    parts = [e.value for kind in ("error", "warning", "info", "caption", "markdown", "success")
             for e in getattr(at, kind)]
    parts += [str(w.value) for w in list(at.text_input) + list(at.selectbox)]
    return "\n".join(parts)


def link_error(at) -> str:
    [error] = [e.value for e in at.error if e.value.startswith("This link's experiment")]
    return error


def still_works(at) -> None:
    """The page fell back to a valid experiment: linear, in the address, trainable."""
    no_exception(at)
    spec = decode(at.query_params["spec"])
    assert spec == get_recipe("linear").spec
    assert not at.button(key="build.train").disabled


def hostile(**changes) -> dict:
    data = get_recipe("linear").spec.to_dict()
    data.update(changes)
    return data


def test_a_link_whose_recipe_name_plants_code_is_refused_in_build():
    name = 'linear"""\nimport pathlib; pathlib.Path("pwned").touch()\n"""'
    at = open_page(BUILD, spec=link(hostile(recipe=name)))
    still_works(at)
    error = link_error(at)
    assert shown(error).startswith("This link's experiment cannot be opened: recipe must be a "
                                   "name of lowercase letters, digits, _ and -")
    # The name is shown as code, exactly (a code span is one line: its line breaks as spaces).
    assert " ".join(repr(name).split()) in [" ".join(c.split()) for c in code_spans(error)]
    assert "pathlib" not in shown(error).replace(" ".join(repr(name).split()), "")


@pytest.mark.parametrize("name", [
    "![x](http://attacker.test/pixel.png)",
    "[Session expired: log in again](http://attacker.test/login)",
    "**alarm** :red[alarm] <img src=x>",
])
def test_markdown_in_a_link_is_shown_as_code_never_drawn(name):
    at = open_page(BUILD, spec=link(hostile(recipe=name)))
    still_works(at)
    error = link_error(at)
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").render(error)
    assert "<img" not in page and "<a " not in page and "<strong" not in page
    assert repr(name) in code_spans(error)


def test_a_csv_path_in_a_link_is_refused_and_the_file_is_never_read(tmp_path):
    private = tmp_path / "private.csv"
    private.write_text("SECRET-FIRST-LINE,42\n1,2\n")  # once shown in the error on page load
    data = get_recipe("time_series").spec.to_dict()
    data["data"]["options"] = {"csv_path": str(private), "csv_column": "7"}
    at = open_page(BUILD, spec=link(data))
    still_works(at)
    assert "data.options.csv_path" in code_spans(link_error(at))
    assert "SECRET-FIRST-LINE" not in page_text(at)


def test_dev_zero_in_a_link_is_refused_before_anything_is_read():
    data = get_recipe("time_series").spec.to_dict()
    for options in ({"csv_path": "/dev/zero"}, {"csv_id": "/dev/zero"}):
        data["data"]["options"] = options
        at = open_page(BUILD, spec=link(data))
        still_works(at)
        assert shown(link_error(at)).startswith("This link's experiment cannot be opened: "
                                                f"data.options.{next(iter(options))}")


def test_twelve_dense_8192_layers_in_a_link_are_refused_before_a_model_is_built():
    data = hostile()
    data["model"]["layers"] = [{"type": "Dense", "units": 8192}] * 12 + [{"type": "Dense", "units": 1}]
    at = open_page(BUILD, spec=link(data))
    still_works(at)
    error = shown(link_error(at))
    assert "model.layers[1] must be a layer that keeps the model within 64,000,000 parameters" \
        in error and "67,117,056 parameters" in error
    [summary] = [c.value for c in at.caption if "trainable parameters" in c.value]
    assert summary.startswith("2 trainable parameters")  # the linear model's, not the link's


def test_a_base_weights_path_in_a_link_is_refused(tflab_home):
    data = get_recipe("transfer").spec.to_dict()
    for weights in ("/root/.ssh/id_rsa.h5", str(tflab_home / "weights" / "3fa2b1c4d5e6.h5")):
        data["model"]["base"]["weights"] = weights
        at = open_page(BUILD, spec=link(data))
        still_works(at)
        assert "model.base.weights" in code_spans(link_error(at))
