"""Probabilistic and hinge metrics: the mean over every sample seen of a per-sample loss of
glassnet.losses (KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge)."""

from __future__ import annotations

import numpy as np

from .base import MeanMetricWrapper
from .loss_functions import loss_function


class _LossMean(MeanMetricWrapper):
    """The mean of the glassnet.losses function ``_loss``; ``axis`` (the class axis, where the
    metric has one) is moved last before the loss sees the arrays."""

    _loss = ""
    _direction = "down"

    def __init__(self, name: str, dtype=None, axis: int | None = None, **options):
        super().__init__(loss_function(self._loss), name=name, dtype=dtype, **options)
        self.axis = axis

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self.axis not in (None, -1):
            y_true, y_pred = np.moveaxis(np.asarray(y_true), self.axis, -1), np.moveaxis(np.asarray(y_pred), self.axis, -1)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        config = super().get_config()
        if self.axis is not None:
            config["axis"] = self.axis
        return config


class KLDivergence(_LossMean):
    """mean(sum(y_true log(y_true / y_pred))) (both clipped to [1e-7, 1])."""
    _loss = "kl_divergence"

    def __init__(self, name: str = "kl_divergence", dtype=None):
        super().__init__(name, dtype)


class Poisson(_LossMean):
    """mean(y_pred - y_true log(y_pred + 1e-7))."""
    _loss = "poisson"

    def __init__(self, name: str = "poisson", dtype=None):
        super().__init__(name, dtype)


class BinaryCrossentropy(_LossMean):
    """The mean binary cross-entropy (``from_logits``, ``label_smoothing`` as the loss's)."""
    _loss = "binary_crossentropy"

    def __init__(self, name: str = "binary_crossentropy", dtype=None, from_logits: bool = False,
                 label_smoothing=0):
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing


class CategoricalCrossentropy(_LossMean):
    """The mean categorical cross-entropy of one-hot labels."""
    _loss = "categorical_crossentropy"

    def __init__(self, name: str = "categorical_crossentropy", dtype=None, from_logits: bool = False,
                 label_smoothing=0, axis: int = -1):
        super().__init__(name, dtype, axis=axis, from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing


class SparseCategoricalCrossentropy(_LossMean):
    """The mean categorical cross-entropy of integer labels; labels equal to ``ignore_class``
    are left out of the mean."""
    _loss = "sparse_categorical_crossentropy"

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype=None, from_logits: bool = False,
                 ignore_class=None, axis: int = -1):
        super().__init__(name, dtype, axis=axis, from_logits=from_logits)
        self.from_logits, self.ignore_class = from_logits, ignore_class

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self.ignore_class is None:
            return super().update_state(y_true, y_pred, sample_weight)
        y_true = np.asarray(y_true)
        kept = y_true != self.ignore_class
        weights = kept.astype(np.float64)
        if sample_weight is not None:
            weights = weights * np.asarray(sample_weight, np.float64).reshape(
                np.shape(sample_weight) + (1,) * (weights.ndim - np.ndim(sample_weight)))
        return super().update_state(np.where(kept, y_true, 0), y_pred, weights)

    def get_config(self) -> dict:
        return {**super().get_config(), "ignore_class": self.ignore_class}


class Hinge(_LossMean):
    """mean(max(1 - y_true y_pred, 0)), labels 0/1 taken as -1/1."""
    _loss = "hinge"

    def __init__(self, name: str = "hinge", dtype=None):
        super().__init__(name, dtype)


class SquaredHinge(_LossMean):
    """mean(max(1 - y_true y_pred, 0)^2), labels 0/1 taken as -1/1."""
    _loss = "squared_hinge"

    def __init__(self, name: str = "squared_hinge", dtype=None):
        super().__init__(name, dtype)


class CategoricalHinge(_LossMean):
    """mean(max(max_{wrong} y_pred - y_pred_{true} + 1, 0)) of one-hot labels."""
    _loss = "categorical_hinge"

    def __init__(self, name: str = "categorical_hinge", dtype=None):
        super().__init__(name, dtype)
