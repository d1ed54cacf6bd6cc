"""The Recipes page: one card per recipe, each opening in Build, without TensorFlow."""

import json
import subprocess
import sys

import pytest

from apptest_support import ROOT, no_exception, open_page, texts
from every_text import missing_keys
from shown import shown
from components.urlspec import decode
from tflab.recipes import RECIPES, get_recipe

# Runs in a fresh interpreter: this test process may have imported TensorFlow already.
FIRST_PAGE_MODULES = f"""
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=60)
at.run()
print(json.dumps({{"exception": [e.message for e in at.exception],
                  "title": [t.value for t in at.title],
                  "tensorflow": "tensorflow" in sys.modules,
                  "keras": "keras" in sys.modules}}))
"""


def test_first_page_renders_without_importing_tensorflow(tflab_home):
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE_MODULES], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"exception": [], "title": ["TF Lab"], "tensorflow": False, "keras": False}


def test_one_card_per_recipe():
    at = no_exception(open_page())

    assert sorted(texts(at.subheader)) == sorted(str(r.title) for r in RECIPES)
    assert sorted(b.key for b in at.button if b.label == "Open in Build") == \
        sorted(f"open.{r.name}" for r in RECIPES)
    assert sorted(texts(at.code)) == sorted(r.code for r in RECIPES)


@pytest.mark.parametrize("recipe", [r.name for r in RECIPES])
def test_open_in_build_loads_the_recipe(recipe):
    at = no_exception(open_page())

    no_exception(at.button(key=f"open.{recipe}").click().run())

    assert texts(at.title) == ["Build"]
    assert at.caption[0].value.startswith(f"Recipe: {recipe}.")
    assert not at.error
    assert decode(at.query_params["spec"]) == get_recipe(recipe).spec


def _quotes(at) -> list[str]:
    return [shown(m.value) for m in at.markdown if m.value.startswith("> ")]


def test_in_spanish_every_card_speaks_spanish_and_quotes_the_notes():
    from tflab.words import Words

    es = Words.load("es")
    at = no_exception(open_page(lang="es"))

    assert sorted(texts(at.subheader)) == sorted(es.say(r.title) for r in RECIPES)
    assert "Regresión lineal: y = 2x - 1" in texts(at.subheader)
    assert {b.label for b in at.button if b.key.startswith("open.")} == {"Abrir en Construir"}
    assert {e.label for e in at.expander} == {"El código de los apuntes, en el Keras de hoy"}
    quotes = _quotes(at)
    assert len(quotes) == len(RECIPES)
    for recipe in RECIPES:  # the notes' words as written, their code spans as code
        said = " ".join([f"De los apuntes · {recipe.notes_heading}",
                         *(p.replace("`", "") for p in recipe.notes_quote)])
        assert said in quotes, recipe.name
    assert not missing_keys(at)


def test_in_english_the_quote_stays_in_spanish_under_an_english_label():
    at = no_exception(open_page(lang="en"))

    [quote] = [q for q in _quotes(at) if "multi clase" in q]
    assert quote == ("From the notes · Construir modelo de clasificacion multi clase "
                     "Para la clasificacion de multiclase cambiamos la activacion de la "
                     "ultima capa por softmax.")
    assert not missing_keys(at)
