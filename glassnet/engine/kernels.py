"""Optional fused kernels for the optimizer step, compiled with numba when it is installed.

An Adam step written with NumPy ufuncs makes a dozen passes over the parameter vector; the
kernel below makes one, on all cores. The NumPy code in ``glassnet/optimizers`` stays the
reference and the fallback: results agree to float32 rounding (tests check it), and
``glassnet.config.set_fused_kernels(False)`` turns the kernels off.

numba is imported on the first training step, never by ``import glassnet``.
Install it with ``pip install "glassnet[fast]"``.
"""

from __future__ import annotations

import math
import os

_state = {"enabled": os.environ.get("GLASSNET_FUSED_KERNELS", "1") != "0", "kernels": None, "tried": False}


def set_enabled(enabled: bool) -> None:
    _state["enabled"] = bool(enabled)


def _compile():
    try:
        import numba
    except ImportError:
        return None

    # fastmath lets LLVM vectorise the loop; error_model="numpy" drops Python's
    # division-by-zero checks. Each element is independent, so prange splits the vector.
    jit = numba.njit(cache=True, fastmath=True, error_model="numpy")

    @jit
    def adam(values, grads, m, v, alpha, one_minus_beta_1, one_minus_beta_2, epsilon):
        for i in range(values.size):
            g = grads[i]
            m_i = m[i] + (g - m[i]) * one_minus_beta_1
            v_i = v[i] + (g * g - v[i]) * one_minus_beta_2
            m[i] = m_i
            v[i] = v_i
            values[i] -= alpha * m_i / (math.sqrt(v_i) + epsilon)

    return {"adam": adam, "numba": numba}


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
