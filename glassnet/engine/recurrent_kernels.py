"""Compiled kernels (numba) for the recurrent layers: the gates of one step, and whole sequences.

In NumPy an LSTM step's gates take some fifteen passes over (batch, 4 units) arrays, each a
few microseconds of call overhead plus a pass over memory; the step's matrix product takes
about as long as two of them. Here the step's tanh and sigmoids are one call of NumPy's tanh
(vectorised: numba's scalar exp and tanh measured 6x slower), as sigma(x) = 1/2 + tanh(x/2)/2,
and the rest of the gates' arithmetic is one pass of a kernel. They are used for the default
activations (sigmoid gates, tanh candidate) in float32 or float64; the NumPy code in
layers/recurrent/ is the reference and the fallback, and the tests check that both agree.
Compiled on first use (and cached on disk), like engine/kernels.py, which decides whether
kernels are used at all.

The sequence kernels (``lstm_sequence_*``, ``gru_sequence_*``, ``rnn_sequence_*``) go further:
one call runs every step of an LSTM, a GRU (reset_after) or a SimpleRNN (tanh) over a slice of
the batch's rows, the step's matrix products included (NumPy's own OpenBLAS, called without the
GIL: engine/blas.py), so that two slices run side by side on two cores
(engine/threads.split_rows). In float32 their tanh is a rational approximation that LLVM
vectorises (absolute error under 3e-7, against NumPy's tanh); in float64 it is math.tanh, so
that gradient checks see the exact function. Where the sequence kernels exist the per-step gate
kernels are not used; those stay for a NumPy whose BLAS the sequence kernels cannot call.
"""

from __future__ import annotations

import numpy as np

from . import blas, kernels

# One as a float32: an integer or float64 1 in a kernel widens float32 arithmetic to float64.
ONE = np.float32(1.0)

_compiled: dict = {}

SEQUENCE_KERNELS = ("lstm_sequence_forward", "lstm_sequence_backward", "gru_sequence_forward", "gru_sequence_backward",
                    "rnn_sequence_forward", "rnn_sequence_backward")

# Eigen's rational approximation of tanh for float32 (x times a polynomial of degree 6 in x^2
# over one of degree 3, on x clamped to where tanh rounds to +-1 in float32).
TANH_CLAMP = np.float32(7.90531110763549805)
TANH_NUMERATOR = tuple(np.float32(a) for a in (-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11,
                                                5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04,
                                                4.89352455891786e-03))
TANH_DENOMINATOR = tuple(np.float32(b) for b in (1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03,
                                                  4.89352518554385e-03))


def get(name: str):
    """The compiled kernel ``name``, or None when fused kernels are off or numba is missing
    (and, for the sequence kernels, when NumPy's BLAS cannot be called from them)."""
    if kernels.get("numba") is None:
        return None
    if not _compiled:
        _compiled.update(_compile(kernels.get("numba")))
        if blas.register():
            _compiled.update(_compile_sequences(kernels.get("numba")))
    return _compiled.get(name)


def tanh(x):
    """Stands for tanh in the sequence kernels; numba picks the version for x's type (below)."""
    raise NotImplementedError("only called from numba kernels")


def gemm(c, transpose_a, rows, columns, depth, a_address, lda, b_address, ldb, beta, c_address, ldc):
    """Stands for C = A B + beta C (A^T B with ``transpose_a``) in the sequence kernels, in C's
    precision (below); A, B and C given by address and row stride, row-major, C of ``rows`` x
    ``columns``."""
    raise NotImplementedError("only called from numba kernels")


def _compile(numba) -> dict:
    jit = numba.njit(cache=True, fastmath=True, error_model="numpy")
    one = ONE

    half = np.float32(0.5)

    # Each row is worked through in short loops over contiguous runs, one gate at a time: LLVM
    # vectorises those (the same arithmetic interleaved over the four gates ran 2-3x slower).
    @jit
    def lstm_arguments(recurrent, projected, bias, halves):
        """recurrent = (h U + x W + b) * halves, in place: the arguments of the gates' tanh
        (sigma(x) = 1/2 + tanh(x/2)/2, so the sigmoid gates' columns are halved)."""
        batch, width = recurrent.shape
        for n in range(batch):
            row, z = recurrent[n], projected[n]
            for k in range(width):
                row[k] = (row[k] + z[k] + bias[k]) * halves[k]

    @jit
    def lstm_gates(squashed, c_previous, gates, c):
        """The LSTM gates from ``squashed`` = tanh([i/2 f/2 c o/2]) (NumPy's tanh, vectorised,
        computes it; sigma(x) = 1/2 + tanh(x/2)/2): gates = [sigma(i) sigma(f) tanh(c) sigma(o)]
        and c = f c_previous + i g."""
        batch, width = gates.shape
        units = width // 4
        for n in range(batch):
            s, out, before, after = squashed[n], gates[n], c_previous[n], c[n]
            for k in range(2 * units):
                out[k] = half + half * s[k]
            for j in range(units):
                out[2 * units + j] = s[2 * units + j]
            for j in range(units):
                out[3 * units + j] = half + half * s[3 * units + j]
            for j in range(units):
                after[j] = out[units + j] * before[j] + out[j] * out[2 * units + j]

    @jit
    def lstm_backward(dh, dc, gates, tanh_c, c_previous, d_z, dc_previous):
        """From dL/dh and dL/dc of a step: d_z, the gradient of the pre-activations [i f c o],
        and dL/dc_previous (see LSTM's docstring for the maths)."""
        batch, width = d_z.shape
        units = width // 4
        for n in range(batch):
            gate, d, g_h, g_c, squashed = gates[n], d_z[n], dh[n], dc[n], tanh_c[n]
            before, total = c_previous[n], dc_previous[n]   # total: dL/dc_t, then dL/dc_{t-1}
            for j in range(units):
                o, tc = gate[3 * units + j], squashed[j]
                total[j] = g_c[j] + g_h[j] * o * (one - tc * tc)
                d[3 * units + j] = g_h[j] * tc * o * (one - o)
            for j in range(units):
                i = gate[j]
                d[j] = total[j] * gate[2 * units + j] * i * (one - i)
            for j in range(units):
                f = gate[units + j]
                d[units + j] = total[j] * before[j] * f * (one - f)
            for j in range(units):
                g = gate[2 * units + j]
                d[2 * units + j] = total[j] * gate[j] * (one - g * g)
            for j in range(units):
                total[j] *= gate[units + j]

    @jit
    def gru_gates(squashed, a, inner, gates):
        """GRU (reset_after) gates from ``squashed`` = tanh((a + inner)/2) over the z and r
        parts: gates = [sigma(z) sigma(r)]; a's h part becomes the candidate's pre-activation
        a_h + r inner_h."""
        batch, width = gates.shape
        units = width // 2
        for k in range(batch):
            s, out, pre, rec = squashed[k], gates[k], a[k], inner[k]
            for j in range(width):
                out[j] = half + half * s[j]
            for j in range(units):
                pre[2 * units + j] += out[units + j] * rec[2 * units + j]

    @jit
    def gru_backward(dh, gates, n_in, inner, h_previous, d_a, d_inner, dh_direct):
        """From dL/dh of a GRU step (reset_after): d_a (the input part's gradient), d_inner
        (the recurrent product's) and the part of dL/dh_previous that bypasses U (dh z)."""
        batch, width = d_a.shape
        units = width // 3
        for k in range(batch):
            gate, candidate, rec, before, g = gates[k], n_in[k], inner[k], h_previous[k], dh[k]
            d, d_rec, direct = d_a[k], d_inner[k], dh_direct[k]
            for j in range(units):
                z, n = gate[j], candidate[j]
                d[2 * units + j] = g[j] * (one - z) * (one - n * n)
                d[j] = g[j] * (before[j] - n) * z * (one - z)
                direct[j] = g[j] * z
            for j in range(units):
                r = gate[units + j]
                d[units + j] = d[2 * units + j] * rec[2 * units + j] * r * (one - r)
                d_rec[2 * units + j] = d[2 * units + j] * r
            for j in range(2 * units):
                d_rec[j] = d[j]

    return {"lstm_arguments": lstm_arguments, "lstm_gates": lstm_gates, "lstm_backward": lstm_backward, "gru_gates": gru_gates,
            "gru_backward": gru_backward}


def _compile_sequences(numba) -> dict:
    import math

    from numba import types
    from numba.extending import overload

    jit = numba.njit(cache=True, fastmath=True, error_model="numpy", nogil=True)
    one, half = ONE, np.float32(0.5)

    def external_gemm(real):
        return types.ExternalFunction(blas.NAMES[str(real)], types.void(
            types.intc, types.intc, types.intc, types.int64, types.int64, types.int64, real, types.voidptr,
            types.int64, types.voidptr, types.int64, real, types.voidptr, types.int64))

    gemms = {types.float32: (external_gemm(types.float32), np.float32), types.float64: (external_gemm(types.float64), np.float64)}
    row_major, no_transpose, transpose = blas.ROW_MAJOR, blas.NO_TRANSPOSE, blas.TRANSPOSE
    clamp, low = TANH_CLAMP, -TANH_CLAMP
    (a13, a11, a9, a7, a5, a3, a1), (b6, b4, b2, b0) = TANH_NUMERATOR, TANH_DENOMINATOR

    @overload(gemm)
    def _gemm(c, transpose_a, rows, columns, depth, a_address, lda, b_address, ldb, beta, c_address, ldc):
        external, real = gemms[c.dtype]
        unit = real(1)

        def product(c, transpose_a, rows, columns, depth, a_address, lda, b_address, ldb, beta, c_address, ldc):
            external(row_major, transpose if transpose_a else no_transpose, no_transpose, rows, columns, depth, unit,
                     a_address, lda, b_address, ldb, real(beta), c_address, ldc)
        return product

    @overload(tanh)
    def _tanh(x):
        if x != types.float32:
            return lambda x: math.tanh(x)

        def rational(x):
            x = x if x < clamp else clamp
            x = x if x > low else low   # (-clamp here kept LLVM from vectorising the loops)
            x2 = x * x
            p = ((((((a13 * x2 + a11) * x2 + a9) * x2 + a7) * x2 + a5) * x2 + a3) * x2 + a1) * x
            q = ((b6 * x2 + b4) * x2 + b2) * x2 + b0
            return p / q
        return rational

    # Every array a kernel takes is C-contiguous and of one float type (the products read them
    # by address). The three cells share the arguments at the end of their signatures:
    #   forward:  inputs_and_states, kernel, recurrent_kernel, step_mask, keep, h_in, start, stop
    #   backward: d_sequence, dh, inputs_and_states, kernel_t, recurrent_kernel_t, step_mask, keep,
    #             h_in, d_h_in, d_x, backwards, kernel_share, recurrent_share, bias_share, start, stop
    # inputs_and_states (T + 1, N, F + u) holds x_t and h_{t-1} side by side; forward writes h_t
    # in. kernel W (F, width), recurrent_kernel U (u, width); kernel_t and recurrent_kernel_t are
    # their transposes (OpenBLAS multiplies by a B stored transposed at half the speed).
    # step_mask (T, N) and keep (N, u) (recurrent dropout: h_in (T, N, u) then receives
    # h_{t-1} keep, the h that meets U) are empty when not used; a masked-off row keeps its
    # states, passes dh (and dc) through backward and gets zero gradients. d_sequence (N, T, u)
    # is dL/dh_t from the output (empty when only the last h is returned); dh (N, u) is
    # dL/dh_T, made dL/dh_0 in place; d_x (N, T, F), unless empty, receives dL/dx in the
    # input's time order (reversed when ``backwards``); d_h_in (N, u) is scratch. Each slice of
    # rows adds its share of dW, dU and db step by step, while the step's gradients are in the
    # cache.

    @jit
    def input_and_recurrent_products(t, start, stop, inputs_and_states, kernel, recurrent_kernel, keep, h_in, a,
                                     inner, together):
        """For the rows start:stop at step t: a = x_t W and inner = h_in_t U (or a += h_in_t U
        when ``together``), first filling h_in_t = h_{t-1} keep under recurrent dropout."""
        batch, stride = inputs_and_states.shape[1], inputs_and_states.shape[2]
        units, width = recurrent_kernel.shape
        features, size, rows = stride - units, a.itemsize, stop - start
        x_address = inputs_and_states.ctypes.data + (t * batch + start) * stride * size
        gemm(a, False, rows, width, features, x_address, stride, kernel.ctypes.data, width, 0,
             a.ctypes.data + start * width * size, width)
        if keep.shape[0] > 0:
            for n in range(start, stop):
                for j in range(units):
                    h_in[t, n, j] = inputs_and_states[t, n, features + j] * keep[n, j]
            h_address, h_stride = h_in.ctypes.data + (t * batch + start) * units * size, units
        else:
            h_address, h_stride = x_address + features * size, stride
        target = a if together else inner
        gemm(target, False, rows, width, units, h_address, h_stride, recurrent_kernel.ctypes.data, width,
             1 if together else 0, target.ctypes.data + start * width * size, width)

    @jit
    def step_gradients(t, start, stop, d_input, d_recurrent, dh, inputs_and_states, kernel_t, recurrent_kernel_t,
                       step_mask, keep, h_in, d_h_in, d_x, backwards, kernel_share, recurrent_share, dh_direct):
        """From the step's gradients of x_t W (d_input) and of h_in_t U (d_recurrent), (N,
        width), for the rows start:stop: d_x_t = d_input W^T; kernel_share += x_t^T d_input;
        recurrent_share += h_in_t^T d_recurrent; and dh = d_recurrent U^T (times keep), added to
        what dh holds when ``dh_direct`` (a GRU's share that bypasses U), else in its place.
        Masked-off rows keep dh."""
        steps, batch, stride = d_x.shape[1], inputs_and_states.shape[1], inputs_and_states.shape[2]
        width, units = recurrent_kernel_t.shape
        features, size, rows = stride - units, d_input.itemsize, stop - start
        input_address = d_input.ctypes.data + start * width * size
        recurrent_address = d_recurrent.ctypes.data + start * width * size
        if d_x.shape[0] > 0:
            position = steps - 1 - t if backwards else t
            gemm(d_x, False, rows, features, width, input_address, width, kernel_t.ctypes.data, features, 0,
                 d_x.ctypes.data + (start * steps + position) * features * size, steps * features)
        x_address = inputs_and_states.ctypes.data + (t * batch + start) * stride * size
        gemm(kernel_share, True, features, width, rows, x_address, stride, input_address, width, 1,
             kernel_share.ctypes.data, width)
        dropped = keep.shape[0] > 0
        if dropped:
            h_address, h_stride = h_in.ctypes.data + (t * batch + start) * units * size, units
        else:
            h_address, h_stride = x_address + features * size, stride
        gemm(recurrent_share, True, units, width, rows, h_address, h_stride, recurrent_address, width, 1,
             recurrent_share.ctypes.data, width)
        gemm(d_h_in, False, rows, units, width, recurrent_address, width, recurrent_kernel_t.ctypes.data, units, 0,
             d_h_in.ctypes.data + start * units * size, units)
        masked = step_mask.shape[0] > 0
        for n in range(start, stop):
            if masked and not step_mask[t, n]:
                continue
            for j in range(units):
                through_u = d_h_in[n, j] * keep[n, j] if dropped else d_h_in[n, j]
                dh[n, j] = dh[n, j] + through_u if dh_direct else through_u

    @jit
    def lstm_sequence_forward(bias, scale, shift, c, gates, tanh_c, z, inputs_and_states, kernel, recurrent_kernel,
                              step_mask, keep, h_in, start, stop):
        """Every step of an LSTM for the batch's rows start:stop (LSTM's docstring has the maths).
        c (T + 1, N, u) is written; gates (T, N, 4u) and tanh_c (T, N, u) are kept for backward;
        z (N, 4u) is scratch. A gate's activation is shift + scale tanh(scale a): scale 1/2 and
        shift 1/2 give the sigmoid, 1 and 0 tanh. The other arguments: see above."""
        steps, batch, width = gates.shape
        units = width // 4
        features = inputs_and_states.shape[2] - units
        masked = step_mask.shape[0] > 0
        for t in range(steps):
            input_and_recurrent_products(t, start, stop, inputs_and_states, kernel, recurrent_kernel, keep, h_in, z, z,
                                         True)
            for n in range(start, stop):
                for k in range(width):
                    gates[t, n, k] = shift[k] + scale[k] * tanh((z[n, k] + bias[k]) * scale[k])
                for j in range(units):
                    cell = gates[t, n, units + j] * c[t, n, j] + gates[t, n, j] * gates[t, n, 2 * units + j]
                    squashed_cell = tanh(cell)
                    c[t + 1, n, j] = cell
                    tanh_c[t, n, j] = squashed_cell
                    inputs_and_states[t + 1, n, features + j] = gates[t, n, 3 * units + j] * squashed_cell
                if masked and not step_mask[t, n]:
                    for j in range(units):
                        c[t + 1, n, j] = c[t, n, j]
                        inputs_and_states[t + 1, n, features + j] = inputs_and_states[t, n, features + j]

    @jit
    def lstm_sequence_backward(dc, gates, tanh_c, c, d_z, d_sequence, dh, inputs_and_states, kernel_t,
                               recurrent_kernel_t, step_mask, keep, h_in, d_h_in, d_x, backwards, kernel_share,
                               recurrent_share, bias_share, start, stop):
        """Backpropagation through every step of an LSTM, last first, for the rows start:stop.
        dc (N, u): dL/dc_T, made dL/dc_0 in place, as dh; d_z (N, 4u) receives each step's
        gradients of the gates' pre-activations in turn (both x_t W's and h_in U's). The other
        arguments: see above."""
        steps, batch, width = gates.shape
        units = width // 4
        given, masked = d_sequence.shape[0] > 0, step_mask.shape[0] > 0
        for t in range(steps - 1, -1, -1):
            for n in range(start, stop):
                if given:
                    for j in range(units):
                        dh[n, j] += d_sequence[n, t, j]
                if masked and not step_mask[t, n]:
                    for k in range(width):
                        d_z[n, k] = 0
                    continue
                for j in range(units):   # dc becomes dL/dc_t in full, then dL/dc_{t-1}
                    o, squashed_cell = gates[t, n, 3 * units + j], tanh_c[t, n, j]
                    dc[n, j] += dh[n, j] * o * (one - squashed_cell * squashed_cell)
                    d_z[n, 3 * units + j] = dh[n, j] * squashed_cell * o * (one - o)
                for j in range(units):
                    i = gates[t, n, j]
                    d_z[n, j] = dc[n, j] * gates[t, n, 2 * units + j] * i * (one - i)
                for j in range(units):
                    f = gates[t, n, units + j]
                    d_z[n, units + j] = dc[n, j] * c[t, n, j] * f * (one - f)
                for j in range(units):
                    g = gates[t, n, 2 * units + j]
                    d_z[n, 2 * units + j] = dc[n, j] * gates[t, n, j] * (one - g * g)
                for j in range(units):
                    dc[n, j] *= gates[t, n, units + j]
                for k in range(width):
                    bias_share[k] += d_z[n, k]
            step_gradients(t, start, stop, d_z, d_z, dh, inputs_and_states, kernel_t, recurrent_kernel_t, step_mask,
                           keep, h_in, d_h_in, d_x, backwards, kernel_share, recurrent_share, False)

    @jit
    def gru_sequence_forward(input_bias, recurrent_bias, gates, candidate, inner_h, a, inner, inputs_and_states, kernel,
                             recurrent_kernel, step_mask, keep, h_in, start, stop):
        """Every step of a GRU (reset_after) for the batch's rows start:stop (GRU's docstring has
        the maths). gates (T, N, 2u) = [z r], candidate (T, N, u) = n_t and inner_h (T, N, u)
        = h_in U_h + b'_h are kept for backward; a and inner (N, 3u) are scratch for x_t W and
        h_in U. The other arguments: see above."""
        steps, batch, units = candidate.shape
        features = inputs_and_states.shape[2] - units
        masked = step_mask.shape[0] > 0
        for t in range(steps):
            input_and_recurrent_products(t, start, stop, inputs_and_states, kernel, recurrent_kernel, keep, h_in, a,
                                         inner, False)
            for n in range(start, stop):
                for k in range(2 * units):
                    gates[t, n, k] = half + half * tanh(half * (a[n, k] + input_bias[k] + inner[n, k] + recurrent_bias[k]))
                for j in range(units):
                    recurrent_part = inner[n, 2 * units + j] + recurrent_bias[2 * units + j]
                    inner_h[t, n, j] = recurrent_part
                    new = tanh(a[n, 2 * units + j] + input_bias[2 * units + j] + gates[t, n, units + j] * recurrent_part)
                    candidate[t, n, j] = new
                    z = gates[t, n, j]
                    inputs_and_states[t + 1, n, features + j] = z * inputs_and_states[t, n, features + j] + (one - z) * new
                if masked and not step_mask[t, n]:
                    for j in range(units):
                        inputs_and_states[t + 1, n, features + j] = inputs_and_states[t, n, features + j]

    @jit
    def gru_sequence_backward(gates, candidate, inner_h, d_a, d_inner, d_sequence, dh, inputs_and_states, kernel_t,
                              recurrent_kernel_t, step_mask, keep, h_in, d_h_in, d_x, backwards, kernel_share,
                              recurrent_share, bias_share, start, stop):
        """Backpropagation through every step of a GRU (reset_after), last first, for the rows
        start:stop. d_a and d_inner (N, 3u) receive each step's gradients of x_t W and of h_in
        U; bias_share (2, 3u) gets their column sums. The other arguments: see above."""
        steps, batch, units = candidate.shape
        width = 3 * units
        features = inputs_and_states.shape[2] - units
        given, masked = d_sequence.shape[0] > 0, step_mask.shape[0] > 0
        for t in range(steps - 1, -1, -1):
            for n in range(start, stop):
                if given:
                    for j in range(units):
                        dh[n, j] += d_sequence[n, t, j]
                if masked and not step_mask[t, n]:
                    for k in range(width):
                        d_a[n, k] = 0
                        d_inner[n, k] = 0
                    continue
                for j in range(units):
                    z, r, new, g = gates[t, n, j], gates[t, n, units + j], candidate[t, n, j], dh[n, j]
                    d_new = g * (one - z) * (one - new * new)
                    d_z = g * (inputs_and_states[t, n, features + j] - new) * z * (one - z)
                    d_r = d_new * inner_h[t, n, j] * r * (one - r)
                    d_a[n, j] = d_z
                    d_a[n, units + j] = d_r
                    d_a[n, 2 * units + j] = d_new
                    d_inner[n, j] = d_z
                    d_inner[n, units + j] = d_r
                    d_inner[n, 2 * units + j] = d_new * r
                    dh[n, j] = g * z             # the share of dL/dh_{t-1} that bypasses U
                for k in range(width):
                    bias_share[0, k] += d_a[n, k]
                    bias_share[1, k] += d_inner[n, k]
            step_gradients(t, start, stop, d_a, d_inner, dh, inputs_and_states, kernel_t, recurrent_kernel_t,
                           step_mask, keep, h_in, d_h_in, d_x, backwards, kernel_share, recurrent_share, True)

    @jit
    def rnn_sequence_forward(bias, z, inputs_and_states, kernel, recurrent_kernel, step_mask, keep, h_in, start, stop):
        """Every step of a SimpleRNN with tanh for the rows start:stop: h_t = tanh(x_t W + h_in U
        + b); z (N, u) is scratch. The other arguments: see above."""
        steps = inputs_and_states.shape[0] - 1
        units = z.shape[1]
        features = inputs_and_states.shape[2] - units
        masked = step_mask.shape[0] > 0
        for t in range(steps):
            input_and_recurrent_products(t, start, stop, inputs_and_states, kernel, recurrent_kernel, keep, h_in, z, z,
                                         True)
            for n in range(start, stop):
                if masked and not step_mask[t, n]:
                    for j in range(units):
                        inputs_and_states[t + 1, n, features + j] = inputs_and_states[t, n, features + j]
                    continue
                for j in range(units):
                    inputs_and_states[t + 1, n, features + j] = tanh(z[n, j] + bias[j])

    @jit
    def rnn_sequence_backward(d_z, d_sequence, dh, inputs_and_states, kernel_t, recurrent_kernel_t, step_mask, keep,
                              h_in, d_h_in, d_x, backwards, kernel_share, recurrent_share, bias_share, start, stop):
        """Backpropagation through every step of a SimpleRNN with tanh, last first, for the rows
        start:stop: dz_t = dh (1 - h_t^2), dL/dh_{t-1} = dz_t U^T; d_z (N, u) is scratch. The
        other arguments: see above."""
        steps = inputs_and_states.shape[0] - 1
        units = d_z.shape[1]
        features = inputs_and_states.shape[2] - units
        given, masked = d_sequence.shape[0] > 0, step_mask.shape[0] > 0
        for t in range(steps - 1, -1, -1):
            for n in range(start, stop):
                if given:
                    for j in range(units):
                        dh[n, j] += d_sequence[n, t, j]
                if masked and not step_mask[t, n]:
                    for j in range(units):
                        d_z[n, j] = 0
                    continue
                for j in range(units):
                    h = inputs_and_states[t + 1, n, features + j]
                    d_z[n, j] = dh[n, j] * (one - h * h)
                    bias_share[j] += d_z[n, j]
            step_gradients(t, start, stop, d_z, d_z, dh, inputs_and_states, kernel_t, recurrent_kernel_t, step_mask,
                           keep, h_in, d_h_in, d_x, backwards, kernel_share, recurrent_share, False)

    return {"lstm_sequence_forward": lstm_sequence_forward, "lstm_sequence_backward": lstm_sequence_backward,
            "gru_sequence_forward": gru_sequence_forward, "gru_sequence_backward": gru_sequence_backward,
            "rnn_sequence_forward": rnn_sequence_forward, "rnn_sequence_backward": rnn_sequence_backward}
