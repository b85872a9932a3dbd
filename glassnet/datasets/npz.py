"""Reading NumPy .npz archives without running code from them.

``np.load(allow_pickle=True)`` would run whatever a pickle in the file asks for. Here numeric
members are read from their .npy header and raw bytes, and an object array (Keras's text data
sets store ragged lists of word indices that way, as a pickle) is rebuilt by an unpickler that
knows only the NumPy names an object array of lists needs; any other name in the pickle is
refused before anything is called.
"""

from __future__ import annotations

import math
import os
import pickle
import zipfile

import numpy as np
from numpy.lib import format as npy_format

# The function ndarray.__reduce__ names (numpy.core.multiarray._reconstruct, or
# numpy._core.multiarray._reconstruct from NumPy 2 on), taken from NumPy itself rather than
# imported by its private path.
_RECONSTRUCT = np.empty(0).__reduce__()[0]


def _latin1_bytes(text: str, encoding: str) -> bytes:
    """What a protocol-2 pickle made by Python 3 calls (as _codecs.encode) to rebuild a bytes
    object; only its latin-1 form is needed, so no other codec is looked up."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise ValueError(f"a pickled bytes object must be rebuilt from text with latin1, received "
                         f"{type(text).__name__} with {encoding!r}")
    return text.encode("latin-1")


# Everything the pickle of an object array of lists of ints refers to by name; lists and ints
# themselves are pickle opcodes, not names. Both spellings of the module are accepted, so files
# written by NumPy 1 and 2 read alike; _codecs.encode appears in protocol-2 pickles made by Python 3.
ALLOWED_NAMES = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("_codecs", "encode"): _latin1_bytes,
}


class NPZFormatError(ValueError):
    """An .npz file that is damaged, or not the arrays it should hold."""


class UnsafePickleError(NPZFormatError):
    """A pickle inside an .npz file that names something other than NumPy's array constructors."""


class _ArrayUnpickler(pickle.Unpickler):
    """Resolves only ALLOWED_NAMES; ``where`` names the member in errors."""

    def __init__(self, stream, where: str):
        super().__init__(stream)
        self.where = where

    def find_class(self, module, name):
        found = ALLOWED_NAMES.get((module, name))
        if found is None:
            allowed = ", ".join(f"{m}.{n}" for m, n in ALLOWED_NAMES)
            raise UnsafePickleError(
                f"{self.where}: refused to load: its pickled object array names {module}.{name}, which is not one "
                f"of the NumPy constructors an array of lists needs ({allowed}); the file is damaged or made to run "
                "code. Nothing from it was run. Delete it and load the published file.")
        return found


def _read_header(stream, where: str) -> tuple:
    """(shape, fortran_order, dtype) from the .npy header at the start of ``stream``."""
    try:
        version = npy_format.read_magic(stream)
        # Version 3 differs from 2 only in the header's text encoding (utf-8 rather than latin-1).
        read = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ValueError(f"unknown .npy format version {version}")
        return read(stream)
    except ValueError as error:
        raise NPZFormatError(f"{where}: not a readable .npy array ({error}).") from None


def _read_object_array(stream, shape: tuple, where: str) -> np.ndarray:
    try:
        array = _ArrayUnpickler(stream, where).load()
    except UnsafePickleError:
        raise
    except Exception as error:  # a damaged pickle raises anything from EOFError to TypeError
        raise NPZFormatError(f"{where}: its object array could not be read ({type(error).__name__}: {error}).") \
            from None
    if not isinstance(array, np.ndarray) or array.dtype != object or array.shape != shape:
        received = f"{array.dtype} array of shape {array.shape}" if isinstance(array, np.ndarray) \
            else type(array).__name__
        raise NPZFormatError(f"{where}: its header promises an object array of shape {shape}, but the data hold "
                             f"a {received}.")
    return array


def _read_numeric_array(stream, shape: tuple, fortran_order: bool, dtype: np.dtype, available: int,
                        where: str) -> np.ndarray:
    expected = math.prod(shape) * dtype.itemsize
    if expected != available:
        raise NPZFormatError(f"{where}: its header promises {shape} x {dtype} = {expected} bytes, but the member "
                             f"holds {available}.")
    data = bytearray(stream.read(expected))
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran_order else "C")


def read_npy(stream, size: int, where: str) -> np.ndarray:
    """The array in the .npy ``stream`` of ``size`` bytes; ``where`` names it in errors."""
    shape, fortran_order, dtype = _read_header(stream, where)
    if dtype.hasobject:
        if dtype != object:
            raise NPZFormatError(f"{where}: holds a structured dtype with objects ({dtype}), which is not read.")
        return _read_object_array(stream, shape, where)
    return _read_numeric_array(stream, shape, fortran_order, dtype, size - stream.tell(), where)


def read_npz(path, names: tuple) -> dict:
    """{name: array} for each of ``names`` in the .npz archive at ``path`` (member ``name.npy``).

    NPZFormatError names the file and member when one is missing or unreadable; UnsafePickleError
    when a pickle in it names anything but NumPy's array constructors (ALLOWED_NAMES).
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            for name in names:
                member = f"{name}.npy"
                if member not in members:
                    present = ", ".join(sorted(m[:-4] for m in members if m.endswith(".npy"))) or "none"
                    raise NPZFormatError(f"{os.fspath(path)}: has no array {name!r}; expected {', '.join(names)}, "
                                         f"found {present}.")
                info = archive.getinfo(member)
                with archive.open(info) as stream:
                    arrays[name] = read_npy(stream, info.file_size, f"{os.fspath(path)}:{member}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise NPZFormatError(f"{os.fspath(path)}: not a readable .npz archive ({error}).") from None
    return arrays
