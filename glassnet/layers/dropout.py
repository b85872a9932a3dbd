"""Dropout: zero a random fraction of the inputs while training (inverted dropout)."""

from __future__ import annotations

import numpy as np

from ..utils import random as grandom
from ..utils.validation import check_number
from .base import Layer


class Dropout(Layer):
    """While training, keep each value with probability 1 - rate and scale it by 1 / (1 - rate),
    so that inference needs no rescaling; at inference it is the identity.

    ``noise_shape`` (with ``None`` for axes taken from the input) shares the mask across axes.
    Backward: dL/dx = dL/dy * mask / (1 - rate).
    """

    supports_masking = True  # passes its input's mask on, as in Keras

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_number(rate, "rate", f'{type(self).__name__} "{self.name}"', low=0, high=1, high_open=True)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = grandom.new_stream(seed)  # its masks are its own (utils/random.py)

    def _mask_shape(self, x):
        if self.noise_shape is None:
            return x.shape
        return tuple(x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._saved = None
            return x
        shape = self._mask_shape(x)
        uniform = self._rng.random(shape, dtype=np.float32, out=self.scratch("uniform", shape, np.float32))
        keep = np.greater_equal(uniform, self.rate, out=self.scratch("keep", shape, bool))
        self._saved = np.multiply(keep, x.dtype.type(1.0 / (1.0 - self.rate)),
                                        out=self.scratch("scaled_mask", shape, x.dtype))
        return np.multiply(x, self._saved, out=self.scratch("y", x.shape, x.dtype))

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        if self._saved is None:
            return grad_output
        return np.multiply(grad_output, self._saved, out=self.scratch("dx", grad_output.shape, grad_output.dtype))

    def get_config(self):
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "noise_shape": noise_shape, "seed": self.seed}
