"""RandomFlip: mirror images while training, as Keras's layer of that name."""

from __future__ import annotations

import numpy as np

from ...utils.validation import check_choice
from .image_common import RandomImageLayer, owner_of

MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(RandomImageLayer):
    """While training, flip each image with probability 1/2: left-right (``mode="horizontal"``),
    top-bottom (``"vertical"``) or, with ``"horizontal_and_vertical"`` (the default), both at once
    (one draw per image decides both, as in Keras, so the image turns by 180 degrees or stays).
    At inference, the identity.

    Input shape: (batch, height, width, channels) or one image (height, width, channels).
    Output shape: the same. Backward: a flip is its own transpose, dx = flip(dy) for the images
    that were flipped.

    Example: ``keras.layers.RandomFlip("horizontal", seed=1)``.
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = check_choice(mode, MODES, "mode", owner_of(self), lower=False)

    def _sample(self, images):
        return self._rng.random(images.shape[0]) <= 0.5

    def _apply(self, images, flips):
        out = images.copy()
        if self.mode != "vertical":       # width is axis 2 of (batch, height, width, channels)
            out[flips] = out[flips][:, :, ::-1]
        if self.mode != "horizontal":
            out[flips] = out[flips][:, ::-1]
        return out

    _adjoint = _apply

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


__all__ = ["RandomFlip"]
