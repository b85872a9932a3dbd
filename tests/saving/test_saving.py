"""Saving and loading: round trips, exact resumption, atomic writes, bad files."""

import json
import os
import subprocess
import sys
import textwrap
import zipfile

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
    path = tmp_path / "w.weights"
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
        assert json.loads(archive.read("glassnet.json"))["format_version"] == 1


def rewrite(path, member, content):
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[member] = content
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in members.items():
            if value is not None:
                archive.writestr(name, value)


def saved_mlp_with_config(tmp_path, change):
    """Save an MLP, apply ``change`` to the model config inside the file, return the path."""
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    change(config["model"]["config"]["layers"])
    rewrite(path, "config.json", json.dumps(config))
    return path


def test_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "m.glassnet"
    mlp().save(path)
    rewrite(path, "glassnet.json", json.dumps({"format": "glassnet-model", "format_version": 99, "contents": "model"}))
    with pytest.raises(ModelFileError, match="format version 99.*reads versions up to 1.*Upgrade"):
        keras.models.load_model(path)


def test_unknown_layer_in_config(tmp_path):
    path = saved_mlp_with_config(tmp_path, lambda layers: layers[1].update(class_name="Teleporter"))
    with pytest.raises(ValueError, match="Unknown layer class 'Teleporter'.*known layers: .*Dense"):
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
    rewrite(path, "weights/0000.npy", buffer.getvalue())
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
