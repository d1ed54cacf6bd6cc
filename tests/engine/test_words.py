"""The catalogs: the same keys and values in both languages, and every key the code names.

A key the code uses must be in both catalogs; a text in one language must put in the same
{values} as in the other, or a page would show a ⟦name⟧ in one language only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tflab.words import LANGUAGES, Phrase, Words, catalog, language_of, missing, placeholders

ROOT = Path(__file__).resolve().parents[2]
# t("key"), count("key", n), Phrase("key"), w("key"), words()("key"), .count("key"
_USED = re.compile(r"""(?:\b(?:t|count|Phrase|w|_t)\(|\bwords\(\)\(|\.count\()\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def _code_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("app_pages", "components", "tflab"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def used_keys() -> dict[str, str]:
    """Each literal key in the code, with the file that uses it."""
    found = {}
    for path in _code_files():
        for key in _USED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def test_both_catalogs_have_the_same_keys():
    es, en = set(catalog("es")), set(catalog("en"))
    assert not es - en, f"only in es.toml: {sorted(es - en)}"
    assert not en - es, f"only in en.toml: {sorted(en - es)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_empty(language):
    empty = [k for k, v in catalog(language).items() if v in ("", [])]
    assert not empty


def test_texts_put_in_the_same_values_in_both_languages():
    es, en = catalog("es"), catalog("en")
    differing = {key: (sorted(placeholders(en[key])), sorted(placeholders(es[key])))
                 for key in en if isinstance(en[key], str) and isinstance(es.get(key), str)
                 and placeholders(en[key]) != placeholders(es[key])}
    assert not differing


def test_lists_have_the_same_length():
    es, en = catalog("es"), catalog("en")
    assert all(len(es[k]) == len(v) for k, v in en.items() if isinstance(v, list))


def test_counted_keys_have_both_forms():
    keys = set(catalog("en"))
    counted = {k.rsplit(".", 1)[0] for k in keys if k.endswith((".one", ".other"))}
    assert all(f"{k}.one" in keys and f"{k}.other" in keys for k in counted)


def test_every_key_the_code_names_is_in_the_catalogs():
    keys = set(catalog("en"))
    used = used_keys()
    assert len(used) >= 7  # the scan finds the keys at all (app.py's page titles at least)
    absent = {key: where for key, where in used.items() if key not in keys
              and not any(k.startswith(key + ".") for k in keys)}  # counted keys
    assert not absent, f"keys named in the code but in no catalog: {absent}"


def test_spanish_is_not_english_copied():
    """A text left in English in es.toml is found: most texts differ between the two."""
    es, en = catalog("es"), catalog("en")
    same = [k for k, v in en.items() if isinstance(v, str) and es[k] == v and len(v) > 12
            and " " in v and re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", v))]  # words, not only {values}
    assert not same, f"the same English sentence in es.toml: {same[:10]}"


def test_missing_key_and_missing_value_show_as_such():
    words = Words.load("es")
    assert words("nothing.here") == missing("nothing.here")
    assert words("common.epoch_of", epoch=1) == "Época 1 de ⟦epochs⟧"


def test_phrases_nest_and_read_in_english_by_default():
    inner = Phrase("common.epochs.other", {"n": 4})
    outer = Phrase("common.epoch_of", {"epoch": inner, "epochs": 9})
    assert str(outer) == "Epoch 4 epochs of 9"
    assert Words.load("es").say(outer) == "Época 4 épocas de 9"


@pytest.mark.parametrize("value, digits, es, en", [
    (0.5, 2, "0,50", "0.50"), (1234.5, 1, "1234,5", "1,234.5"),
    (12345.25, 2, "12.345,25", "12,345.25"), (-98765, 0, "-98.765", "-98,765"), (7, None, "7", "7"),
])
def test_numbers_are_written_the_language_s_way(value, digits, es, en):
    assert Words.load("es").number(value, digits) == es
    assert Words.load("en").number(value, digits) == en


def test_dates_name_the_month_in_the_language():
    import datetime as dt
    moment = dt.datetime(2026, 1, 30, 8, 5)
    assert Words.load("es").date(moment) == "30 ene 2026, 08:05"
    assert Words.load("en").date(moment) == "30 Jan 2026, 08:05"


def test_browser_locale_picks_the_language():
    assert [language_of(x) for x in ("es", "es-MX", "ES_es", "en-US", "de", "", None)] == \
        ["es", "es", "es", "en", "en", "en", "en"]
