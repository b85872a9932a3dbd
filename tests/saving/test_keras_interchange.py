"""Models move between glassnet and Keras through Keras 3 .keras files.

The round trips through real Keras run when a Python with Keras 3 is available: this one, or
the one named by GLASSNET_KERAS_PYTHON (e.g. a venv with tensorflow-cpu). Otherwise they are
skipped with that reason, printed by ``pytest -rs``.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from tests.real_keras import keras_python

pytest.importorskip("h5py", reason=".keras files need h5py (pip install h5py)")

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "keras_reference"
SCRIPT = TOOLS / "keras_roundtrip.py"
sys.path.insert(0, str(TOOLS))
from graph_models import GRAPHS, graph_inputs  # noqa: E402

SEQUENTIAL = ["mlp", "cnn", "all"]
KINDS = SEQUENTIAL + sorted(GRAPHS)




def glassnet_model(kind):
    L = keras.layers
    keras.utils.set_random_seed(2)
    if kind in GRAPHS:
        model = GRAPHS[kind](keras)
        if kind == "residual_cnn":
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(inputs(kind), np.arange(8) % 5, epochs=1, verbose=0)
        return model
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
    rng = np.random.default_rng(3)
    if kind in GRAPHS:
        arrays = graph_inputs(kind, rng)
        return arrays if len(arrays) > 1 else arrays[0]
    shape = {"mlp": (8, 28, 28), "cnn": (8, 28, 28, 1), "all": (8, 12, 12, 2)}[kind]
    return rng.random(shape, dtype=np.float32)


def as_list(value):
    return value if isinstance(value, list) else [value]


def save_arrays(path, value):
    np.savez(path, *as_list(value))


def load_arrays(path):
    with np.load(path) as stored:
        return [stored[f"arr_{i}"] for i in range(len(stored.files))]


def assert_outputs_close(actual, expected, atol):
    actual, expected = as_list(actual), as_list(expected)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, atol=atol)


@pytest.mark.parametrize("kind", KINDS)
def test_glassnet_keras_file_round_trip_in_glassnet(tmp_path, kind):
    model = glassnet_model(kind)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x = inputs(kind)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert_outputs_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_glassnet_to_keras(tmp_path, kind):
    python = keras_python()
    model = glassnet_model(kind)
    model.save(tmp_path / "m.keras")
    x = inputs(kind)
    save_arrays(tmp_path / "x.npz", x)
    subprocess.run([python, str(SCRIPT), "load", str(tmp_path / "m.keras"), str(tmp_path / "x.npz"),
                    str(tmp_path / "y.npz")], check=True, capture_output=True)
    assert_outputs_close(load_arrays(tmp_path / "y.npz"), model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_keras_to_glassnet(tmp_path, kind):
    python = keras_python()
    x = inputs(kind)
    save_arrays(tmp_path / "x.npz", x)
    subprocess.run([python, str(SCRIPT), "save", kind, str(tmp_path / "k.keras"), str(tmp_path / "x.npz"),
                    str(tmp_path / "y.npz")], check=True, capture_output=True)
    model = keras.models.load_model(tmp_path / "k.keras")
    assert_outputs_close(model.predict(x, verbose=0), load_arrays(tmp_path / "y.npz"), atol=1e-5)


# -- weights only: model.save_weights("x.weights.h5") / load_weights, both ways ----------------
WEIGHTS_SCRIPT = TOOLS / "weights_h5.py"
# A Sequential MLP, a CNN (BatchNormalization's moving statistics trained away from 0 and 1),
# LSTM/GRU/Bidirectional models, functional models of two inputs, and nested models.
WEIGHT_KINDS = ["mlp", "cnn", "merge_graph", "recurrent_text", "encoder_decoder", "nested_models"]


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_glassnet_weights_to_keras(tmp_path, kind):
    python = keras_python()
    model = glassnet_model(kind)
    model.save_weights(tmp_path / "g.weights.h5")
    x = inputs(kind)
    save_arrays(tmp_path / "x.npz", x)
    subprocess.run([python, str(WEIGHTS_SCRIPT), "load", kind, str(tmp_path / "g.weights.h5"), str(tmp_path / "x.npz"),
                    str(tmp_path / "y.npz")], check=True, capture_output=True)
    assert_outputs_close(load_arrays(tmp_path / "y.npz"), model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_keras_weights_to_glassnet(tmp_path, kind):
    python = keras_python()
    x = inputs(kind)
    save_arrays(tmp_path / "x.npz", x)
    subprocess.run([python, str(WEIGHTS_SCRIPT), "save", kind, str(tmp_path / "k.weights.h5"), str(tmp_path / "x.npz"),
                    str(tmp_path / "y.npz")], check=True, capture_output=True)
    model = glassnet_model(kind)  # the same architecture, its own initial weights
    before = model.predict(x, verbose=0)
    model.load_weights(tmp_path / "k.weights.h5")
    expected = load_arrays(tmp_path / "y.npz")
    assert_outputs_close(model.predict(x, verbose=0), expected, atol=1e-5)
    assert max(np.abs(b - e).max() for b, e in zip(as_list(before), expected)) > 1e-3  # the load changed them
