"""tflab.models: a model file that cannot be loaded is said plainly, whatever is wrong with it.
(Loading a run's model, at its final or a kept epoch: tests/engine/test_open_run.py.)"""

import keras
import pytest

from tflab.models import ModelFileError, load_model


def test_a_file_that_is_not_a_model_gets_a_clear_message(tmp_path):
    fake = tmp_path / "model.keras"
    fake.write_text("not a model")
    with pytest.raises(ModelFileError, match="not a Keras model file"):
        load_model(fake)
    with pytest.raises(ModelFileError, match="no model file"):
        load_model(tmp_path / "missing.keras")


def test_a_model_holding_a_python_lambda_is_refused_with_the_reason(tmp_path):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1),
                              keras.layers.Lambda(lambda x: x * 400)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ModelFileError, match="lambda") as caught:
        load_model(path)
    assert "Rescaling" in str(caught.value)
