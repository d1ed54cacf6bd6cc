"""The datasets' words for people: each title and description in both languages."""

import pytest

from tflab.data.catalog import CATALOG, dataset_description, dataset_title
from tflab.words import LANGUAGES, Words


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dataset_is_named_and_described_in_both_languages(language):
    w = Words.load(language)
    for name in CATALOG:
        assert w.has(dataset_title(name).key) and w.has(dataset_description(name).key), name


def test_the_english_words_are_the_catalog_s_own():
    for name, info in CATALOG.items():
        assert str(dataset_title(name)) == info.title
        assert str(dataset_description(name)) == info.description


def test_spanish_names_a_dataset_in_spanish():
    assert Words.load("es").say(dataset_title("folder")) == "Tus propias imágenes"
