"""UnitNormalization and RMSNormalization: rescale each sample by a norm over ``axis``, as
Keras's layers of those names (no batch statistics: training and inference compute the same)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number, is_int
from .base import Layer, _shape_text

_UNIT_EPSILON = 1e-12  # Keras's fixed epsilon of UnitNormalization


def _check_axis(layer, axis):
    """An int or a list of ints, as Keras keeps it."""
    if is_int(axis):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(is_int(a) for a in axis):
        return [int(a) for a in axis]
    raise TypeError(f'{type(layer).__name__} "{layer.name}": axis must be an int or a list/tuple of ints, '
                    f"received {axis!r}.")


def _axes(layer, axis, rank: int) -> tuple:
    """``axis`` (int or list) as sorted non-negative axes of an input of ``rank``."""
    axes = [axis] if is_int(axis) else list(axis)
    for a in axes:
        if a >= rank or a < -rank:
            raise ValueError(f'{type(layer).__name__} "{layer.name}": axis {axis} is out of bounds for inputs of '
                             f"rank {rank}.")
    resolved = tuple(sorted(a % rank for a in axes))
    if len(set(resolved)) != len(resolved):
        raise ValueError(f'{type(layer).__name__} "{layer.name}": axis {axis} names an axis twice (inputs of rank '
                         f"{rank}).")
    return resolved


class UnitNormalization(Layer):
    """Divide each sample by its L2 norm over ``axis`` (default -1): y = x * min(1 / ||x||, 1e12),
    ||x|| = sqrt(sum over axis of x^2); no weights.

    Input and output shape: any, unchanged. Backward (where the cap is not reached), with
    y = x / ||x|| and g = dL/dy: dx = (g - y * sum(g * y)) / ||x||; where it is, dx = 1e12 g.
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis(self, axis)

    def compute_output_shape(self, input_shape):
        _axes(self, self.axis, len(input_shape))
        return input_shape

    def forward(self, x, training=False):
        axes = _axes(self, self.axis, x.ndim)
        square_sum = np.sum(x * x, axis=axes, keepdims=True)
        capped = square_sum <= _UNIT_EPSILON ** 2
        inverse_norm = np.where(capped, 1 / _UNIT_EPSILON, 1 / np.sqrt(np.maximum(square_sum, _UNIT_EPSILON ** 2)))
        inverse_norm = inverse_norm.astype(x.dtype, copy=False)
        y = x * inverse_norm
        self._saved = (y, inverse_norm, capped, axes)
        return y

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        y, inverse_norm, capped, axes = self._saved
        projection = np.sum(grad_output * y, axis=axes, keepdims=True)
        projection = np.where(capped, 0, projection).astype(y.dtype, copy=False)
        return inverse_norm * (grad_output - y * projection)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class RMSNormalization(Layer):
    """Divide each sample by its root mean square over ``axis`` and scale:
    y = x / sqrt(mean over axis of x^2 + epsilon) * scale (Keras defaults: axis -1, epsilon 1e-6).

    Weights: scale (initialised to ones), shaped as the input's ``axis`` sizes. Backward, with
    r = 1 / sqrt(mean(x^2) + eps), u = g * scale and n the number of values normalised together:
    dx = r * (u - x * r^2 * sum(u * x) / n); dscale = the sum over the other axes of g * x * r.
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis(self, axis)
        self.epsilon = check_number(epsilon, "epsilon", f'RMSNormalization "{self.name}"', 0)
        self.scale = None

    def build(self, input_shape):
        axes = _axes(self, self.axis, len(input_shape))
        if any(input_shape[a] is None for a in axes):
            raise ValueError(f'RMSNormalization "{self.name}" needs known sizes on axis {self.axis}, received input '
                             f"shape {_shape_text(input_shape)}.")
        # Keras keeps the axes as a sorted list once built (its config shows [-1] for -1)
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        self.scale = self.add_weight("scale", tuple(input_shape[a] for a in axes), "ones")

    def compute_output_shape(self, input_shape):
        _axes(self, self.axis, len(input_shape))
        return input_shape

    def _broadcast_scale(self, axes, rank, dtype):
        shape = [1] * rank
        for a, size in zip(axes, self.scale.value.shape):
            shape[a] = size
        return self.scale.value.reshape(shape).astype(dtype, copy=False)

    def forward(self, x, training=False):
        axes = _axes(self, self.axis, x.ndim)
        r = 1 / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + x.dtype.type(self.epsilon))
        normalized = x * r
        self._saved = (x, r, normalized, axes)
        return normalized * self._broadcast_scale(axes, x.ndim, x.dtype)

    def backward(self, grad_output, need_input_grad=True):
        x, r, normalized, axes = self._saved
        others = tuple(a for a in range(x.ndim) if a not in axes)
        self.scale.grad[...] = np.sum(grad_output * normalized, axis=others).reshape(self.scale.shape)
        if not need_input_grad:
            return None
        u = grad_output * self._broadcast_scale(axes, x.ndim, x.dtype)
        return r * (u - x * (r * r) * np.mean(u * x, axis=axes, keepdims=True))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


__all__ = ["RMSNormalization", "UnitNormalization"]
