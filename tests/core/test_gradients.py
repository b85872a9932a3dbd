"""Every layer, activation and loss: backward against float64 central differences."""

import numpy as np
import pytest

import glassnet as keras
from glassnet.testing import check_gradients

ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "selu", "gelu",
               "softplus", "swish", "silu"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_with_each_activation(activation):
    layer = keras.layers.Dense(3, activation=activation)
    result = check_gradients(layer, np.random.default_rng(1).standard_normal((4, 5)))
    assert result.ok, result.errors


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_layer(activation):
    result = check_gradients(keras.layers.Activation(activation), np.random.default_rng(2).standard_normal((3, 4)))
    assert result.ok, result.errors


def test_gelu_approximate_form():
    layer = keras.layers.Activation(keras.activations.GELU(approximate=True))
    assert check_gradients(layer, np.random.default_rng(3).standard_normal((3, 4))).ok


@pytest.mark.parametrize("layer", [
    keras.layers.Dense(4, use_bias=False),
    keras.layers.Flatten(),
    keras.layers.Reshape((-1,)),
    keras.layers.Dropout(0.5),
])
def test_shape_and_weight_free_layers(layer):
    x = np.random.default_rng(4).standard_normal((2, 3, 4))
    assert check_gradients(layer, x).ok


def test_dense_on_3d_input_contracts_the_last_axis():
    layer = keras.layers.Dense(2)
    result = check_gradients(layer, np.random.default_rng(5).standard_normal((2, 3, 4)))
    assert layer.output_shape == (None, 3, 2)
    assert result.ok, result.errors


def test_dropout_backward_uses_the_forward_mask():
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dropout(0.5)
    x = np.ones((4, 6), dtype=np.float32)
    y = layer(x, training=True)
    assert set(np.unique(y)) <= {0.0, 2.0}
    grad = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(grad, y)


def _model_targets(loss, rng, n):
    if loss == "categorical_crossentropy":
        return keras.utils.to_categorical(rng.integers(0, 3, n), 3)
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, 3, n)
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, n)
    return rng.standard_normal((n, 3))


@pytest.mark.parametrize("loss,activation,from_logits", [
    ("categorical_crossentropy", "softmax", False),  # fused: dZ = A - Y
    ("categorical_crossentropy", "linear", True),
    ("categorical_crossentropy", "sigmoid", False),  # not fused: through the probabilities
    ("sparse_categorical_crossentropy", "softmax", False),
    ("sparse_categorical_crossentropy", "linear", True),
    ("binary_crossentropy", "sigmoid", False),       # fused
    ("binary_crossentropy", "linear", True),
    ("mse", "linear", False), ("mae", "linear", False), ("huber", "tanh", False),
])
def test_model_gradients_for_each_loss(loss, activation, from_logits):
    rng = np.random.default_rng(6)
    units = 1 if loss == "binary_crossentropy" else 3
    model = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(5,)),
                              keras.layers.Dense(units, activation=activation)])
    loss_object = keras.losses.get(loss)
    loss_object.from_logits = from_logits
    model.compile("sgd", loss_object)
    result = check_gradients(model, rng.standard_normal((6, 5)), _model_targets(loss, rng, 6))
    assert result.ok, result.errors


def test_model_gradients_with_sample_weights_and_regularizers():
    rng = np.random.default_rng(7)
    model = keras.Sequential([
        keras.layers.Dense(4, activation="relu", input_shape=(3,), kernel_regularizer="l2"),
        keras.layers.Dense(2, activation="softmax", kernel_regularizer=keras.regularizers.L1L2(0.01, 0.02)),
    ])
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    flat = model._flat_parameters()
    model._forward(x.astype(np.float32), training=True)
    penalty = flat.regularization_penalty()
    kernels = [layer.kernel.value for layer in model.layers]
    expected = 0.01 * np.sum(kernels[0] ** 2) + 0.01 * np.abs(kernels[1]).sum() + 0.02 * np.sum(kernels[1] ** 2)
    assert penalty == pytest.approx(expected, rel=1e-5)
    assert check_gradients(model, x, y).ok


def test_a_wrong_backward_is_caught():
    class BrokenTanh(keras.activations.Tanh):
        def backward(self, z, a, grad_a):
            return grad_a * (1 - a)  # wrong on purpose

    result = check_gradients(keras.layers.Activation(BrokenTanh()), np.random.default_rng(8).standard_normal((3, 3)))
    assert not result.ok
    assert result.errors["input"] > 1e-2
