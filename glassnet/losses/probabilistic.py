"""Losses between distributions and directions: Kullback-Leibler divergence, Poisson, cosine
similarity."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_int
from .base import EPSILON, Loss, _targets_like


class KLDivergence(Loss):
    """With y and p clipped to [1e-7, 1]: l = sum_j y_j log(y_j / p_j);
    dl/dp = -y / p where p lies inside the clip range, else 0."""

    name = "kl_divergence"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence"):
        super().__init__(reduction=reduction, name=name)

    def per_sample(self, y_true, y_pred, logits=False):
        y = np.clip(_targets_like(y_true, y_pred), EPSILON, 1)
        p = np.clip(y_pred, EPSILON, 1)
        return (y * np.log(y / p)).sum(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = np.clip(_targets_like(y_true, y_pred), EPSILON, 1)
        inside = (y_pred > EPSILON) & (y_pred < 1)
        return np.where(inside, -y / np.clip(y_pred, EPSILON, 1), 0).astype(y_pred.dtype, copy=False)


class Poisson(Loss):
    """l = mean_j (p_j - y_j log(p_j + 1e-7)); dl/dp = (1 - y / (p + 1e-7)) / d."""

    name = "poisson"
    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="poisson"):
        super().__init__(reduction=reduction, name=name)

    def per_sample(self, y_true, y_pred, logits=False):
        y = _targets_like(y_true, y_pred)
        return (y_pred - y * np.log(y_pred + EPSILON)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = _targets_like(y_true, y_pred)
        return (1 - y / (y_pred + EPSILON)) / y_pred.shape[-1]


def _unit(x, axis):
    """(x / max(|x|, 1e-7), the factor 1 / max(|x|, 1e-7), whether |x| > 1e-7) along ``axis``."""
    norm = np.sqrt(np.square(x).sum(axis=axis, keepdims=True))
    scale = 1 / np.maximum(norm, EPSILON)
    return x * scale, scale, norm > EPSILON


class CosineSimilarity(Loss):
    """l = -sum_j u(y)_j u(p)_j along ``axis``, u(x) = x / max(|x|, 1e-7): -1 when the vectors
    point the same way, 1 when opposite. dl/dp = -(u(y) - (u(y) . u(p)) u(p)) / |p|
    (-u(y) / 1e-7 for a p shorter than 1e-7, where the scale is fixed)."""

    name = "cosine_similarity"
    config_keys = ("axis",)  # Keras's own config leaves axis out, so its copy forgets a non-default one

    def __init__(self, axis: int = -1, reduction="sum_over_batch_size", name="cosine_similarity"):
        super().__init__(reduction=reduction, name=name)
        self.axis = check_int(axis, "axis", "CosineSimilarity")

    def per_sample(self, y_true, y_pred, logits=False):
        unit_true = _unit(_targets_like(y_true, y_pred), self.axis)[0]
        return -(unit_true * _unit(y_pred, self.axis)[0]).sum(axis=self.axis)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        unit_true = _unit(_targets_like(y_true, y_pred), self.axis)[0]
        unit_pred, scale, long_enough = _unit(y_pred, self.axis)
        along = (unit_true * unit_pred).sum(axis=self.axis, keepdims=True)
        projected = np.where(long_enough, unit_true - along * unit_pred, unit_true)
        return -projected * scale
