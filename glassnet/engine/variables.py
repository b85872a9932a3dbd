"""What a Keras variable offers over the array it holds (``self.value``): its shape and dtype,
``numpy()``, NumPy conversion, and in-place ``assign`` / ``assign_add`` / ``assign_sub``.
A layer's ``Parameter`` and a metric's state variable are both such variables."""

from __future__ import annotations

import numpy as np


class ArrayVariable:
    __slots__ = ()

    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype)
    ndim = property(lambda self: self.value.ndim)

    def numpy(self) -> np.ndarray:
        return self.value.copy()

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def assign(self, value) -> None:
        """Write ``value`` into the array in place (it may be a view into a flat buffer)."""
        self.value[...] = np.asarray(value)

    def assign_add(self, value) -> None:
        self.value += np.asarray(value, self.value.dtype)

    def assign_sub(self, value) -> None:
        self.value -= np.asarray(value, self.value.dtype)
