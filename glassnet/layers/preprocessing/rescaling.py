"""Rescaling: y = x * scale + offset, as Keras's layer of that name."""

from __future__ import annotations

import numpy as np

from ..base import Layer
from .image_common import compute_dtype


class Rescaling(Layer):
    """y = x * scale + offset, in float32 for integer inputs (float64 stays float64), at
    training and inference alike. ``scale=1/255`` maps [0, 255] to [0, 1];
    ``scale=1/127.5, offset=-1`` maps it to [-1, 1]. ``scale`` and ``offset`` may also be arrays
    that broadcast over the last axis (one per channel).

    Input shape: any; output shape: the same. Backward: dx = dy * scale.
    """

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        owner = f'Rescaling "{self.name}"'
        self.scale = _real(scale, "scale", owner)
        self.offset = _real(offset, "offset", owner)

    def build(self, input_shape):
        shape = tuple(1 if d is None else d for d in input_shape)
        for argument, value in (("scale", self.scale), ("offset", self.offset)):
            try:
                fits = np.broadcast_shapes(np.shape(value), shape) == shape
            except ValueError:
                fits = False
            if not fits:
                raise ValueError(f'Rescaling "{self.name}": {argument} of shape {np.shape(value)} does not broadcast '
                                 f"over inputs of shape {tuple(input_shape)}.")

    def forward(self, x, training=False):
        dtype = compute_dtype(x, self.dtype)
        return np.asarray(x, dtype) * np.asarray(self.scale, dtype) + np.asarray(self.offset, dtype)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        return grad_output * np.asarray(self.scale, grad_output.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": _written(self.scale), "offset": _written(self.offset)}


def _real(value, argument: str, owner: str):
    """A finite number (kept as a float) or an array of them (kept as a list)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {argument} must be a number or an array of numbers, received {value!r}.")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: {argument} must be a number or an array of numbers, received {value!r}.") from None
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{owner}: {argument} must be finite numbers, received {value!r}.")
    return float(array) if array.ndim == 0 else array


def _written(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


__all__ = ["Rescaling"]
