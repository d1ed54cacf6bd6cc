"""The datasets' words for people: each title, description and option help in both languages."""

import pytest

from tflab.data.catalog import CATALOG, dataset_description, dataset_title, option_help
from tflab.words import LANGUAGES, Words


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dataset_and_option_is_described_in_both_languages(language):
    w = Words.load(language)
    for name, info in CATALOG.items():
        phrases = [dataset_title(name), dataset_description(name),
                   *(option_help(name, p.name) for p in info.options)]
        assert all(w.has(phrase.key) for phrase in phrases), name


def test_the_english_words_are_the_catalog_s_own():
    for name, info in CATALOG.items():
        assert str(dataset_title(name)) == info.title
        assert str(dataset_description(name)) == info.description
        assert all(str(option_help(name, p.name)) == p.help for p in info.options)


def test_spanish_names_a_dataset_in_spanish():
    es = Words.load("es")
    assert es.say(dataset_title("folder")) == "Tus propias imágenes"
    assert es.say(option_help("shapes", "image_size")) == "Lado de cada imagen, en píxeles."
