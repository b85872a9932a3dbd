"""Hashing: strings or integers to bins by a hash, as Keras's layer of that name (which needs
TensorFlow; this one uses the FarmHash64 and SipHash of hashing.py, which match TensorFlow's)."""

from __future__ import annotations

import numpy as np

from ...utils.validation import check_bool, check_choice, check_int, is_int
from ..base import Layer
from .category_encoding import encode_categories, encoded_shape
from .hashing import hash_bucket

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def _as_bytes(value) -> bytes:
    """What TensorFlow hashes: a string's UTF-8 bytes; a number's decimal text (as tf.as_string
    writes an int64, a float first truncated to one)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (float, np.floating)):
        value = int(value)
    return str(int(value)).encode("ascii")


class Hashing(Layer):
    """Map each value to a bin in [0, num_bins): FarmHash64 of its bytes modulo num_bins (``salt``:
    SipHash-2-4 keyed by the salt, a pair of integers or one used twice). Strings hash as their
    UTF-8 text; integers as their decimal text; floats are truncated to integers first.

    With ``mask_value``, inputs equal to it go to bin 0 and the others hash into
    [1, num_bins) (when num_bins > 1). ``output_mode="int"`` gives the bins (int64 by default);
    "one_hot", "multi_hot" and "count" encode them as CategoryEncoding does (float32).

    Input shape: (batch, ...) strings or integers. Output shape: the same for "int"; the last axis
    replaced by num_bins otherwise. No gradient: it belongs in front of the first trained layer.

    Example: ``Hashing(num_bins=3)(["A", "B", "C", "D", "E"])`` -> [1, 0, 1, 1, 2].
    """

    takes_strings = True   # text stays text, integers stay integers (layers/calling.as_input_array)
    takes_indices = True

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        owner = self._owner = f'Hashing "{self.name}"'
        self.num_bins = check_int(num_bins, "num_bins", owner, minimum=1)
        self.output_mode = check_choice(output_mode, OUTPUT_MODES, "output_mode", owner, lower=False)
        if self.output_mode == "int" and self.dtype.name not in ("int32", "int64"):
            raise ValueError(f'{owner}: with output_mode="int", dtype must be "int32" or "int64", received '
                             f"{self.dtype.name!r}.")
        if check_bool(sparse, "sparse", owner):
            raise ValueError(f"{owner}: sparse must be False (glassnet has no sparse tensors), received {sparse!r}.")
        self.sparse = False
        scalar = isinstance(mask_value, (str, bytes, int, float)) and not isinstance(mask_value, bool)
        if mask_value is not None and not scalar:
            raise TypeError(f"{owner}: mask_value must be None, a string or a number (one value), received "
                            f"{mask_value!r}.")
        self.mask_value = mask_value
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(is_int(s) for s in salt):
                self.salt = [int(s) for s in salt]
            elif is_int(salt):
                self.salt = [int(salt), int(salt)]
            else:
                raise ValueError(f"{owner}: salt must be an integer or a tuple of 2 integers, received {salt!r}.")

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def _bins(self, values: np.ndarray) -> np.ndarray:
        masked = self.mask_value is not None and self.num_bins > 1
        buckets = self.num_bins - 1 if masked else self.num_bins
        salt = None if self.salt is None else (self.salt[0] % 2 ** 64, self.salt[1] % 2 ** 64)
        unique, inverse = np.unique(values.reshape(-1), return_inverse=True)
        bins = np.array([hash_bucket(_as_bytes(v), buckets, salt) for v in unique.tolist()], np.int64)
        bins = bins[inverse].reshape(values.shape) if unique.size else np.zeros(values.shape, np.int64)
        if masked:
            bins = np.where(values == self.mask_value, 0, bins + 1)
        return bins

    def forward(self, x, training=False):
        values = np.asarray(x)
        if values.dtype.kind == "V" or (values.dtype.kind == "f" and not np.all(np.isfinite(values))):
            raise TypeError(f"{self._owner} takes strings or integers, received an array of dtype {values.dtype}.")
        bins = self._bins(values)
        if self.output_mode == "int":
            return bins.astype(self.dtype)
        return encode_categories(bins, self.output_mode, self.num_bins, self.dtype, self._owner)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        raise ValueError(f"{self._owner} hashes values, which has no gradient: place it before the first layer "
                         "with weights (or in the data pipeline).")

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}


__all__ = ["Hashing"]
