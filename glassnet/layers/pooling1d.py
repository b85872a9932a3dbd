"""Pooling over time (channels-last sequences): windows, and the whole sequence.

``MaxPooling1D`` and ``AveragePooling1D`` are their 2-D twins over (batch, 1, steps,
channels). ``GlobalAveragePooling1D`` honours a mask (Embedding(mask_zero=True), Masking): the
mean is over the real steps only; ``GlobalMaxPooling1D``, as in Keras, takes no mask.
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_choice
from .base import Layer, _shape_text
from .convolution import StepsAsImage
from .pooling import AveragePooling2D, MaxPooling2D


class _Pooling1D(StepsAsImage):
    """A 1-D window pooling computed by its 2-D twin (the class after this one in the MRO)."""

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", data_format=None, **kwargs):
        size = self._single(pool_size, "pool_size")
        stride = size if strides is None else self._single(strides, "strides")
        _check_channels_last(data_format, type(self).__name__)
        super().__init__((1, size), (1, stride), padding, **kwargs)

    def build(self, input_shape):
        self._check_rank(input_shape)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        return self._from_image_shape(super().compute_output_shape(self._as_image_shape(input_shape)))

    def forward(self, x, training=False):
        return self._from_image(super().forward(self._image(x), training))

    def backward(self, grad_output, need_input_grad=True):
        grad = super().backward(self._image(grad_output), need_input_grad)
        return None if grad is None else self._from_image(grad)

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=[self.pool_size[1]], strides=[self.strides[1]], data_format="channels_last")
        return config


class MaxPooling1D(_Pooling1D, MaxPooling2D):
    """y[n, t, c] = max of x[n, t*stride : t*stride + pool_size, c]. Input (batch, steps,
    channels); output (batch, new_steps, channels). Backward: to each window's first maximum."""


class AveragePooling1D(_Pooling1D, AveragePooling2D):
    """y[n, t, c] = mean of x[n, t*stride : t*stride + pool_size, c] ("same" padding counts
    only real steps). Backward: each output's gradient shared evenly over its window."""


def _check_channels_last(data_format, owner):
    if data_format not in (None, "channels_last"):
        raise ValueError(f'{owner}: glassnet pools channels-last sequences (batch, steps, channels) only; received '
                         f'data_format={data_format!r}. Transpose the data to channels-last.')


class _GlobalPooling1D(Layer):
    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(data_format, f'{type(self).__name__} "{self.name}"')
        self.keepdims = check_bool(keepdims, "keepdims", f'{type(self).__name__} "{self.name}"')

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects 3-D input (batch, steps, features), '
                             f"received shape {_shape_text(input_shape)}.")
        return (input_shape[0], 1, input_shape[2]) if self.keepdims else (input_shape[0], input_shape[2])

    def _shaped(self, y):
        return y[:, None, :] if self.keepdims else y

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last", "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling1D):
    """y[n, c] = mean over the steps of x[n, :, c]; with a mask, over the real steps only:
    ``y = sum_t m[n, t] x[n, t, c] / sum_t m[n, t]``. Backward: ``dx[n, t, c] = m[n, t] dy[n, c] /
    sum_t m[n, t]`` (m = 1 without a mask). The output carries no mask."""

    supports_masking = True
    makes_masks = False

    def compute_mask(self, inputs, mask=None):
        return None

    def forward(self, x, training=False, mask=None):
        if mask is None:
            self._saved = (x.shape, None)
            return self._shaped(x.mean(axis=1))
        weights = np.asarray(mask, x.dtype)[:, :, None]
        with np.errstate(invalid="ignore", divide="ignore"):  # a row all padding gives NaN, as in Keras
            weights = weights / weights.sum(axis=1, keepdims=True)
        self._saved = (x.shape, weights)
        return self._shaped(np.einsum("ntc,nto->nc", x, weights))

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        shape, weights = self._saved
        grad = grad_output.reshape(shape[0], 1, shape[2])
        if weights is None:
            return np.broadcast_to(grad / shape[1], shape).copy()
        return grad * weights


class GlobalMaxPooling1D(_GlobalPooling1D):
    """y[n, c] = max over the steps of x[n, :, c]; backward routes the gradient to the first
    maximum. (Keras's takes no mask: padded steps count.)"""

    def forward(self, x, training=False):
        argmax = x.argmax(axis=1)
        self._saved = (argmax, x.shape)
        return self._shaped(np.take_along_axis(x, argmax[:, None, :], axis=1)[:, 0, :])

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        argmax, shape = self._saved
        grad = np.zeros(shape, dtype=grad_output.dtype)
        np.put_along_axis(grad, argmax[:, None, :], grad_output.reshape(shape[0], 1, shape[2]), axis=1)
        return grad
