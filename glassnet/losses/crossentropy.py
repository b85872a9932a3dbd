"""Cross-entropies: categorical (one-hot or soft targets), sparse categorical (integer labels)
and binary.

They are computed stably: from logits with log-sum-exp, from probabilities clipped to
[1e-7, 1 - 1e-7] as Keras does. When a softmax (sigmoid) output meets a categorical (binary)
cross-entropy, the model calls ``value_and_gradient(..., logits=True)`` on the logits, which
gives the combined gradient dL/dz = (softmax(z) - y) / n and never divides by a probability.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..utils.validation import check_number, is_int
from .base import EPSILON, Loss, _log_softmax, _match_rank, _one_hot_from_sparse


def _check_last_axis(axis, owner: str) -> int:
    """Keras's ``axis`` argument; the class axis must be the last one here."""
    if not is_int(axis) or axis != -1:
        raise ValueError(f"{owner}: axis must be -1 (the classes on the last axis, as the model's output has them), "
                         f"received {axis!r}")
    return -1


def _check_smoothing_and_axis(loss, label_smoothing, axis) -> None:
    """A cross-entropy's ``label_smoothing`` (in [0, 1]) and ``axis`` (-1), set on ``loss``."""
    owner = type(loss).__name__
    loss.label_smoothing = check_number(label_smoothing, "label_smoothing", owner, low=0, high=1)
    loss.axis = _check_last_axis(axis, owner)


def smooth_labels(y: np.ndarray, smoothing: float, classes: int) -> np.ndarray:
    """Keras's label smoothing: y (1 - s) + s / classes (binary targets: classes = 2)."""
    return y * (1 - smoothing) + smoothing / classes if smoothing else y


class CategoricalCrossentropy(Loss):
    """l = -sum_k y_k log p_k over one-hot (or soft) targets y.

    From logits z: l = logsumexp(z) - sum_k y_k z_k and dl/dz = softmax(z) - y.
    """

    name = "categorical_crossentropy"
    fuses_with = (activations.Softmax,)
    config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing: float = 0.0, axis: int = -1, **kwargs):
        super().__init__(from_logits=from_logits, **kwargs)
        _check_smoothing_and_axis(self, label_smoothing, axis)

    def _targets(self, y_true, y_pred):
        return smooth_labels(np.asarray(y_true, dtype=y_pred.dtype), self.label_smoothing, y_pred.shape[-1])

    def per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        if logits:
            return -(y * _log_softmax(y_pred)).sum(axis=-1)
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return -(y * np.log(np.clip(p, EPSILON, 1 - EPSILON))).sum(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        if logits:
            return activations.softmax.forward(y_pred) * y.sum(axis=-1, keepdims=True) - y
        total = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / total
        clipped = np.clip(p, EPSILON, 1 - EPSILON)
        dl_dp = np.where((p > EPSILON) & (p < 1 - EPSILON), -y / clipped, 0)
        # p = y_pred / total, so dl/dy_pred_j = (dl/dp_j - sum_k dl/dp_k p_k) / total
        return ((dl_dp - (dl_dp * p).sum(axis=-1, keepdims=True)) / total).astype(y_pred.dtype, copy=False)

    def prepare_targets(self, y, output_shape, argument="y"):
        y = np.asarray(y)
        classes = output_shape[-1]
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1 and classes != 1):
            raise ValueError(
                f"{argument} holds integer class labels of shape {y.shape}, but categorical_crossentropy "
                f"needs one-hot targets of shape (n, {classes}). Use loss='sparse_categorical_crossentropy' "
                "or one-hot encode with glassnet.utils.to_categorical(y).")
        if y.ndim != len(output_shape):
            expected = "(n, " + ", ".join(str(d) for d in output_shape[1:]) + ")"
            raise ValueError(
                f"{argument} has shape {y.shape} (rank {y.ndim}), but the model's output has shape "
                f"{(None,) + tuple(output_shape[1:])} (rank {len(output_shape)}): categorical_crossentropy "
                f"needs one-hot targets shaped like the output, {expected}.")
        if y.shape[-1] != classes:
            raise ValueError(f"{argument} is one-hot with {y.shape[-1]} columns, but the model's output "
                             f"layer has {classes} units; they must match.")
        return super().prepare_targets(y, output_shape, argument)


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer class labels: l = -log p_{y}."""

    name = "sparse_categorical_crossentropy"
    fuses_with = (activations.Softmax,)

    # A sequence of predictions (batch, steps, classes) has labels (batch, steps): every step is
    # one more row of (classes,) below, and the values come back shaped (batch, steps).
    def per_sample(self, y_true, y_pred, logits=False):
        index = np.asarray(y_true).reshape(-1).astype(np.int64, copy=False)
        rows, scores = np.arange(index.size), y_pred.reshape(-1, y_pred.shape[-1])
        if logits:
            return -_log_softmax(scores)[rows, index].reshape(y_pred.shape[:-1])
        p = scores / scores.sum(axis=-1, keepdims=True)
        return -np.log(np.clip(p[rows, index], EPSILON, 1 - EPSILON)).reshape(y_pred.shape[:-1])

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        scores = y_pred.reshape(-1, y_pred.shape[-1])
        one_hot = _one_hot_from_sparse(np.asarray(y_true).reshape(-1), scores.shape[-1], y_pred.dtype)
        return CategoricalCrossentropy().gradient_per_sample(one_hot, scores, logits).reshape(y_pred.shape)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, logits=None):
        logits = self.from_logits if logits is None else logits
        if not logits:
            return super().value_and_gradient(y_true, y_pred, sample_weight, logits)
        # The hot path of classifiers: dl/dz = softmax(z) - onehot(y), done in place.
        index = np.asarray(y_true).reshape(-1)
        rows = np.arange(index.size)
        log_p = _log_softmax(y_pred.reshape(-1, y_pred.shape[-1]))
        values = -log_p[rows, index].reshape(y_pred.shape[:-1])
        grad = np.exp(log_p, out=log_p)
        grad[rows, index] -= 1
        grad = grad.reshape(y_pred.shape)
        scale = self._reduction_scale(values.shape, sample_weight, y_pred.dtype)
        return self._reduce(values, sample_weight), self._scaled(grad, scale)

    def prepare_targets(self, y, output_shape, argument="y"):
        y = np.asarray(y)
        classes, steps = output_shape[-1], tuple(output_shape[1:-1])  # steps: () for one label per sample
        if y.ndim == 2 and y.shape[1] == classes and classes > 1 and not steps:
            raise ValueError(
                f"{argument} looks one-hot (shape {y.shape}), but sparse_categorical_crossentropy needs "
                "integer class labels of shape (n,). Use loss='categorical_crossentropy', or pass "
                "y.argmax(axis=1).")
        def fits(shape):
            return len(shape) == len(steps) and all(d is None or d == s for d, s in zip(steps, shape))

        if not (fits(y.shape[1:]) or y.shape[-1:] == (1,) and fits(y.shape[1:-1])):
            expected = f"(n{''.join(f', {d}' for d in steps)})"
            raise ValueError(f"{argument} must hold one integer class label per "
                             f"{'sample' if not steps else 'step'}, shape {expected} or {expected[:-1]}, 1), "
                             f"received shape {y.shape}.")
        labels = y.reshape(y.shape[:1 + len(steps)]) if steps else y.reshape(-1)
        if labels.dtype.kind == "f":
            fractional = ~np.isfinite(labels) | (labels != np.round(labels))
            if np.any(fractional):
                where = tuple(int(i) for i in np.argwhere(fractional)[0])
                raise ValueError(
                    f"{argument} must hold integer class labels for sparse_categorical_crossentropy, received "
                    f"non-integer values such as {float(labels[where]):g} at index {where[0] if len(where) == 1 else where} "
                    f"({int(fractional.sum())} of {labels.size} labels); round them, or if they are "
                    "probabilities use loss='categorical_crossentropy' with one-hot targets.")
        elif labels.dtype.kind not in "iub":
            raise TypeError(f"{argument} must hold integer class labels, received dtype {labels.dtype}.")
        labels = labels.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            bad = labels[(labels < 0) | (labels >= classes)][0]
            raise ValueError(f"{argument} holds the label {bad}, outside [0, {classes}): the model's output "
                             f"layer has {classes} units, one per class.")
        return labels


class BinaryCrossentropy(Loss):
    """l = -mean_j (y_j log p_j + (1 - y_j) log(1 - p_j)).

    From logits z: l = mean_j (max(z, 0) - z y + log(1 + e^-|z|)), dl/dz = (sigmoid(z) - y) / d.
    """

    name = "binary_crossentropy"
    fuses_with = (activations.Sigmoid,)
    config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing: float = 0.0, axis: int = -1, **kwargs):
        super().__init__(from_logits=from_logits, **kwargs)
        _check_smoothing_and_axis(self, label_smoothing, axis)

    def _targets(self, y_true, y_pred):
        return smooth_labels(_match_rank(y_true, y_pred).astype(y_pred.dtype, copy=False), self.label_smoothing, 2)

    def per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        if logits:
            z = y_pred
            values = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        else:
            p = np.clip(y_pred, EPSILON, 1 - EPSILON)
            values = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        return values.mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        width = y_pred.shape[-1]
        if logits:
            return (activations.sigmoid.forward(y_pred) - y) / width
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)
        return np.where(inside, (p - y) / (p * (1 - p)), 0).astype(y_pred.dtype, copy=False) / width

    def prepare_targets(self, y, output_shape, argument="y"):
        y = super().prepare_targets(y, output_shape, argument)
        if y.size and (y.min() < 0 or y.max() > 1):
            raise ValueError(f"{argument} must hold values in [0, 1] for binary_crossentropy, received "
                             f"values from {y.min():g} to {y.max():g}.")
        return y
