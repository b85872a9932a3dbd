"""Accuracy metrics: per-sample functions (1 where right, 0 where wrong) and the classes that
average them over every sample seen (weighted by ``sample_weight``)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_int, check_number
from .base import MeanMetricWrapper, same_rank


def _float_pred(y_pred) -> np.ndarray:
    y_pred = np.asarray(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else y_pred.astype(np.float32)


def accuracy(y_true, y_pred):
    """1 where y_true == y_pred, element by element."""
    y_pred = _float_pred(y_pred)
    y_true, y_pred = same_rank(np.asarray(y_true, y_pred.dtype), y_pred)
    return (y_true == y_pred).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """1 where y_true == (y_pred > threshold), element by element."""
    y_pred = _float_pred(y_pred)
    y_true, y_pred = same_rank(np.asarray(y_true), y_pred)
    return (y_true == (y_pred > threshold).astype(y_true.dtype)).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    """1 where argmax(y_true) == argmax(y_pred) over the last axis."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label equals argmax(y_pred); labels (n,) or (n, 1)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    matches = (y_true == np.argmax(y_pred, axis=-1)).astype(np.float32)
    return matches[..., 0] if matches.ndim > 1 and matches.shape[-1] == 1 else matches


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """True where fewer than k classes score strictly higher than the labelled one."""
    y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    labels = labels.reshape(-1).astype(np.int64)
    true_scores = y_pred[np.arange(labels.size), labels]
    true_scores = np.where(np.isnan(true_scores), -np.inf, true_scores)
    return (y_pred > true_scores[:, None]).sum(axis=-1) < k


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1 where the true class (argmax of one-hot y_true) is among the k largest predictions."""
    labels = np.argmax(y_true, axis=-1)
    return _in_top_k(labels, np.asarray(y_pred), k).astype(np.float32).reshape(labels.shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5, from_sorted_ids: bool = False):
    """1 where the integer label is among the k largest predictions; with ``from_sorted_ids``
    y_pred holds class ids sorted from the highest score and the label is looked for in the
    first k of them."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    shape = y_true.shape
    if from_sorted_ids:
        ids = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
        matches = (y_true.reshape(-1, 1) == ids).any(axis=1)
    else:
        matches = _in_top_k(y_true, y_pred, k)
    return matches.astype(np.float32).reshape(shape if y_true.ndim > 1 else (-1,))


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly."""
    _direction = "up"

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals the 0/1 label."""
    _direction = "up"

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        threshold = check_number(threshold, "threshold", "BinaryAccuracy", finite=True)
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) is the class of a one-hot y_true."""
    _direction = "up"

    def __init__(self, name: str = "categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) is the integer label."""
    _direction = "up"

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the class of a one-hot y_true is among the k highest predictions."""
    _direction = "up"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        k = check_int(k, "k", "TopKCategoricalAccuracy", minimum=1)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions."""
    _direction = "up"

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids: bool = False):
        k = check_int(k, "k", "SparseTopKCategoricalAccuracy", minimum=1)
        from_sorted_ids = check_bool(from_sorted_ids, "from_sorted_ids", "SparseTopKCategoricalAccuracy")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k, self.from_sorted_ids = k, from_sorted_ids

    def get_config(self) -> dict:
        config = super().get_config()
        if not self.from_sorted_ids:  # as Keras writes it
            config.pop("from_sorted_ids")
        return config
