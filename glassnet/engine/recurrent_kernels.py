"""Fused kernels for the gates of an LSTM and a GRU step, compiled with numba.

In NumPy an LSTM step's gates take some fifteen passes over (batch, 4 units) arrays, each a
few microseconds of call overhead plus a pass over memory; the step's matrix product takes
about as long as two of them. Here the step's tanh and sigmoids are one call of NumPy's tanh
(vectorised: numba's scalar exp and tanh measured 6x slower), as sigma(x) = 1/2 + tanh(x/2)/2,
and the rest of the gates' arithmetic is one pass of a kernel. They are used for the default
activations (sigmoid gates, tanh candidate) in float32 or float64; the NumPy code in
layers/recurrent/ is the reference and the fallback, and the tests check that both agree.
Compiled on first use (and cached on disk), like engine/kernels.py, which decides whether
kernels are used at all.
"""

from __future__ import annotations

import numpy as np

from . import kernels

# One as a float32: an integer or float64 1 in a kernel widens float32 arithmetic to float64.
ONE = np.float32(1.0)

_compiled: dict = {}


def get(name: str):
    """The compiled kernel ``name``, or None when fused kernels are off or numba is missing."""
    if kernels.get("numba") is None:
        return None
    if not _compiled:
        _compiled.update(_compile(kernels.get("numba")))
    return _compiled[name]


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
