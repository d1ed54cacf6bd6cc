"""Build with your own pictures: a zip of class folders, or classes filled one by one."""

import io
import zipfile

import numpy as np
from PIL import Image

from apptest_support import no_exception, open_page
from shown import shown
from components.urlspec import decode
from tflab.data.shapes import make_shapes


def png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def shapes_zip(per_class=12, extra=None) -> bytes:
    x, y = make_shapes(("circle", "square"), per_class, 40, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, (image, label) in enumerate(zip(x, y)):
            archive.writestr(f"shapes/{('circle', 'square')[label]}/{i}.png", png(image))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def on_folder(at):
    [dataset] = [s for s in at.selectbox if s.label == "Dataset"]
    dataset.set_value("folder").run()
    return no_exception(at)


def spec_in(at):
    value = at.query_params["spec"]
    return decode(value[0] if isinstance(value, list) else value)


def test_a_zip_of_class_folders_becomes_the_dataset_and_the_model_fits_it(tflab_home):
    at = on_folder(no_exception(open_page("app_pages/build.py", recipe="cnn")))
    assert any("upload a zip" in e.value.lower() for e in at.info) and not at.error
    assert at.button(key="build.train").disabled
    [uploader] = [u for u in at.get("file_uploader") if u.label.startswith("Zip of class folders")]
    uploader.upload("shapes.zip", shapes_zip(extra={"shapes/circle/notes.txt": b"hello"}),
                    "application/zip").run()
    no_exception(at)
    assert any("24 pictures in 2 classes (circle: 12, square: 12)" in shown(s.value) for s in at.success)
    assert any("1 file skipped" in e.label for e in at.expander)
    spec = spec_in(at)
    assert spec.data.dataset == "folder" and len(spec.data.options["dataset_id"]) == 12
    assert spec.model.input_shape == (150, 150, 3)
    assert not at.button(key="build.train").disabled
    assert (tflab_home / "datasets" / spec.data.options["dataset_id"] / "dataset.json").exists()


def test_a_hostile_zip_gets_a_message_and_writes_nothing_outside_the_data_folder(tflab_home, tmp_path):
    at = on_folder(no_exception(open_page("app_pages/build.py", recipe="cnn")))
    [uploader] = [u for u in at.get("file_uploader") if u.label.startswith("Zip of class folders")]
    escape = tmp_path / "escaped.png"
    uploader.upload("evil.zip", shapes_zip(extra={f"../../{escape.name}": png(np.zeros((8, 8)))}),
                    "application/zip").run()
    no_exception(at)
    assert any("evil.zip" in shown(e.value) for e in at.error)
    assert not escape.exists() and not (tflab_home.parent / escape.name).exists()
    datasets = tflab_home / "datasets"
    assert not datasets.exists() or not [p for p in datasets.iterdir() if not p.name.startswith(".")]
    [uploader] = [u for u in at.get("file_uploader") if u.label.startswith("Zip of class folders")]
    uploader.clear().upload("good.zip", shapes_zip(), "application/zip").run()  # still works
    no_exception(at)
    assert any("24 pictures" in shown(s.value) for s in at.success)


def test_classes_filled_one_by_one_become_a_dataset():
    at = on_folder(no_exception(open_page("app_pages/build.py", recipe="cnn")))
    x, y = make_shapes(("circle", "triangle"), 6, 40, 1)
    names = [t for t in at.text_input if t.label.startswith("Class ")]
    names[0].set_value("round")
    names[1].set_value("pointy")
    at.run()
    uploaders = [u for u in at.get("file_uploader") if u.label.startswith("Pictures of")]
    for index, uploader in enumerate(uploaders[:2]):
        for i in np.flatnonzero(y == index):
            uploader.upload(f"{i}.png", png(x[i]), "image/png")
    at.run()
    no_exception(at.button(key=next(b.key for b in at.button if b.label == "Make the dataset"))
                 .click().run())
    assert any("12 pictures in 2 classes (pointy: 6, round: 6)" in shown(s.value) for s in at.success)
    assert spec_in(at).data.dataset == "folder"


def test_file_and_folder_names_show_as_written_not_as_markdown(tflab_home):
    """A zip named with markdown shows its name as typed; class folders get the engine's
    safe names (letters, digits, '_' and '-')."""
    x, _ = make_shapes(("circle",), 4, 40, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, image in enumerate(x):
            archive.writestr(f"**bold**/{i}.png", png(image))
            archive.writestr(f"[link](http:evil)/{i}.png", png(image))
    at = on_folder(no_exception(open_page("app_pages/build.py", recipe="cnn")))
    [uploader] = [u for u in at.get("file_uploader") if u.label.startswith("Zip of class folders")]
    uploader.upload("*my* pictures.zip", buffer.getvalue(), "application/zip").run()
    no_exception(at)

    [message] = [shown(s.value) for s in at.success if "pictures in" in shown(s.value)]
    assert message == "*my* pictures.zip: 8 pictures in 2 classes (bold: 4, link__http_evil: 4)."
