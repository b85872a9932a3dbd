"""RandomCrop: cut a random (height, width) window out of the images while training, as Keras
3's layer of that name."""

from __future__ import annotations

import numpy as np

from ...utils.validation import check_positive_int
from ..base import _shape_text
from .image_common import RandomImageLayer, owner_of, spatial_axes
from .image_resizing import ImageResize


class RandomCrop(RandomImageLayer):
    """While training, cut one (height, width) window out of every image of the batch (one
    position per batch, as Keras draws it): top = floor(u * (H - height + 1)), left likewise, u
    uniform in [0, 1). When the images are not larger than the window on both sides, the window
    instead starts at the corner Keras computes for a centred box of the target's aspect ratio,
    and what the cut gives is resized bilinearly to (height, width).

    At inference it is the identity, as in Keras 3.15.1 (which, unlike Keras 2, neither crops
    nor resizes then), although the output shape it declares is (..., height, width, channels).

    Input shape: (batch, H, W, channels) or one image (channels first with
    ``data_format="channels_first"``). Backward: the window's gradient written into zeros (through
    the resize's transpose where there was one).
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        owner = owner_of(self)
        self.height = check_positive_int(height, "height", owner)
        self.width = check_positive_int(width, "width", owner)

    def compute_output_shape(self, input_shape):
        super().compute_output_shape(input_shape)
        shape = list(input_shape)
        height_axis, width_axis = spatial_axes(len(shape), self.data_format)
        shape[height_axis], shape[width_axis] = self.height, self.width
        return tuple(shape)

    def _sample(self, images):
        height, width = images.shape[1:3]
        if height > self.height and width > self.width:
            top = int(self._rng.uniform(0, height - self.height + 1))
            left = int(self._rng.uniform(0, width - self.width + 1))
            return top, left, height, width
        box_height = max(min(height, int(width * self.height / self.width)), 1)
        box_width = max(min(width, int(height * self.width / self.height)), 1)
        return int((height - box_height) / 2), int((width - box_width) / 2), height, width

    def _window(self, images, corner):
        top, left = corner[:2]
        window = images[:, top:top + self.height, left:left + self.width]
        if window.shape[1:3] == (self.height, self.width):
            return window, None
        if 0 in window.shape[1:3]:
            raise ValueError(f"{owner_of(self)}: the crop window is empty for images of shape "
                             f"{_shape_text(images.shape)}.")
        return window, ImageResize(window.shape[1:3], (self.height, self.width), "bilinear")

    def _apply(self, images, corner):
        window, resize = self._window(images, corner)
        return np.ascontiguousarray(window) if resize is None else resize.apply(window)

    def _adjoint(self, grads, corner):
        top, left, height, width = corner  # the position drawn and the input's size
        full = np.zeros((grads.shape[0], height, width, grads.shape[3]), grads.dtype)
        window_height = min(self.height, height - top)
        window_width = min(self.width, width - left)
        if (window_height, window_width) != (self.height, self.width):
            grads = ImageResize((window_height, window_width), (self.height, self.width), "bilinear").adjoint(grads)
        full[:, top:top + window_height, left:left + window_width] = grads
        return full

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


__all__ = ["RandomCrop"]
