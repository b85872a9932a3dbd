"""Focal cross-entropies (Lin et al., 2017): cross-entropy down-weighted where the prediction is
already confident, by a factor (1 - p_t)^gamma."""

from __future__ import annotations

import numpy as np

from .. import activations
from ..utils.validation import check_bool, check_number
from .base import EPSILON, Loss, _targets_like
from .crossentropy import _check_smoothing_and_axis, smooth_labels


def _power_derivative(base, gamma):
    """d(base^gamma)/d(base) = gamma base^(gamma - 1), 0 for gamma = 0."""
    if gamma == 0:
        return np.zeros_like(base)
    with np.errstate(divide="ignore"):
        return gamma * np.power(base, gamma - 1)


class BinaryFocalCrossentropy(Loss):
    """Per value, with p = y_pred (sigmoid(y_pred) ``from_logits``), c = clip(p, 1e-7, 1 - 1e-7):

        bce = -(y log c + (1 - y) log(1 - c)),   p_t = y p + (1 - y)(1 - p)
        l = mean_j w (1 - p_t)^gamma bce

    w = alpha y + (1 - alpha)(1 - y) with ``apply_class_balancing``, else 1. ``label_smoothing``
    s moves y to y (1 - s) + s / 2. The gradient by the product rule, with dp_t/dp = 2 y - 1 and
    dbce/dp = (c - y) / (c (1 - c)) inside the clip range; from logits times dp/dz = p (1 - p).
    """

    name = "binary_focal_crossentropy"
    config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction="sum_over_batch_size", name="binary_focal_crossentropy"):
        super().__init__(from_logits=from_logits, reduction=reduction, name=name)
        owner = type(self).__name__
        self.apply_class_balancing = check_bool(apply_class_balancing, "apply_class_balancing", owner)
        self.alpha = check_number(alpha, "alpha", owner, low=0, finite=True)
        self.gamma = check_number(gamma, "gamma", owner, low=0, finite=True)
        _check_smoothing_and_axis(self, label_smoothing, axis)

    def _parts(self, y_true, y_pred, logits):
        y = smooth_labels(_targets_like(y_true, y_pred), self.label_smoothing, 2)
        p = activations.sigmoid.forward(y_pred) if logits else y_pred
        c = np.clip(p, EPSILON, 1 - EPSILON)
        bce = -(y * np.log(c) + (1 - y) * np.log(1 - c))
        miss = 1 - (y * p + (1 - y) * (1 - p))  # 1 - p_t
        weight = y * self.alpha + (1 - y) * (1 - self.alpha) if self.apply_class_balancing else 1.0
        return y, p, c, bce, miss, weight

    def per_sample(self, y_true, y_pred, logits=False):
        _, _, _, bce, miss, weight = self._parts(y_true, y_pred, logits)
        return (weight * np.power(miss, self.gamma) * bce).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y, p, c, bce, miss, weight = self._parts(y_true, y_pred, logits)
        inside = (p > EPSILON) & (p < 1 - EPSILON)
        d_bce = np.where(inside, (c - y) / (c * (1 - c)), 0)
        d_focal = _power_derivative(miss, self.gamma) * (1 - 2 * y)
        grad = weight * (d_focal * bce + np.power(miss, self.gamma) * d_bce)
        if logits:
            grad = grad * p * (1 - p)
        return (grad / y_pred.shape[-1]).astype(y_pred.dtype, copy=False)


class CategoricalFocalCrossentropy(Loss):
    """With p = y_pred (softmax(y_pred) ``from_logits``), o = p / sum(p) and
    c = clip(o, 1e-7, 1 - 1e-7):

        l = sum_k alpha (1 - c_k)^gamma (-y_k log c_k)

    ``label_smoothing`` s moves y to y (1 - s) + s / classes. The gradient goes back through
    the clip (0 outside its range), the normalisation o = p / sum(p) and, from logits, the softmax.
    """

    name = "categorical_focal_crossentropy"
    config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction="sum_over_batch_size",
                 name="categorical_focal_crossentropy"):
        super().__init__(from_logits=from_logits, reduction=reduction, name=name)
        owner = type(self).__name__
        self.alpha = check_number(alpha, "alpha", owner, low=0, finite=True)
        self.gamma = check_number(gamma, "gamma", owner, low=0, finite=True)
        _check_smoothing_and_axis(self, label_smoothing, axis)

    def _parts(self, y_true, y_pred, logits):
        y = smooth_labels(np.asarray(y_true, dtype=y_pred.dtype), self.label_smoothing, y_pred.shape[-1])
        p = activations.softmax.forward(y_pred) if logits else y_pred
        total = p.sum(axis=-1, keepdims=True)
        o = p / total
        return y, p, total, o, np.clip(o, EPSILON, 1 - EPSILON)

    def per_sample(self, y_true, y_pred, logits=False):
        y, _, _, _, c = self._parts(y_true, y_pred, logits)
        return (self.alpha * np.power(1 - c, self.gamma) * -y * np.log(c)).sum(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y, p, total, o, c = self._parts(y_true, y_pred, logits)
        cross = -y * np.log(c)
        d_c = self.alpha * (-_power_derivative(1 - c, self.gamma) * cross - np.power(1 - c, self.gamma) * y / c)
        d_o = np.where((o > EPSILON) & (o < 1 - EPSILON), d_c, 0)
        d_p = (d_o - (d_o * o).sum(axis=-1, keepdims=True)) / total
        if logits:
            d_p = p * (d_p - (d_p * p).sum(axis=-1, keepdims=True))
        return d_p.astype(y_pred.dtype, copy=False)
