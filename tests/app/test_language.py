"""The language switch: the address, the session and the browser pick the words."""

from __future__ import annotations

from apptest_support import no_exception, open_page


def _sidebar_captions(at) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def test_the_address_picks_spanish_and_the_switch_goes_back_to_english():
    at = no_exception(open_page(lang="es"))
    assert "Nada se entrena. Elige una receta para empezar." in _sidebar_captions(at)
    switch = at.sidebar.button_group[0]
    assert switch.label == "Idioma" and switch.value == "es"
    switch.set_value("en").run()
    no_exception(at)
    assert "Nothing training. Pick a recipe to start." in _sidebar_captions(at)
    assert at.query_params["lang"] == "en"


def test_the_choice_stays_for_the_session_on_another_page():
    at = no_exception(open_page(lang="es"))
    at.query_params.clear()  # a link inside the app drops the address's parameters
    at.switch_page("app_pages/runs.py").run()
    no_exception(at)
    assert at.sidebar.button_group[0].value == "es"
    assert at.query_params["lang"] == "es"  # and the address carries it again


def test_an_unknown_language_in_the_address_is_ignored():
    at = no_exception(open_page(lang="xx"))
    assert at.sidebar.button_group[0].value == "en"  # no browser here: the default
    assert at.query_params["lang"] == "en"
