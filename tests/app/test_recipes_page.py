"""The Recipes page: one card per recipe, each opening in Build, without TensorFlow."""

import json
import subprocess
import sys

import pytest

from apptest_support import ROOT, no_exception, open_page, texts
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
