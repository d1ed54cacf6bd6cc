"""Specs of runs made by older versions name files by path: the store's own files become
their ids, any other path is refused by name, and links never get this leniency."""

import pytest

from tflab.codegen import export_script
from tflab.recipes import get_recipe
from tflab.spec import ExperimentSpec, SpecError


def old_series(csv_path: str) -> dict:
    data = get_recipe("time_series").spec.to_dict()
    options = data["data"]["options"]
    del options["csv_id"]
    options.update(csv_path=csv_path, csv_column="sales")
    return data


def old_transfer(name: str, weights: str) -> dict:
    data = get_recipe("transfer").spec.to_dict()
    data["model"]["base"].update(name=name, weights=weights,
                                 cut_layer="mixed7" if name != "run" else "layer_2_dense")
    return data


def test_an_older_runs_csv_in_the_store_becomes_its_id(tflab_home):
    spec = ExperimentSpec.from_dict(old_series(str(tflab_home / "datasets" / "csv" / "3fa2b1c4d5e6.csv")))
    assert spec.data.options["csv_id"] == "3fa2b1c4d5e6" and "csv_path" not in spec.data.options
    assert "read_csv_column(STORE.joinpath(*('datasets', 'csv', '3fa2b1c4d5e6.csv'))" in \
        export_script(spec)


def test_an_older_runs_generated_series_drops_its_empty_path():
    assert ExperimentSpec.from_dict(old_series("")).data.options["csv_id"] == ""


@pytest.mark.parametrize("name,relative,expected", [
    ("run", ("models", "r0abc12.keras"), "run:r0abc12"),
    ("run", ("weights", "3fa2b1c4d5e6.keras"), "3fa2b1c4d5e6.keras"),
    ("InceptionV3", ("weights", "3fa2b1c4d5e6.h5"), "3fa2b1c4d5e6.h5"),
])
def test_an_older_runs_base_file_in_the_store_becomes_its_id(tflab_home, name, relative, expected):
    spec = ExperimentSpec.from_dict(old_transfer(name, str(tflab_home.joinpath(*relative))))
    assert spec.model.base.weights == expected


@pytest.mark.parametrize("data,field", [
    (old_series("/home/me/sales.csv"), "data.options.csv_path"),
    (old_transfer("InceptionV3", "/home/me/inception_v3.h5"), "model.base.weights"),
    (old_transfer("run", "/home/me/models/r0abc12.keras"), "model.base.weights"),
])
def test_a_path_outside_the_store_is_refused_saying_how_to_bring_the_file_in(data, field):
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(data)
    assert caught.value.field == field
    assert "files are named by id now" in str(caught.value)
    assert "python -m tflab import <file>" in str(caught.value)
