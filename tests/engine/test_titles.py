"""Tests for tflab.titles: runs named by what differs between them."""

import doctest
import io
import zipfile
from types import SimpleNamespace

from PIL import Image

import tflab.titles
from tflab.data.zip_import import import_zip
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


def test_a_run_is_named_in_the_reader_s_language():
    from tflab.words import Words

    es = Words.load("es")
    spec = get_recipe("binary_points").spec.with_setting("data.options.pattern", "spiral").to_dict()
    assert run_title(run(spec, label="mi red", recipe="binary_points"), es) == \
        "mi red · binary_points · puntos: espiral · r1"
    assert data_label(get_recipe("cnn").spec.to_dict(), es) == "formas: círculo, triángulo"
    assert data_label(get_recipe("linear").spec.to_dict(), es) == "los seis puntos de los apuntes"
    pair = {"data": {"dataset": "digit_pair", "options": {"first": 1, "second": 7}}}
    assert data_label(pair, es) == "dígitos 1 contra 7"


def test_a_deleted_own_dataset_is_named_in_spanish(tflab_home):
    from tflab.words import Words

    gone = {"data": {"dataset": "folder", "options": {"dataset_id": "0123456789ab"}}}
    assert data_label(gone, Words.load("es")) == "tus imágenes: (borradas)"


def test_predict_s_model_choices_in_spanish():
    from tflab.titles import model_choices
    from tflab.words import Words

    es = Words.load("es")
    assert model_choices(40, [1, 23], words=es) == {
        None: "modelo final (época 40)", 1: "época 1 (la primera)",
        23: "época 23 (menor pérdida de validación)"}
    assert model_choices(5, [1], has_validation=False, words=es) == {
        None: "modelo final (época 5)", 1: "época 1 (la primera, menor pérdida de entrenamiento)"}


def test_every_pattern_shape_and_dataset_has_its_name_in_both_languages():
    from tflab.data.catalog import CATALOG, PATTERNS, SHAPE_SETS
    from tflab.words import Words

    shapes = {shape for shapes in SHAPE_SETS for shape in shapes.split(",")}
    for language in ("en", "es"):
        w = Words.load(language)
        assert all(w.has(f"datasets.pattern_names.{p}") for p in PATTERNS)
        assert all(w.has(f"datasets.shape_names.{s}") for s in shapes)
        assert all("⟦" not in data_label({"data": {"dataset": name}}, w) for name in CATALOG
                   if name != "folder")
    # English names are the values themselves: runs read as before.
    assert all(Words.load("en")(f"datasets.pattern_names.{p}") == p for p in PATTERNS)
