"""Layers that pad, enlarge or drop parts of images (channels-last, no weights)."""

from __future__ import annotations

import numpy as np

from .base import Layer
from .dropout import Dropout


class ZeroPadding2D(Layer):
    """Add rows and columns of zeros: padding = p, (ph, pw) or ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        elif all(isinstance(p, int) for p in padding):
            padding = ((padding[0], padding[0]), (padding[1], padding[1]))
        self.padding = tuple(tuple(int(v) for v in pair) for pair in padding)
        if len(self.padding) != 2 or any(len(p) != 2 or min(p) < 0 for p in self.padding):
            raise ValueError(f'ZeroPadding2D "{self.name}": padding must be an int, (ph, pw) or '
                             f"((top, bottom), (left, right)) of non-negative ints, received {padding!r}")

    def compute_output_shape(self, input_shape):
        (top, bottom), (left, right) = self.padding
        grow = lambda size, extra: None if size is None else size + extra  # noqa: E731
        return (input_shape[0], grow(input_shape[1], top + bottom), grow(input_shape[2], left + right), input_shape[3])

    def forward(self, x, training=False):
        return np.pad(x, ((0, 0),) + self.padding + ((0, 0),))

    def backward(self, grad_output, need_input_grad=True):
        (top, bottom), (left, right) = self.padding
        h, w = grad_output.shape[1:3]
        return grad_output[:, top:h - bottom, left:w - right, :] if need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding]}


class UpSampling2D(Layer):
    """Repeat rows and columns (nearest neighbour): (N, H, W, C) -> (N, H*sh, W*sw, C).
    Backward sums the gradient over each repeated block."""

    def __init__(self, size=(2, 2), **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(int(s) for s in size)

    def compute_output_shape(self, input_shape):
        sh, sw = self.size
        return (input_shape[0], None if input_shape[1] is None else input_shape[1] * sh,
                None if input_shape[2] is None else input_shape[2] * sw, input_shape[3])

    def forward(self, x, training=False):
        return x.repeat(self.size[0], axis=1).repeat(self.size[1], axis=2)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        n, h, w, c = grad_output.shape
        sh, sw = self.size
        return grad_output.reshape(n, h // sh, sh, w // sw, sw, c).sum(axis=(2, 4))

    def get_config(self):
        return {**super().get_config(), "size": list(self.size)}


class SpatialDropout2D(Dropout):
    """Dropout of whole channels: one keep/drop decision per (sample, channel), shared over
    height and width, scaled by 1 / (1 - rate); only while training."""

    def forward(self, x, training=False):
        if x.ndim != 4:
            raise ValueError(f'SpatialDropout2D "{self.name}" expects 4-D input (batch, height, width, channels), '
                             f"received shape {x.shape}.")
        self.noise_shape = (None, 1, 1, None)
        return super().forward(x, training)


__all__ = ["SpatialDropout2D", "UpSampling2D", "ZeroPadding2D"]
