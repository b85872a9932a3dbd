"""Array helpers from ``keras.utils``: one-hot encoding and normalisation."""

from __future__ import annotations

import numpy as np

from .validation import check_int, check_number


def to_categorical(y, num_classes: int | None = None, dtype="float32") -> np.ndarray:
    """Integer class labels of shape (n,) (or (n, 1)) -> one-hot rows of shape (n, num_classes)."""
    num_classes = check_int(num_classes, "num_classes", "to_categorical", minimum=1, allow_none=True)
    try:
        labels = np.asarray(y)
    except ValueError as error:
        raise ValueError(f"to_categorical: y must be an array of integer class labels ({error}).") from None
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if labels.dtype.kind == "f":
        wrong = labels != np.round(labels)
        if wrong.any():
            count = int(wrong.sum())
            raise ValueError(f"to_categorical: y must hold integer class labels, received {labels[wrong][0].item()!r}"
                             + (f" (one of {count} values that are not integers)." if count > 1 else "."))
    elif labels.dtype.kind not in "iub":
        first = f" such as {np.asarray(labels.flat[0]).tolist()!r}" if labels.size else ""
        raise TypeError(f"to_categorical: y must hold integer class labels, received dtype {labels.dtype}{first}; "
                        "turn names into indices first (e.g. StringLookup, or np.unique(y, return_inverse=True)).")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, received {labels.min()}.")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(f"to_categorical: num_classes={num_classes}, but y holds the label {labels.max()}; "
                         f"labels must be in [0, {num_classes}).")
    one_hot = np.zeros(labels.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(one_hot, labels[..., None], 1, axis=-1)
    return one_hot


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scale x to unit ``order``-norm along ``axis`` (zero vectors stay zero)."""
    check_number(order, "order", "normalize")
    check_int(axis, "axis", "normalize")
    x = np.asarray(x, dtype=np.float32)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"normalize: axis must be an axis of x, of shape {x.shape}, received {axis}.")
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)
