"""FBetaScore and F1Score over (batch, classes) predictions, per class or averaged.

Per class c, with tp, fp, fn weighted counts summed over every batch:

    precision = tp / (tp + fp + eps),  recall = tp / (tp + fn + eps)
    F_beta = (1 + beta^2) precision recall / (beta^2 precision + recall + eps),  eps = 1e-7

A prediction is positive when y_pred > ``threshold``; with ``threshold=None``, the largest
prediction of each sample (ties all count, as long as it is not 0).
average: None (one score per class), "micro" (counts pooled over the classes first), "macro"
(the mean of the class scores) or "weighted" (their mean weighted by each class's positives).
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number
from .base import Metric, Result

EPSILON = 1e-7


class FBetaScore(Metric):
    """The F-beta score (see the module docstring); y_true and y_pred are (batch, classes)."""

    _direction = "up"

    def __init__(self, average=None, beta: float = 1.0, threshold=None, name: str = "fbeta_score", dtype=None):
        owner = type(self).__name__
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"{owner}: average must be one of None, 'micro', 'macro', 'weighted', "
                             f"received {average!r}")
        if not isinstance(beta, float):
            raise ValueError(f"{owner}: beta must be a Python float, received {beta!r} of type {type(beta).__name__}")
        check_number(beta, "beta", owner, low=0, low_open=True, finite=True)
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"{owner}: threshold must be a Python float, received {threshold!r} "
                                 f"of type {type(threshold).__name__}")
            if not 0.0 < threshold <= 1.0:
                raise ValueError(f"{owner}: threshold must verify 0 < threshold <= 1, received {threshold!r}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, true_shape, pred_shape) -> None:
        if len(pred_shape) != 2 or len(true_shape) != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs of shape (batch_size, output_dim), received "
                             f"y_true.shape={tuple(true_shape)} and y_pred.shape={tuple(pred_shape)}.")
        shape = () if self.average == "micro" else (pred_shape[-1],)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = np.asarray(y_true, np.float32)
        y_pred = np.asarray(y_pred, np.float32)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            positive = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        y_pred = positive.astype(np.float64)
        weight = 1.0 if sample_weight is None else np.asarray(sample_weight, np.float64)[:, None]

        def weighted_sum(values):
            return (values * weight).sum(axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self) -> Result:
        if not self._built:
            return self._result(0.0)
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        precision = tp / (tp + fp + EPSILON)
        recall = tp / (tp + fn + EPSILON)
        beta2 = self.beta ** 2
        score = precision * recall / (beta2 * precision + recall + EPSILON) * (1 + beta2)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            score = (score * weights / (weights.sum() + EPSILON)).sum()
        elif self.average is not None:
            score = np.mean(score)
        return self._result(score)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name: str = "f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
