"""Resizing and CenterCrop, as Keras's layers of those names (the same at training and
inference), with Keras's (JAX backend's) interpolation.

Resizing is separable: along each axis, output position i reads the input around the
half-pixel-centred position s = (i + 1/2) n / m - 1/2 (input size n, output size m), so the
whole map is y = R_h^T x R_w with one weight matrix per axis (n, m):

- ``nearest``: input index floor((i + 1/2) n / m);
- ``bilinear``: the triangle kernel max(0, 1 - |s - j|);
- ``bicubic``: Keys' cubic kernel (a = -0.5) of |s - j|;
- ``lanczos3`` / ``lanczos5``: sinc(d) sinc(d / r) for |d| < r;

each column normalised to sum 1 over the input pixels that exist (which clamps at the edges);
with ``antialias`` and a shrinking axis the kernel is stretched by n / m. The map is linear, so
backward is exact: dx = R_h dy R_w^T (then undo the crop or the padding).
"""

from __future__ import annotations

import numpy as np

from ...utils.validation import check_bool, check_choice, check_positive_int
from ..base import Layer, _shape_text
from .image_common import (as_batch, check_data_format, check_finite, compute_dtype, from_batch, owner_of,
                           spatial_axes)

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _cubic(d):
    return np.where(d >= 2, 0.0, np.where(d >= 1, ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0,
                                          ((1.5 * d - 2.5) * d) * d + 1.0))


def _lanczos(radius):
    def kernel(d):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = radius * np.sin(np.pi * d) * np.sin(np.pi * d / radius) / (np.pi ** 2 * d ** 2)
        return np.where(d > radius, 0.0, np.where(d > 1e-3, value, 1.0))
    return kernel


KERNELS = {"bilinear": lambda d: np.maximum(0.0, 1.0 - d), "bicubic": _cubic,
           "lanczos3": _lanczos(3), "lanczos5": _lanczos(5)}


def resize_matrix(size_in: int, size_out: int, interpolation: str, antialias: bool = False) -> np.ndarray:
    """The (size_in, size_out) weights of one axis: output i = sum_j W[j, i] input j."""
    if size_in == size_out:
        return np.eye(size_in)
    if interpolation == "nearest":
        # computed in float32, as JAX does, so that ties fall on the same side
        source = np.floor((np.arange(size_out, dtype=np.float32) + np.float32(0.5)) * np.float32(size_in)
                          / np.float32(size_out)).astype(np.int64)
        matrix = np.zeros((size_in, size_out))
        matrix[source, np.arange(size_out)] = 1.0
        return matrix
    scale = size_out / size_in
    stretch = max(1.0 / scale, 1.0) if antialias else 1.0
    centres = (np.arange(size_out) + 0.5) / scale - 0.5
    weights = KERNELS[interpolation](np.abs(centres[None, :] - np.arange(size_in)[:, None]) / stretch)
    total = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000 * np.finfo(np.float32).eps, weights / np.where(total != 0, total, 1), 0)
    inside = (centres >= -0.5) & (centres <= size_in - 0.5)
    return np.where(inside[None, :], weights, 0.0)


def aspect_box(height: int, width: int, target_height: int, target_width: int, pad: bool):
    """Keras's centred box of the target's aspect ratio: for ``pad``, the padded size and the
    image's offset in it; else the crop's size and its offset in the image (each at least 1)."""
    box_height = int(float(width * target_height) / target_width)
    box_width = int(float(height * target_width) / target_height)
    if pad:
        box_height, box_width = max(height, box_height), max(width, box_width)
        return box_height, box_width, int((box_height - height) / 2), int((box_width - width) / 2)
    box_height, box_width = max(min(height, box_height), 1), max(min(width, box_width), 1)
    return box_height, box_width, int((height - box_height) / 2), int((width - box_width) / 2)


class ImageResize:
    """One resize of (batch, height, width, channels) images to (target_height, target_width):
    an optional centred crop or padding to the target's aspect ratio, then the per-axis weights.
    ``apply`` and ``adjoint`` are the map and its transpose."""

    def __init__(self, shape, target, interpolation, antialias=False, crop=False, pad=False, fill_value=0.0):
        height, width = shape
        self.shape, self.fill_value = (height, width), fill_value
        self.crop = self.pad = None
        if crop:
            self.crop = aspect_box(height, width, *target, pad=False)
            height, width = self.crop[:2]
        elif pad:
            self.pad = aspect_box(height, width, *target, pad=True)
            height, width = self.pad[:2]
        self.rows = resize_matrix(height, target[0], interpolation, antialias)
        self.columns = resize_matrix(width, target[1], interpolation, antialias)

    def apply(self, images):
        if self.crop is not None:
            box_height, box_width, top, left = self.crop
            images = images[:, top:top + box_height, left:left + box_width]
        elif self.pad is not None:
            box_height, box_width, top, left = self.pad
            padded = np.full((images.shape[0], box_height, box_width, images.shape[3]), self.fill_value, images.dtype)
            padded[:, top:top + images.shape[1], left:left + images.shape[2]] = images
            images = padded
        return self._matrices(images, self.rows, self.columns)

    def adjoint(self, grads):
        dx = self._matrices(grads, self.rows.T, self.columns.T)
        if self.crop is None and self.pad is None:
            return dx
        full = np.zeros((grads.shape[0],) + self.shape + (grads.shape[3],), grads.dtype)
        if self.crop is not None:
            box_height, box_width, top, left = self.crop
            full[:, top:top + box_height, left:left + box_width] = dx
            return full
        _, _, top, left = self.pad
        return np.ascontiguousarray(dx[:, top:top + self.shape[0], left:left + self.shape[1]])

    @staticmethod
    def _matrices(images, rows, columns):
        """y[b, i, k, c] = sum_{j, l} rows[j, i] x[b, j, l, c] columns[l, k], as two large matrix
        products (each axis brought last, or first, with the others folded into one)."""
        batch, height, width, channels = images.shape
        rows, columns = rows.astype(images.dtype), columns.astype(images.dtype)
        along_width = np.ascontiguousarray(images.transpose(0, 1, 3, 2)).reshape(-1, width) @ columns
        along_width = along_width.reshape(batch, height, channels, -1)           # (b, j, c, k)
        height_first = np.ascontiguousarray(along_width.transpose(1, 0, 2, 3)).reshape(height, -1)
        out = (rows.T @ height_first).reshape(rows.shape[1], batch, channels, -1)  # (i, b, c, k)
        return np.ascontiguousarray(out.transpose(1, 0, 3, 2))


class _ImageSizeLayer(Layer):
    """A layer that maps images to a fixed (height, width): builds its resize per input size."""

    def _init_size(self, height, width, data_format):
        owner = owner_of(self)
        self.height = check_positive_int(height, "height", owner)
        self.width = check_positive_int(width, "width", owner)
        self.data_format = check_data_format(data_format, owner)

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(f"{owner_of(self)} takes images of rank 4 (batch, height, width, channels) or "
                             f"rank 3 (one image), received shape {_shape_text(input_shape)}.")
        shape = list(input_shape)
        height_axis, width_axis = spatial_axes(len(shape), self.data_format)
        shape[height_axis], shape[width_axis] = self.height, self.width
        return tuple(shape)

    def forward(self, x, training=False):
        images, single = as_batch(x, owner_of(self), self.data_format, compute_dtype(x, self.dtype))
        resizes = self.__dict__.setdefault("_resizes", {})   # the weights, made once per input size
        resize = resizes.get(images.shape[1:3])
        if resize is None:
            resize = resizes[images.shape[1:3]] = self._resize_for(images.shape[1:3])
        self._saved = (resize, single)
        return from_batch(resize.apply(images), single, self.data_format)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        resize, single = self._saved
        grads, _ = as_batch(grad_output, owner_of(self), self.data_format, grad_output.dtype)
        return from_batch(resize.adjoint(grads), single, self.data_format)

    def _resize_for(self, shape) -> ImageResize:
        raise NotImplementedError


class Resizing(_ImageSizeLayer):
    """Resize images to (height, width) with ``interpolation`` (see the module docstring).
    ``crop_to_aspect_ratio`` first cuts the largest centred box of the target's aspect ratio;
    ``pad_to_aspect_ratio`` instead pads the image (centred) with ``fill_value`` to it; at most one
    of the two. ``fill_mode`` must be "constant", as in Keras.

    Input shape: (batch, height, width, channels) or one image (``data_format="channels_first"``:
    channels before height). Output shape: (batch, height, width, channels).
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = owner_of(self)
        self._init_size(height, width, data_format)
        self.interpolation = check_choice(interpolation, INTERPOLATIONS, "interpolation", owner, lower=False)
        self.crop_to_aspect_ratio = check_bool(crop_to_aspect_ratio, "crop_to_aspect_ratio", owner)
        self.pad_to_aspect_ratio = check_bool(pad_to_aspect_ratio, "pad_to_aspect_ratio", owner)
        if self.crop_to_aspect_ratio and self.pad_to_aspect_ratio:
            raise ValueError(f"{owner}: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True, "
                             "received both.")
        self.fill_mode = check_choice(fill_mode, ("constant",), "fill_mode", owner, lower=False)
        self.fill_value = check_finite(fill_value, "fill_value", owner)
        self.antialias = check_bool(antialias, "antialias", owner)

    def _resize_for(self, shape):
        return ImageResize(shape, (self.height, self.width), self.interpolation, self.antialias,
                           self.crop_to_aspect_ratio, self.pad_to_aspect_ratio, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(_ImageSizeLayer):
    """Cut the centred (height, width) box out of each image, starting at row (H - height) // 2
    and column (W - width) // 2. An image smaller than that on either side is instead resized to
    it as Keras's ``smart_resize`` does: the largest centred box of the target's aspect ratio,
    resized bilinearly.

    Input shape: (batch, H, W, channels) or one image; output shape: (batch, height, width, channels).
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._init_size(height, width, data_format)

    def _resize_for(self, shape):
        height, width = shape
        if height >= self.height and width >= self.width:
            return _Crop(shape, (self.height, self.width))
        return ImageResize(shape, (self.height, self.width), "bilinear", crop=True)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height, "width": self.width}


class _Crop:
    """The centred crop of CenterCrop and its transpose (the crop written into zeros)."""

    def __init__(self, shape, target):
        self.shape, self.target = shape, target
        self.top, self.left = (shape[0] - target[0]) // 2, (shape[1] - target[1]) // 2

    def apply(self, images):
        return images[:, self.top:self.top + self.target[0], self.left:self.left + self.target[1]]

    def adjoint(self, grads):
        full = np.zeros((grads.shape[0],) + tuple(self.shape) + (grads.shape[3],), grads.dtype)
        full[:, self.top:self.top + self.target[0], self.left:self.left + self.target[1]] = grads
        return full


__all__ = ["CenterCrop", "Resizing"]
