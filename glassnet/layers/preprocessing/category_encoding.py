"""CategoryEncoding: integer categories to one-hot, multi-hot or count vectors, as Keras's layer
of that name; ``encode_categories`` is shared with Discretization."""

from __future__ import annotations

import numpy as np

from ...utils.validation import check_choice, check_int
from ..base import Layer, _shape_text

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def encode_categories(indices: np.ndarray, output_mode: str, depth: int, dtype, owner: str) -> np.ndarray:
    """Integer ``indices`` in [0, depth) to vectors of length ``depth`` (a new last axis):

    - ``one_hot``: e[i] per index (a trailing axis of size 1 is replaced, not kept);
    - ``multi_hot``: for each sample (axis 0, or the whole input when it is 1-D), 1 at every index
      that occurs along axis 1;
    - ``count``: as multi_hot, with the number of occurrences.
    """
    if output_mode == "int":
        return indices.astype(np.int32)
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if indices.size and (indices.min() < 0 or indices.max() >= depth):
        raise ValueError(f"{owner}: every input must be an integer in [0, {depth}), received values from "
                         f"{indices.min()} to {indices.max()}.")
    if output_mode == "one_hot" and indices.ndim > 1 and indices.shape[-1] == 1:
        indices = indices[..., 0]
    one_hot = np.eye(depth, dtype=dtype)[indices]
    if output_mode == "one_hot":
        return one_hot
    axis = 1 if indices.ndim > 1 else 0
    return one_hot.max(axis=axis) if output_mode == "multi_hot" else one_hot.sum(axis=axis)


def encoded_shape(input_shape: tuple, output_mode: str, depth: int) -> tuple:
    """The shape ``encode_categories`` gives for inputs of ``input_shape``."""
    shape = tuple(input_shape)
    if output_mode == "int":
        return shape
    if not shape:
        return (depth,)
    if output_mode == "one_hot":
        return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (depth,)
    return ((shape[0],) + shape[2:] if len(shape) > 1 else ()) + (depth,)


class CategoryEncoding(Layer):
    """Encode integer categories in [0, num_tokens) as vectors of length ``num_tokens``:
    ``output_mode="multi_hot"`` (default; "binary" is its old name): 1 where a category occurs in
    the sample; ``"count"``: how often; ``"one_hot"``: one vector per integer.

    Input shape: (batch,) or (batch, k) integers. Output shape: (batch, num_tokens) for
    multi_hot and count; one_hot: (batch, num_tokens) for (batch,) or (batch, 1) inputs, else
    (batch, k, num_tokens). There is no gradient with respect to integer categories; the layer
    belongs before the first layer with weights, where none is asked of it.
    """

    takes_indices = True  # integer inputs stay integers (layers/calling.as_input_array)

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        owner = self._owner = f'CategoryEncoding "{self.name}"'
        if num_tokens is None:
            raise ValueError(f"{owner}: num_tokens must be set (the number of categories); when it is not known "
                             "beforehand, use IntegerLookup instead.")
        self.num_tokens = check_int(num_tokens, "num_tokens", owner, minimum=1)
        self.output_mode = check_choice("multi_hot" if output_mode == "binary" else output_mode, OUTPUT_MODES,
                                        "output_mode", owner, lower=False)
        if sparse is not False:
            raise ValueError(f"{owner}: sparse must be False (glassnet has no sparse tensors), received {sparse!r}.")
        self.sparse = False

    def forward(self, x, training=False):
        indices = _integers(np.asarray(x), self._owner)
        return encode_categories(indices, self.output_mode, self.num_tokens, self.dtype, self._owner)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        raise ValueError(f"{self._owner} takes integer categories, which have no gradient: place it before the "
                         "first layer with weights (or in the data pipeline).")

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}


def _integers(values: np.ndarray, owner: str) -> np.ndarray:
    """``values`` as int64, refusing fractions (a float array of whole numbers is accepted)."""
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if values.dtype.kind == "f" and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
        return values.astype(np.int64)
    raise TypeError(f"{owner} takes integer categories, received an array of dtype {values.dtype} holding "
                    f"non-integers (shape {_shape_text(values.shape)}).")


__all__ = ["CategoryEncoding"]
