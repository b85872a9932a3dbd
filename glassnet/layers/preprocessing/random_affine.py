"""RandomRotation, RandomZoom and RandomTranslation: random affine maps of images while
training, as Keras's layers of those names, on one sampler.

Each draws, per image, the six numbers (a0, a1, a2, b0, b1, b2) of an affine map from output
pixels to input positions: the output pixel at row y, column x takes the input's value at

    column = a0 x + a1 y + a2,    row = b0 x + b1 y + b2,

read by nearest-neighbour or bilinear interpolation; positions outside the image are folded
back in by ``fill_mode``, Keras's four (scipy.ndimage's names, for an image of size n):

    reflect   d c b a | a b c d | d c b a   (mirror about the edge: -1 -> 0, n -> n - 1)
    wrap      a b c d | a b c d | a b c d   (i mod n)
    nearest   a a a a | a b c d | d d d d   (clamped)
    constant  k k k k | a b c d | k k k k   (k = fill_value)

The output is a fixed linear function of the input (the map does not depend on it), so the
backward pass is exact: dx is dy spread back with the same weights to the same pixels.
"""

from __future__ import annotations

import math

import numpy as np

from ...utils.validation import check_choice
from .image_common import FILL_MODES, RandomImageLayer, check_factor, check_finite, owner_of, uniform

INTERPOLATIONS = ("nearest", "bilinear")


def _fold(index: np.ndarray, size: int, fill_mode: str) -> np.ndarray:
    """Indices outside [0, size) brought inside by ``fill_mode`` (constant: clamped here; the
    caller replaces those values by the fill value)."""
    if fill_mode in ("constant", "nearest"):
        return np.clip(index, 0, size - 1)
    if index.size and index.min() >= -size and index.max() < 2 * size:  # one fold at most: no division
        if fill_mode == "wrap":
            return np.where(index < 0, index + size, np.where(index >= size, index - size, index))
        return np.where(index < 0, -1 - index, np.where(index >= size, 2 * size - 1 - index, index))
    if fill_mode == "wrap":
        return np.mod(index, size)
    folded = np.mod(index, 2 * size)
    return np.where(folded < size, folded, 2 * size - 1 - folded)


def _round_half_away(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _axis_nodes(coordinate: np.ndarray, size: int, interpolation: str, fill_mode: str) -> list:
    """The interpolation nodes along one axis: (index folded into [0, size), weight or None for
    1, inside-the-image mask or None when not needed)."""
    if interpolation == "nearest":
        nodes = [(_round_half_away(coordinate).astype(np.intp), None)]
    else:
        lower = np.floor(coordinate)
        upper_weight = coordinate - lower
        index = lower.astype(np.intp)
        nodes = [(index, 1 - upper_weight), (index + 1, upper_weight)]
    return [(_fold(index, size, fill_mode), weight, (index >= 0) & (index < size) if fill_mode == "constant" else None)
            for index, weight in nodes]


def sampling_plan(matrices: np.ndarray, height: int, width: int, interpolation: str, fill_mode: str):
    """For a batch of maps ``matrices`` (batch, 6): (flat input index, weight or None, inside or
    None) per interpolation node, each of shape (batch, height, width), where the flat index
    counts pixels of the (batch, height, width) grid. Coordinates are float32, as Keras's."""
    batch = matrices.shape[0]
    a0, a1, a2, b0, b1, b2 = (matrices[:, i, None, None].astype(np.float32) for i in range(6))
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    columns = a0 * x + a1 * y + a2
    rows = b0 * x + b1 * y + b2
    base = (np.arange(batch, dtype=np.intp) * height)[:, None, None]
    for row, row_weight, row_inside in _axis_nodes(rows, height, interpolation, fill_mode):
        row_start = (base + row) * width
        for column, column_weight, column_inside in _axis_nodes(columns, width, interpolation, fill_mode):
            weight = column_weight if row_weight is None else row_weight * column_weight
            inside = None if row_inside is None else row_inside & column_inside
            yield row_start + column, weight, inside


def _planes(images: np.ndarray) -> np.ndarray:
    """(channels, batch * height * width): one contiguous plane per channel, for fast gathers."""
    return np.ascontiguousarray(np.moveaxis(images, -1, 0)).reshape(images.shape[-1], -1)


def affine_sample(images: np.ndarray, matrices: np.ndarray, interpolation: str, fill_mode: str,
                  fill_value: float) -> np.ndarray:
    """y[b, r, c, :] = sum over nodes of weight * (x at the node, or fill_value outside the image
    in constant mode), for images (batch, height, width, channels)."""
    batch, height, width, channels = images.shape
    planes = _planes(images)
    out = np.zeros((channels, batch, height, width), dtype=images.dtype)
    for flat, weight, inside in sampling_plan(matrices, height, width, interpolation, fill_mode):
        values = np.take(planes, flat, axis=1)
        if inside is not None:
            values[:, ~inside] = fill_value
        if weight is not None:
            values *= weight
        out += values
    return np.ascontiguousarray(np.moveaxis(out, 0, -1))


def affine_sample_adjoint(grads: np.ndarray, matrices: np.ndarray, interpolation: str, fill_mode: str) -> np.ndarray:
    """The transpose of ``affine_sample`` (the fill value is a constant: no gradient): each
    output pixel's gradient goes back to the input pixels it was read from, times their weights."""
    batch, height, width, channels = grads.shape
    planes = _planes(grads)
    size = batch * height * width
    dx = np.zeros((channels, size), dtype=np.float64)
    for flat, weight, inside in sampling_plan(matrices, height, width, interpolation, fill_mode):
        flat = flat.reshape(-1)
        weight = np.ones(size, np.float32) if weight is None else weight.reshape(-1)
        keep = slice(None) if inside is None else inside.reshape(-1)
        for c in range(channels):
            dx[c] += np.bincount(flat[keep], (planes[c] * weight)[keep], minlength=size)
    return np.ascontiguousarray(np.moveaxis(dx.reshape(channels, batch, height, width), 0, -1)).astype(grads.dtype)


class RandomAffine(RandomImageLayer):
    """The part the three layers share: fill_mode, interpolation, fill_value and the sampler.
    A subclass draws the maps in ``_sample(images) -> (batch, 6)``."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        owner = owner_of(self)
        self.fill_mode = check_choice(fill_mode, FILL_MODES, "fill_mode", owner, lower=False)
        self.interpolation = check_choice(interpolation, INTERPOLATIONS, "interpolation", owner, lower=False)
        self.fill_value = check_finite(fill_value, "fill_value", owner)

    def _apply(self, images, matrices):
        return affine_sample(images, matrices, self.interpolation, self.fill_mode, self.fill_value)

    def _adjoint(self, grads, matrices):
        return affine_sample_adjoint(grads, matrices, self.interpolation, self.fill_mode)

    def _uniform(self, low, high, size):
        return uniform(self._rng, low, high, size)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}


class RandomRotation(RandomAffine):
    """While training, turn each image about its centre by an angle drawn uniformly from
    [lower, upper] * 360 degrees, where ``factor`` = (lower, upper), or f meaning (-f, f)
    (0.1: up to 36 degrees either way; positive turns counter-clockwise). With angle t and centre
    (cx, cy) = ((width - 1) / 2, (height - 1) / 2), the map is

        column = cos t x - sin t y + cx - cx cos t + cy sin t,
        row    = sin t x + cos t y + cy - cx sin t - cy cos t.

    Input shape: (batch, height, width, channels) or one image; output shape: the same.
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = check_factor(factor, "factor", owner_of(self), loose_pairs=True)

    def _sample(self, images):
        batch, height, width, _ = images.shape
        angle = self._uniform(self.factor[0] * 360.0, self.factor[1] * 360.0, batch) * (math.pi / 180.0)
        cos, sin = np.cos(angle), np.sin(angle)
        cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
        return np.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos], axis=1)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomZoom(RandomAffine):
    """While training, zoom each image about its centre: the map reads the input at
    z (x - cx) + cx, where z = 1 + h is drawn uniformly from [1 + lower, 1 + upper] of
    ``height_factor`` (a number f meaning (-f, f), or a pair; each end in (-1, 1]). A positive
    h reads a larger area (zooms out), a negative one zooms in. ``width_factor`` draws the
    horizontal z the same way; None keeps the aspect ratio (the same z both ways).

    Input shape: (batch, height, width, channels) or one image; output shape: the same.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        owner = owner_of(self)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height_range = check_factor(height_factor, "height_factor", owner, low_open=True)
        self._width_range = None if width_factor is None else check_factor(
            width_factor, "width_factor", owner, low_open=True)

    def _sample(self, images):
        batch, height, width, _ = images.shape
        zoom_y = 1.0 + self._uniform(*self._height_range, batch)
        zoom_x = zoom_y if self._width_range is None else 1.0 + self._uniform(*self._width_range, batch)
        zeros = np.zeros(batch)
        return np.stack([zoom_x, zeros, (width - 1) / 2.0 * (1.0 - zoom_x),
                         zeros, zoom_y, (height - 1) / 2.0 * (1.0 - zoom_y)], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": _as_written(self.height_factor),
                "width_factor": _as_written(self.width_factor)}


class RandomTranslation(RandomAffine):
    """While training, shift each image by dy = h * height rows and dx = w * width columns,
    h drawn uniformly from ``height_factor`` and w from ``width_factor`` (a number f meaning
    (-f, f), or a pair; each end in [-1, 1]); positive moves the content down / right. The map
    reads the input at (x - dx, y - dy).

    Input shape: (batch, height, width, channels) or one image; output shape: the same.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        owner = owner_of(self)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height_range = check_factor(height_factor, "height_factor", owner)
        self._width_range = check_factor(width_factor, "width_factor", owner)

    def _sample(self, images):
        batch, height, width, _ = images.shape
        shift_y = self._uniform(*self._height_range, batch) * height
        shift_x = self._uniform(*self._width_range, batch) * width
        ones, zeros = np.ones(batch), np.zeros(batch)
        return np.stack([ones, zeros, -shift_x, zeros, ones, -shift_y], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": _as_written(self.height_factor),
                "width_factor": _as_written(self.width_factor)}


def _as_written(factor):
    return list(factor) if isinstance(factor, tuple) else factor


__all__ = ["RandomRotation", "RandomTranslation", "RandomZoom"]
