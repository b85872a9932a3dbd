"""Saving and loading: round trips, exact resumption, atomic writes, bad files."""

import json
import os
import subprocess
import sys
import textwrap
import zipfile
import hashlib
import io

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.saving import ModelFileError


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 6)).astype(np.float32)
    return x, (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1)


def mlp(optimizer="adam"):
    model = keras.Sequential([layers.Dense(12, activation="relu", input_shape=(6,), kernel_regularizer="l2"),
                              layers.Dropout(0.2), layers.Dense(3, activation="softmax")])
    model.compile(optimizer, "sparse_categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2)])
    return model


def test_round_trip_gives_the_same_predictions_config_and_compile(tmp_path):
    x, y = data()
    model = mlp()
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "model.glassnet"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert [type(l).__name__ for l in loaded.layers] == ["Dense", "Dropout", "Dense"]
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(model.evaluate(x, y, verbose=0, return_dict=True))
    assert loaded.optimizer.iterations == model.optimizer.iterations


@pytest.mark.parametrize("optimizer", ["adam", "nadam", "rmsprop", keras.optimizers.SGD(0.05, momentum=0.9)])
def test_resume_equals_training_straight_through(tmp_path, optimizer):
    x, y = data()
    keras.utils.set_random_seed(7)
    straight = mlp(optimizer if isinstance(optimizer, str) else keras.optimizers.SGD(0.05, momentum=0.9))
    straight.fit(x, y, epochs=4, batch_size=16, verbose=0)

    keras.utils.set_random_seed(7)
    first = mlp(optimizer if isinstance(optimizer, str) else keras.optimizers.SGD(0.05, momentum=0.9))
    first.fit(x, y, epochs=2, batch_size=16, verbose=0)
    first.save(tmp_path / "half.glassnet")
    resumed = keras.models.load_model(tmp_path / "half.glassnet")
    resumed.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_and_load_weights(tmp_path):
    model = mlp()
    path = tmp_path / "w.glassnet"  # glassnet's own weights format; .weights.h5 is Keras's (test_weights_h5.py)
    model.save_weights(path)
    other = mlp()
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ModelFileError, match="holds only weights"):
        keras.models.load_model(path)


def test_config_round_trip():
    model = mlp()
    clone = keras.Sequential.from_config(model.get_config())
    assert clone.get_config()["layers"][0]["config"]["units"] == 12
    assert clone.count_params() == model.count_params()


def test_the_file_holds_no_pickle_only_json_and_npy(tmp_path):
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[:2] == ["glassnet.json", "config.json"]
        assert all(n.endswith(".npy") for n in names[2:])
        header = json.loads(archive.read("glassnet.json"))
        assert header["format_version"] == 2
        assert sorted(header["members"]) == sorted(names[1:])  # a SHA-256 for every other member
        for name in names[1:]:
            assert header["members"][name] == hashlib.sha256(archive.read(name)).hexdigest()


def rewrite(path, member, content, rehash=False):
    """Replace one member of a saved file (re-zipped, so every CRC is valid). ``rehash``
    updates the manifest too, as someone editing the file on purpose would, to reach the
    checks behind the manifest's."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[member] = content
    if rehash:
        header = json.loads(members["glassnet.json"])
        header["members"][member] = hashlib.sha256(content if isinstance(content, bytes) else content.encode()).hexdigest()
        members["glassnet.json"] = json.dumps(header)
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in members.items():
            if value is not None:
                archive.writestr(name, value)


def saved_mlp_with_config(tmp_path, change, rehash=True):
    """Save an MLP, apply ``change`` to the model config inside the file, return the path."""
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    change(config["model"]["config"]["layers"])
    rewrite(path, "config.json", json.dumps(config), rehash)
    return path


def test_an_edited_member_is_reported_not_loaded(tmp_path):
    """units 13 instead of 8 and the weights cut to fit would load as another model; the manifest
    catches the edit first."""
    path = saved_mlp_with_config(tmp_path, lambda layers: layers[0]["config"].update(units=13), rehash=False)
    with pytest.raises(ModelFileError, match="config.json' was damaged or edited after saving"):
        keras.models.load_model(path)
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    with zipfile.ZipFile(path) as archive:
        weights = np.load(io.BytesIO(archive.read("weights/0001.npy")))
    rewrite(path, "weights/0001.npy", _npy(weights + 1))
    with pytest.raises(ModelFileError, match="weights/0001.npy' was damaged or edited"):
        keras.models.load_model(path)


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_an_array_header_larger_than_its_bytes_allocates_nothing(tmp_path):
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }"
    header += b" " * (63 - len(header) % 64) + b"\n"
    forged = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 64
    rewrite(path, "weights/0000.npy", forged, rehash=True)
    with pytest.raises(ModelFileError, match=r"weights/0000.npy.*damaged.*declares shape \(100000, 100000\)"):
        keras.models.load_model(path)


def test_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    rewrite(path, "glassnet.json", json.dumps({"format": "glassnet-model", "format_version": 99, "contents": "model"}))
    with pytest.raises(ModelFileError, match="format version 99.*reads versions up to 2.*Upgrade"):
        keras.models.load_model(path)


def test_unknown_layer_in_config(tmp_path):
    path = saved_mlp_with_config(tmp_path, lambda layers: layers[1].update(class_name="Teleporter"))
    with pytest.raises(ValueError, match="Unknown layer class 'Teleporter'.*known layer classes: .*Dense"):
        keras.models.load_model(path)


def test_weights_that_do_not_fit_the_config(tmp_path):
    path = saved_mlp_with_config(tmp_path, lambda layers: layers[0]["config"].update(units=13))
    with pytest.raises(ModelFileError, match="do not fit the architecture"):
        keras.models.load_model(path)


def test_tampered_array_and_truncated_file(tmp_path):
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    rewrite(path, "weights/0000.npy", b"\x93NUMPY garbage")
    with pytest.raises(ModelFileError, match="weights/0000.npy.*damaged"):
        keras.models.load_model(path)
    mlp().save(path)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(ModelFileError, match="not a glassnet model file"):
        keras.models.load_model(path)


def test_pickled_array_is_refused(tmp_path):
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    rewrite(path, "weights/0000.npy", buffer.getvalue(), rehash=True)
    with pytest.raises(ModelFileError, match="damaged"):
        keras.models.load_model(path)


def test_foreign_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="not a glassnet model file"):
        keras.models.load_model(text)
    keras_like = tmp_path / "model.keras"
    with zipfile.ZipFile(keras_like, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", b"")
    with pytest.raises(ModelFileError, match="not a readable Keras .keras file: its config.json describes no model"):
        keras.models.load_model(keras_like)
    with pytest.raises(FileNotFoundError, match="No model file"):
        keras.models.load_model(tmp_path / "missing.glassnet")


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "m.glassnet"
    model = mlp()
    model.save(path)
    before = path.read_bytes()
    model._metric_identifiers.append(lambda y_true, y_pred: y_pred)  # a metric that cannot be saved
    with pytest.raises(ValueError, match="Cannot save the metric"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.glassnet"]  # no temporary file left behind


def test_sigkill_during_save_keeps_the_previous_file(tmp_path):
    path = tmp_path / "big.glassnet"
    script = textwrap.dedent(f"""
        import sys, numpy as np, glassnet as keras
        model = keras.Sequential([keras.layers.Dense(2000, input_shape=(2000,)), keras.layers.Dense(10)])
        model.compile("adam", "mse")
        model.save({str(path)!r})
        print("saved", flush=True)
        while True:
            model.save({str(path)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "saved"
        import time
        time.sleep(0.3)  # let it get into the middle of a later save
    finally:
        process.kill()
        process.wait()
    model = keras.models.load_model(path)
    assert model.count_params() == 2000 * 2000 + 2000 + 2000 * 10 + 10
    # The killed save left its temporary file; the next save to the same path removes it.
    model.save(path)
    assert sorted(os.listdir(tmp_path)) == ["big.glassnet"]


def test_a_temporary_file_of_a_running_save_is_kept(tmp_path):
    """Only files of processes that are gone are removed: one of a live process (here: this
    process's parent, which is alive) stays."""
    path = tmp_path / "m.glassnet"
    live = tmp_path / f".m.glassnet.{os.getppid()}.0a1b2c3d.tmp"
    dead = tmp_path / ".m.glassnet.999999999.0a1b2c3d.tmp"
    other = tmp_path / ".n.glassnet.999999999.0a1b2c3d.tmp"
    for file in (live, dead, other):
        file.write_bytes(b"partial")
    mlp().save(path)
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, other.name, "m.glassnet"])


def test_a_saved_file_gets_the_mode_of_a_plain_new_file(tmp_path):
    previous = os.umask(0o022)
    try:
        mlp().save(tmp_path / "m.glassnet")
        (tmp_path / "plain").write_bytes(b"")
        assert os.stat(tmp_path / "m.glassnet").st_mode & 0o777 == os.stat(tmp_path / "plain").st_mode & 0o777 == 0o644
        os.chmod(tmp_path / "m.glassnet", 0o640)
        mlp().save(tmp_path / "m.glassnet")  # replacing a file keeps its mode, as open() does
        assert os.stat(tmp_path / "m.glassnet").st_mode & 0o777 == 0o640
    finally:
        os.umask(previous)
