"""Tests for components.spec_ui.section_of: each setting's error goes beside its section."""

import copy

import pytest
from streamlit.testing.v1 import AppTest

from components.spec_ui import section_of
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec, SpecError


def error_for(field: str) -> SpecError:
    return SpecError(field, 0, "something else")


@pytest.mark.parametrize("field, section", [
    ("data.dataset", "data"),
    ("data.options.noise", "data"),
    ("data.validation_split", "data"),
    ("model.input_shape", "model"),
    ("model.layers[2].units", "model"),
    ("model.base.name", "model"),
    ("compile.learning_rate", "compile"),
    ("fit.epochs", "fit"),
    ("augmentation.rotation_range", "augmentation"),
    ("seed", "seed"),
    ("layers[0].units", "model"),  # anything else is about the model
    ("spec", "model"),
])
def test_section_of_a_field(field, section):
    assert section_of(error_for(field)) == section


@pytest.mark.parametrize("path, value, section", [
    (("data", "validation_split"), 0.99, "data"),
    (("model", "layers", 1, "units"), 0, "model"),
    (("model", "input_shape"), [0], "model"),
    (("compile", "learning_rate"), -1.0, "compile"),
    (("compile", "loss"), "hinge?", "compile"),
    (("fit", "epochs"), 0, "fit"),
    (("augmentation", "rotation_range"), -5.0, "augmentation"),
    (("seed",), -1, "seed"),
])
def test_section_of_the_engines_own_errors(path, value, section):
    data = copy.deepcopy(get_recipe("multiclass").spec.to_dict())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(data)

    assert section_of(caught.value) == section


def _experiment_form():
    import streamlit as st

    from components.spec_ui import experiment_ui
    from tflab.recipes import get_recipe

    places = {}
    experiment_ui(get_recipe("multiclass").spec.to_dict(), "v1", places)
    st.session_state["places"] = sorted(places)


def test_every_section_named_has_a_place_on_the_form():
    at = AppTest.from_function(_experiment_form, default_timeout=60).run()
    assert not at.exception

    places = set(at.session_state["places"])
    fields = ["data.dataset", "model.layers[0].type", "compile.loss", "fit.patience",
              "augmentation.zoom_range", "seed", "recipe", ""]
    assert {section_of(error_for(field)) for field in fields} <= places
