"""Global settings: the float type, the number of BLAS threads and whether fit may change it."""

from __future__ import annotations

import ctypes
import os


def floatx() -> str:
    """glassnet computes in float32, as Keras does by default."""
    return "float32"


_OPENBLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                     "openblas_set_num_threads64_", "openblas_set_num_threads")
_SETTERS = _OPENBLAS_SETTERS + ("MKL_Set_Num_Threads",)
_OPENBLAS_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
                     "openblas_get_num_threads64_", "openblas_get_num_threads")


def _blas_libraries():
    """The BLAS libraries (OpenBLAS, MKL) loaded in this process, as (path, ctypes handle)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line and "/" in line}
    except OSError:
        return []
    names = sorted(path for path in paths if "openblas" in os.path.basename(path) or "mkl_rt" in os.path.basename(path))
    return [(path, ctypes.CDLL(path)) for path in names]


def _first_symbol(library, symbols):
    return next((getattr(library, symbol) for symbol in symbols if hasattr(library, symbol)), None)


def _blas_setters():
    """The thread-count setters of the BLAS libraries loaded in this process (OpenBLAS, MKL)."""
    setters = (_first_symbol(library, _SETTERS) for _, library in _blas_libraries())
    return [setter for setter in setters if setter is not None]


_openblas = {}


def numpy_openblas():
    """NumPy's OpenBLAS as (ctypes handle, thread-count getter, setter): the one in NumPy's own
    folder when SciPy brings another, else the only one loaded; None when NumPy uses another
    BLAS. Looked up once."""
    if "library" not in _openblas:
        import numpy
        numpy_folder = os.path.dirname(os.path.dirname(os.path.abspath(numpy.__file__)))
        found = []
        for path, library in _blas_libraries():
            getter = _first_symbol(library, _OPENBLAS_GETTERS)
            setter = _first_symbol(library, _OPENBLAS_SETTERS)
            if getter is not None and setter is not None:
                getter.restype = ctypes.c_int
                beside_numpy = os.path.basename(os.path.dirname(path)) in ("numpy.libs", "numpy")
                found.append((beside_numpy and path.startswith(numpy_folder), (library, getter, setter)))
        ours = [f for f in found if f[0]] or (found if len(found) == 1 else [])
        _openblas["library"] = ours[0][1] if len(ours) == 1 else None
    return _openblas["library"]


def _openblas_threads_functions():
    """(getter, setter) of the thread count of NumPy's OpenBLAS, or (None, None)."""
    found = numpy_openblas()
    return (None, None) if found is None else found[1:]


def blas_thread_getter():
    """A function returning how many threads OpenBLAS uses, or None (see above)."""
    return _openblas_threads_functions()[0]


def blas_thread_setter():
    """A function setting how many threads OpenBLAS uses, or None (see above)."""
    setter = _openblas_threads_functions()[1]
    return None if setter is None else (lambda count: setter(ctypes.c_int(count)))


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


def set_adaptive_threads(enabled: bool) -> None:
    """Let fit measure whether its matrix products run faster on all of OpenBLAS's threads or
    on one, and use the faster (True, the default; see ``glassnet.engine.threads``), or keep
    the thread count as it is. The environment variable GLASSNET_ADAPTIVE_THREADS=0 turns it
    off too."""
    if not isinstance(enabled, bool):
        raise TypeError(f"set_adaptive_threads: enabled must be True or False, received {enabled!r}")
    from .engine import threads
    threads.set_enabled(enabled)


def set_fused_kernels(enabled: bool) -> None:
    """Use (True, the default when numba is installed) or avoid the compiled optimizer kernels.
    The environment variable GLASSNET_FUSED_KERNELS=0 turns them off too."""
    from .engine import kernels
    kernels.set_enabled(enabled)
