"""Conv2D(relu) + MaxPooling2D run as one step (engine/fusion.py) give the numbers of running
them layer by layer, to float32 rounding.

The fused step and the layer-by-layer path are two implementations: the pair writes dL/dz
straight from the pooling, where the plain path goes through numba's ReLU kernel, and a
compiler may contract a multiply and an add into one FMA in one and not the other, so they may
round differently (7e-9 apart in 7 of 108 weights on one AMD EPYC, equal on another CPU).
The tolerance: one rounding is a relative 6e-8 (float32's half-ulp); over 8 Adam steps, whose
update divides by the root of the second moment, a relative gradient difference of a few ulps
moves a weight by about learning_rate x 1e-7 per step, so rtol 1e-5 / atol 1e-6 bounds it with
a wide margin while a wrong gradient (a missed window, a ReLU applied twice) moves weights by
1e-3 or more."""

import numpy as np
import pytest

import glassnet as keras
from glassnet.engine import fusion, kernels
from glassnet.testing import check_gradients
from tests.kernel_settings import fused_steps

L = keras.layers

pytestmark = pytest.mark.skipif(kernels.get("maxpool_forward") is None,
                                reason="the fused steps need the numba kernels, switched off here "
                                       "(GLASSNET_FUSED_KERNELS=0) or numba cannot be imported")
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}  # float32 rounding over a few Adam steps (module docstring)


def cnn():
    """Two pairs: 9x9 -> 7x7 pooled with a left-over row and column, then an exact 2x2 tiling;
    the first pair has nothing below it, so its input gradient is never computed."""
    return keras.Sequential([keras.Input((9, 9, 2)), L.Conv2D(6, 3, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(4, 1, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                             L.Dense(3, activation="softmax")])


def run(fused: bool, x, y, direct: bool = False, make=cnn):
    with fused_steps(fused, direct=direct):
        keras.utils.set_random_seed(3)
        model = make()
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return model.get_weights(), history.history, model.predict(x, verbose=0)


def test_the_pairs_are_fused():
    model = cnn()
    steps = fusion.plan(model.layers)
    assert [(lowest, highest) for _, lowest, highest in steps] == [(0, 1), (2, 3), (4, 4), (5, 5)]
    assert all(isinstance(step, fusion.DirectConvReLUMaxPool) for step, _, _ in steps[:2])
    with fused_steps(True, direct=False):
        assert all(isinstance(step, fusion.ConvReLUMaxPool) for step, _, _ in fusion.plan(model.layers)[:2])


def test_direct_kernels_only_for_few_taps_and_stride_one():
    """3x3 on 8 channels (72 taps x 4 window positions) and strides 2 take im2col."""
    model = keras.Sequential([keras.Input((12, 12, 8)), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2),
                              L.Conv2D(4, 1, strides=2, activation="relu"), L.MaxPooling2D(1)])
    steps = fusion.plan(model.layers)
    assert [type(step) for step, _, _ in steps] == [fusion.ConvReLUMaxPool, fusion.ConvReLUMaxPool]


def test_only_relu_with_side_by_side_windows_is_fused():
    layers = [L.Conv2D(2, 3, activation="tanh"), L.MaxPooling2D(2), L.Conv2D(2, 3, activation="relu"),
              L.MaxPooling2D(2, strides=1), L.Conv2D(2, 3, activation="relu"), L.AveragePooling2D(2)]
    assert all(step is layer for (step, _, _), layer in zip(fusion.plan(layers), layers))


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 9, 9, 2)).astype(np.float32)  # negative inputs: whole windows below zero
    return x, rng.integers(0, 3, 32)


def test_fused_training_equals_layer_by_layer():
    x, y = data()
    weights_fused, history_fused, predicted_fused = run(True, x, y)
    weights_plain, history_plain, predicted_plain = run(False, x, y)
    for name in history_plain:
        np.testing.assert_allclose(history_fused[name], history_plain[name], rtol=1e-5)
    for fused, plain in zip(weights_fused, weights_plain):
        np.testing.assert_allclose(fused, plain, **TOLERANCE)
    np.testing.assert_allclose(predicted_fused, predicted_plain, **TOLERANCE)


def test_fused_training_is_deterministic():
    """The same code path twice gives the same numbers bit for bit."""
    x, y = data()
    first, second = run(True, x, y, direct=True), run(True, x, y, direct=True)
    assert first[1] == second[1]
    for a, b in zip(first[0] + [first[2]], second[0] + [second[2]]):
        np.testing.assert_array_equal(a, b)


def same_padding_cnn():
    """"same" padding of an even kernel, no bias, 2x3 windows; the second pair's input gradient is needed."""
    return keras.Sequential([keras.Input((9, 9, 2)), L.Conv2D(5, 2, padding="same", use_bias=False, activation="relu"),
                             L.MaxPooling2D((2, 3)), L.Conv2D(4, 2, activation="relu"), L.MaxPooling2D(2),
                             L.Flatten(), L.Dense(3, activation="softmax")])


@pytest.mark.parametrize("make", [cnn, same_padding_cnn])
def test_direct_kernels_train_as_im2col_does(make):
    x, y = data()
    assert isinstance(fusion.plan(make().layers)[0][0], fusion.DirectConvReLUMaxPool)
    weights_direct, history_direct, predicted_direct = run(True, x, y, direct=True, make=make)
    weights_im2col, history_im2col, predicted_im2col = run(True, x, y, direct=False, make=make)
    for name in history_im2col:
        np.testing.assert_allclose(history_direct[name], history_im2col[name], rtol=1e-5)
    # The direct kernels sum each window's products in another order than im2col's matrix
    # product, so every convolution output differs by a few ulps, not only some (rtol 1e-4).
    for direct, im2col in zip(weights_direct, weights_im2col):
        np.testing.assert_allclose(direct, im2col, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(predicted_direct, predicted_im2col, rtol=1e-4, atol=1e-6)


def test_direct_kernels_gradients():
    model = same_padding_cnn()
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = data()
    steps = fusion.plan(model.layers)
    assert [type(step) for step, _, _ in steps[:2]] == [fusion.DirectConvReLUMaxPool] * 2
    result = check_gradients(model, x[:4].astype(np.float64), y[:4], training=True)
    assert result.ok, result.errors


def test_a_window_without_a_positive_value_passes_no_gradient():
    conv, pool = L.Conv2D(1, 1, use_bias=False, kernel_initializer="ones"), L.MaxPooling2D(2)
    conv.activation = keras.activations.get("relu")
    model = keras.Sequential([keras.Input((2, 4, 1)), conv, pool])
    x = np.array([[-1.0, -2.0, 3.0, -1.0], [-3.0, -0.5, 1.0, 2.0]], np.float32).reshape(1, 2, 4, 1)
    step = fusion.plan(model.layers)[0][0]
    np.testing.assert_array_equal(step.forward(x).ravel(), [0.0, 3.0])
    grad_x = step.backward(np.ones((1, 1, 2, 1), np.float32), need_input_grad=True)
    np.testing.assert_array_equal(grad_x.reshape(2, 4), [[0, 0, 1, 0], [0, 0, 0, 0]])


def test_nan_stays_nan():
    model = keras.Sequential([keras.Input((2, 2, 1)), L.Conv2D(1, 1, activation="relu"), L.MaxPooling2D(2)])
    model.layers[0].kernel.value[...] = np.nan
    assert np.isnan(model.predict(np.ones((1, 2, 2, 1), np.float32), verbose=0)).all()


def test_direct_pair_given_another_dtype_takes_im2col():
    """The direct kernels are compiled for one dtype; float64 input to float32 weights falls back."""
    model = keras.Sequential([keras.Input((6, 6, 1)), L.Conv2D(3, 3, activation="relu"), L.MaxPooling2D(2)])
    step = fusion.plan(model.layers)[0][0]
    assert isinstance(step, fusion.DirectConvReLUMaxPool)
    x = np.random.default_rng(4).normal(size=(2, 6, 6, 1))
    y = step.forward(x)
    assert y.dtype == np.float64
    grad = np.ones_like(y)
    step.backward(grad, need_input_grad=False)
    direct_kernel_grad = model.layers[0].kernel.grad.copy()
    reference = fusion.ConvReLUMaxPool(*model.layers)
    np.testing.assert_array_equal(y, reference.forward(x))
    reference.backward(grad, need_input_grad=False)
    np.testing.assert_array_equal(direct_kernel_grad, model.layers[0].kernel.grad)
    np.testing.assert_allclose(step.forward(x.astype(np.float32)), y, rtol=1e-5, atol=1e-6)  # direct again
