"""Hinge losses (maximum-margin classification): hinge, squared hinge, categorical hinge.

Hinge and squared hinge take labels in {-1, 1}; labels given as {0, 1} (every value of the
batch 0 or 1) are turned into {-1, 1} first, as Keras does.
"""

from __future__ import annotations

import numpy as np

from .base import Loss, _targets_like


def _signed_labels(y_true, y_pred):
    """y in {-1, 1}: 2 y - 1 when every label of the batch is 0 or 1, else y unchanged."""
    y = _targets_like(y_true, y_pred)
    if np.all((y == 0) | (y == 1)):
        return 2 * y - 1
    return y


class Hinge(Loss):
    """l = mean_j max(1 - y_j p_j, 0); dl/dp = -y / d where the margin 1 - y p is positive."""

    name = "hinge"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="hinge"):
        super().__init__(reduction=reduction, name=name)

    def per_sample(self, y_true, y_pred, logits=False):
        return np.maximum(1 - _signed_labels(y_true, y_pred) * y_pred, 0).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = _signed_labels(y_true, y_pred)
        return np.where(1 - y * y_pred > 0, -y, 0).astype(y_pred.dtype, copy=False) / y_pred.shape[-1]


class SquaredHinge(Loss):
    """l = mean_j max(1 - y_j p_j, 0)^2; dl/dp = -2 y max(1 - y p, 0) / d."""

    name = "squared_hinge"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge"):
        super().__init__(reduction=reduction, name=name)

    def per_sample(self, y_true, y_pred, logits=False):
        return np.square(np.maximum(1 - _signed_labels(y_true, y_pred) * y_pred, 0)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = _signed_labels(y_true, y_pred)
        return -2 * y * np.maximum(1 - y * y_pred, 0) / y_pred.shape[-1]


class CategoricalHinge(Loss):
    """With one-hot y: pos = sum_k y_k p_k, neg = max_k (1 - y_k) p_k and
    l = max(neg - pos + 1, 0). Where l > 0, dl/dp = e_k* (1 - y_k*) - y, k* the class
    that gives neg (the first, where several tie)."""

    name = "categorical_hinge"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge"):
        super().__init__(reduction=reduction, name=name)

    @staticmethod
    def _parts(y_true, y_pred):
        y = _targets_like(y_true, y_pred)
        others = (1 - y) * y_pred
        return y, others, (y * y_pred).sum(axis=-1), others.max(axis=-1)

    def per_sample(self, y_true, y_pred, logits=False):
        _, _, positive, negative = self._parts(y_true, y_pred)
        return np.maximum(negative - positive + 1, 0)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y, others, positive, negative = self._parts(y_true, y_pred)
        grad = -y
        rows = np.indices(others.shape[:-1])
        strongest = (*rows, others.argmax(axis=-1))
        grad[strongest] += 1 - y[strongest]
        return grad * (negative - positive + 1 > 0)[..., None]
