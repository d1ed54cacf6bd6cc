"""The files a run reads, packed from one store and unpacked into another folder, where the
run's data loads as it loads from the store."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from PIL import Image

from tflab.data import load_dataset
from tflab.data.csvfiles import store_csv
from tflab.data.zip_import import import_zip
from tflab.parcels import Needed, Parcel, needed, pack, unpack, uses_keras_cache
from tflab.recipes import get_recipe


def _png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _pets_zip():
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as archive:
        for n in range(3):
            archive.writestr(f"pets/cats/{n}.png", _png("black"))
            archive.writestr(f"pets/dogs/{n}.png", _png("white"))
    return upload.getvalue()


def _spec(dataset, options, base=None):
    """What `needed` reads of a spec (a real one checks that the files it names exist)."""
    return SimpleNamespace(data=SimpleNamespace(dataset=dataset, options=options),
                           model=SimpleNamespace(base=base))


def test_an_uploaded_picture_dataset_loads_the_same_from_its_parcel(tmp_path, monkeypatch):
    store, trial = tmp_path / "store", tmp_path / "trial"
    record = import_zip(_pets_zip(), "pets.zip", store)
    monkeypatch.setenv("TFLAB_HOME", str(store))
    items = needed(_spec("folder", {"dataset_id": record.id, "image_size": 32}))
    assert items == [Needed("folder", record.id)]

    parcels = [pack(item, store) for item in items]
    assert unpack(parcels, trial) == 7  # six pictures and the record
    original = load_dataset("folder", {"dataset_id": record.id, "image_size": 32}, 0.25, 1)
    monkeypatch.setenv("TFLAB_HOME", str(trial))
    shipped = load_dataset("folder", {"dataset_id": record.id, "image_size": 32}, 0.25, 1)
    assert (shipped.x_train == original.x_train).all() and (shipped.y_val == original.y_val).all()


def test_the_same_csv_has_the_same_content_id(tmp_path):
    csv_id = store_csv(b"day,sales\n1,10\n2,12\n", "sales.csv", tmp_path)
    again = store_csv(b"day,sales\n1,10\n2,12\n", "copy of sales.csv", tmp_path)
    spec = get_recipe("time_series").spec.with_setting("data.options.csv_id", csv_id)
    assert [item.content_id for item in needed(spec)] == [f"csv:{again}"]


def test_a_file_not_kept_packs_as_nothing(tmp_path):
    parcel = pack(Needed("csv", "0123456789ab"), tmp_path)
    assert parcel == Parcel("csv:0123456789ab", {})
    assert pack(Needed("folder", "0123456789ab"), tmp_path).contents == {}
    assert pack(Needed("imagenet", "MobileNetV2"), tmp_path).contents == {}  # empty Keras cache


def _spec_with_base(name, weights):
    return _spec("digits", {}, SimpleNamespace(name=name, weights=weights))


def test_a_base_ships_its_saved_model_or_weights_file(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "r1abc.keras").write_bytes(b"model")
    items = needed(_spec_with_base("run", "run:r1abc"))
    assert items == [Needed("base model", "run:r1abc")]
    assert pack(items[0], tmp_path).contents == {"models/r1abc.keras": b"model"}
    assert needed(_spec_with_base("MobileNetV2", "3fa2b1c4d5e6.h5")) == [
        Needed("weights", "3fa2b1c4d5e6.h5")]
    assert needed(_spec_with_base("MobileNetV2", "imagenet")) == [Needed("imagenet", "MobileNetV2")]
    assert needed(_spec_with_base("MobileNetV2", "")) == []


@pytest.mark.parametrize("name", ["../escape.csv", "/etc/passwd", "datasets/../../x"])
def test_a_parcel_cannot_write_outside_the_trial_folder(tmp_path, name):
    with pytest.raises(ValueError, match="inside the store"):
        unpack([Parcel("csv:x", {name: b"x"})], tmp_path / "trial")
    assert not (tmp_path / "escape.csv").exists()


def test_keras_cache_files_point_keras_home_at_the_trial(tmp_path):
    assert uses_keras_cache([Parcel("keras dataset:mnist", {".keras/datasets/mnist.npz": b""})])
    assert not uses_keras_cache([Parcel("csv:x", {"datasets/csv/x.csv": b""})])
