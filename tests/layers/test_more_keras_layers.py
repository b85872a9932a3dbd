"""ReLU's options, ELU, PReLU, UnitNormalization, RMSNormalization, GroupNormalization,
ActivityRegularization, AlphaDropout, RandomCrop and Hashing, pinned to Keras 3.15.1: configs,
weight names and shapes, outputs and gradients from keras_more_layers_golden.py (made by
tools/keras_reference/more_layers.py); gradients also checked against finite differences."""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import layers
from glassnet.ops.tape import collecting_losses
from glassnet.testing import check_gradients
from tests.layers.keras_more_layers_golden import LAYERS
from tests.real_keras import keras_python
from tools.keras_reference.more_layers import (CASES, interchange_model, pattern, set_interchange_weights,
                                               weight_value)

RTOL, ATOL = 1e-5, 1e-6  # float32 against Keras's float32 (JAX, CPU)


def _make(name):
    class_name, arguments, shape, _ = CASES[name]
    layer = getattr(layers, class_name)(**arguments)
    layer.build_for((None,) + shape[1:])
    for index, parameter in enumerate(layer.weights):
        parameter.assign(weight_value(parameter.shape, index))
    x = pattern(shape, 0) * (2 if class_name == "AlphaDropout" else 1)
    return layer, x


def _normalized(value):
    """A serialized object as (lower-case class name, config): glassnet writes Keras's module and
    registered name only into .keras files."""
    if isinstance(value, dict) and "class_name" in value:
        return value["class_name"].lower(), _normalized(value.get("config", {}))
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    return value


def _config_subset(layer):
    config = layer.get_config() if hasattr(layer, "get_config") else layer
    return _normalized({k: v for k, v in config.items() if k not in ("name", "dtype")})


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_and_weights_match_keras(name):
    layer, x = _make(name)
    golden = LAYERS[name]
    assert _config_subset(layer) == _config_subset(golden["config"])
    assert [[p.name, list(p.shape), p.trainable] for p in layer.weights] == golden["weights"]
    assert layer.count_params() == golden["count_params"]


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n][3]))
def test_forward_and_gradients_match_keras(name):
    layer, x = _make(name)
    golden = LAYERS[name]
    y = layer(x)
    assert list(y.shape) == golden["output_shape"]
    np.testing.assert_allclose(y.ravel(), golden["output"], rtol=RTOL, atol=ATOL)
    grad_x = layer.backward(pattern(y.shape, 99))
    np.testing.assert_allclose(grad_x.ravel(), golden["grad_input"], rtol=RTOL, atol=1e-5)
    for parameter, expected in zip(layer.trainable_weights, golden["grad_weights"]):
        np.testing.assert_allclose(parameter.grad.ravel(), expected, rtol=RTOL, atol=1e-5)


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n][3]))
def test_gradients_match_finite_differences(name):
    layer, x = _make(name)
    # away from the kinks of the ReLUs (finite differences straddling one are meaningless)
    x = x + 0.03 * np.sign(x + 0.01)
    result = check_gradients(layer, x, tolerance=1e-6)
    assert result.ok, result.errors


def test_relu_options_are_checked_like_keras():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises((ValueError, TypeError), match="threshold"):
        layers.ReLU(threshold=None)


def test_group_normalization_checks_groups_against_channels():
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="multiple"):
        layers.GroupNormalization(groups=3)(np.zeros((1, 4), np.float32))
    with pytest.raises(ValueError, match="cannot be more"):
        layers.GroupNormalization()(np.zeros((1, 4), np.float32))


def test_activity_regularization_adds_keras_loss_and_its_gradient():
    layer, x = _make("activity_reg")
    with collecting_losses() as added:
        y = layer(x)
    np.testing.assert_array_equal(y, x)
    np.testing.assert_allclose(added, LAYERS["activity_reg"]["losses"], rtol=RTOL)
    # dL/dx of L = sum(y * R) + the added loss, against central differences in float64
    x64 = x.astype(np.float64) + 0.01
    projection = pattern(x.shape, 99).astype(np.float64)

    def total(values):
        with collecting_losses() as losses:
            out = layer(values)
        return float((out * projection).sum() + sum(losses))

    layer(x64)
    analytic = layer.backward(projection)
    numeric = np.zeros_like(x64)
    for index in np.ndindex(x64.shape):
        step = np.zeros_like(x64)
        step[index] = 1e-6
        numeric[index] = (total(x64 + step) - total(x64 - step)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_activity_regularization_joins_the_training_loss():
    model = glassnet.Sequential([glassnet.Input((3,)), layers.Dense(2, kernel_initializer="ones"),
                                 layers.ActivityRegularization(l2=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    plain = float(np.mean(model.predict(x, verbose=0) ** 2))
    loss = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(loss, plain + 0.5 * np.sum(model.predict(x, verbose=0) ** 2) / 4, rtol=1e-5)


def test_alpha_dropout_uses_keras_constants():
    layer, x = _make("alpha_dropout")
    golden = np.asarray(LAYERS["alpha_dropout"]["output"]).reshape(x.shape)
    rate, alpha_p = 0.3, -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    dropped = a * alpha_p - a * alpha_p * rate
    keras_kept = ~np.isclose(golden, dropped, atol=1e-6)
    # Keras's kept entries are a * x + b, its dropped ones the constant: so are glassnet's
    np.testing.assert_allclose(golden[keras_kept], a * x[keras_kept] - a * alpha_p * rate, rtol=1e-5)
    y = layer(x, training=True)
    kept = ~np.isclose(y, dropped, atol=1e-6)
    np.testing.assert_allclose(y[kept], a * x[kept] - a * alpha_p * rate, rtol=1e-5)
    assert 0 < (~kept).sum() < x.size
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), np.where(kept, a, 0), rtol=1e-6)
    np.testing.assert_array_equal(layer(x), x)  # inference: the identity


def test_alpha_dropout_noise_shape_shares_decisions():
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1), seed=1)
    y = layer(np.ones((6, 5), np.float32), training=True)
    assert all(len(set(row.tolist())) == 1 for row in y)


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("random_crop")))
def test_random_crop_matches_keras(name):
    layer, x = _make(name)
    golden = LAYERS[name]
    y = layer(x, training=True)
    assert list(y.shape) == golden["output_shape"]
    np.testing.assert_allclose(y.ravel(), golden["output"], rtol=RTOL, atol=ATOL)
    assert list(layer(x, training=False).shape) == golden["inference_output_shape"]
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == golden["declared_output_shape"]
    result = check_gradients(layer, x, training=True)
    assert result.ok, result.errors


def test_random_crop_draws_a_window_inside_the_image():
    x = np.arange(2 * 9 * 7 * 1, dtype=np.float32).reshape(2, 9, 7, 1)
    layer = layers.RandomCrop(4, 3, seed=5)
    corners = set()
    for _ in range(20):
        y = layer(x, training=True)
        top, left = divmod(int(y[0, 0, 0, 0]), 7)
        corners.add((top, left))
        np.testing.assert_array_equal(y, x[:, top:top + 4, left:left + 3])
    assert len(corners) > 3 and all(0 <= t <= 5 and 0 <= w <= 4 for t, w in corners)
    dy = np.ones_like(y)
    dx = layer.backward(dy)
    assert dx.shape == x.shape and dx.sum() == dy.sum()


# Hashing needs TensorFlow in Keras: these outputs are those printed in Keras 3.15.1's docstring and
# tests (keras/src/layers/preprocessing/hashing.py and hashing_test.py), which TensorFlow produced.
LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]
NAMES = [["omar"], ["stringer"], ["marlo"], ["wire"], ["skywalker"]]
HASHING_CASES = [
    ({"num_bins": 3}, LETTERS, [1, 0, 1, 1, 2]),
    ({"num_bins": 3, "mask_value": ""}, [["A"], ["B"], [""], ["C"], ["D"]], [1, 1, 0, 2, 2]),
    ({"num_bins": 3, "salt": [133, 137]}, LETTERS, [1, 2, 1, 0, 2]),
    ({"num_bins": 3, "salt": 133}, LETTERS, [0, 0, 2, 1, 0]),
    ({"num_bins": 1}, LETTERS, [0, 0, 0, 0, 0]),
    ({"num_bins": 2}, NAMES, [0, 0, 1, 0, 0]),
    ({"num_bins": 3, "mask_value": ""}, NAMES, [1, 1, 2, 1, 1]),
    ({"num_bins": 3, "mask_value": "omar"}, NAMES, [0, 1, 2, 1, 1]),
    ({"num_bins": 2, "salt": [133, 137]}, NAMES, [0, 1, 0, 1, 0]),
    ({"num_bins": 2, "salt": [211, 137]}, NAMES, [1, 0, 1, 0, 1]),
    ({"num_bins": 3}, np.array([[0], [1], [2], [3], [4]]), [1, 0, 1, 0, 2]),
    ({"num_bins": 3, "salt": [133, 137]}, np.array([[0], [1], [2], [3], [4]]), [1, 1, 2, 0, 1]),
    ({"num_bins": 2}, [[1, 2], [2, 3], [3, 4]], [[1, 1], [1, 1], [1, 1]]),
]


@pytest.mark.parametrize("arguments,inputs,expected", HASHING_CASES)
def test_hashing_matches_keras_documented_outputs(arguments, inputs, expected):
    output = layers.Hashing(**arguments)(inputs)
    assert output.dtype == np.int64
    np.testing.assert_array_equal(output.reshape(np.shape(expected)), expected)


def test_hashing_encoded_outputs_and_config():
    one_hot = layers.Hashing(num_bins=3, output_mode="one_hot")(np.array([0, 1, 2, 3, 4]))
    np.testing.assert_array_equal(one_hot, np.eye(3)[[1, 0, 1, 0, 2]])
    np.testing.assert_array_equal(layers.Hashing(num_bins=3, output_mode="multi_hot")(np.array([[0, 1, 2, 3, 4]])),
                                  [[1, 1, 1]])
    np.testing.assert_array_equal(layers.Hashing(num_bins=3, output_mode="count")(np.array([0, 1, 2, 3, 4])),
                                  [2, 2, 1])
    layer = layers.Hashing(num_bins=3, salt=133, mask_value="")
    config = layer.get_config()
    assert (config["salt"], config["mask_value"], config["output_mode"], config["sparse"], config["dtype"]) == (
        [133, 133], "", "int", False, "int64")
    with pytest.raises(ValueError, match="dtype"):
        layers.Hashing(3, dtype="float32")
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(3, salt=[1, 2, 3])
    with pytest.raises(ValueError, match="sparse"):
        layers.Hashing(3, sparse=True)


@pytest.mark.parametrize("name", ["prelu_shared", "group_norm_4d", "rms_norm", "relu_options", "elu_alpha",
                                  "unit_norm_axes", "alpha_dropout", "activity_reg"])
def test_saved_and_loaded_in_glassnet_and_keras_formats(name, tmp_path):
    layer, x = _make(name)
    model = glassnet.Sequential([glassnet.Input(x.shape[1:]), layer])
    expected = model.predict(x, verbose=0)
    # glassnet's .keras reader refuses any groups != 1 (a Conv option) before it knows the class
    files = ("m.glassnet",) if name.startswith("group_norm") else ("m.glassnet", "m.keras")
    for file in files:
        loaded = glassnet.models.load_model(tmp_path / file) if model.save(tmp_path / file) is None else None
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6)
        assert _config_subset(loaded.layers[-1]) == _config_subset(layer)


def test_hashing_and_random_crop_save_and_load(tmp_path):
    model = glassnet.Sequential([glassnet.Input((6, 6, 1)), layers.RandomCrop(4, 4, seed=2), layers.Flatten()])
    model.save(tmp_path / "crop.glassnet")
    loaded = glassnet.models.load_model(tmp_path / "crop.glassnet")
    assert loaded.layers[0].get_config() == model.layers[0].get_config()
    hashing = layers.Hashing(num_bins=5, salt=[1, 2], mask_value="x")
    rebuilt = layers.deserialize(layers.serialize(hashing))
    np.testing.assert_array_equal(rebuilt([["a"], ["x"], ["b"]]), hashing([["a"], ["x"], ["b"]]))


# -- through real Keras: runs where a Python with Keras 3 is found (this one, or GLASSNET_KERAS_PYTHON),
# else skipped with that reason (pytest -rs), as tests/saving/test_keras_interchange.py does


TOOLS = Path(__file__).resolve().parents[2] / "tools" / "keras_reference"
KERAS_ENV = {**os.environ, "KERAS_BACKEND": "jax"}


def test_new_layers_move_from_glassnet_to_keras(tmp_path):
    python = keras_python("the Keras round trips of the new layers")
    model = interchange_model(glassnet)
    model.add(layers.GroupNormalization(groups=2))
    set_interchange_weights(model)
    x = pattern((2, 3, 4), 5) * 3
    model.save(tmp_path / "m.keras")
    np.savez(tmp_path / "x.npz", x)
    subprocess.run([python, str(TOOLS / "keras_roundtrip.py"), "load", str(tmp_path / "m.keras"),
                    str(tmp_path / "x.npz"), str(tmp_path / "y.npz")], check=True, capture_output=True,
                   env=KERAS_ENV)
    with np.load(tmp_path / "y.npz") as stored:
        np.testing.assert_allclose(stored["arr_0"], model.predict(x, verbose=0), atol=1e-5)


def test_new_layers_move_from_keras_to_glassnet(tmp_path):
    python = keras_python("the Keras round trips of the new layers")
    x = pattern((2, 3, 4), 5) * 3
    np.save(tmp_path / "x.npy", x)
    subprocess.run([python, str(TOOLS / "more_layers.py"), "save", str(tmp_path / "k.keras"), str(tmp_path / "x.npy"),
                    str(tmp_path / "y.npy")], check=True, capture_output=True,
                   env=KERAS_ENV)
    model = glassnet.models.load_model(tmp_path / "k.keras")
    assert [type(layer).__name__ for layer in model.layers][1:] == [
        "PReLU", "RMSNormalization", "ReLU", "ELU", "UnitNormalization", "AlphaDropout", "ActivityRegularization",
        "GroupNormalization"]
    assert model.layers[-1].groups == 2
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(tmp_path / "y.npy"), atol=1e-5)


def test_relu_with_options_is_never_exported_as_a_plain_relu(tmp_path):
    pytest.importorskip("onnx", reason="ONNX export needs onnx (pip install onnx)")
    model = glassnet.Sequential([glassnet.Input((4,)), layers.ReLU(max_value=6.0)])
    with pytest.raises(ValueError, match="relu_with_options"):
        glassnet.export.to_onnx(model, tmp_path / "m.onnx")


@pytest.mark.parametrize("groups", [1, 2])
def test_group_normalization_keeps_its_groups_through_a_keras_file(tmp_path, groups):
    """The .keras reader leaves ``groups`` to the layers that take it (it refuses groups != 1 only
    for the convolutions, which check it themselves)."""
    model = glassnet.Sequential([glassnet.Input((3, 4)), layers.GroupNormalization(groups=groups)])
    x = pattern((2, 3, 4), 5) * 3
    model.save(tmp_path / "m.keras")
    loaded = glassnet.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[-1].groups == groups
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
