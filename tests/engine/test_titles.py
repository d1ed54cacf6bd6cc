"""Tests for tflab.titles: runs named by what differs between them."""

import doctest
import io
import zipfile
from types import SimpleNamespace

from PIL import Image

import tflab.titles
from tflab.data.folders import import_zip
from tflab.recipes import get_recipe
from tflab.titles import data_label, run_title


def test_docstring_examples_run():
    result = doctest.testmod(tflab.titles)
    assert result.attempted > 0 and result.failed == 0


def _zip_of(classes):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in classes:
            for i in range(2):
                picture = io.BytesIO()
                Image.new("RGB", (8, 8), (40 * i, 90, 200)).save(picture, "PNG")
                archive.writestr(f"{name}/{i}.png", picture.getvalue())
    return buffer.getvalue()


def run(spec, label="", run_id="r1", recipe="cnn"):
    return SimpleNamespace(id=run_id, recipe=recipe, label=label, spec=spec)


def test_a_shapes_cnn_and_an_own_pictures_cnn_read_differently(tflab_home):
    record = import_zip(_zip_of(["cats", "dogs"]), "pets.zip")
    shapes = get_recipe("cnn").spec.to_dict()
    own = {**shapes, "data": {"dataset": "folder", "options": {"dataset_id": record.id}}}
    assert run_title(run(shapes, run_id="a1")) == "cnn · shapes: circle, triangle · a1"
    assert run_title(run(own, run_id="b2")) == "cnn · your pictures: cats, dogs · b2"


def test_the_label_comes_first():
    spec = get_recipe("binary_points").spec.to_dict()
    assert run_title(run(spec, label="tanh, 2 x 8", recipe="binary_points")) == \
        "tanh, 2 x 8 · binary_points · points: circles · r1"


def test_many_classes_are_cut_and_a_deleted_dataset_is_named(tflab_home):
    record = import_zip(_zip_of(["a", "b", "c", "d", "e"]), "letters.zip")
    spec = {"data": {"dataset": "folder", "options": {"dataset_id": record.id}}}
    assert data_label(spec) == "your pictures: a, b, c +2"
    gone = {"data": {"dataset": "folder", "options": {"dataset_id": "0123456789ab"}}}
    assert data_label(gone) == "your pictures: (deleted)"


def test_every_recipe_has_a_data_label():
    from tflab.recipes import RECIPES

    labels = {recipe.name: data_label(recipe.spec.to_dict()) for recipe in RECIPES}
    assert labels["linear"] == "the notes' six points"
    assert labels["multiclass"] == "handwritten digits (offline)"
    assert labels["time_series"] == "generated series"
    assert all(labels.values())


def test_a_series_reads_from_a_csv_by_id_or_by_an_older_runs_path():
    from tflab.titles import data_label

    def series(**options):
        return {"data": {"dataset": "series", "options": options}}

    assert data_label(series(csv_id="3fa2b1c4d5e6")) == "series from a CSV"
    assert data_label(series(csv_path="/lab/datasets/csv/3fa2b1c4d5e6.csv")) == "series from a CSV"
    assert data_label(series(csv_id="", length=200)) == "generated series"


def test_predict_offers_the_final_model_then_each_kept_past_epoch_once():
    from tflab.titles import model_choices

    assert list(model_choices(40, [1, 23])) == [None, 1, 23]
    assert model_choices(40, [1, 23])[23] == "epoch 23 (lowest validation loss)"
    # The best was the last epoch: it is the final model, not a second choice.
    assert list(model_choices(40, [1, 40])) == [None, 1]
    assert "lowest validation loss" in model_choices(40, [1, 40])[None]
    # Never better than the first: one file is both.
    assert model_choices(5, [1])[1] == "epoch 1 (the first, lowest validation loss)"
    assert model_choices(5, [])  == {None: "final model (epoch 5)"}
    assert model_choices(1, [1]) == {None: "final model (epoch 1, lowest validation loss)"}
