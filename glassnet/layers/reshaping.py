"""Layers that only change the shape of the data: Flatten, Reshape, RepeatVector and Permute (no weights)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import is_int
from .base import Layer, _shape_text
from .image_reshaping import check_channels_last


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...), row by row (C order, as Keras).

    Backward reshapes the gradient back to the input's shape. ``data_format`` is Keras's
    argument: None or "channels_last" (glassnet is channels-last).
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, self)
        self.data_format = "channels_last"

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(np.prod(rest)) if rest else 1
        return (input_shape[0], size)

    def forward(self, x, training=False):
        self._saved = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output, need_input_grad=True):
        return grad_output.reshape(self._saved) if need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry of target_shape may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if is_int(target_shape):
            target_shape = (target_shape,)
        if not isinstance(target_shape, (tuple, list)) or not all(is_int(d) for d in target_shape):
            raise TypeError(f'Reshape "{self.name}": target_shape must be a tuple of integers (one may be -1), '
                            f"received {target_shape!r}.")
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError(f'Reshape "{self.name}": target_shape may hold positive sizes and at most '
                             f"one -1, received {target_shape}")
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape):
        size = int(np.prod(input_shape[1:]))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if -1 in self.target_shape:
            if size % known:
                raise ValueError(f'Reshape "{self.name}": cannot reshape input {input_shape} to '
                                 f"{self.target_shape}: {size} values are not divisible by {known}.")
            shape = tuple(size // known if d == -1 else d for d in self.target_shape)
        else:
            shape = self.target_shape
        if int(np.prod(shape)) != size:
            raise ValueError(f'Reshape "{self.name}": cannot reshape input {input_shape} ({size} values '
                             f"per sample) to {self.target_shape} ({int(np.prod(shape))} values).")
        return (input_shape[0],) + shape

    def forward(self, x, training=False):
        self._saved = x.shape
        return x.reshape((x.shape[0],) + self.output_shape[1:])

    def backward(self, grad_output, need_input_grad=True):
        return grad_output.reshape(self._saved) if need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class RepeatVector(Layer):
    """Repeat each sample n times, as Keras's ``layers.RepeatVector``: (batch, features) ->
    (batch, n, features), y[b, i, :] = x[b, :] for i < n.

    Backward sums the gradient over the n copies: dx[b, :] = sum_i dy[b, i, :].
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f'RepeatVector "{self.name}": n must be an integer, received {n!r} ({type(n).__name__})')
        if n <= 0:
            raise ValueError(f'RepeatVector "{self.name}": n must be a positive integer, received n={n}')
        self.n = int(n)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f'RepeatVector "{self.name}" expects 2-D input (batch, features), received shape '
                             f"{_shape_text(input_shape)}.")
        return (input_shape[0], self.n, input_shape[1])

    def forward(self, x, training=False):
        out = self.scratch("y", (x.shape[0], self.n, x.shape[1]), x.dtype)
        out[...] = x[:, None, :]
        return out

    def backward(self, grad_output, need_input_grad=True):
        return grad_output.sum(axis=1) if need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reorder the axes after the batch axis, as Keras's ``layers.Permute``: ``dims`` is a
    permutation of 1 ... n (1-based, the batch axis 0 never moves) for inputs of rank n + 1,
    and y = transpose(x, (0,) + dims), so output axis i is input axis dims[i - 1]; e.g.
    dims=(2, 1) turns (batch, steps, features) into (batch, features, steps).

    Backward transposes the gradient back with the inverse permutation: dx = transpose(dy,
    argsort((0,) + dims)).
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(dims, (tuple, list)) or not all(is_int(d) for d in dims):
            raise TypeError(f'Permute "{self.name}": dims must be a tuple of integers (a permutation of 1 ... n), '
                            f"received {dims!r}.")
        if sorted(int(d) for d in dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f'Permute "{self.name}": dims must be a permutation of 1 ... {len(dims)} (each axis after '
                             f"the batch axis once, counted from 1), received dims={tuple(dims)}.")
        self.dims = tuple(int(d) for d in dims)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f'Permute "{self.name}": dims={self.dims} needs input of rank {len(self.dims) + 1} '
                             f"(batch axis included), received shape {_shape_text(input_shape)}.")
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def forward(self, x, training=False):
        permuted = x.transpose((0,) + self.dims)
        out = self.scratch("y", permuted.shape, x.dtype)  # contiguous, not a strided view of x
        out[...] = permuted
        return out

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        back = grad_output.transpose(np.argsort((0,) + self.dims))
        grad = self.scratch("dx", back.shape, grad_output.dtype)
        grad[...] = back
        return grad

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}
