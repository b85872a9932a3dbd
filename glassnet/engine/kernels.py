"""Optional fused kernels, compiled with numba when it is installed.

An Adam step written with NumPy ufuncs makes a dozen passes over the parameter vector, and
max pooling's backward pass a dozen strided passes over the image; each kernel below makes
one. The NumPy code in the optimizers and layers stays the reference and the fallback:
results agree (tests check it), and ``glassnet.config.set_fused_kernels(False)`` or
GLASSNET_FUSED_KERNELS=0 turns the kernels off.

numba is imported on the first training step, never by ``import glassnet``.
Install it with ``pip install "glassnet[fast]"``.
"""

from __future__ import annotations

import math
import os

# Below this, moments are flushed to zero: far under any value that can move a weight, far
# above float32's smallest normal number (1.2e-38), below which arithmetic turns slow.
TINY = 1e-30

_state = {"enabled": os.environ.get("GLASSNET_FUSED_KERNELS", "1") != "0", "kernels": None, "tried": False}


def set_enabled(enabled: bool) -> None:
    _state["enabled"] = bool(enabled)


def _compile():
    try:
        import numba
    except ImportError:
        return None

    # fastmath lets LLVM vectorise the loops; error_model="numpy" drops Python's
    # division-by-zero checks. (Splitting the loops across cores with prange was tried: the
    # kernels' threads then fight OpenBLAS's spinning threads, and an epoch got slower.)
    jit = numba.njit(cache=True, fastmath=True, error_model="numpy")

    @jit
    def adam(values, grads, m, v, alpha, one_minus_beta_1, one_minus_beta_2, epsilon):
        for i in range(values.size):
            g = grads[i]
            m_i = m[i] + (g - m[i]) * one_minus_beta_1
            v_i = v[i] + (g * g - v[i]) * one_minus_beta_2
            # A weight whose gradient is always zero (a pixel that is always black) sees its
            # moments decay geometrically into subnormal floats, on which the processor is
            # a hundred times slower; flush them to zero, as TensorFlow's CPU kernels do.
            if abs(m_i) < TINY:
                m_i = 0.0
            if v_i < TINY:
                v_i = 0.0
            m[i] = m_i
            v[i] = v_i
            values[i] -= alpha * m_i / (math.sqrt(v_i) + epsilon)

    # NumPy's maximum(z, 0) takes a NaN-aware path that runs at a quarter of memory speed,
    # and multiply(grad, z > 0) a casting one; these make one plain pass each. ReLU keeps
    # NaN as NaN (so a diverging model is still caught), hence no fastmath "no NaNs" flag.
    jit_keeping_nan = numba.njit(cache=True, fastmath={"nsz", "arcp", "contract", "afn", "reassoc"},
                                 error_model="numpy")

    @jit_keeping_nan
    def relu_forward(z, out):
        """out = max(z, 0), for C-contiguous arrays of one shape."""
        z, out = z.reshape(-1), out.reshape(-1)
        for i in range(z.size):
            out[i] = 0.0 if z[i] <= 0 else z[i]

    @jit
    def relu_backward(z, grad, out):
        """out = grad where z > 0, else 0."""
        z, grad, out = z.reshape(-1), grad.reshape(-1), out.reshape(-1)
        for i in range(z.size):
            out[i] = grad[i] if z[i] > 0 else 0.0

    # Channels are the innermost loop in both pooling kernels: contiguous, so it vectorises.
    @jit_keeping_nan
    def maxpool_forward(x, pool_h, pool_w, y, argmax, relu):
        """Max over non-overlapping (pool_h, pool_w) windows of channels-last x (rows and
        columns past the last whole window are left out); argmax keeps the row-major offset
        of the first maximum of each window. With relu, y = max(that maximum, 0), and a window
        whose maximum is not positive gets argmax = pool_h * pool_w, an offset that receives
        no gradient (ReLU's derivative is 0 there)."""
        n_, out_h, out_w, channels = y.shape
        for n in range(n_):
            for i in range(out_h):
                for j in range(out_w):
                    for c in range(channels):
                        y[n, i, j, c] = x[n, i * pool_h, j * pool_w, c]
                        argmax[n, i, j, c] = 0
                    for a in range(pool_h):
                        for b in range(pool_w):
                            where = a * pool_w + b
                            if where == 0:
                                continue
                            for c in range(channels):
                                value = x[n, i * pool_h + a, j * pool_w + b, c]
                                if value > y[n, i, j, c]:
                                    y[n, i, j, c] = value
                                    argmax[n, i, j, c] = where
                    if relu:
                        for c in range(channels):
                            if y[n, i, j, c] <= 0:  # false for NaN, which stays NaN
                                y[n, i, j, c] = 0.0
                                argmax[n, i, j, c] = pool_h * pool_w

    @jit
    def maxpool_backward(grad_y, argmax, pool_h, pool_w, grad_x):
        """Each output gradient goes to its window's first maximum (argmax); every other input
        of a window gets 0 (inputs outside every window are left untouched)."""
        n_, out_h, out_w, channels = grad_y.shape
        for n in range(n_):
            for i in range(out_h):
                for j in range(out_w):
                    for a in range(pool_h):
                        for b in range(pool_w):
                            where = a * pool_w + b
                            for c in range(channels):
                                hit = argmax[n, i, j, c] == where
                                grad_x[n, i * pool_h + a, j * pool_w + b, c] = grad_y[n, i, j, c] if hit else 0.0

    @jit
    def add_windows(grad_windows, stride_h, stride_w, dilation_h, dilation_w, out):
        """out[n, i*sh + a*dh, j*sw + b*dw, c] += grad_windows[n, i, j, a, b, c], reading
        grad_windows once, in memory order (the adjoint of im2col)."""
        n_, out_h, out_w, kernel_h, kernel_w, channels = grad_windows.shape
        for n in range(n_):
            for i in range(out_h):
                for j in range(out_w):
                    for a in range(kernel_h):
                        for b in range(kernel_w):
                            row, column = i * stride_h + a * dilation_h, j * stride_w + b * dilation_w
                            for c in range(channels):
                                out[n, row, column, c] += grad_windows[n, i, j, a, b, c]

    return {"adam": adam, "relu_forward": relu_forward, "relu_backward": relu_backward,
            "maxpool_forward": maxpool_forward, "maxpool_backward": maxpool_backward,
            "add_windows": add_windows, "numba": numba}


def get(name: str):
    """The compiled kernel ``name``, or None (numba missing or kernels disabled)."""
    if not _state["enabled"]:
        return None
    if not _state["tried"]:
        _state["tried"] = True
        _state["kernels"] = _compile()
    kernels = _state["kernels"]
    return None if kernels is None else kernels[name]


def set_num_threads(count: int) -> None:
    kernels = _state["kernels"]
    if kernels is not None:
        kernels["numba"].set_num_threads(min(count, kernels["numba"].config.NUMBA_NUM_THREADS))
