"""Predict and the evaluation gallery in Spanish (`?lang=es`): every word from the catalog.

Each test walks the whole page (every element's message, widget labels, options, help,
captions of pictures) for a ⟦key⟧, the mark of a key missing from the catalog.
"""

import numpy as np
import pytest
from google.protobuf import text_format
from PIL import Image

from apptest_support import no_exception, open_page, png_bytes, texts, train_now
from components.messages import plain
from drawings import png_bytes as drawing_png
from shown import shown
from tflab.recipes import get_recipe
from tflab.words import LANGUAGES, Words

PREDICT = "app_pages/predict.py"


@pytest.fixture(scope="module")
def trained(lab_home):
    """A short linear run and a 2-epoch digits run, trained once for the module."""
    from tflab.store import RunStore

    with RunStore(lab_home) as store:
        return {"linear": train_now(store, get_recipe("linear").spec
                                    .with_setting("fit.epochs", 20)),
                "multiclass": train_now(store, get_recipe("multiclass").spec
                                        .with_setting("fit.epochs", 2))}


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def page_text(at) -> str:
    """Everything the page holds, as its protos say it (labels, options, help, captions)."""
    return "\n".join(text_format.MessageToString(node.proto, as_utf8=True)
                     for node in _nodes(at._tree) if getattr(node, "proto", None) is not None)


def no_missing_key(at):
    no_exception(at)
    found = page_text(at)
    assert "⟦" not in found, found[max(0, found.index("⟦") - 200):found.index("⟦") + 200]
    return at


def test_without_a_run_the_page_says_so_in_spanish():
    at = no_missing_key(open_page(PREDICT, lang="es"))
    assert [t.value for t in at.title] == ["Predecir"]
    assert texts(at.info) == ["Aún no hay ninguna ejecución terminada con un modelo. "
                              "Entrena primero una receta."]


def test_typed_numbers_are_answered_in_spanish(lab, trained):
    at = no_missing_key(open_page(PREDICT, run=trained["linear"], lang="es"))

    assert at.selectbox(key="predict.run").label == "Ejecución"
    assert "Escribe aquí las entradas; añade filas al final." in texts(at.caption)
    assert "Las respuestas del modelo" in texts(at.caption)
    [answers] = [f.value for f in at.dataframe if "predicción" in f.value.columns]
    assert list(answers["x"]) == [10.0, 0.0, -1.0]
    metrics = {m.label: m for m in at.metric}
    weight = metrics["Peso aprendido"]
    assert "," in weight.value and "." not in weight.value  # 1,9731: a decimal comma
    assert weight.delta.endswith(" respecto a 2")
    assert metrics["Sesgo aprendido"].delta.endswith(" respecto a -1")


def test_pictures_their_errors_and_doubts_are_in_spanish(lab, trained):
    from tflab.data import load_dataset

    digit = png_bytes(load_dataset("digits", {}, 0.2, 42).x_val[0])
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (120, 160, 3),
                                                              dtype=np.uint8))
    at = no_missing_key(open_page(PREDICT, run=trained["multiclass"], lang="es"))
    assert "Sube una o más imágenes de: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9." in \
        [shown(text) for text in texts(at.main.caption)]
    assert at.file_uploader(key="predict.files").label == "Imágenes"

    at.file_uploader(key="predict.files").set_value([
        ("digit.png", digit, "image/png"),
        ("notes.png", b"Shopping list: milk, eggs.", "image/png"),
        ("empty.png", b"", "image/png"),
        ("noise.png", drawing_png(noise), "image/png")])
    no_missing_key(at.run())

    errors = [shown(text) for text in texts(at.error)]
    assert errors == [
        "'notes.png' no es una imagen: Pillow no puede leerlo (se aceptan: PNG, JPEG, WebP, "
        "BMP, GIF, TIFF).",
        "'empty.png' está vacío (0 bytes); sube un archivo de imagen (se aceptan: PNG, JPEG, "
        "WebP, BMP, GIF, TIFF)."]
    warnings = [shown(text) for text in texts(at.warning)]  # the digit may be hesitant too
    assert all(text.startswith("Respuesta dudosa. ") for text in warnings)
    assert warnings[-1] == ("Respuesta dudosa. No se parece a las imágenes de entrenamiento: su "
                            "fondo no es liso, como sí lo es el de ellas.")
    assert [caption for image in at.image for caption in image.captions] == \
        [plain("digit.png"), "lo que ve el modelo", plain("noise.png"), "lo que ve el modelo"]
    radios = [radio for radio in at.radio if radio.key.startswith("predict.colours.")]
    assert radios and all(r.label == "Colores" and r.options == ["Automático", "Tal cual",
                                                                 "Invertidos"] for r in radios)

    at.toggle(key="predict.looked").set_value(True)
    no_missing_key(at.run())
    assert at.toggle(key="predict.looked").label == "Dónde miró el modelo"
    assert any(shown(text).startswith("El modelo no tiene ninguna capa de convolución")
               for text in texts(at.caption))
    assert [c for image in at.image for c in image.captions].count("dónde miró el modelo") == 2


def test_an_epoch_not_kept_is_said_in_spanish(lab, trained):
    at = no_missing_key(open_page(PREDICT, run=trained["linear"], epoch="7", lang="es"))
    assert [shown(text) for text in texts(at.warning)] == [
        "Los pesos de la época 7 no se guardaron; este es el modelo final."]


def test_the_evaluation_gallery_is_in_spanish(lab, trained):
    at = no_missing_key(open_page("app_pages/train.py", run=trained["multiclass"], lang="es"))
    run_id = trained["multiclass"]
    assert at.selectbox(key=f"evaluate.true.{run_id}").label == "Clase real"
    assert at.selectbox(key=f"evaluate.predicted.{run_id}").label == "Predicha como"
    [accuracy] = [m for m in at.metric if m.label == "Precisión de validación"]
    assert accuracy.value.endswith("\u00a0%") and "," in accuracy.value
    [table] = [f.value for f in at.dataframe if "clase" in f.value.columns]
    assert list(table.columns) == ["clase", "precisión (precision)", "exhaustividad (recall)"]
    assert all("." not in value for value in table["exhaustividad (recall)"])  # "0,93"
    assert any("ejemplo(s) de validación de la clase" in shown(c) for c in texts(at.caption))

    at.toggle(key=f"evaluate.looked.{run_id}").set_value(True)
    no_missing_key(at.run())
    assert at.toggle(key=f"evaluate.looked.{run_id}").label == "Dónde miró el modelo"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_built_from_a_name_is_in_the_catalog(language):
    """Keys made in code from a name (f-strings) that tests/engine/test_words.py cannot see."""
    from tflab.prepare import COLOURS
    from tflab.unsure import _WORDS

    words = Words.load(language)
    built = [f"predict.colours.{choice}" for choice in COLOURS] + \
        [f"predict.unsure.{key}" for pair in _WORDS.values() for key in pair]
    assert all(words.has(key) for key in built), [k for k in built if not words.has(k)]
