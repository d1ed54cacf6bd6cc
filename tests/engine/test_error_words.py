"""The engine's errors in words: structured, English as before, said in Spanish too.

A SpecError carries what is allowed and a hint as phrases; the other errors a person reads
carry `phrase`. Here: every key they name is in both catalogs (also the keys built from a
setting's kind), the English reads as it always did, and the Spanish is whole (no ⟦key⟧,
no value left out, numbers written the Spanish way).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import tflab.data.catalog as data_catalog
from tflab.data.csvfiles import CsvUploadError, read_csv_text, store_csv
from tflab.data.dataset import DatasetUnavailable
from tflab.data.folders import read_record
from tflab.data.zip_import import UploadError, import_zip
from tflab.files import FileTooLarge, read_capped
from tflab.params import Amount, Param
from tflab.recipes import RECIPES, get_recipe
from tflab.spec import LAYER_TYPES, ExperimentSpec, SpecError, declared
from tflab.spec.augmentation import AugmentationSpec
from tflab.spec.model import BaseSpec
from tflab.spec.training import CompileSpec, FitSpec
from tflab.words import Phrase, Words, catalog

ROOT = Path(__file__).resolve().parents[2]
ES, EN = Words.load("es"), Words.load("en")
# Keys the code builds from a value: Param's number phrases, the task kinds, what a layer takes.
BUILT = ([f"allowed.{noun}{end}" for noun in ("whole", "finite") for end in ("", "_between", "_bounded")]
         + [f"allowed.task.{kind}" for kind in ("binary", "multiclass")]
         + [f"errors.takes.{what}" for what in ("images", "sequences", "augmentation")])
_NAMED = re.compile(r"""["']((?:allowed|errors)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)["']""")


def _named_keys() -> set[str]:
    """Every "allowed.…" / "errors.…" string the code holds, passed to Phrase or not."""
    found = set()
    for folder in ("tflab", "components"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(_NAMED.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_error_key_is_in_the_catalog(language):
    keys = _named_keys() | set(BUILT)
    assert len(keys) > 100  # the scan finds them
    absent = sorted(k for k in keys if not isinstance(catalog(language).get(k), str))
    assert not absent


def test_no_text_formats_its_values_itself():
    """A number is written the reader's way by its Amount, never by a format in the text."""
    for language in ("es", "en"):
        for key, text in catalog(language).items():
            if isinstance(text, str):
                assert all(not spec for _, name, spec, _ in string.Formatter().parse(text)
                           if name), key


def _all_params() -> list[Param]:
    params = [p for cls in (FitSpec, CompileSpec, AugmentationSpec, BaseSpec) for p in declared(cls)]
    params += [p for kind in LAYER_TYPES.values() for p in kind.params]
    params += [p for info in data_catalog.CATALOG.values() for p in info.options]
    return params


@pytest.mark.parametrize("param", _all_params(), ids=lambda p: p.name)
def test_every_setting_says_what_it_allows_in_both_languages(param):
    spanish, english = ES.say(param.describe()), EN.say(param.describe())
    assert "⟦" not in spanish and "⟦" not in english
    assert spanish != english or param.choices  # a list of choices may read the same


@pytest.mark.parametrize("param, english, spanish", [
    (Param("units", 32, "", low=1, high=8192), "a whole number from 1 to 8192",
     "un número entero de 1 a 8192"),
    (Param("rate", 0.5, "", low=0.0, high=1.0, high_open=True),
     "a finite number at least 0 and less than 1",
     "un número finito mayor o igual que 0 y menor que 1"),
    (Param("lr", 0.01, "", low=0.0, low_open=True, high=0.5), "a finite number greater than 0 and at most 0.5",
     "un número finito mayor que 0 y menor o igual que 0,5"),
    (Param("seed", 1, ""), "a whole number", "un número entero"),
    (Param("on", True, ""), "true or false", "verdadero o falso (true o false)"),
    (Param("pick", "a", "", choices=("a", "b"), optional=True), "one of 'a', 'b' (or empty)",
     "uno de estos: 'a', 'b' (o vacío)"),
])
def test_describe_reads_as_before_in_english_and_in_spanish(param, english, spanish):
    assert str(param.describe()) == english
    assert ES.say(param.describe()) == spanish


def test_a_spec_error_keeps_its_english_message_and_its_phrases_under_a_prefix():
    with pytest.raises(SpecError) as caught:
        FitSpec(epochs=0)
    error = caught.value.under("fit")
    assert str(error).startswith("`fit.epochs` must be a whole number from 1 to ")
    assert isinstance(error.allowed, Phrase)
    assert ES.say(error.allowed).startswith("un número entero de 1 a ")


def test_plain_strings_are_still_accepted():
    error = SpecError("recipe", "x", "a recipe name", "Pick one.")
    assert str(error) == "`recipe` must be a recipe name; received 'x'. Pick one."
    assert ES.say(error.allowed) == "a recipe name"


def test_amounts_read_the_language_s_way():
    assert f"{Amount(64_000_000, ',')}" == "64,000,000"
    assert Amount(64_000_000, ',').said(ES) == "64.000.000"
    assert Amount(0.25).said(ES) == "0,25"


def _bad_specs():
    """Specs a person (or a link) might give, each wrong in a different way."""
    base = get_recipe(RECIPES[0].name).spec
    yield lambda: base.with_setting("fit.epochs", 0)
    yield lambda: base.with_setting("fit.nope", 1)
    yield lambda: base.with_setting("model.layers[99].units", 1)
    yield lambda: base.with_setting("compile.optimizer", "sgdx")
    yield lambda: base.with_setting("model.layers[0].units", 100_000)
    yield lambda: base.with_setting("recipe", "x'; import os")
    yield lambda: ExperimentSpec.from_json("{not json")
    yield lambda: ExperimentSpec.from_dict({"data": {"dataset": "nope"}})
    yield lambda: ExperimentSpec.from_dict({"data": {"dataset": "series", "options": {"window": 10_000}}})
    yield lambda: ExperimentSpec.from_dict({"model": {"layers": [{"type": "Dense", "colour": 1}]}})
    yield lambda: ExperimentSpec.from_dict({"model": {"input_shape": [28, 28, 1], "layers": [
        {"type": "Dense", "units": 8192}, {"type": "Dense", "units": 8192}]}})
    yield lambda: ExperimentSpec.from_dict({"model": {"input_shape": [4], "layers": [
        {"type": "Conv2D"}]}})
    yield lambda: ExperimentSpec.from_dict({"data": {"dataset": "folder"}})


@pytest.mark.parametrize("make", list(_bad_specs()))
def test_spec_errors_are_whole_in_spanish(make):
    with pytest.raises(SpecError) as caught:
        make()
    error = caught.value
    spanish = ES.say(error.allowed) + " " + ES.say(error.hint)
    assert "⟦" not in spanish and "⟦" not in str(error)
    assert str(error).startswith(f"`{error.field}` must be {EN.say(error.allowed)}; received ")


def test_the_parameter_budget_is_grouped_the_spanish_way():
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict({"model": {"input_shape": [28, 28, 1], "layers": [
            {"type": "Flatten"}, {"type": "Dense", "units": 8192}, {"type": "Dense", "units": 8192}]}})
    error = caught.value
    assert "within 64,000,000 parameters" in str(error)
    assert ES.say(error.allowed) == "una capa que mantenga el modelo dentro de 64.000.000 parámetros"
    assert "parámetros y lleva el modelo a" in ES.say(error.hint)


def _raised(make) -> BaseException:
    try:
        make()
    except Exception as error:  # noqa: BLE001 - the test looks at whatever it raised
        return error
    raise AssertionError("nothing was raised")


def test_upload_and_file_errors_carry_their_phrase(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 100)
    cases = [
        (lambda: store_csv(b"", "sales.csv", tmp_path), CsvUploadError,
         "'sales.csv' is empty.", "'sales.csv' está vacío."),
        (lambda: store_csv(b"\xff\xfe", "sales.csv", tmp_path), CsvUploadError,
         "'sales.csv' is not UTF-8 text: save it as CSV (UTF-8) and upload it again.",
         "'sales.csv' no es texto UTF-8: guárdalo como CSV (UTF-8) y vuelve a subirlo."),
        (lambda: import_zip(b"not a zip", "pets.zip", tmp_path), UploadError,
         "'pets.zip' is not a zip file, or a damaged one; upload a .zip of class folders "
         "(cats/1.jpg, dogs/2.png).", "'pets.zip' no es un archivo zip, o está dañado; sube un "
         ".zip con una carpeta por clase (gatos/1.jpg, perros/2.png)."),
        (lambda: import_zip(b"x" * 3_000_000, "pets.zip", tmp_path, max_bytes=2_621_440), UploadError,
         "'pets.zip' is 2.9 MB; the limit is 2.5 MB.", "'pets.zip' ocupa 2,9 MB; el límite es 2,5 MB."),
        (lambda: read_record("zz", tmp_path), DatasetUnavailable,
         "'zz' is not a dataset id (12 hex digits); upload the zip to get one.",
         "'zz' no es un id de conjunto de datos (12 dígitos hexadecimales); sube el zip para obtener uno."),
        (lambda: read_capped(big, 10, "big.csv"), FileTooLarge,
         "big.csv is over the limit of 10 bytes.", "big.csv supera el límite de 10 bytes."),
    ]
    for make, kind, english, spanish in cases:
        error = _raised(make)
        assert isinstance(error, kind) and str(error) == english
        assert ES.say(error.phrase) == spanish


def test_an_error_inside_another_is_said_in_the_same_language(tmp_path):
    error = _raised(lambda: read_csv_text("3fa2b1c4d5e6", tmp_path))
    assert isinstance(error, DatasetUnavailable)
    assert ES.say(error.phrase).startswith("No hay ningún CSV 3fa2b1c4d5e6 en el almacén de TF Lab")
    (tmp_path / "datasets" / "csv").mkdir(parents=True)
    (tmp_path / "datasets" / "csv" / "3fa2b1c4d5e6.csv").write_bytes(b"x" * (21 * 2**20))
    error = _raised(lambda: read_csv_text("3fa2b1c4d5e6", tmp_path))
    assert str(error).startswith("The CSV 3fa2b1c4d5e6 cannot be read: The CSV 3fa2b1c4d5e6 is over")
    assert ES.say(error.phrase).startswith(
        "El CSV 3fa2b1c4d5e6 no se puede leer: El CSV 3fa2b1c4d5e6 supera el límite de")


def test_a_base_model_is_named_in_the_reader_s_language():
    base = BaseSpec("run", "run:r1", "layer_2_dense", 0)
    assert base.model_label == "run r1's model"
    assert ES.say(base.model_phrase) == "el modelo de la ejecución r1"
