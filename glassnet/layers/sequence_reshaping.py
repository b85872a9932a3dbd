"""Layers that pad, crop or stretch sequences along the steps axis, as Keras's ZeroPadding1D,
Cropping1D and UpSampling1D (no weights). Inputs are (batch, steps, features), channels-last;
they are the 1-D twins of ZeroPadding2D, Cropping2D and UpSampling2D (image_reshaping.py).

None of them passes a mask on: as in Keras, a mask reaching one is dropped with a warning
(masking_support.py), since the steps it marked have moved.
"""

from __future__ import annotations

from ..utils.validation import is_int
from .base import Layer, _shape_text
from .image_reshaping import check_channels_last


def _amounts(layer, value, argument: str) -> tuple[int, int]:
    """An int n (meaning (n, n)) or a pair (before, after) of ints >= 0, as Keras takes
    ``padding`` and ``cropping``; anything else is a ValueError naming the argument (as Keras's)."""
    pair = (value, value) if is_int(value) else value
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(is_int(v) and v >= 0 for v in pair)):
        raise ValueError(f'{type(layer).__name__} "{layer.name}": {argument} must be an integer or a pair '
                         f"(before, after) of integers >= 0, received {value!r}.")
    return int(pair[0]), int(pair[1])


def _check_rank(layer, shape) -> None:
    if len(shape) != 3:
        raise ValueError(f'{type(layer).__name__} "{layer.name}" expects 3-D input (batch, steps, features), '
                         f"received shape {_shape_text(shape)}.")


class ZeroPadding1D(Layer):
    """Zeros before and after the steps: (N, T, C) -> (N, left + T + right, C).

    ``padding`` = p (p zeros on each side) or (left, right). y[:, left:left + T] = x, zeros
    elsewhere. Backward keeps the gradient of the real steps: dx = dy[:, left:left + T].
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, self)
        self.padding = _amounts(self, padding, "padding")

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape)
        steps = None if input_shape[1] is None else input_shape[1] + sum(self.padding)
        return (input_shape[0], steps, input_shape[2])

    def forward(self, x, training=False):
        left, right = self.padding
        steps = x.shape[1]
        out = self.scratch("y", (x.shape[0], left + steps + right, x.shape[2]), x.dtype)
        out[:, :left] = 0
        out[:, left + steps:] = 0
        out[:, left:left + steps] = x
        return out

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        left, right = self.padding
        return grad_output[:, left:grad_output.shape[1] - right]

    def get_config(self):
        return {**super().get_config(), "padding": list(self.padding), "data_format": "channels_last"}


class Cropping1D(Layer):
    """Cut steps off both ends: (N, T, C) -> (N, T - begin - end, C), y = x[:, begin:T - end].

    ``cropping`` = c (c steps from each end) or (begin, end); together they must be smaller
    than T (checked when T is known, and again on each call). Backward puts the gradient back
    on the kept steps and zeros on the cut ones.
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _amounts(self, cropping, "cropping")

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape)
        steps = input_shape[1]
        if steps is not None:
            if sum(self.cropping) >= steps:
                raise ValueError(f'Cropping1D "{self.name}": cropping must add up to less than the number of steps; '
                                 f"cropping={list(self.cropping)} (total {sum(self.cropping)}) received an input of "
                                 f"shape {_shape_text(input_shape)} ({steps} steps).")
            steps -= sum(self.cropping)
        return (input_shape[0], steps, input_shape[2])

    def forward(self, x, training=False):
        self.compute_output_shape(x.shape)  # an input of unknown length may still be too short
        begin, end = self.cropping
        self._saved = x.shape
        kept = x[:, begin:x.shape[1] - end]
        out = self.scratch("y", kept.shape, x.dtype)  # contiguous, not a view of x
        out[...] = kept
        return out

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        begin, end = self.cropping
        grad = self.scratch("dx", self._saved, grad_output.dtype)
        grad.fill(0)
        grad[:, begin:self._saved[1] - end] = grad_output
        return grad

    def get_config(self):
        return {**super().get_config(), "cropping": list(self.cropping)}


class UpSampling1D(Layer):
    """Repeat each step ``size`` times: (N, T, C) -> (N, T * size, C), y[:, t] = x[:, t // size].

    Backward sums the gradient over the copies of each step:
    dx[:, t] = sum_k dy[:, t * size + k], k < size.
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not is_int(size):
            raise TypeError(f'UpSampling1D "{self.name}": size must be an integer, received {size!r} '
                            f"({type(size).__name__}).")
        if size <= 0:
            raise ValueError(f'UpSampling1D "{self.name}": size must be a positive integer, received size={size}.')
        self.size = int(size)

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape)
        return (input_shape[0], None if input_shape[1] is None else input_shape[1] * self.size, input_shape[2])

    def forward(self, x, training=False):
        return x.repeat(self.size, axis=1)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        n, steps, c = grad_output.shape
        return grad_output.reshape(n, steps // self.size, self.size, c).sum(axis=2)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


__all__ = ["Cropping1D", "UpSampling1D", "ZeroPadding1D"]
