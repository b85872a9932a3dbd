"""What the image preprocessing layers share: checks of their arguments as Keras makes them,
the image layout (``channels_last`` batches of shape (batch, height, width, channels), or one
image of shape (height, width, channels)), and the base class of the random ones.

A random layer is active only while training (``fit``): at inference (``predict``,
``evaluate``, a plain call) it is the identity. While training it draws one transformation per
image from a random stream of its own (``self._rng``, made from ``seed`` or, without one, from
the shared generator), which a model saves with it as it saves Dropout's.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ...utils import random as grandom
from ...utils.validation import check_choice, check_int
from ..base import Layer, _shape_text

DATA_FORMATS = ("channels_last", "channels_first")
FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def owner_of(layer) -> str:
    return f'{type(layer).__name__} "{layer.name}"'


def check_data_format(value, owner: str) -> str:
    return "channels_last" if value is None else check_choice(value, DATA_FORMATS, "data_format", owner)


def check_seed(value, owner: str):
    return check_int(value, "seed", owner, minimum=0, allow_none=True)


def check_finite(value, argument: str, owner: str) -> float:
    """A finite real number (never a bool)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {argument} must be a finite number, received {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {argument} must be a finite number, received {value!r}.")
    return float(value)


def check_factor(value, argument: str, owner: str, low: float = -1.0, high: float = 1.0,
                 low_open: bool = False, symmetric_low=None, loose_pairs: bool = False) -> tuple[float, float]:
    """Keras's ``factor`` of a random layer as (lower, upper): a pair (sorted) whose ends lie in
    [low, high] (``low`` excluded when ``low_open``), or one number f meaning (-|f|, |f|), with
    the lower end raised to ``symmetric_low`` when one is given (RandomContrast's (0, f)).
    ``loose_pairs``: Keras's rule for the layers on its base class, which checks only that the
    pair's first number is at most ``high`` and its second at least ``low``."""
    expected = f"a number or a pair of numbers in {'(' if low_open else '['}{low:g}, {high:g}]"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{owner}: {argument} must be {expected}, received {value!r}.")
        ends = [check_finite(v, argument, owner) for v in value]
        if loose_pairs:
            if ends[0] > high or ends[1] < low:
                raise ValueError(f"{owner}: {argument} must be {expected}, received {value!r}.")
            return tuple(sorted(ends))
    else:
        ends = [check_finite(value, argument, owner)]
    for end in ends:
        if end > high or end < low or (low_open and end == low):
            raise ValueError(f"{owner}: {argument} must be {expected}, received {value!r}.")
    if len(ends) == 2:
        return tuple(sorted(ends))
    f = abs(ends[0])
    return (-f if symmetric_low is None else max(-f, symmetric_low)), f


def uniform(rng: np.random.Generator, low: float, high: float, size: int) -> np.ndarray:
    """``size`` draws uniform between ``low`` and ``high``, in either order as Keras's
    ``random.uniform`` takes them (RandomContrast((-1, 0)) draws between 2 and 1); equal: no draw."""
    if low == high:
        return np.full(size, float(low))
    return rng.uniform(min(low, high), max(low, high), size)


def compute_dtype(x: np.ndarray, default) -> np.dtype:
    """The dtype a layer computes in: a floating input's own (float64 stays float64, so that
    gradients can be checked in float64), else the layer's (integers become float32)."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(default)


def as_batch(x: np.ndarray, owner: str, data_format: str = "channels_last", dtype=np.float32):
    """(images of shape (batch, height, width, channels) of ``dtype``, whether the input was one
    image)."""
    if x.ndim not in (3, 4):
        raise ValueError(f"{owner} takes images of rank 4 (batch, height, width, channels) or rank 3 (one "
                         f"image), received an input of shape {_shape_text(x.shape)}.")
    single = x.ndim == 3
    images = x[None] if single else x
    if data_format == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    return np.asarray(images, dtype=dtype), single


def from_batch(images: np.ndarray, single: bool, data_format: str = "channels_last") -> np.ndarray:
    """The inverse of ``as_batch``: back to the caller's layout."""
    if data_format == "channels_first":
        images = images.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(images[0] if single else images)


def spatial_axes(rank: int, data_format: str) -> tuple[int, int]:
    """The (height, width) axes of an input shape of ``rank`` (3: one image, 4: a batch)."""
    if data_format == "channels_first":
        return rank - 2, rank - 1
    return rank - 3, rank - 2


class RandomImageLayer(Layer):
    """Base of the random image layers: identity unless ``training``; while training
    ``self._sample(images)`` draws one transformation per image (from ``self._rng``) and
    ``self._apply`` / ``self._adjoint`` apply it and its transpose to (batch, height, width,
    channels) arrays, so that backward is dx = T^T dy for the very T that forward drew."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = owner_of(self)
        self.seed = check_seed(seed, owner)
        self.data_format = check_data_format(data_format, owner)
        self._rng = grandom.new_stream(self.seed)

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(f"{owner_of(self)} takes images of rank 4 (batch, height, width, channels) or "
                             f"rank 3 (one image), received shape {_shape_text(input_shape)}.")
        return input_shape

    def forward(self, x, training=False):
        if not training:
            self._saved = None
            return x
        images, single = as_batch(x, owner_of(self), self.data_format, compute_dtype(x, self.dtype))
        transformation = self._sample(images)
        self._saved = (transformation, single)
        return from_batch(self._apply(images, transformation), single, self.data_format)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        if self._saved is None:
            return grad_output
        transformation, single = self._saved
        grads, _ = as_batch(grad_output, owner_of(self), self.data_format, grad_output.dtype)
        return from_batch(self._adjoint(grads, transformation), single, self.data_format)

    def _sample(self, images):
        raise NotImplementedError

    def _apply(self, images, transformation):
        raise NotImplementedError

    def _adjoint(self, grads, transformation):
        raise NotImplementedError

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "data_format": self.data_format}
