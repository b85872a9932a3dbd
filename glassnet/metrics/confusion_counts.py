"""Weighted true/false positive/negative counts at a list of thresholds, the state of
Precision, Recall, AUC and their relatives.

A prediction p is positive at threshold t when p > t; a label is positive when it is not 0.
For T thresholds the counts are arrays of shape (T,) (every label of every sample pooled), or
(T, labels) with ``multi_label``. Thresholds spread evenly over [0, 1] (i / (T - 1)) are
counted in O(n + T) by putting each prediction in its bucket ceil(p (T - 1)) - 1 and summing
the buckets from the top, which gives the same counts as comparing with every threshold.
"""

from __future__ import annotations

import numbers

import numpy as np

from .base import same_rank

NEG_INF = -1e10     # the threshold top_k uses: every prediction kept in the top k is positive
EPSILON = 1e-7      # AUC's outer thresholds are -EPSILON and 1 + EPSILON


def check_thresholds(thresholds, owner: str) -> list:
    """A threshold or a list of them, each in [0, 1]."""
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    bad = [t for t in values if not isinstance(t, numbers.Real) or isinstance(t, bool) or not 0 <= t <= 1]
    if bad:
        raise ValueError(f"{owner}: thresholds must be in [0, 1], received {bad}")
    return [float(t) for t in values]


def parse_thresholds(thresholds, owner: str, default: float = 0.5) -> list:
    return check_thresholds(thresholds, owner) if thresholds is not None else [float(default)]


def evenly_spread(thresholds) -> bool:
    """Whether the thresholds are i / (T - 1), i = 0 .. T - 1 (T >= 3), to within 1e-7."""
    count = len(thresholds)
    if count < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(count, dtype=np.float32) / (count - 1), atol=EPSILON))


def _keep_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """y_pred with everything outside the k largest of the last axis set to NEG_INF (ties go
    to the earlier class)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, np.float32(NEG_INF)).astype(y_pred.dtype)


def confusion_counts(y_true, y_pred, thresholds, which, sample_weight=None, top_k=None, class_id=None,
                     multi_label: bool = False, label_weights=None, evenly: bool = False) -> dict:
    """{"tp"/"fp"/"tn"/"fn" (those in ``which``): weighted counts at each threshold}.

    y_true, y_pred: the same shape (a trailing axis of 1 may differ), (batch, ...).
    sample_weight: broadcast against y_true, one per sample or one per element.
    top_k: only the k largest predictions of a sample can be positive.
    class_id: count only that class (the last axis).
    label_weights: (labels,) weights of each label, multiplied into the sample weights
    (not with ``multi_label``: the metric weighs its per-label results instead).
    """
    y_pred = np.asarray(y_pred, np.float32)
    y_true = np.asarray(y_true, np.float32)
    y_pred, y_true = same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float64)[..., None]
        _, sample_weight = same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _keep_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is given, y_pred must be a 2D array of shape (num_samples, num_classes), "
                             f"received shape {y_pred.shape}")
        if class_id >= y_pred.shape[-1]:
            raise ValueError(f"class_id {class_id} is out of range: y_pred has {y_pred.shape[-1]} classes "
                             f"(shape {y_pred.shape}), so class_id must be in [0, {y_pred.shape[-1]}).")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    weights = np.ones(y_pred.shape) if sample_weight is None else np.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None and not multi_label:
        weights = weights * np.broadcast_to(np.asarray(label_weights, np.float64)[None], y_pred.shape)
    positive = y_true != 0
    if multi_label:  # (batch, labels): one count per label
        shape = (y_pred.shape[0], -1)
    else:
        shape = (-1, 1)
    y_pred, positive, weights = y_pred.reshape(shape), positive.reshape(shape), weights.reshape(shape)
    true_w = np.where(positive, weights, 0.0)
    false_w = np.where(positive, 0.0, weights)
    thresholds = np.asarray(thresholds, np.float32)
    if evenly:
        tp, fp = _bucketed(y_pred, true_w, false_w, thresholds)
    else:
        above = y_pred[None] > thresholds.reshape(-1, 1, 1)                 # (T, rows, columns)
        tp = (above * true_w[None]).sum(axis=1)
        fp = (above * false_w[None]).sum(axis=1)
    if not multi_label:
        tp, fp = tp[:, 0], fp[:, 0]
        totals_true, totals_false = true_w.sum(), false_w.sum()
    else:
        totals_true, totals_false = true_w.sum(axis=0), false_w.sum(axis=0)
    counts = {"tp": tp, "fp": fp, "fn": totals_true - tp, "tn": totals_false - fp}
    return {key: counts[key] for key in which}


def _bucketed(y_pred, true_w, false_w, thresholds):
    """tp and fp, (T, columns), for thresholds i / (T - 1) (the outer ones may be -eps and
    1 + eps): each prediction falls in bucket ceil(p (T - 1)) - 1, and is above every threshold
    up to its bucket."""
    count = len(thresholds)
    with_epsilon = thresholds[0] < 0 or thresholds[-1] > 1
    p = np.clip(y_pred, np.float32(0), np.float32(1))
    buckets = np.ceil(p * np.float32(count - 1)) - 1
    if with_epsilon:
        buckets = np.maximum(buckets, 0)
    buckets = buckets.astype(np.int64)
    columns = y_pred.shape[1]
    tp, fp = np.zeros((count, columns)), np.zeros((count, columns))
    for column in range(columns):
        kept = buckets[:, column] >= 0    # p = 0 with thresholds from 0: above none of them
        index = buckets[kept, column]
        tp[:, column] = np.bincount(index, true_w[kept, column], minlength=count)
        fp[:, column] = np.bincount(index, false_w[kept, column], minlength=count)
    return np.cumsum(tp[::-1], axis=0)[::-1], np.cumsum(fp[::-1], axis=0)[::-1]
