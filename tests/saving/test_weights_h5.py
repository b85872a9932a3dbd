"""model.save_weights("x.weights.h5") / load_weights: Keras 3's HDF5 weights file, without Keras.

A file written by Keras 3.15.1 (tests/saving/files/keras_weights.weights.h5, made by
tools/keras_reference/weights_h5.py) is read with its weights and predictions pinned; glassnet's
own file of that model is compared group by group and shape by shape with Keras's. The round
trips through real Keras are in test_keras_interchange.py.
"""

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet.saving import ModelFileError, load_weights
from glassnet.saving.archive import write_archive

from .keras_weights_h5_golden import PREDICTIONS

h5py = pytest.importorskip("h5py", reason=".weights.h5 files need h5py (part of glassnet's install)")

FILES = Path(__file__).resolve().parent / "files"
KERAS_FILE = FILES / "keras_weights.weights.h5"
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from new_layers import pattern  # noqa: E402
from weights_h5 import fixture_inputs, fixture_model  # noqa: E402


def layout(path) -> dict:
    """{member: dataset shape, or "group"} of an HDF5 file."""
    found = {}
    with h5py.File(path, "r") as store:
        store.visititems(lambda name, item: found.__setitem__(name, tuple(item.shape) if hasattr(item, "shape")
                                                               else "group"))
    return found


def mlp(hidden=5):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(3, activation="softmax")])


def test_reads_the_file_keras_wrote():
    model = fixture_model(keras)
    model.load_weights(KERAS_FILE)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(3, 8), (2, 8), (8,), (5, 3), (3,), (5, 4), (4,), (4, 2), (2,)]
    for index, weight in enumerate(weights):  # the file holds these float32 values themselves
        np.testing.assert_array_equal(weight, pattern(weight.shape, 1 + index))
    # Keras's predictions on the same weights; float32 through an LSTM: 1e-5 relative
    np.testing.assert_allclose(model.predict(fixture_inputs(), verbose=0), PREDICTIONS, rtol=1e-5, atol=1e-6)


def test_writes_the_layout_keras_writes(tmp_path):
    model = fixture_model(keras)
    model.save_weights(tmp_path / "g.weights.h5")
    assert layout(tmp_path / "g.weights.h5") == layout(KERAS_FILE)  # every group, every dataset shape
    with h5py.File(tmp_path / "g.weights.h5", "r") as store:
        assert store["vars"].attrs["name"] == "fixture"
        assert store["layers/dense/vars"].attrs["name"] == "wide"  # Keras's name attribute: the layer's name
        assert store["layers/lstm/cell/vars/0"].dtype == np.float32


def test_round_trip_and_checkpoint_write_hdf5(tmp_path):
    model = mlp()
    model.save_weights(tmp_path / "w.weights.h5")
    with open(tmp_path / "w.weights.h5", "rb") as stream:
        assert stream.read(8) == b"\x89HDF\r\n\x1a\n"
    assert layout(tmp_path / "w.weights.h5") == {
        "layers": "group", "layers/dense": "group", "layers/dense/vars": "group", "layers/dense/vars/0": (4, 5),
        "layers/dense/vars/1": (5,), "layers/dense_1": "group", "layers/dense_1/vars": "group",
        "layers/dense_1/vars/0": (5, 3), "layers/dense_1/vars/1": (3,), "vars": "group"}
    other = mlp()
    other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)

    model.compile("adam", "sparse_categorical_crossentropy")
    check = keras.callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), save_weights_only=True)
    model.fit(np.ones((8, 4), "float32"), np.arange(8) % 3, epochs=2, verbose=0, callbacks=[check])
    assert layout(tmp_path / "e2.weights.h5") == layout(tmp_path / "w.weights.h5")
    fresh = mlp()
    fresh.load_weights(tmp_path / "e2.weights.h5")
    for a, b in zip(model.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_loads_the_weights_of_a_keras_file_and_older_glassnet_files(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    write_archive(tmp_path / "old.weights.h5", {"contents": "weights"},  # what save_weights wrote before
                  {"weights": [{"name": f"w{i}", "shape": list(w.shape)} for i, w in enumerate(model.get_weights())]},
                  model.get_weights())
    for name in ("m.keras", "old.weights.h5"):
        other = mlp()
        other.load_weights(tmp_path / name)
        for a, b in zip(model.get_weights(), other.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_names_as_keras_requires(tmp_path):
    model = mlp()
    for name in ("x.h5", "x.keras", "x.weights", "x.weights.json"):
        with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`.*Received: filepath=.*" + name):
            model.save_weights(tmp_path / name)
    assert not os.listdir(tmp_path)
    model.save_weights(tmp_path / "x.glassnet")  # glassnet's own format keeps its name
    with open(tmp_path / "x.glassnet", "rb") as stream:
        assert stream.read(2) == b"PK"
    (tmp_path / "x.txt").write_text("not weights")
    with pytest.raises(ModelFileError, match="not a weights file"):
        model.load_weights(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="invalid keyword arguments.*by_name"):
        load_weights(model, tmp_path / "x.glassnet", by_name=True)


def test_an_unbuilt_model_is_refused(tmp_path):
    mlp().save_weights(tmp_path / "w.weights.h5")
    unbuilt = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="not yet been built"):
        unbuilt.load_weights(tmp_path / "w.weights.h5")


def test_atomic_write_and_file_mode(tmp_path):
    model = mlp()
    old_umask = os.umask(0o027)
    try:
        model.save_weights(tmp_path / "w.weights.h5")
    finally:
        os.umask(old_umask)
    assert os.stat(tmp_path / "w.weights.h5").st_mode & 0o777 == 0o640
    before = (tmp_path / "w.weights.h5").read_bytes()
    broken = mlp()
    broken.layers[0].weights[0].value = np.zeros((2, 2, 2), dtype=object)  # h5py cannot store this
    with pytest.raises(Exception):
        broken.save_weights(tmp_path / "w.weights.h5")
    assert (tmp_path / "w.weights.h5").read_bytes() == before
    assert os.listdir(tmp_path) == ["w.weights.h5"]  # no temporary file left behind


def damaged(tmp_path, edit):
    mlp().save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r+") as store:
        edit(store)
    return tmp_path / "w.weights.h5"


@pytest.mark.parametrize("edit, message", [
    (lambda s: (s.__delitem__("layers/dense/vars/0"), s["layers/dense/vars"].create_dataset("0", shape=(4000, 5000),
                                                                                           dtype="f4")),
     r"weight 0 should have shape \(4, 5\); the file holds shape \(4000, 5000\) at layers/dense/vars/0"),
    (lambda s: s.__delitem__("layers/dense_1"), r"no weights stored for layer .* \(at layers/dense_1/vars\)"),
    (lambda s: (s.__delitem__("layers/dense/vars/1"), s["layers/dense/vars"].create_dataset("1", data=["a"] * 5)),
     r"layers/dense/vars/1 holds .*not numbers"),
])
def test_damaged_files_name_the_member(tmp_path, edit, message):
    path = damaged(tmp_path, edit)
    model = mlp()
    before = model.get_weights()
    with pytest.raises(ModelFileError, match=message) as raised:
        model.load_weights(path)
    assert "w.weights.h5" in str(raised.value)
    for a, b in zip(before, model.get_weights()):  # nothing loaded
        np.testing.assert_array_equal(a, b)


def test_truncated_and_foreign_hdf5(tmp_path):
    mlp().save_weights(tmp_path / "w.weights.h5")
    data = (tmp_path / "w.weights.h5").read_bytes()
    (tmp_path / "cut.weights.h5").write_bytes(data[:len(data) // 2])
    with pytest.raises(ModelFileError, match="cut.weights.h5"):
        mlp().load_weights(tmp_path / "cut.weights.h5")
    with h5py.File(tmp_path / "legacy.h5", "w") as store:  # Keras 2's layout
        store.attrs["layer_names"] = [b"dense"]
    with pytest.raises(ModelFileError, match="legacy Keras 2 HDF5"):
        mlp().load_weights(tmp_path / "legacy.h5")


def test_skip_mismatch(tmp_path):
    mlp(hidden=5).save_weights(tmp_path / "w.weights.h5")
    saved = mlp(hidden=5)
    saved.load_weights(tmp_path / "w.weights.h5")
    wider = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6), keras.layers.Dense(3),
                              keras.layers.Dense(2)])  # Dense 0 and 1 do not fit; Dense 2 is not in the file
    before = wider.get_weights()
    with pytest.raises(ModelFileError, match=r"3 layer\(s\) could not be loaded .*skip_mismatch=True"):
        wider.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(before, wider.get_weights()):
        np.testing.assert_array_equal(a, b)

    narrower_head = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5), keras.layers.Dense(2)])
    head_before = narrower_head.layers[1].get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_weights(narrower_head, tmp_path / "w.weights.h5", skip_mismatch=True)
    assert any("skipped 1 layer(s)" in str(w.message) and "layers/dense_1/vars/0" in str(w.message) for w in caught)
    for a, b in zip(narrower_head.layers[0].get_weights(), saved.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)  # the layer that fits is loaded
    for a, b in zip(narrower_head.layers[1].get_weights(), head_before):
        np.testing.assert_array_equal(a, b)  # the one that does not keeps its weights


def test_flipped_bytes_load_or_raise_model_file_error(tmp_path):
    """Damage anywhere in the file: load_weights either loads (the byte was in unused space or
    in a weight's value) or raises ModelFileError; never another exception, never a crash."""
    mlp().save_weights(tmp_path / "w.weights.h5")
    data = bytearray((tmp_path / "w.weights.h5").read_bytes())
    rng = np.random.default_rng(5)
    outcomes = set()
    for trial in range(80):
        damaged_data = bytearray(data)
        for offset in rng.integers(0, len(data), size=1 + trial % 4):
            damaged_data[offset] ^= int(rng.integers(1, 256))
        if trial % 10 == 9:
            damaged_data = damaged_data[:int(rng.integers(8, len(data)))]
        (tmp_path / "d.weights.h5").write_bytes(bytes(damaged_data))
        model = mlp()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.load_weights(tmp_path / "d.weights.h5")
            outcomes.add("loaded")
        except ModelFileError as error:
            assert "d.weights.h5" in str(error)
            outcomes.add("refused")
    assert outcomes == {"loaded", "refused"}
