"""Models move between glassnet and Keras through Keras 3 .keras files.

The round trips through real Keras run when a Python with Keras 3 is available: this one, or
the one named by GLASSNET_KERAS_PYTHON (e.g. a venv with tensorflow-cpu). Otherwise they are
skipped with that reason, printed by ``pytest -rs``.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras

pytest.importorskip("h5py", reason=".keras files need h5py (pip install h5py)")

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "keras_reference" / "keras_roundtrip.py"


def keras_python():
    if importlib.util.find_spec("keras") is not None:
        return sys.executable
    candidate = os.environ.get("GLASSNET_KERAS_PYTHON")
    if candidate and Path(candidate).exists():
        return candidate
    pytest.skip("real Keras is not available: set GLASSNET_KERAS_PYTHON to a Python with Keras 3 to run "
                "the Keras round trips")


def glassnet_model(kind):
    L = keras.layers
    keras.utils.set_random_seed(2)
    if kind == "all":
        return keras.Sequential([keras.Input((12, 12, 2)), L.ZeroPadding2D(1), L.Conv2D(4, 3, padding="same", activation="relu"),
                                 L.UpSampling2D(2), L.AveragePooling2D(2), L.SpatialDropout2D(0.1), L.Activation("tanh"),
                                 L.Reshape((196, 4)), L.Conv1D(3, 3, activation="relu"), L.Reshape((194, 3, 1)),
                                 L.Conv2D(2, 1), L.GlobalAveragePooling2D(keepdims=True), L.GlobalMaxPooling2D(),
                                 L.Dense(5, activation="softmax")])
    if kind == "mlp":
        return keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(32, activation="relu", kernel_regularizer="l2"),
                                 L.Dropout(0.2), L.Dense(10, activation="softmax")])
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(8, 3, activation="relu", padding="same"),
                              L.BatchNormalization(), L.MaxPooling2D(2), L.Conv2D(4, 3, strides=2), L.Flatten(),
                              L.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((16, 28, 28, 1), dtype=np.float32)
    model.fit(x, np.arange(16) % 10, epochs=1, verbose=0)  # moving statistics away from 0 and 1
    return model


def inputs(kind):
    shape = {"mlp": (8, 28, 28), "cnn": (8, 28, 28, 1), "all": (8, 12, 12, 2)}[kind]
    return np.random.default_rng(3).random(shape, dtype=np.float32)


@pytest.mark.parametrize("kind", ["mlp", "cnn", "all"])
def test_glassnet_keras_file_round_trip_in_glassnet(tmp_path, kind):
    model = glassnet_model(kind)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x = inputs(kind)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("kind", ["mlp", "cnn", "all"])
def test_glassnet_to_keras(tmp_path, kind):
    python = keras_python()
    model = glassnet_model(kind)
    model.save(tmp_path / "m.keras")
    x = inputs(kind)
    np.save(tmp_path / "x.npy", x)
    subprocess.run([python, str(SCRIPT), "load", str(tmp_path / "m.keras"), str(tmp_path / "x.npy"),
                    str(tmp_path / "y.npy")], check=True, capture_output=True)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", ["mlp", "cnn", "all"])
def test_keras_to_glassnet(tmp_path, kind):
    python = keras_python()
    x = inputs(kind)
    np.save(tmp_path / "x.npy", x)
    subprocess.run([python, str(SCRIPT), "save", kind, str(tmp_path / "k.keras"), str(tmp_path / "x.npy"),
                    str(tmp_path / "y.npy")], check=True, capture_output=True)
    model = keras.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(tmp_path / "y.npy"), atol=1e-5)
