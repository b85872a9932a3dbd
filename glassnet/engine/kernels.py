"""Fused kernels, compiled with numba (part of the plain install).

An Adam step written with NumPy ufuncs makes a dozen passes over the parameter vector, and
max pooling's backward pass a dozen strided passes over the image; each kernel below makes
one. The NumPy code in the optimizers and layers stays the reference and the fallback:
results agree (tests check it), and ``glassnet.config.set_fused_kernels(False)`` or
GLASSNET_FUSED_KERNELS=0 turns the kernels off.

numba is imported on the first training step, never by ``import glassnet``. Where it cannot
be imported (a platform without a numba wheel), glassnet warns once and runs the NumPy code.
Compiled kernels are cached on disk (numba's ``cache=True``) in glassnet's cache folder
(``<GLASSNET_CACHE_DIR or $XDG_CACHE_HOME/glassnet>/numba``; NUMBA_CACHE_DIR overrides it), so
only the first process on a machine pays the compile time. Not beside the package: files that
pip did not install survive an uninstall, and the folder left behind then shadows the next
install of glassnet (``pip install .`` then ``pip install -e .``) as an empty namespace package.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

# Below this, moments are flushed to zero: far under any value that can move a weight, far
# above float32's smallest normal number (1.2e-38), below which arithmetic turns slow.
TINY = 1e-30
# Zero as a float32: a float64 0.0 in a kernel widens float32 arithmetic to float64.
ZERO = np.float32(0.0)

_state = {"enabled": os.environ.get("GLASSNET_FUSED_KERNELS", "1") != "0", "kernels": None, "tried": False}


def set_enabled(enabled: bool) -> None:
    _state["enabled"] = bool(enabled)


def is_enabled() -> bool:
    return _state["enabled"]


def _cache_in_glassnets_folder(numba) -> None:
    """Point numba's disk cache at glassnet's cache folder when it can be written (else numba
    keeps its own choice)."""
    from ..datasets.sources import cache_dir
    target = cache_dir() / "numba"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    if os.access(target, os.W_OK):
        numba.config.CACHE_DIR = str(target)


def _compile():
    try:
        import numba
    except ImportError as error:
        warnings.warn(f"glassnet: numba could not be imported ({error}); training runs on the NumPy code, "
                      "which is slower. Reinstall with: pip install --force-reinstall numba", RuntimeWarning,
                      stacklevel=3)
        return None
    if not os.environ.get("NUMBA_CACHE_DIR"):  # read by the jit decorators made below
        _cache_in_glassnets_folder(numba)

    # fastmath lets LLVM vectorise the loops; error_model="numpy" drops Python's
    # division-by-zero checks. (Splitting the loops across cores with prange was tried: the
    # kernels' threads then fight OpenBLAS's spinning threads, and an epoch got slower.)
    jit = numba.njit(cache=True, fastmath=True, error_model="numpy")

    tiny, zero = np.float32(TINY), ZERO

    @jit
    def adam(values, grads, m, v, alpha, one_minus_beta_1, one_minus_beta_2, epsilon):
        """One Adam step in the arrays' precision: float32 constants and np.sqrt keep the
        arithmetic in float32 (a float64 constant or math.sqrt widens every element and halves
        the vector width: 0.68 ms instead of 0.27 for 407k weights)."""
        for i in range(values.size):
            g = grads[i]
            m_i = m[i] + (g - m[i]) * one_minus_beta_1
            v_i = v[i] + (g * g - v[i]) * one_minus_beta_2
            # A weight whose gradient is always zero (a pixel that is always black) sees its
            # moments decay geometrically into subnormal floats, on which the processor is
            # a hundred times slower; flush them to zero, as TensorFlow's CPU kernels do.
            m_i = zero if abs(m_i) < tiny else m_i
            v_i = zero if v_i < tiny else v_i
            m[i] = m_i
            v[i] = v_i
            values[i] -= alpha * m_i / (np.sqrt(v_i) + epsilon)

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
            out[i] = zero if z[i] <= 0 else z[i]

    @jit
    def relu_backward(z, grad, out):
        """out = grad where z > 0, else 0."""
        z, grad, out = z.reshape(-1), grad.reshape(-1), out.reshape(-1)
        for i in range(z.size):
            out[i] = grad[i] if z[i] > 0 else zero

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
                                y[n, i, j, c] = zero
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
                                grad_x[n, i * pool_h + a, j * pool_w + b, c] = grad_y[n, i, j, c] if hit else zero

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

    @jit
    def scatter_add_rows(indices, rows, out):
        """out[indices[i]] += rows[i] for each i: an embedding's weight gradient, in one pass
        (np.add.at does the same some 20 times slower)."""
        count, width = rows.shape
        for i in range(count):
            target = indices[i]
            for c in range(width):
                out[target, c] += rows[i, c]

    return {"adam": adam, "relu_forward": relu_forward, "relu_backward": relu_backward,
            "maxpool_forward": maxpool_forward, "maxpool_backward": maxpool_backward,
            "add_windows": add_windows, "scatter_add_rows": scatter_add_rows, "numba": numba}


def conv_relu_maxpool(kernel_h: int, kernel_w: int, channels: int, pool_h: int, pool_w: int):
    """The pair of kernels (forward, backward) of a stride-1 convolution with a ReLU followed by
    max pooling over side-by-side windows, compiled for these sizes, or None (numba missing or
    kernels disabled). See ``_compile_conv_relu_maxpool``."""
    if get("numba") is None:
        return None
    key = (kernel_h, kernel_w, channels, pool_h, pool_w)
    compiled = _state.setdefault("conv_relu_maxpool", {})
    if key not in compiled:
        compiled[key] = _compile_conv_relu_maxpool(_state["kernels"]["numba"], *key)
    return compiled[key]


def _compile_conv_relu_maxpool(numba, kernel_h, kernel_w, channels, pool_h, pool_w):
    """Kernels for a convolution with few inputs per output (kernel_h * kernel_w * channels
    "taps", e.g. 9 for a 3x3 kernel on grey images), computed directly, window by window.

    With so few taps the matrix product of im2col does little arithmetic per byte: the time
    goes into writing the window matrix and the full-size output z, then reading z again to
    pool it. Here each pooling window's ph*pw convolution outputs are computed in registers
    and only their ReLU'd maximum is stored:

        y[n, i, j, f] = relu(max over (a, b) of z[n, i*ph + a, j*pw + b, f]),
        z[n, r, s, f] = bias[f] + sum over (p, q, c) of x[n, r + p, s + q, c] K[p, q, c, f]

    and backward needs only y's gradient and the position of each maximum:
    dK[p, q, c, f] = sum over windows of dy[n, i, j, f] x[n, r + p, s + q, c] at that position
    (r, s) = (i*ph + a, j*pw + b), dbias[f] = sum of dy where the maximum was positive.

    The sizes are fixed when the kernels are compiled, so the loops over taps and window
    positions unroll; only the loop over filters stays, and it is the one that vectorises.
    (The kernels call no other compiled function: numba's disk cache cannot key a closure
    that holds one, and would compile them anew in every process.)
    """
    taps, window = kernel_h * kernel_w * channels, pool_h * pool_w
    zero = ZERO
    jit_keeping_nan = numba.njit(cache=True, fastmath={"nsz", "arcp", "contract", "afn", "reassoc"},
                                 error_model="numpy")
    jit = numba.njit(cache=True, fastmath=True, error_model="numpy")

    @jit_keeping_nan
    def forward(x, kernel, bias, y, argmax):
        """x: padded input (N, H, W, C); kernel (KH, KW, C, F); y and argmax (N, OH, OW, F).
        argmax as in ``maxpool_forward`` with relu: the first maximum's offset in the window,
        or pool_h * pool_w where that maximum is not positive (no gradient passes)."""
        n_, out_h, out_w, filters = y.shape
        weights = kernel.reshape(taps, filters)
        patches = np.empty((taps, window), y.dtype)
        for n in range(n_):
            for i in range(out_h):
                for j in range(out_w):
                    for w in range(window):  # patches[tap, w]: tap (p, q, c) at pooling position w
                        for tap in range(taps):
                            p, q, c = tap // (kernel_w * channels), tap // channels % kernel_w, tap % channels
                            patches[tap, w] = x[n, i * pool_h + w // pool_w + p, j * pool_w + w % pool_w + q, c]
                    for f in range(filters):
                        best, where = bias[f], 0
                        for w in range(window):
                            z = bias[f]
                            for tap in range(taps):
                                z += patches[tap, w] * weights[tap, f]
                            if w == 0 or z > best:  # the first maximum; a NaN first stays
                                best, where = z, w
                        if best <= 0:  # false for NaN, which stays NaN
                            best, where = zero, window
                        y[n, i, j, f] = best
                        argmax[n, i, j, f] = where

    @jit
    def backward(x, grad_y, argmax, kernel_grad, bias_grad):
        """Fill kernel_grad (KH, KW, C, F) and bias_grad (F,) from grad_y (N, OH, OW, F). Sums
        run image by image, then over images, which keeps float32 sums of many terms accurate."""
        n_, out_h, out_w, filters = grad_y.shape
        total = kernel_grad.reshape(taps, filters)
        total[...] = 0
        bias_grad[...] = 0
        image_sum = np.empty((taps, filters), grad_y.dtype)
        image_bias = np.empty(filters, grad_y.dtype)
        dz = np.empty((window, filters), grad_y.dtype)  # one window's dL/dz: dy at its maximum, else 0
        patches = np.empty((taps, window), grad_y.dtype)
        for n in range(n_):
            image_sum[...] = 0
            image_bias[...] = 0
            for i in range(out_h):
                for j in range(out_w):
                    for f in range(filters):
                        image_bias[f] += grad_y[n, i, j, f] if argmax[n, i, j, f] < window else zero
                    for w in range(window):
                        for f in range(filters):
                            dz[w, f] = grad_y[n, i, j, f] if argmax[n, i, j, f] == w else zero
                    for w in range(window):  # patches[tap, w]: tap (p, q, c) at pooling position w
                        for tap in range(taps):
                            p, q, c = tap // (kernel_w * channels), tap // channels % kernel_w, tap % channels
                            patches[tap, w] = x[n, i * pool_h + w // pool_w + p, j * pool_w + w % pool_w + q, c]
                    for tap in range(taps):
                        for f in range(filters):
                            acc = image_sum[tap, f]
                            for w in range(window):
                                acc += patches[tap, w] * dz[w, f]
                            image_sum[tap, f] = acc
            for tap in range(taps):
                for f in range(filters):
                    total[tap, f] += image_sum[tap, f]
            for f in range(filters):
                bias_grad[f] += image_bias[f]

    return forward, backward


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
