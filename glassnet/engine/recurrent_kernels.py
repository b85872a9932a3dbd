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

    @jit
    def lstm_gates(squashed, c_previous, gates, c):
        """The LSTM gates from ``squashed`` = tanh([i/2 f/2 c o/2]) (NumPy's tanh, vectorised,
        computes it; sigma(x) = 1/2 + tanh(x/2)/2): gates = [sigma(i) sigma(f) tanh(c) sigma(o)]
        and c = f c_previous + i g."""
        batch, width = gates.shape
        units = width // 4
        for n in range(batch):
            for j in range(units):
                i = half + half * squashed[n, j]
                f = half + half * squashed[n, units + j]
                g = squashed[n, 2 * units + j]
                gates[n, j] = i
                gates[n, units + j] = f
                gates[n, 2 * units + j] = g
                gates[n, 3 * units + j] = half + half * squashed[n, 3 * units + j]
                c[n, j] = f * c_previous[n, j] + i * g

    @jit
    def lstm_backward(dh, dc, gates, tanh_c, c_previous, d_z, dc_previous):
        """From dL/dh and dL/dc of a step: d_z, the gradient of the pre-activations [i f c o],
        and dL/dc_previous (see LSTM's docstring for the maths)."""
        batch, width = d_z.shape
        units = width // 4
        for n in range(batch):
            for j in range(units):
                i, f = gates[n, j], gates[n, units + j]
                g, o = gates[n, 2 * units + j], gates[n, 3 * units + j]
                squashed = tanh_c[n, j]
                dc_total = dc[n, j] + dh[n, j] * o * (one - squashed * squashed)
                d_z[n, j] = dc_total * g * i * (one - i)
                d_z[n, units + j] = dc_total * c_previous[n, j] * f * (one - f)
                d_z[n, 2 * units + j] = dc_total * i * (one - g * g)
                d_z[n, 3 * units + j] = dh[n, j] * squashed * o * (one - o)
                dc_previous[n, j] = dc_total * f

    @jit
    def gru_gates(squashed, a, inner, gates):
        """GRU (reset_after) gates from ``squashed`` = tanh((a + inner)/2) over the z and r
        parts: gates = [sigma(z) sigma(r)]; a's h part becomes the candidate's pre-activation
        a_h + r inner_h."""
        batch, width = gates.shape
        units = width // 2
        for k in range(batch):
            for j in range(units):
                gates[k, j] = half + half * squashed[k, j]
                r = half + half * squashed[k, units + j]
                gates[k, units + j] = r
                a[k, 2 * units + j] += r * inner[k, 2 * units + j]

    @jit
    def gru_backward(dh, gates, n_in, inner, h_previous, d_a, d_inner, dh_direct):
        """From dL/dh of a GRU step (reset_after): d_a (the input part's gradient), d_inner
        (the recurrent product's) and the part of dL/dh_previous that bypasses U (dh z)."""
        batch, width = d_a.shape
        units = width // 3
        for k in range(batch):
            for j in range(units):
                z, r, candidate = gates[k, j], gates[k, units + j], n_in[k, j]
                g = dh[k, j]
                d_pre_n = g * (one - z) * (one - candidate * candidate)
                d_pre_z = g * (h_previous[k, j] - candidate) * z * (one - z)
                d_pre_r = d_pre_n * inner[k, 2 * units + j] * r * (one - r)
                d_a[k, j] = d_pre_z
                d_a[k, units + j] = d_pre_r
                d_a[k, 2 * units + j] = d_pre_n
                d_inner[k, j] = d_pre_z
                d_inner[k, units + j] = d_pre_r
                d_inner[k, 2 * units + j] = d_pre_n * r
                dh_direct[k, j] = g * z

    return {"lstm_gates": lstm_gates, "lstm_backward": lstm_backward, "gru_gates": gru_gates,
            "gru_backward": gru_backward}
