"""The engine's sentences shown on Predict carry phrases: English as `str`, Spanish on a page.

Each error a person reads keeps today's English message (`str(error)`) and carries
`phrase`, which `components.messages.error_text` says in the reader's language.
"""

from __future__ import annotations

import numpy as np
import pytest

from tflab.words import Phrase, Words

ES = Words.load("es")


def spanish(error: BaseException) -> str:
    assert isinstance(error.phrase, Phrase)
    assert str(error) == str(error.phrase)  # the message is the phrase's English
    said = ES.say(error.phrase)
    assert "⟦" not in said, said
    return said


def test_an_image_error_says_why_in_spanish_with_the_file_s_name():
    from tflab.images import ImageInputError, read_image

    with pytest.raises(ImageInputError) as caught:
        read_image(b"", name="vacía.png")
    assert str(caught.value).startswith("'vacía.png' is empty (0 bytes)")
    assert spanish(caught.value) == ("'vacía.png' está vacío (0 bytes); sube un archivo de "
                                     "imagen (se aceptan: PNG, JPEG, WebP, BMP, GIF, TIFF).")


def test_a_picture_over_the_limit_writes_its_megapixels_the_language_s_way():
    import io

    from PIL import Image

    from tflab.images import ImageInputError, read_image

    buffer = io.BytesIO()
    Image.new("L", (1000, 500)).save(buffer, "PNG")
    with pytest.raises(ImageInputError) as caught:
        read_image(buffer.getvalue(), name="big.png", max_pixels=250_000)
    assert str(caught.value) == ("'big.png' is 1000x500 pixels (0.5 megapixels); the limit is "
                                 "0.2 megapixels.")
    assert spanish(caught.value) == ("'big.png' mide 1000x500 píxeles (0,5 megapíxeles); el "
                                     "límite es de 0,2 megapíxeles.")


def test_weights_errors_name_the_person_s_file_in_both_languages(tmp_path):
    from tflab.weights import WeightsUploadError, store_model, store_weights

    with pytest.raises(WeightsUploadError) as caught:
        store_weights(b"x", "notes.txt", tmp_path)
    assert spanish(caught.value) == "'notes.txt' no es un archivo .h5 ni .weights.h5."
    with pytest.raises(WeightsUploadError) as caught:
        store_model(b"PK\x03\x04 not really", "mine.keras", tmp_path)
    assert str(caught.value).startswith("mine.keras is not a Keras model file")
    assert spanish(caught.value).startswith("mine.keras no es un archivo de modelo de Keras")


def test_a_missing_model_file_is_said_in_spanish(tmp_path):
    from tflab.models import ModelFileError, load_model

    with pytest.raises(ModelFileError) as caught:
        load_model(tmp_path / "gone.keras")
    assert spanish(caught.value).startswith("No hay ningún archivo de modelo en ")


def test_a_download_error_is_said_in_spanish(tmp_path, monkeypatch):
    from tflab import imagenet

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(imagenet.DownloadError) as caught:
        imagenet.download("MobileNetV2", origin="http://127.0.0.1:9/none.h5", timeout=2)
    assert "cannot be reached from here" in str(caught.value)
    assert "no se puede llegar a 127.0.0.1:9 desde aquí" in spanish(caught.value)


def test_a_hesitant_answer_is_said_in_both_languages():
    from tflab.unsure import unsure_phrase, unsure_reason

    view, probabilities, names = np.zeros((8, 8, 1)), np.array([0.3, 0.25, 0.45]), "abc"
    phrase = unsure_phrase(view, probabilities, names)
    assert str(phrase) == unsure_reason(view, probabilities, names) == (
        "The model hesitates: its top answer, c, has only 45%, under 67% with 3 classes.")
    assert ES.say(phrase) == ("El modelo duda: su respuesta más probable, c, solo tiene un "
                              "45\u00a0%, menos del 67\u00a0% con 3 clases.")
    assert unsure_phrase(view, np.array([0.02, 0.03, 0.95]), names) is None


def test_the_heat_map_s_method_is_said_in_spanish():
    import keras

    from tflab.gradcam import method

    dense = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    found = method(dense)
    assert found.note == str(found.phrase) and "no convolution layer" in found.note
    assert ES.say(found.phrase).startswith("El modelo no tiene ninguna capa de convolución")


def test_an_evaluation_error_is_said_in_spanish():
    from tflab.evaluate import EvaluationError

    error = EvaluationError(Phrase("evaluation.errors.not_a_classifier", {"kind": "series"}))
    assert isinstance(error, ValueError)
    assert spanish(error) == ("La evaluación es para clasificadores; este conjunto de datos es "
                              "de tipo series.")
