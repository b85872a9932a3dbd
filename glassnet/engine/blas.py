"""NumPy's own matrix product (cblas_sgemm, cblas_dgemm), callable from numba kernels.

A recurrent layer's loop does one small product per step (64 x 64 times 64 x 256 for an LSTM
of 64 units and batch 64: about 24 us). Called from Python, every step also pays NumPy's call
overhead and holds the GIL between products, so two halves of a batch cannot run side by side
on two cores. Here the products of the OpenBLAS that NumPy loads (config.numpy_openblas) are
registered with LLVM under fixed names, and ``gemm`` below calls them from a numba kernel that
runs a whole sequence without the GIL (engine/recurrent_kernels.py).

Only the 64-bit-integer (ILP64) interface that NumPy's wheels ship (``scipy_cblas_sgemm64_``
since NumPy 2, ``cblas_sgemm64_`` before) is used. Where NumPy has another BLAS, ``register``
returns False and the layers keep their step-by-step NumPy loop.
"""

from __future__ import annotations

import ctypes

from .. import config

# The names the kernels call; the symbols found in NumPy's OpenBLAS are registered under them.
NAMES = {"float32": "glassnet_cblas_sgemm", "float64": "glassnet_cblas_dgemm"}
_SYMBOLS = {"float32": ("scipy_cblas_sgemm64_", "cblas_sgemm64_"),
            "float64": ("scipy_cblas_dgemm64_", "cblas_dgemm64_")}

# CBLAS's enumerations
ROW_MAJOR, NO_TRANSPOSE, TRANSPOSE = 101, 111, 112

_state: dict = {}


def register() -> bool:
    """Registers cblas_sgemm and cblas_dgemm of NumPy's OpenBLAS under ``NAMES``; False when
    they are not there (another BLAS, or an interface with 32-bit integers). Done once."""
    if "registered" not in _state:
        _state["registered"] = _register()
    return _state["registered"]


def _register() -> bool:
    found = config.numpy_openblas()
    if found is None:
        return False
    library = found[0]
    addresses = {}
    for dtype, symbols in _SYMBOLS.items():
        function = next((getattr(library, s) for s in symbols if hasattr(library, s)), None)
        if function is None:
            return False
        addresses[NAMES[dtype]] = ctypes.cast(function, ctypes.c_void_p).value
    import llvmlite.binding as llvm
    for name, address in addresses.items():
        llvm.add_symbol(name, address)
    return True
