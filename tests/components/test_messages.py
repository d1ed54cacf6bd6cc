"""Tests for components.messages: hostile text reads exactly as written in markdown.

Rendered with markdown-it (CommonMark, as Streamlit's markdown is), so the test sees
what a browser would be given: no image, link, emphasis or heading may appear.
"""

import doctest
import html
import re

import pytest
from markdown_it import MarkdownIt

import components.messages
from components.messages import code, error_text, plain, safe
from tflab.spec import SpecError

HOSTILE = [
    "![logo](http://attacker.test/pixel.png)",
    "[Session expired: log in again](http://attacker.test/login)",
    "**bold** _em_ ~~gone~~ # heading",
    "# A heading\n\n- a list\n> a quote",
    "<img src=x onerror=alert(1)>",
    ":red[alarm] :material/warning: $x^2$",
    "`code` ``double`` and a stray `",
    "http://attacker.test/plain-autolink www.attacker.test",
    "back\\slash\\*",
    "1. numbered",
]
MD = MarkdownIt("commonmark").enable("strikethrough").enable("table")


def rendered_text(markdown: str) -> str:
    """The page's visible text: tags removed, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", MD.render(markdown))).split())


def test_docstring_examples_run():
    result = doctest.testmod(components.messages)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_reads_exactly_as_written(text):
    page = MD.render(plain(text))
    for tag in ("<img", "<a ", "<strong", "<em", "<h1", "<li", "<blockquote", "<code", "<s>"):
        assert tag not in page, (text, page)
    assert rendered_text(plain(text)) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_a_value_is_one_code_span_whatever_it_holds(text):
    page = MD.render(code(text))
    assert page.count("<code>") == 1 and "<img" not in page and "<a " not in page
    shown = html.unescape(re.search(r"<code>(.*)</code>", page, re.S).group(1))
    assert " ".join(shown.split()) == " ".join(text.split())


def test_long_values_are_cut():
    assert code("x" * 500).count("x") == 120


@pytest.mark.parametrize("text", HOSTILE)
def test_engine_text_with_hostile_parts_draws_nothing(text):
    page = MD.render(safe(f"`model.base.cut_layer`: no layer {text}; try `mixed7`"))
    assert "<img" not in page and "<a " not in page and "<strong" not in page
    assert "<code>model.base.cut_layer</code>" in page


def test_a_spec_error_names_its_field_and_value_as_code():
    error = SpecError("recipe", '"""\nimport os', "a name of letters, digits, _ and -",
                      "Recipe names become file names.")
    page = MD.render(error_text(error))
    assert "<code>recipe</code>" in page
    assert page.count("<code>") == 2
    assert "Recipe names become file names." in rendered_text(error_text(error))
