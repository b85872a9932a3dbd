"""Masking: mark the time steps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

import numpy as np

from .base import Layer


class Masking(Layer):
    """Skip padded time steps in the layers that follow (recurrent layers, 1-D average pooling).

    A step is padding when every feature equals ``mask_value``; its output is zeros and the
    output carries the mask ``any(x != mask_value, axis=-1)``.

    Input shape: ``(batch, timesteps, features)``; output shape: the same.
    Backward: ``dx = dy`` at real steps, 0 at padded ones.
    """

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, bool) or not isinstance(mask_value, (int, float)):
            raise TypeError(f'Masking "{self.name}": mask_value must be a number, received {mask_value!r}.')
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return np.any(np.not_equal(inputs, self.mask_value), axis=-1)

    def forward(self, x, training=False):
        keep = np.any(np.not_equal(x, self.mask_value), axis=-1, keepdims=True)
        self._saved = keep
        return np.where(keep, x, np.zeros((), x.dtype))

    def backward(self, grad_output, need_input_grad=True):
        return grad_output * self._saved if need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
