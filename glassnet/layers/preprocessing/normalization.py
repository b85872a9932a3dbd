"""Normalization: shift and scale features to mean 0 and variance 1 with statistics learnt by
``adapt`` (or given), as Keras's layer of that name."""

from __future__ import annotations

import math

import numpy as np

from ...utils.validation import check_bool, is_int
from ..base import Layer, _shape_text
from .image_common import compute_dtype

EPSILON = 1e-7   # Keras's backend.epsilon(): the smallest standard deviation divided by


class Statistic(np.ndarray):
    """A statistic of the layer (``layer.mean``, ``layer.variance``): a NumPy array that also
    answers ``.numpy()``, as the tensors of Keras's tutorials do."""

    def numpy(self) -> np.ndarray:
        return np.array(self)


class Normalization(Layer):
    """y = (x - mean) / max(sqrt(variance), 1e-7), per position of the kept ``axis``
    (default -1: one mean and variance per feature; a tuple keeps several axes; None: one mean
    and variance over everything). ``invert=True`` computes the inverse map
    y = mean + x max(sqrt(variance), 1e-7).

    The statistics come from ``adapt(data)`` (an array, or an iterable of batches, merged as
    Keras merges them) and are then the layer's non-trainable weights ``mean``, ``variance`` and
    ``count`` (saved with the model; ``count`` stays 0, as in Keras), or are given as ``mean``
    and ``variance`` (numbers, or arrays that broadcast over the kept axes).

    Input shape: any (batch first); output shape: the same. Backward: dx = dy / max(sqrt(var), eps)
    (times it with ``invert``).

    Example (Keras's regression tutorial)::

        normalizer = keras.layers.Normalization(axis=-1)
        normalizer.adapt(np.array(train_features))
        normalizer.mean.numpy()          # shape (1, features)
    """

    supports_masking = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        owner = self._owner = f'Normalization "{self.name}"'
        self.axis = _axes(axis, owner)
        self.invert = check_bool(invert, "invert", owner)
        if (mean is None) != (variance is None):
            raise ValueError(f"{owner}: mean and variance must be given together, received mean={mean!r} and "
                             f"variance={variance!r}.")
        self.input_mean = self.input_variance = None
        if mean is not None:
            self.input_mean, self.input_variance = (_statistic(v, name, owner) for v, name in
                                                    ((mean, "mean"), (variance, "variance")))
            if self.input_mean.shape != self.input_variance.shape:
                raise ValueError(f"{owner}: mean and variance must have the same shape, received shapes "
                                 f"{self.input_mean.shape} and {self.input_variance.shape}.")
            if self.input_mean.ndim > len(self.axis):
                raise ValueError(f"{owner}: mean must have at most as many axes as axis={self.axis} keeps, "
                                 f"received mean of shape {self.input_mean.shape}.")
            if np.any(self.input_variance < 0):
                raise ValueError(f"{owner}: variance must be >= 0, received {variance!r}.")
        self._statistics = None   # (mean, variance, count) weights, made by build or adapt
        self._rank = None         # the rank of the inputs (or of the data adapted on)

    # -- the kept axes ---------------------------------------------------------------------------
    def _kept(self, ndim: int) -> tuple[int, ...]:
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"{self._owner}: every axis must lie in [-{ndim}, {ndim}) for inputs of rank {ndim}, "
                             f"received axis={self.axis}.")
        return tuple(sorted(a % ndim for a in self.axis))

    def _statistics_shape(self, shape) -> tuple[int, ...]:
        kept = self._kept(len(shape))
        if any(shape[d] is None for d in kept):
            raise ValueError(f"{self._owner}: the kept axes {self.axis} must have known sizes, received inputs of "
                             f"shape {_shape_text(shape)} (axis 0 is the batch: keep a feature axis instead).")
        return tuple(shape[d] for d in kept)

    def _make_statistics(self, shape) -> None:
        if self._statistics is not None:
            if self._statistics[0].shape != shape:
                raise ValueError(f"{self._owner} holds statistics of shape {self._statistics[0].shape}, but inputs "
                                 f"whose kept axes {self.axis} have sizes {shape}.")
            return
        # count stays 0, as Keras's does; float32 (int32 in Keras), since model files hold floats
        self._statistics = (self.add_weight("mean", shape, "zeros", trainable=False),
                            self.add_weight("variance", shape, "ones", trainable=False),
                            self.add_weight("count", (), "zeros", trainable=False))

    def build(self, input_shape):
        self._rank = self._rank or len(input_shape)   # adapt's data may have set it first, as in Keras
        shape = self._statistics_shape(input_shape)
        if self.input_mean is None:
            self._make_statistics(shape)
        elif self.input_mean.ndim and self.input_mean.shape != shape[len(shape) - self.input_mean.ndim:]:
            raise ValueError(f"{self._owner}: mean of shape {self.input_mean.shape} does not fit inputs of shape "
                             f"{_shape_text(input_shape)} kept along axis={self.axis}.")

    # -- adapt -----------------------------------------------------------------------------------
    def adapt(self, data) -> None:
        """Compute the mean and variance over the axes not kept: of an array (a DataFrame too),
        or of an iterable of batches (each an array, or an (x, y) tuple), merged batch by batch."""
        if isinstance(data, np.ndarray) or hasattr(data, "to_numpy"):
            array = np.asarray(data, dtype=np.float64)
            self._check_adapt_shape(array.shape)
            reduced = tuple(d for d in range(array.ndim) if d not in self._kept(array.ndim))
            mean, variance = array.mean(axis=reduced), array.var(axis=reduced)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes)):
            mean, variance = self._adapt_batches(iter(data))
        else:
            raise TypeError(f"{self._owner}: adapt() takes an array or an iterable of batches, received "
                            f"{type(data).__name__}.")
        self._statistics[0].assign(mean)
        self._statistics[1].assign(variance)

    def _check_adapt_shape(self, shape) -> None:
        if self.input_mean is not None:
            raise ValueError(f"{self._owner} was given mean and variance; it cannot be adapted.")
        if self.built and len(shape) != len(self.input_shape) and self.axis:
            raise ValueError(f"{self._owner} was built for inputs of shape {_shape_text(self.input_shape)}; adapt() "
                             f"received data of shape {_shape_text(shape)}.")
        self._rank = self._rank or len(shape)
        self._make_statistics(self._statistics_shape(shape))

    def _adapt_batches(self, batches):
        """Chan et al.'s merge of per-batch means and variances, weighted by their sizes."""
        total_mean = total_variance = None
        count = 0
        for batch in batches:
            batch = np.asarray(batch[0] if isinstance(batch, tuple) else batch, dtype=np.float64)
            if total_mean is None:
                self._check_adapt_shape(batch.shape)
            elif self._statistics_shape(batch.shape) != total_mean.shape:
                raise ValueError(f"{self._owner}: adapt() received a batch of shape {_shape_text(batch.shape)}, "
                                 f"whose kept axes {self.axis} differ from the first batch's.")
            kept = self._kept(batch.ndim)
            reduced = tuple(d for d in range(batch.ndim) if d not in kept)
            batch_mean, batch_variance = batch.mean(axis=reduced), batch.var(axis=reduced)
            size = math.prod(batch.shape[d] for d in reduced)
            count += size
            if total_mean is None:
                total_mean, total_variance = np.zeros_like(batch_mean), np.zeros_like(batch_variance)
            share = size / count
            merged = total_mean * (1 - share) + batch_mean * share
            total_variance = ((total_variance + (total_mean - merged) ** 2) * (1 - share)
                              + (batch_variance + (batch_mean - merged) ** 2) * share)
            total_mean = merged
        if total_mean is None:
            raise ValueError(f"{self._owner}: adapt() received an empty iterable (no batches); pass an array or a "
                             "non-empty list of batches.")
        return total_mean, total_variance

    # -- statistics ------------------------------------------------------------------------------
    def _broadcast(self, ndim: int):
        """(mean, variance) shaped to broadcast against inputs of rank ``ndim``."""
        kept = self._kept(ndim)
        if self.input_mean is None:
            if self._statistics is None:
                raise ValueError(f"{self._owner} has no statistics yet: call adapt(data) first, or give mean and "
                                 "variance.")
            shape = [1] * ndim
            for d, size in zip(kept, self._statistics[0].shape):
                shape[d] = size
            return self._statistics[0].value.reshape(shape), self._statistics[1].value.reshape(shape)
        shape = [1] * ndim
        for i, size in enumerate(self.input_mean.shape[::-1]):  # trailing kept axes, as Keras aligns them
            shape[kept[-1 - i]] = size
        return (self.input_mean.reshape(shape).astype(self.dtype),
                self.input_variance.reshape(shape).astype(self.dtype))

    @property
    def mean(self):
        """The mean in the shape that broadcasts over the inputs (Keras's ``layer.mean``); None
        before the layer is built or adapted."""
        return None if self._rank is None else self._broadcast(self._rank)[0].astype(self.dtype).view(Statistic)

    @property
    def variance(self):
        return None if self._rank is None else self._broadcast(self._rank)[1].astype(self.dtype).view(Statistic)

    # -- passes ----------------------------------------------------------------------------------
    def forward(self, x, training=False):
        x = np.asarray(x, dtype=compute_dtype(np.asarray(x), self.dtype))
        mean, variance = (v.astype(x.dtype) for v in self._broadcast(x.ndim))
        scale = np.maximum(np.sqrt(variance), x.dtype.type(EPSILON))
        self._saved = scale
        return mean + x * scale if self.invert else (x - mean) / scale

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        return grad_output * self._saved if self.invert else grad_output / self._saved

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": None if self.input_mean is None else self.input_mean.tolist(),
                "variance": None if self.input_variance is None else self.input_variance.tolist()}


def _axes(axis, owner: str) -> tuple[int, ...]:
    if axis is None:
        return ()
    values = (axis,) if is_int(axis) else tuple(axis) if isinstance(axis, (tuple, list)) else None
    if values is None or not all(is_int(a) for a in values):
        raise TypeError(f"{owner}: axis must be an integer, a tuple of integers or None, received {axis!r}.")
    if len(set(values)) != len(values):
        raise ValueError(f"{owner}: axis must not repeat an axis, received {axis!r}.")
    return tuple(int(a) for a in values)


def _statistic(value, name: str, owner: str) -> np.ndarray:
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise TypeError(f"{owner}: {name} must be a number or an array of numbers, received {value!r}.")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: {name} must be a number or an array of numbers, received {value!r}.") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{owner}: {name} must be finite, received {value!r}.")
    return array


__all__ = ["Normalization"]
