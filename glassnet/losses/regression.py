"""Regression losses: mean squared / absolute (percentage, logarithmic) error, Huber, log-cosh.

Each averages over the last axis, so a sample of d values gives l = mean_j e_j and
dl/dp_j = e_j' / d. y_true is reshaped to y_pred's shape where only a trailing axis of 1
differs ((n,) against (n, 1)), as Keras squeezes or expands it.
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number
from .base import EPSILON, Loss, _match_rank, _targets_like


class MeanSquaredError(Loss):
    """l = mean_j (y_j - p_j)^2; dl/dp = 2 (p - y) / d."""

    name = "mean_squared_error"
    config_keys = ()

    def per_sample(self, y_true, y_pred, logits=False):
        return np.square(y_pred - _match_rank(y_true, y_pred)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        return 2 * (y_pred - _targets_like(y_true, y_pred)) / y_pred.shape[-1]


class MeanAbsoluteError(Loss):
    """l = mean_j |y_j - p_j|; dl/dp = sign(p - y) / d."""

    name = "mean_absolute_error"
    config_keys = ()

    def per_sample(self, y_true, y_pred, logits=False):
        return np.abs(y_pred - _match_rank(y_true, y_pred)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        return np.sign(y_pred - _targets_like(y_true, y_pred)) / y_pred.shape[-1]


class MeanAbsolutePercentageError(Loss):
    """l = 100 mean_j |y_j - p_j| / max(|y_j|, 1e-7); dl/dp = 100 sign(p - y) / (max(|y|, 1e-7) d)."""

    name = "mean_absolute_percentage_error"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error"):
        super().__init__(reduction=reduction, name=name)

    def per_sample(self, y_true, y_pred, logits=False):
        y = _targets_like(y_true, y_pred)
        return 100 * (np.abs(y - y_pred) / np.maximum(np.abs(y), EPSILON)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = _targets_like(y_true, y_pred)
        return 100 * np.sign(y_pred - y) / (np.maximum(np.abs(y), EPSILON) * y_pred.shape[-1])


class MeanSquaredLogarithmicError(Loss):
    """With a = log(max(p, 1e-7) + 1) and b = log(max(y, 1e-7) + 1): l = mean_j (a_j - b_j)^2,
    dl/dp = 2 (a - b) / ((p + 1) d) where p > 1e-7, else 0."""

    name = "mean_squared_logarithmic_error"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error"):
        super().__init__(reduction=reduction, name=name)

    @staticmethod
    def _log_difference(y_true, y_pred):
        y = _targets_like(y_true, y_pred)
        return np.log1p(np.maximum(y_pred, EPSILON)) - np.log1p(np.maximum(y, EPSILON))

    def per_sample(self, y_true, y_pred, logits=False):
        return np.square(self._log_difference(y_true, y_pred)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        difference = self._log_difference(y_true, y_pred)
        inside = y_pred > EPSILON
        return np.where(inside, 2 * difference / (y_pred + 1), 0).astype(y_pred.dtype, copy=False) / y_pred.shape[-1]


class Huber(Loss):
    """With e = p - y: l = mean_j (e^2 / 2 if |e| <= delta else delta (|e| - delta / 2));
    dl/dp = clip(e, -delta, delta) / d."""

    name = "huber_loss"
    config_keys = ("delta",)

    def __init__(self, delta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.delta = check_number(delta, "delta", "Huber", low=0, low_open=True, finite=True)

    def per_sample(self, y_true, y_pred, logits=False):
        error = np.abs(y_pred - _match_rank(y_true, y_pred))
        quadratic = np.minimum(error, self.delta)
        return (0.5 * quadratic ** 2 + self.delta * (error - quadratic)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        error = y_pred - _targets_like(y_true, y_pred)
        return np.clip(error, -self.delta, self.delta) / y_pred.shape[-1]


class LogCosh(Loss):
    """With e = p - y: l = mean_j log(cosh(e_j)), computed as |e| + log(1 + e^(-2|e|)) - log 2
    so that large errors do not overflow; dl/dp = tanh(e) / d."""

    name = "log_cosh"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh"):
        super().__init__(reduction=reduction, name=name)

    def per_sample(self, y_true, y_pred, logits=False):
        error = np.abs(y_pred - _targets_like(y_true, y_pred))
        return (error + np.log1p(np.exp(-2 * error)) - np.log(2.0)).mean(axis=-1).astype(y_pred.dtype, copy=False)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        return np.tanh(y_pred - _targets_like(y_true, y_pred)) / y_pred.shape[-1]
