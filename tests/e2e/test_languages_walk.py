"""Every page in Spanish, then in English, in Chromium: no key missing, no English left.

A Spanish browser opens the dashboard with no language in the address: every page must
speak Spanish. The text a person can read (visible text, placeholders, chart text; not
code, which stays Python) is checked for a missing key (⟦key⟧) and, in Spanish, for any
word that only the English catalog uses (or Streamlit's own English words). The sidebar's
switch then turns the same session to English, and the pages are walked again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from components.urlspec import PARAM, encode
from support import main, wait_until_idle
from tflab.recipes import RECIPES, get_recipe
from tflab.words import catalog

WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")
IDENTIFIER = re.compile(r"[\wÁÉÍÓÚÜÑáéíóúüñ]+")
# Names that are the same in both languages: Keras and its layers, the library names,
# units and the language switch's own options.
NAMES = {
    "tf", "lab", "keras", "tensorflow", "dense", "conv", "conv1d", "conv2d", "lstm", "flatten",
    "dropout", "maxpooling", "maxpooling2d", "relu", "softmax", "sigmoid", "tanh", "adam", "sgd",
    "rmsprop", "inceptionv3", "imagenet", "english", "español", "plotly", "streamlit", "grad",
    "cam", "csv", "png", "jpg", "jpeg", "mb", "kb", "id", "ok", "linear", "mse", "mae",
    "scikit", "learn",
} | {recipe.name for recipe in RECIPES}  # a recipe's name, as in ?recipe= and the command line
NOTES = Path(__file__).resolve().parents[2] / "docs" / "notas-tensorflow2.md"
# Recipe cards name the notes' sections by their Spanish titles, in both languages.
NOTES_HEADINGS = sorted({line.lstrip("#").strip() for line in re.sub(
    r"```.*?```", "", NOTES.read_text(encoding="utf-8"), flags=re.S).splitlines()
    if re.match(r"#+ \w", line)}, key=len, reverse=True)
# Streamlit's own words on its widgets, English whatever the page's language.
STREAMLIT_WORDS = {"upload", "per", "file", "files", "drag", "drop", "browse", "take", "photo",
                   "clear", "switch", "camera", "running", "allow", "access", "choose",
                   "option", "options", "results", "deploy"}
# The drawn shapes' class names are the data's labels, kept in its runs and models as a
# person's own folder names are: shown as they are in both languages.
DATA_LABELS = {"circle", "triangle", "square"}


def words_of(language: str) -> set[str]:
    """Every word of one catalog, lowercased."""
    found: set[str] = set()
    for text in catalog(language).values():
        for piece in (text if isinstance(text, list) else [text]):
            # Values put in ({name}) are not words of the language.
            found |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", piece))}
    return found


def english_only_words() -> set[str]:
    """Words the English catalog uses and the Spanish one never does, and Streamlit's.

    The notes' own words are Spanish pages' words too: the course says "overfitting",
    "batch" and "inputs", and the recipe cards quote it.
    """
    # Its prose: its code is Python, its pictures' file names (loss.png) are not words.
    prose = re.sub(r"```.*?```|`[^`]*`|<[^>]*>|\([^)]*\)", " ",
                   NOTES.read_text(encoding="utf-8"), flags=re.S)
    notes = {w.lower() for w in WORD.findall(prose)}
    return (words_of("en") - words_of("es") - NAMES - notes - DATA_LABELS) | STREAMLIT_WORDS


def spanish_only_words() -> set[str]:
    """Words only the Spanish catalog uses: none may be left on an English page."""
    return words_of("es") - words_of("en") - NAMES


# What a person can read: visible text nodes (charts' SVG text included) and placeholders,
# leaving out code blocks (Python stays Python) and what is hidden.
READABLE_JS = """() => {
    const root = document.querySelector('[data-testid="stApp"]');
    // Material icons are drawn from their names' letters (a font's ligatures): not words.
    const skip = 'pre, code, [data-testid="stCode"], [data-testid="stCodeBlock"], .modebar, '
                 + 'style, script, noscript, [data-testid="stToolbar"], '
                 + '[data-testid="stIconMaterial"], blockquote';  // quotes of the notes
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, parent = node.parentElement;
        if (!node.textContent.trim() || !parent || parent.closest(skip)) continue;
        if (!parent.checkVisibility({visibilityProperty: true, opacityProperty: false})) continue;
        out.push(node.textContent.trim());
    }
    for (const input of root.querySelectorAll('input[placeholder], textarea[placeholder]'))
        if (input.checkVisibility() && !input.value) out.push(input.placeholder);  // shown only when empty
    return out;
}"""


def readable(page: Page) -> list[str]:
    wait_until_idle(page)
    return page.evaluate(READABLE_JS)


def check_page(page: Page, where: str, foreign: set[str]) -> list[str]:
    """Problems on the page as drawn: missing keys, and words of the other language."""
    texts = readable(page)
    assert len(texts) > 3, f"{where}: the page shows almost nothing: {texts}"
    problems = [f"{where}: missing key in {text!r}" for text in texts if "⟦" in text]
    for text in texts:
        for heading in NOTES_HEADINGS:  # a section of the notes named by its own title
            text = text.replace(heading, " ")
        # A snake_case name (a recipe's, a setting's) or a run's id is not a word.
        plain = " ".join(t for t in IDENTIFIER.findall(text)
                         if "_" not in t and not any(c.isdigit() for c in t))
        left = sorted({w for w in WORD.findall(plain) if w.lower() in foreign})
        if left:
            problems.append(f"{where}: words of the other language {left} in {text!r}")
    return problems


def goto(page: Page, path: str) -> None:
    page.goto(path)
    expect(main(page).locator("h1").first).to_be_visible(timeout=90_000)
    wait_until_idle(page, timeout=90_000)


def walk(page: Page, run_id: str, foreign: set[str], lang: str = "",
         recipes: list[str] | None = None) -> list[str]:
    """Every page (Build once per recipe of `recipes`, default all), the problems each shows.

    Each address opens a new session: with `lang` the address names the language,
    without it the browser's language decides.
    """
    problems = []
    also = f"&lang={lang}" if lang else ""
    names = recipes or [recipe.name for recipe in RECIPES]
    paths = ["/?" + also[1:]] + [f"/build?recipe={name}{also}" for name in names] + [
        f"/train?run={run_id}{also}", f"/predict?run={run_id}{also}", f"/runs?{also[1:]}"]
    for path in paths:
        goto(page, path)
        problems += check_page(page, path, foreign)
    return problems


@pytest.mark.slow
def test_every_page_speaks_the_chosen_language(new_user):
    english = english_only_words()
    assert {"the", "epoch", "loss", "accuracy", "training"} <= english  # the check has teeth
    page = new_user(locale="es-ES")

    # A short multi-class run, so Train, Predict and Runs have something to show.
    spec = get_recipe("multiclass").spec.with_setting("fit.epochs", 6)
    page.goto(f"/build?{PARAM}={encode(spec)}")
    button = main(page).get_by_role("button", name="Entrenar", exact=True)
    expect(button).to_be_enabled(timeout=90_000)
    button.click()
    page.wait_for_url(re.compile(r"/train\?(.*&)?run=\w+"), timeout=90_000)
    run_id = re.search(r"run=(\w+)", page.url).group(1)
    expect(main(page).get_by_role("button", name="Detener")).to_be_disabled(timeout=120_000)
    assert "lang=es" in page.url  # the first visit followed the browser, into the address

    problems = walk(page, run_id, english)

    # The sidebar's switch turns the session to English, the address and other pages too.
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Recipes", exact=True)).to_be_visible()
    page.wait_for_url(re.compile(r"lang=en"), timeout=60_000)
    nav.get_by_role("link", name="Runs", exact=True).click()
    page.wait_for_url(re.compile(r"/runs\?(.*&)?lang=en"), timeout=60_000)
    # The address changes before the page's new run draws: read it once that run has.
    expect(main(page).get_by_role("heading", name="Runs", exact=True)).to_be_visible()
    spanish = spanish_only_words()
    problems += check_page(page, "Runs, reached from the sidebar", spanish)
    # Build in English for the two recipes whose forms differ most (pictures with
    # augmentation; a series): every recipe's form is walked in Spanish above, and the
    # words of both languages come from the same keys (tests/engine/test_words.py).
    problems += walk(page, run_id, spanish, lang="en", recipes=["cnn", "time_series"])
    assert not problems, "\n".join(problems)
