"""Exported scripts are standalone and reproduce the engine's loss for the same seed."""

import ast
import copy
import json

import pytest

from script_runs import run_script
from tflab.codegen import export_script
from tflab.recipes import RECIPES, get_recipe
from tflab.spec import ExperimentSpec, SpecError
from tflab.stream import ListSink
from tflab.train import train


@pytest.mark.parametrize("recipe,epochs", [("linear", 500), ("deep_regression", 40)])
def test_exported_script_reproduces_the_engines_loss(recipe, epochs, tmp_path):
    spec = get_recipe(recipe).spec.with_setting("fit.epochs", epochs)
    engine = train(spec, ListSink())
    exported = run_script(export_script(spec), tmp_path)
    assert exported["epochs"] == epochs
    for name, value in engine.final_metrics.items():
        assert exported["final_metrics"][name] == pytest.approx(value, rel=1e-3, abs=1e-6), name


def pictures_zip() -> bytes:
    """Two classes of drawn shapes, as PNG files in class folders."""
    import io
    import zipfile

    import numpy as np
    from PIL import Image

    from tflab.data.shapes import make_shapes

    x, y = make_shapes(("circle", "square"), 12, 48, 3)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, (picture, label) in enumerate(zip(x, y)):
            png = io.BytesIO()
            Image.fromarray(picture.astype(np.uint8)).save(png, "PNG")
            archive.writestr(f"{('circle', 'square')[label]}/{i}.png", png.getvalue())
    return buffer.getvalue()


def test_a_run_on_uploaded_pictures_exports_a_script_that_reads_them_as_the_engine(tflab_home):
    """The exporter had no code for uploaded pictures: Runs' "Code (.py)" raised KeyError."""
    from tflab.data.zip_import import import_zip

    record = import_zip(pictures_zip(), "shapes.zip")
    data = get_recipe("cnn").spec.to_dict()
    data["data"] = {"dataset": "folder", "options": {"dataset_id": record.id, "image_size": 32},
                    "validation_split": 0.25}
    data["model"]["input_shape"] = [32, 32, 3]
    data["model"]["layers"] = [{"type": "Flatten"}, {"type": "Dense", "units": 8, "activation": "relu"},
                               {"type": "Dense", "units": 1, "activation": "sigmoid"}]
    spec = ExperimentSpec.from_dict(data).with_setting("fit.epochs", 3)
    engine = train(spec, ListSink())
    exported = run_script(export_script(spec), tflab_home.parent)
    for name, value in engine.final_metrics.items():
        assert exported["final_metrics"][name] == pytest.approx(value, rel=1e-3, abs=1e-6), name


@pytest.mark.parametrize("recipe", [r.name for r in RECIPES])
def test_every_recipe_exports_valid_python_without_tflab(recipe):
    script = export_script(get_recipe(recipe).spec)
    tree = ast.parse(script)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module)])}
    assert imported <= {"json", "math", "os", "pathlib", "keras", "numpy", "tensorflow",
                        "sklearn"}, imported
    assert "model.fit(" in script


def test_imagenet_weights_export_as_keras_own_argument():
    spec = get_recipe("transfer").spec.with_setting("model.base.weights", "imagenet")
    script = export_script(spec)
    assert "include_top=False, weights='imagenet')" in script
    assert "load_weights('imagenet')" not in script


# -- hostile values: nothing from a spec becomes code ------------------------------------

HOSTILE = [
    '"""', "'''", '"', "'", "\\", "a\\", "\\'", 'a"""b', "a'''b",
    "line\nbreak", "carriage\rreturn", "para\u2028graph", "nul\x00byte", "tab\there",
    '"""; import os; os.system("x") #', "'''; import os; os.system('x') #",
    '")\nimport os\nos.system("x")\n#', "\n__import__('os').system('x')\n",
    "{}", "{0}", "{spec.recipe}", "%s%d", "mixed7\"", "layer_1'); import os #",
    "3fa2b1c4d5e6\n", "3fa2b1c4d5e6.h5\nimport os", "run:r1\nimport os", "../../etc/passwd",
    "x" * 10_000, "ok" * 90,
]


def variants():
    """Specs that take every branch of the exporter: plain data, images, a generated series,
    a CSV, a network base with a weights file, a run's model and an uploaded model."""
    def transfer(base):
        data = get_recipe("transfer").spec.to_dict()
        data["model"]["base"] = base
        return data

    series_csv = get_recipe("time_series").spec.to_dict()
    series_csv["data"]["options"].update(csv_id="3fa2b1c4d5e6", csv_column="sales")
    return {
        "linear": get_recipe("linear").spec.to_dict(),
        "cnn": get_recipe("cnn").spec.to_dict(),
        "binary_points": get_recipe("binary_points").spec.to_dict(),
        "time_series": get_recipe("time_series").spec.to_dict(),
        "time_series_csv": series_csv,
        "transfer_weights": transfer({"name": "InceptionV3", "weights": "3fa2b1c4d5e6.weights.h5",
                                      "cut_layer": "mixed7", "trainable_layers": 2}),
        "transfer_run": transfer({"name": "run", "weights": "run:r0abc1234ef01",
                                  "cut_layer": "layer_2_dense", "trainable_layers": 0}),
        "transfer_model_file": transfer({"name": "run", "weights": "3fa2b1c4d5e6.keras",
                                         "cut_layer": "features", "trainable_layers": 1}),
    }


def string_fields(value, path=()):
    """The path of every string in a spec dict, list items and nested objects included."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_fields(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_fields(item, path + (index,))


def replaced(data, path, value):
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def same_structure(a, b) -> bool:
    """Both trees have the same nodes and fields; only the values of constants may differ."""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.Constant):
        return True
    if isinstance(a, ast.AST):
        return all(same_structure(getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b))
    return a == b  # identifiers, operators, contexts


def template(benign: dict, path: tuple) -> ast.Module:
    """The script's tree for a benign value in the field: a plain word where the field takes
    one (a word may take another branch of the exporter than an empty value), else the
    variant's own value."""
    try:
        spec = ExperimentSpec.from_dict(replaced(benign, path, "word"))
    except SpecError:
        spec = ExperimentSpec.from_dict(benign)
    return ast.parse(export_script(spec))


@pytest.mark.parametrize("name", list(variants()))
def test_hostile_text_in_any_string_field_never_becomes_code(name):
    benign = variants()[name]
    fields = list(string_fields(benign))
    assert ("recipe",) in fields and len(fields) >= 6
    accepted, failures = [], []
    for path in fields:
        expected = template(benign, path)
        for value in HOSTILE:
            data = replaced(benign, path, value)
            try:
                spec = ExperimentSpec.from_dict(data)
            except SpecError as error:
                assert error.field  # refused, naming a field
                continue
            script = export_script(spec)
            try:
                tree = ast.parse(script)
            except SyntaxError as error:
                failures.append((path, value, f"does not compile: {error}"))
                continue
            if not same_structure(expected, tree):
                failures.append((path, value, "its statements differ from the template's"))
                continue
            # The value is in the script as data: the script's SPEC is exactly the spec.
            [spec_constant] = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
                               and node.targets[0].id == "SPEC"]
            assert json.loads(spec_constant) == spec.to_dict()
            accepted.append((path, value))
    assert not failures, failures[:5]
    if name == "time_series_csv":  # a free-text field really was written into the script
        assert any(path[-1] == "csv_column" and "import os" in value for path, value in accepted)


def test_a_hostile_recipe_name_is_refused_when_the_spec_is_made():
    data = get_recipe("linear").spec.to_dict()
    data["recipe"] = 'linear"""\nimport pathlib; pathlib.Path("pwned").touch()\n"""'
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(data)
    assert caught.value.field == "recipe" and "lowercase letters, digits" in str(caught.value)


@pytest.mark.parametrize("name", [r.name for r in RECIPES] + ["custom"])
def test_every_shipped_recipe_name_is_a_safe_name(name):
    data = get_recipe("linear").spec.to_dict()
    data["recipe"] = name
    assert ExperimentSpec.from_dict(data).recipe == name


def test_the_exported_script_stops_early_as_the_run_does():
    spec = get_recipe("binary_points").spec.with_setting("fit.early_stopping", True) \
        .with_setting("fit.patience", 3)
    script = export_script(spec)
    compile(script, "exported.py", "exec")
    assert ("callbacks=[keras.callbacks.EarlyStopping(monitor='val_loss', mode='min', "
            "patience=3, restore_best_weights=True)]") in script
    no_validation = export_script(spec.with_setting("data.validation_split", 0.0))
    assert "EarlyStopping(monitor='loss', mode='min'," in no_validation
