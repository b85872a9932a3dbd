"""Damaged and edited Keras .keras files: every mutant loads (as the saved model or as the
edited one) or raises a ValueError (ModelFileError for a damaged file) that names the file;
nothing else escapes, and nothing is allocated beyond what the file holds.

A .keras file carries no checksums, so an edit that still makes sense (another activation, a
renamed layer) loads as the edited model, as it would in Keras.
"""

import io
import json
import random
import resource
import zipfile

import numpy as np
import pytest

import glassnet as keras
from glassnet.saving import ModelFileError

from .test_model_file_fuzz import members_of, mutate, rezip

pytest.importorskip("h5py")
L = keras.layers


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 6, 1)), L.Conv2D(2, 3, activation="relu"), L.BatchNormalization(),
                              L.Flatten(), L.Dense(3, activation="softmax")])
    path = tmp_path_factory.mktemp("kfuzz") / "m.keras"
    model.save(path)
    x = np.random.default_rng(0).normal(size=(4, 6, 6, 1)).astype(np.float32)
    return {"bytes": path.read_bytes(), "x": x}


def load_outcome(data: bytes, folder) -> str:
    path = folder / "mutant.keras"
    path.write_bytes(data)
    try:
        model = keras.models.load_model(path)
    except ModelFileError as error:
        assert str(path) in str(error)
        return "error"
    except ValueError:  # a value the config holds that a layer refuses, named by the layer
        return "refused"
    return "loaded" if model.built else "unbuilt"


def test_seeded_keras_mutants_load_or_fail_clearly(original, tmp_path):
    rng = random.Random(20261204)
    outcomes = [load_outcome(mutate(original["bytes"], rng), tmp_path) for _ in range(300)]
    assert outcomes.count("error") > 100 and outcomes.count("loaded") > 0


def _edited(original, edit):
    members = {name: content for name, (_, content) in members_of(original["bytes"]).items()}
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    return members


def test_a_config_asking_for_huge_weights_is_refused_before_allocating(original, tmp_path):
    def huge(config):
        config["config"]["layers"][-1]["config"]["units"] = 100_000_000  # 4 GB of Dense kernel from a few KB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    path = tmp_path / "huge.keras"
    path.write_bytes(rezip(_edited(original, huge)))
    with pytest.raises(ModelFileError, match="more values than the file holds"):
        keras.models.load_model(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: nothing near 4 GB


@pytest.mark.parametrize("damage, message", [
    (lambda m: m.update({"model.weights.h5": b"not hdf5"}), "not a readable HDF5 file"),
    (lambda m: m.update({"config.json": json.dumps({"class_name": "Sequential", "config": {}}).encode()}),
     "config.json.*'layers'"),
    (lambda m: m.update({"config.json": b"[]"}), "describes no model"),
    (lambda m: m.pop("model.weights.h5"), "not a readable Keras .keras file"),
    (lambda m: m.update({"config.json": json.dumps({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "__init__", "config": {}}]}}).encode()}), "Unknown layer class '__init__'"),
])
def test_damaged_keras_members_are_model_file_errors(original, tmp_path, damage, message):
    members = {name: content for name, (_, content) in members_of(original["bytes"]).items()}
    damage(members)
    path = tmp_path / "bad.keras"
    path.write_bytes(rezip(members))
    with pytest.raises(ModelFileError, match=message):
        keras.models.load_model(path)


def test_a_member_that_claims_more_than_compression_can_give_is_refused(original, tmp_path):
    members = {name: content for name, (_, content) in members_of(original["bytes"]).items()}
    data = bytearray(rezip(members, zipfile.ZIP_DEFLATED))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("config.json")
    # Rewrite the central directory's uncompressed size of config.json to 1 GB.
    index = data.find(b"PK\x01\x02")
    while index != -1:
        name_length = int.from_bytes(data[index + 28:index + 30], "little")
        if data[index + 46:index + 46 + name_length] == b"config.json":
            data[index + 24:index + 28] = (1 << 30).to_bytes(4, "little")
        index = data.find(b"PK\x01\x02", index + 4)
    assert info.file_size < (1 << 30)
    path = tmp_path / "bomb.keras"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="more than compression can give"):
        keras.models.load_model(path)
