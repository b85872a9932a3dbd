"""Global settings: the float type and the number of BLAS threads."""

from __future__ import annotations

import ctypes
import os


def floatx() -> str:
    """glassnet computes in float32, as Keras does by default."""
    return "float32"


def _blas_setters():
    """The thread-count setters of the BLAS libraries loaded in this process (OpenBLAS, MKL)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line and "/" in line}
    except OSError:
        return []
    setters = []
    for path in sorted(paths):
        name = os.path.basename(path)
        if "openblas" not in name and "mkl_rt" not in name:
            continue
        library = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                       "openblas_set_num_threads64_", "openblas_set_num_threads", "MKL_Set_Num_Threads"):
            setter = getattr(library, symbol, None)
            if setter is not None:
                setters.append(setter)
                break
    return setters


def set_num_threads(count: int) -> int:
    """Use ``count`` threads in matrix products; returns how many BLAS libraries were set.

    Set this before heavy work; for a process-wide default, export OMP_NUM_THREADS or
    OPENBLAS_NUM_THREADS before Python starts.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"set_num_threads: count must be a positive integer, received {count!r}")
    import numpy  # noqa: F401  (loads the BLAS library whose setter we look for)
    from .engine import kernels
    setters = _blas_setters()
    for setter in setters:
        setter(ctypes.c_int(count))
    kernels.set_num_threads(count)
    return len(setters)


def set_fused_kernels(enabled: bool) -> None:
    """Use (True, the default when numba is installed) or avoid the compiled optimizer kernels.
    The environment variable GLASSNET_FUSED_KERNELS=0 turns them off too."""
    from .engine import kernels
    kernels.set_enabled(enabled)
