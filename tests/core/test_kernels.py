"""The optional numba kernels agree with the NumPy reference code."""

import numpy as np
import pytest

import glassnet as keras
from glassnet.engine import FlatParameters, kernels
from glassnet.layers.base import Parameter
from tests.kernel_settings import fused_kernels, requires_kernels


def adam_after_steps(fused: bool, steps: int = 5):
    with fused_kernels(fused):
        rng = np.random.default_rng(0)
        parameter = Parameter("w", rng.standard_normal(1000).astype(np.float32))
        flat = FlatParameters([parameter])
        optimizer = keras.optimizers.Adam(learning_rate=0.01)
        optimizer.build(flat)
        for _ in range(steps):
            flat.grads[...] = rng.standard_normal(1000).astype(np.float32)
            optimizer.apply(flat)
        return flat.values.copy(), optimizer.momentum.copy(), optimizer.velocity.copy()


@requires_kernels
def test_fused_adam_matches_numpy_adam():
    assert kernels.get("adam") is not None
    for fused, reference in zip(adam_after_steps(True), adam_after_steps(False)):
        np.testing.assert_allclose(fused, reference, rtol=2e-6, atol=1e-7)


def test_kernels_can_be_switched_off():
    with fused_kernels(False):
        assert kernels.get("adam") is None


@requires_kernels
@pytest.mark.parametrize("height, width", [(6, 8), (7, 9)])  # windows tiling the input, and a remainder
def test_fused_max_pooling_matches_numpy_pooling(height, width):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, height, width, 5)).astype(np.float32)
    x[0, :2, :2, 0] = 1.0  # a tie: the first maximum takes the gradient
    grad = rng.standard_normal((3, 3, 4, 5)).astype(np.float32)
    results = []
    for fused in (True, False):
        with fused_kernels(fused):
            layer = keras.layers.MaxPooling2D(2)
            y = layer(x)
            results.append((y, layer.backward(grad)))
    # Pooling selects and copies values, with no arithmetic to round: equal bit for bit.
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


@requires_kernels
def test_fused_col2im_matches_numpy():
    from glassnet.layers import conv_utils
    grad_windows = np.random.default_rng(2).standard_normal((2, 3, 4, 3, 2, 5)).astype(np.float32)
    results = []
    for fused in (True, False):
        with fused_kernels(fused):
            results.append(conv_utils.add_windows(grad_windows, (2, 2), (1, 1), out=np.empty((2, 8, 9, 5), np.float32)))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-6)


@requires_kernels
def test_fused_relu_matches_numpy():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((4, 5, 6)).astype(np.float32)
    z[0, 0, :3] = [0.0, np.nan, -0.0]
    grad = rng.standard_normal(z.shape).astype(np.float32)
    relu = keras.activations.relu
    a = relu.forward(z, out=np.empty_like(z))
    # ReLU selects values and computes nothing: equal bit for bit.
    np.testing.assert_array_equal(a, np.maximum(z, 0))  # NaN stays NaN
    np.testing.assert_array_equal(relu.backward(z, a, grad, out=np.empty_like(z)), grad * (z > 0))


def test_compiled_kernels_are_cached_in_glassnets_folder_not_the_package(tmp_path):
    """numba's disk cache goes to <GLASSNET_CACHE_DIR>/numba: files written beside an installed
    package outlive its uninstall, and the folder left then shadows the next install."""
    import os
    import subprocess
    import sys
    from glassnet.engine import kernels
    if not kernels.is_enabled():
        pytest.skip("fused kernels are off (GLASSNET_FUSED_KERNELS=0): nothing is compiled or cached")
    env = {key: value for key, value in os.environ.items() if key != "NUMBA_CACHE_DIR"}
    env["GLASSNET_CACHE_DIR"] = str(tmp_path)
    code = ("import numpy as np, glassnet as keras\n"
            "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='relu'), keras.layers.Dense(1)])\n"
            "m.compile('adam', 'mse'); m.fit(np.random.rand(8, 4), np.random.rand(8), verbose=0)\n")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    assert list((tmp_path / "numba").rglob("*adam*.nbi")), "the Adam kernel's cache index is not in glassnet's folder"
