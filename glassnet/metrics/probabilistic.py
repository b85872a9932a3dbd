"""Probabilistic and hinge metrics: the mean over every sample seen of a per-sample loss of
glassnet.losses (KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_int, check_number
from .base import MeanMetricWrapper
from .loss_functions import loss_function


class _LossMean(MeanMetricWrapper):
    """The mean of the glassnet.losses function ``_loss``; ``axis`` (the class axis, where the
    metric has one) is moved last before the loss sees the arrays."""

    _loss = ""
    _direction = "down"

    def __init__(self, name: str, dtype=None, axis: int | None = None, **options):
        owner = type(self).__name__
        if "from_logits" in options:
            options["from_logits"] = check_bool(options["from_logits"], "from_logits", owner)
        if "label_smoothing" in options:
            options["label_smoothing"] = check_number(options["label_smoothing"], "label_smoothing", owner, low=0, high=1)
        super().__init__(loss_function(self._loss), name=name, dtype=dtype, **options)
        self.axis = check_int(axis, "axis", owner, allow_none=True)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self.axis in (None, -1):
            return super().update_state(y_true, y_pred, sample_weight)
        y_pred = np.asarray(y_pred)
        if not (-y_pred.ndim <= self.axis < y_pred.ndim and self.axis % y_pred.ndim != 0):
            raise ValueError(f"{type(self).__name__}: axis {self.axis} is not a class axis of y_pred of shape "
                             f"{y_pred.shape} (the batch axis comes first); give axis in [1, {y_pred.ndim}) or -1.")
        y_true = np.asarray(y_true)
        if y_true.ndim == y_pred.ndim:
            y_true = np.moveaxis(y_true, self.axis, -1)
        super().update_state(y_true, np.moveaxis(y_pred, self.axis, -1), sample_weight)

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
        self.from_logits = from_logits
        self.ignore_class = check_int(ignore_class, "ignore_class", "SparseCategoricalCrossentropy", allow_none=True)

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
