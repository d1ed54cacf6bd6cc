"""error_text in the reader's language: a SpecError worded from its parts, other engine
errors from their phrase, and the English exactly as it always read."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _errors_page():
    """A page that says some engine errors with error_text, in the address's language."""
    import streamlit as st

    from components.language import language
    from components.messages import error_text
    from tflab.data.csvfiles import CsvUploadError
    from tflab.data.dataset import DatasetUnavailable
    from tflab.spec import FitSpec, SpecError
    from tflab.spec.model import ModelSpec
    from tflab.words import Phrase

    language()
    errors = []
    try:
        FitSpec(epochs=0)
    except SpecError as error:
        errors.append(error.under("fit"))
    try:
        ModelSpec.from_dict({"input_shape": [28, 28, 1], "layers": [
            {"type": "Flatten"}, {"type": "Dense", "units": 8192}, {"type": "Dense", "units": 8192}]})
    except SpecError as error:
        errors.append(error)
    errors.append(SpecError("recipe", "x**y**", "a recipe name"))
    errors.append(CsvUploadError(Phrase("errors.csv.no_rows", {"name": "'**sales**.csv'"})))
    errors.append(DatasetUnavailable(Phrase("errors.dataset.not_an_id", {"id": "'zz'"})))
    for error in errors:
        st.markdown(error_text(error))


def _said(lang: str | None) -> list[str]:
    at = AppTest.from_function(_errors_page)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    return [m.value for m in at.markdown]


def test_engine_errors_read_in_spanish():
    epochs, budget, recipe, csv, dataset = _said("es")
    assert epochs.startswith("`fit.epochs` debe ser un número entero de 1 a ")
    assert epochs.endswith("; se recibió `0`.")
    assert "debe ser una capa que mantenga el modelo dentro de 64\\.000\\.000 parámetros" in budget
    assert "Esta capa Dense tiene" in budget and "Usa menos neuronas o filtros" in budget
    assert recipe == "`recipe` debe ser a recipe name; se recibió `'x**y**'`."  # a str stays as given
    assert csv == "\\'\\*\\*sales\\*\\*\\.csv\\' no tiene filas\\."  # the file's name escaped
    assert dataset.startswith("\\'zz\\' no es un id de conjunto de datos")
    assert not any("⟦" in text for text in (epochs, budget, recipe, csv, dataset))


@pytest.mark.parametrize("lang", [None, "en"])
def test_english_reads_as_it_always_did(lang):
    epochs, budget, recipe, csv, dataset = _said(lang)
    assert epochs.startswith("`fit.epochs` must be a whole number from 1 to ")
    assert epochs.endswith("; received `0`.")
    assert budget.startswith("`layers[2]` must be a layer that keeps the model within 64\\,000\\,000 "
                             "parameters; received `67117056`. This Dense layer holds")
    assert recipe == "`recipe` must be a recipe name; received `'x**y**'`."
    assert csv == "\\'\\*\\*sales\\*\\*\\.csv\\' has no rows\\."
    assert dataset.startswith("\\'zz\\' is not a dataset id")
