"""Uploaded zips of class folders: the record, loading, the catalog entry and every guard."""

import hashlib
import io
import json
import struct
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image

from tflab.data import DatasetUnavailable, load_dataset, summarize
from tflab.data.folders import list_records, load_folder, read_record
from tflab.data.zip_import import MB, UploadError, import_zip
from tflab.params import SpecError
from tflab.spec.augmentation import AugmentationSpec
from tflab.spec.data import DataSpec
from tflab.spec.experiment import ExperimentSpec
from tflab.spec.layers import LayerSpec
from tflab.spec.model import ModelSpec
from tflab.spec.training import CompileSpec, FitSpec
from tflab.train import train

WHEN = (2024, 1, 1, 0, 0, 0)  # A fixed date, so the same entries give the same zip bytes.


def picture(colour, image_format="PNG", size=(10, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, image_format)
    return buffer.getvalue()


def bomb_png(width=20000, height=20000):
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""
    data = bytearray(picture("red", size=(1, 1)))
    start = 8 + 4  # signature, then IHDR's length
    data[start + 4:start + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[start:start + 17]))
    data[start + 17:start + 21] = struct.pack(">I", crc)
    return bytes(data)


def make_zip(entries, symlinks=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
        for name, target in symlinks:
            info = zipfile.ZipInfo(name, WHEN)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def pets_entries(top="pets/"):
    entries = []
    for n in range(3):
        entries.append((f"{top}cats/{n}.png", picture("black")))
        entries.append((f"{top}dogs/{n}.jpg", picture("white", "JPEG")))
    return entries


def pets_zip():
    return make_zip(pets_entries() + [
        ("pets/cats/readme.txt", b"black cats"),
        ("pets/.DS_Store", b"\x00\x01"),
        ("__MACOSX/pets/cats/._0.png", b"\x00\x05\x16\x07"),
        ("pets/dogs/.hidden.png", picture("white")),
    ])


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def assert_nothing_written(tmp_path):
    """A refused upload into tmp_path/store leaves no file anywhere, no partial folder."""
    assert set(files_under(tmp_path)) <= {"store", "store/datasets"}


# The record.

def test_a_zip_of_class_folders_becomes_a_record(tmp_path):
    record = import_zip(pets_zip(), "pets.zip", tmp_path)
    assert record.class_names == ("cats", "dogs")
    assert record.counts == {"cats": 3, "dogs": 3}
    assert record.name == "pets.zip"
    assert [file for file, _ in record.skipped] == ["pets/cats/readme.txt"]
    assert "not an image" in record.skipped[0][1]
    folder = tmp_path / "datasets" / record.id
    assert sorted(p.name for p in (folder / "cats").iterdir()) == ["0.png", "1.png", "2.png"]
    assert sorted(p.name for p in (folder / "dogs").iterdir()) == ["0.jpg", "1.jpg", "2.jpg"]
    assert json.loads((folder / "dataset.json").read_text())["counts"] == record.counts
    assert read_record(record.id, tmp_path) == record
    assert list_records(tmp_path) == [record]
    assert all(f.startswith("datasets/") or f == "datasets" for f in files_under(tmp_path))


def test_class_folders_without_a_top_folder_work_too(tmp_path):
    record = import_zip(make_zip(pets_entries(top="")), "flat.zip", tmp_path)
    assert record.class_names == ("cats", "dogs") and record.skipped == ()


def test_the_id_is_the_zip_content_hash_so_the_same_zip_gives_the_same_id(tmp_path):
    data = pets_zip()
    assert data == pets_zip()
    record = import_zip(data, "pets.zip", tmp_path)
    assert record.id == hashlib.sha256(data).hexdigest()[:12]
    other = import_zip(make_zip(pets_entries(top="")), "flat.zip", tmp_path)
    assert other.id != record.id


def test_importing_the_same_zip_twice_changes_nothing(tmp_path):
    first = import_zip(pets_zip(), "pets.zip", tmp_path)
    before = {f: (tmp_path / f).stat().st_mtime_ns for f in files_under(tmp_path)}
    again = import_zip(pets_zip(), "renamed.zip", tmp_path)
    assert again == first
    assert {f: (tmp_path / f).stat().st_mtime_ns for f in files_under(tmp_path)} == before


def test_the_default_root_is_the_store(tflab_home):
    record = import_zip(pets_zip(), "pets.zip")
    assert (tflab_home / "datasets" / record.id / "dataset.json").is_file()
    assert read_record(record.id) == record and list_records() == [record]


def test_class_names_are_made_safe_folder_names(tmp_path):
    entries = [("cats & co/1.png", picture("black")), ("dogs/1.png", picture("white"))]
    record = import_zip(make_zip(entries), "pets.zip", tmp_path)
    assert record.class_names == ("cats _ co", "dogs")
    assert (tmp_path / "datasets" / record.id / "cats _ co" / "0.png").is_file()


# Loading.

def test_load_folder_gives_the_model_arrays_with_labels_in_class_order(tmp_path):
    record = import_zip(pets_zip(), "pets.zip", tmp_path)
    data = load_folder(record.id, 32, 0.5, seed=0, root=tmp_path)
    assert data.x_train.shape == (3, 32, 32, 3) and data.x_val.shape == (3, 32, 32, 3)
    assert data.x_train.dtype == np.float32
    assert data.y_train.dtype == np.float32 and data.y_train.shape == (3, 1)
    x = np.concatenate([data.x_train, data.x_val])
    y = np.concatenate([data.y_train, data.y_val])[:, 0]
    assert sorted(y.tolist()) == [0, 0, 0, 1, 1, 1]
    assert 0 <= x.min() and x.max() <= 255
    # cats (label 0) are black, dogs (label 1) white.
    np.testing.assert_array_equal(x.mean(axis=(1, 2, 3)) > 128, y == 1)
    assert data.summary.kind == "binary" and data.summary.class_names == ("cats", "dogs")
    again = load_folder(record.id, 32, 0.5, seed=0, root=tmp_path)
    np.testing.assert_array_equal(again.x_val, data.x_val)
    other = load_folder(record.id, 32, 0.5, seed=1, root=tmp_path)
    assert not np.array_equal(other.y_val, data.y_val) or \
        not np.array_equal(other.x_val, data.x_val)


def test_three_classes_are_multiclass_with_integer_labels(tmp_path):
    entries = pets_entries(top="") + [(f"birds/{n}.png", picture("red")) for n in range(2)]
    record = import_zip(make_zip(entries), "zoo.zip", tmp_path)
    data = load_folder(record.id, 16, 0.0, seed=0, root=tmp_path)
    assert data.summary.kind == "multiclass" and data.summary.class_names == (
        "birds", "cats", "dogs")
    assert data.y_train.dtype == np.int32 and data.y_train.shape == (8,)
    assert np.bincount(data.y_train).tolist() == [2, 3, 3]
    assert data.x_val.shape == (0, 16, 16, 3)


# The catalog entry.

def folder_spec(dataset_id, size=32):
    return ExperimentSpec(
        data=DataSpec("folder", {"dataset_id": dataset_id, "image_size": size},
                      validation_split=0.25),
        model=ModelSpec((size, size, 3), (LayerSpec("Flatten", {}),
                                          LayerSpec("Dense", {"units": 8, "activation": "relu"}),
                                          LayerSpec("Dense", {"units": 1,
                                                              "activation": "sigmoid"}))),
        compile=CompileSpec("adam", 0.001, "binary_crossentropy", ("accuracy",)),
        fit=FitSpec(epochs=1, batch_size=4),
        augmentation=AugmentationSpec(rescale=1 / 255))


def test_a_run_on_an_uploaded_dataset_validates_and_trains(tflab_home):
    record = import_zip(pets_zip(), "pets.zip")
    spec = folder_spec(record.id)
    assert ExperimentSpec.from_json(spec.to_json()) == spec
    summary = summarize("folder", {"dataset_id": record.id, "image_size": 32})
    assert summary.kind == "binary" and summary.input_shape == (32, 32, 3) and summary.image
    data = load_dataset("folder", {"dataset_id": record.id, "image_size": 32}, 0.25, 0)
    assert data.summary == summary
    result = train(spec)
    assert result.status == "completed", result.message
    assert result.epochs_done == 1


def test_the_folder_entry_asks_for_an_upload_first():
    with pytest.raises(SpecError) as caught:
        summarize("folder", {})
    assert caught.value.field == "data.options.dataset_id"
    assert "Upload a zip" in str(caught.value)
    with pytest.raises(SpecError) as caught:
        summarize("folder", {"dataset_id": "0123456789ab"})
    assert caught.value.field == "data.options.dataset_id"
    assert "'0123456789ab'" in str(caught.value)


def test_a_deleted_dataset_is_unavailable_and_named(tflab_home):
    import shutil

    record = import_zip(pets_zip(), "pets.zip")
    options = {"dataset_id": record.id, "image_size": 32}
    shutil.rmtree(tflab_home / "datasets" / record.id)
    with pytest.raises(DatasetUnavailable, match=record.id):
        load_dataset("folder", options, 0.25, 0)
    with pytest.raises(DatasetUnavailable, match="not a dataset id"):
        read_record("../../etc")


# Guards: each hostile zip is refused, with a message naming the problem, and nothing
# is left behind.

def corrupt_member(data):
    """The zip with bytes of its first member's compressed data overwritten."""
    start = data.find(b"PK\x03\x04")
    name_length, extra_length = struct.unpack("<HH", data[start + 26:start + 30])
    body = start + 30 + name_length + extra_length
    return data[:body + 10] + b"\xff" * 40 + data[body + 50:]


def lying_sizes(data, declared):
    """The zip with its first member's uncompressed size changed in both headers."""
    data = bytearray(data)
    local = data.find(b"PK\x03\x04")
    data[local + 22:local + 26] = struct.pack("<I", declared)
    central = data.find(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<I", declared)
    return bytes(data)


ZEROS = b"\x00" * (2 * MB)
BIG_ZEROS = b"\x00" * (40 * MB)  # packs to about 40 kB: a ratio near 1000
NOISE = np.random.default_rng(0).bytes(5000)  # Does not compress: corruption hits real data.
GOOD = pets_entries(top="")

HOSTILE = {
    "not a zip": (b"just some text", {}, ["'upload.zip' is not a zip file"]),
    "truncated zip": (make_zip(GOOD)[:300], {}, ["not a zip file, or a damaged one"]),
    "corrupt member": (corrupt_member(make_zip([("cats/0.png", NOISE)] + GOOD)),
                       {}, ["damaged", "'cats/0.png'"]),
    "lying header": (lying_sizes(make_zip([("cats/big.png", ZEROS)] + GOOD), 1000), {},
                     ["damaged", "'cats/big.png'"]),
    "parent folder": (make_zip(GOOD + [("../x.png", picture("red"))]), {},
                      ["'../x.png'", "leaves its folder"]),
    "nested parent": (make_zip(GOOD + [("cats/../../x.png", picture("red"))]), {},
                      ["'cats/../../x.png'", "leaves its folder"]),
    "absolute path": (make_zip(GOOD + [("/tmp/x.png", picture("red"))]), {},
                      ["'/tmp/x.png'", "absolute path"]),
    "windows drive": (make_zip(GOOD + [("C:\\x.png", picture("red"))]), {},
                      ["Windows path"]),
    "symlink": (make_zip(GOOD, symlinks=[("cats/link.png", "/etc/passwd")]), {},
                ["'cats/link.png'", "a link"]),
    "declared total": (make_zip(GOOD + [("cats/big.png", ZEROS)]),
                       {"max_total_uncompressed": 1 * MB}, ["unpack to 2", "limit is 1 MB"]),
    "compression ratio": (make_zip(GOOD + [("cats/big.png", BIG_ZEROS)]), {},
                          ["'cats/big.png'", "100 times", "zip bomb"]),
    "too many files": (make_zip(GOOD), {"max_files": 5}, ["holds 6 files", "limit is 5"]),
    "oversize upload": (make_zip(GOOD), {"max_bytes": 1000}, ["the limit is 0"]),
    "one class": (make_zip([("cats/0.png", picture("black"))]), {},
                  ["at least 2 class folders", "found 1 ('cats')"]),
    "files but no folders": (make_zip([("0.png", picture("black"))]), {},
                             ["at least 2 class folders", "found 0"]),
    "class without pictures": (make_zip(GOOD + [("birds/notes.txt", b"tweet")]), {},
                               ["'birds' has no readable picture"]),
    "classes that collide": (make_zip(GOOD + [("cats!/0.png", picture("red"))]), {},
                             ["'cats!'", "both become 'cats'"]),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_zip_is_refused_and_leaves_nothing_behind(tmp_path, case):
    data, limits, words = HOSTILE[case]
    root = tmp_path / "store"
    with pytest.raises(UploadError) as caught:
        import_zip(data, "upload.zip", root, **limits)
    for word in words:
        assert word in str(caught.value)
    assert_nothing_written(tmp_path)
    # The refusal leaves the store usable: a good zip still imports.
    assert import_zip(pets_zip(), "pets.zip", root).counts == {"cats": 3, "dogs": 3}


def test_a_flat_picture_that_packs_far_beyond_the_ratio_is_still_taken(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 800), "white").save(buffer, "BMP")  # 1.9 MB, packs about 1000:1
    data = make_zip(GOOD + [("cats/flat.bmp", buffer.getvalue())])
    record = import_zip(data, "upload.zip", tmp_path)
    assert record.counts == {"cats": 4, "dogs": 3} and not record.skipped


def test_a_decompression_bomb_picture_is_skipped_and_named(tmp_path):
    data = make_zip(GOOD + [("cats/huge.png", bomb_png())])
    record = import_zip(data, "upload.zip", tmp_path)
    assert record.counts == {"cats": 3, "dogs": 3}
    (file, reason), = record.skipped
    assert file == "cats/huge.png" and "20000x20000" in reason and "megapixels" in reason


def test_files_that_are_not_pictures_are_listed_not_fatal(tmp_path):
    data = make_zip(GOOD + [("cats/notes.txt", b"hello"), ("dogs/broken.png",
                                                         picture("white")[:40]),
                            ("readme.md", b"# pets")])
    record = import_zip(data, "upload.zip", tmp_path)
    assert record.counts == {"cats": 3, "dogs": 3}
    reasons = dict(record.skipped)
    assert "not an image" in reasons["cats/notes.txt"]
    assert "damaged or truncated" in reasons["dogs/broken.png"]
    assert reasons["readme.md"] == "not inside a class folder"


def test_hidden_files_and_macos_folders_are_skipped_silently(tmp_path):
    data = make_zip(GOOD + [("__MACOSX/cats/._0.png", b"\x00\x05"), (".DS_Store", b"\x00"),
                            ("cats/.thumb.png", picture("red")), (".git/config", b"x")])
    record = import_zip(data, "upload.zip", tmp_path)
    assert record.class_names == ("cats", "dogs") and record.skipped == ()
    assert record.counts == {"cats": 3, "dogs": 3}
