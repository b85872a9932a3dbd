"""Layers that pad, crop, enlarge or drop parts of images (channels-last, no weights)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_pair, check_padding_pairs
from .base import Layer, _shape_text
from .dropout import Dropout


def check_channels_last(data_format, layer) -> None:
    """glassnet is channels-last: a layer's ``data_format`` may be None (Keras's default, which
    is "channels_last") or "channels_last"; anything else is refused by name."""
    if data_format is None or str(data_format).lower() == "channels_last":
        return
    if str(data_format).lower() == "channels_first":
        raise ValueError(f'{type(layer).__name__} "{layer.name}": data_format="channels_first" is not supported; '
                         "glassnet is channels-last (the channel axis comes last in every input). Leave data_format "
                         'unset or "channels_last", and move the channel axis of the data last: '
                         "x = np.moveaxis(x, 1, -1).")
    raise ValueError(f'{type(layer).__name__} "{layer.name}": data_format must be "channels_last" (or None), '
                     f"received {data_format!r}.")


class ZeroPadding2D(Layer):
    """Add rows and columns of zeros: padding = p, (ph, pw) or ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = check_padding_pairs(padding, "padding", f'ZeroPadding2D "{self.name}"')
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


class Cropping2D(Layer):
    """Cut rows and columns off the edges of images, as Keras's ``layers.Cropping2D``:
    (N, H, W, C) -> (N, H - top - bottom, W - left - right, C), y = x[:, top:H - bottom,
    left:W - right, :]. cropping = c, (ch, cw) (symmetric) or ((top, bottom), (left, right)).
    Backward puts the gradient back in the kept part and zeros in the cut rows and columns."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, self)
        self.cropping = self._pairs(cropping)

    def _pairs(self, cropping):
        bad = ValueError(f'Cropping2D "{self.name}": cropping must be an int, (symmetric_height_crop, '
                         "symmetric_width_crop) or ((top_crop, bottom_crop), (left_crop, right_crop)) of "
                         f"non-negative ints, received {cropping!r}")

        def pair(value):
            if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                value = (value, value)
            if not isinstance(value, (tuple, list)) or len(value) != 2 or not all(
                    isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in value):
                raise bad
            return (int(value[0]), int(value[1]))

        if isinstance(cropping, (int, np.integer)) and not isinstance(cropping, bool):
            return (pair(cropping), pair(cropping))
        if not isinstance(cropping, (tuple, list)) or len(cropping) != 2:
            raise bad
        return (pair(cropping[0]), pair(cropping[1]))

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f'Cropping2D "{self.name}" expects 4-D input (batch, height, width, channels), received '
                             f"shape {_shape_text(input_shape)}.")
        shape = list(input_shape)
        for axis, (before, after) in zip((1, 2), self.cropping):
            if shape[axis] is None:
                continue
            if before + after >= shape[axis]:
                raise ValueError(f'Cropping2D "{self.name}": cropping {[list(p) for p in self.cropping]} leaves nothing '
                                 f"of input shape {_shape_text(input_shape)} (as in Keras, each axis's cropping must "
                                 "add up to less than its size).")
            shape[axis] -= before + after
        return tuple(shape)

    def forward(self, x, training=False):
        self.compute_output_shape(x.shape)  # an input of unknown size may still be too small
        (top, bottom), (left, right) = self.cropping
        self._saved = x.shape
        kept = x[:, top:x.shape[1] - bottom, left:x.shape[2] - right, :]
        out = self.scratch("y", kept.shape, x.dtype)  # a contiguous copy, not a strided view of x
        out[...] = kept
        return out

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        (top, bottom), (left, right) = self.cropping
        grad = self.scratch("dx", self._saved, grad_output.dtype)
        grad.fill(0)
        grad[:, top:self._saved[1] - bottom, left:self._saved[2] - right, :] = grad_output
        return grad

    def get_config(self):
        return {**super().get_config(), "cropping": [list(p) for p in self.cropping], "data_format": "channels_last"}


class UpSampling2D(Layer):
    """Repeat rows and columns (nearest neighbour): (N, H, W, C) -> (N, H*sh, W*sw, C).
    Backward sums the gradient over each repeated block."""

    def __init__(self, size=(2, 2), **kwargs):
        super().__init__(**kwargs)
        self.size = check_pair(size, "size", f'UpSampling2D "{self.name}"')

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


__all__ = ["Cropping2D", "SpatialDropout2D", "UpSampling2D", "ZeroPadding2D"]
