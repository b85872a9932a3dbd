"""Intersection-over-union metrics for segmentation and classification: IoU, MeanIoU,
BinaryIoU, OneHotIoU, OneHotMeanIoU.

The state is a (num_classes, num_classes) confusion matrix cm (rows: true class, columns:
predicted class), summed over every batch. For class c:

    IoU_c = cm[c, c] / (sum of row c + sum of column c - cm[c, c])

and the result is the mean of IoU_c over the target classes whose denominator is not 0.
Labels and predictions are class ids (or one-hot / scores, argmax-ed, with sparse_y_true /
sparse_y_pred False). Entries whose label or prediction is outside [0, num_classes), or whose
label is ``ignore_class``, are left out. The metric's dtype is int32 as in Keras, so ids and
weights are truncated to integers.
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_int, check_number, is_int
from .base import Metric, Result, as_result

EPSILON = 1e-7


def _check_class_ids(ids, num_classes: int, owner: str) -> list[int]:
    """``target_class_ids``: a non-empty list or tuple of class ids in [0, num_classes)."""
    if not (isinstance(ids, (list, tuple)) and ids and all(is_int(i) for i in ids)):
        raise TypeError(f"{owner}: target_class_ids must be a non-empty list or tuple of class ids (integers), "
                        f"received {ids!r}.")
    if not all(0 <= i < num_classes for i in ids):
        raise ValueError(f"{owner}: target_class_ids must be class ids in [0, num_classes) = [0, {num_classes}), "
                         f"received {ids!r}.")
    return [int(i) for i in ids]


class _IoUBase(Metric):
    _direction = "up"

    def __init__(self, num_classes: int, name=None, dtype=None, ignore_class=None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, dtype=dtype or "int32")
        owner = type(self).__name__
        self.num_classes = check_int(num_classes, "num_classes", owner, minimum=1)
        self.ignore_class = check_int(ignore_class, "ignore_class", owner, allow_none=True)
        self.sparse_y_true = check_bool(sparse_y_true, "sparse_y_true", owner)
        self.sparse_y_pred = check_bool(sparse_y_pred, "sparse_y_pred", owner)
        self.axis = check_int(axis, "axis", owner)
        self.total_cm = self.add_variable((num_classes, num_classes), "zeros", name="total_confusion_matrix")

    def _as_ids(self, values) -> np.ndarray:
        values = np.asarray(values)
        if np.dtype(self.dtype).kind in "iu" and values.dtype.kind == "f":
            values = np.trunc(values)
        return values.astype(np.int64 if np.dtype(self.dtype).kind in "iu" else np.float64).reshape(-1)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true, y_pred = self._as_ids(y_true), self._as_ids(y_pred)
        if y_true.size != y_pred.size:
            raise ValueError(f"{type(self).__name__}: y_true gives {y_true.size} class ids and y_pred "
                             f"{y_pred.size} (sparse_y_true={self.sparse_y_true}, sparse_y_pred="
                             f"{self.sparse_y_pred}: False means one-hot or scores, read with argmax).")
        weights = np.broadcast_to(self._as_ids(1 if sample_weight is None else sample_weight), y_true.shape)
        kept = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            kept &= y_true != self.ignore_class
        rows, columns = y_true[kept].astype(np.int64), y_pred[kept].astype(np.int64)
        matrix = np.zeros((self.num_classes, self.num_classes), self.total_cm.dtype)
        np.add.at(matrix, (rows, columns), weights[kept])
        self.total_cm.assign_add(matrix)


class IoU(_IoUBase):
    """The mean IoU of the classes in ``target_class_ids`` (see the module docstring)."""

    def __init__(self, num_classes: int, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)
        self.target_class_ids = _check_class_ids(target_class_ids, self.num_classes, type(self).__name__)

    def result(self) -> Result:
        cm = self.total_cm.value.astype(np.float64)
        tp = np.diag(cm)
        denominator = (cm.sum(axis=0) + cm.sum(axis=1) - tp)[self.target_class_ids]
        tp = tp[self.target_class_ids]
        valid = denominator > 1e-9
        iou = np.where(valid, tp / (denominator + EPSILON), 0.0)
        return as_result(iou.sum() / (valid.sum() + EPSILON), "float32")

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class MeanIoU(IoU):
    """The mean IoU over all ``num_classes`` classes."""

    def __init__(self, num_classes: int, name=None, dtype=None, ignore_class=None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        check_int(num_classes, "num_classes", type(self).__name__, minimum=1)
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of two classes, a prediction being class 1 when y_pred >= ``threshold``."""

    def __init__(self, target_class_ids=(0, 1), threshold: float = 0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = check_number(threshold, "threshold", "BinaryIoU", finite=True)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        predicted = (np.asarray(y_pred, np.float32) >= self.threshold).astype(np.int64)
        super().update_state(y_true, predicted, sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class OneHotIoU(IoU):
    """IoU of the target classes with one-hot y_true (and scores for y_pred)."""

    def __init__(self, num_classes: int, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids, "name": self.name,
                "dtype": self.dtype, "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """MeanIoU with one-hot y_true (and scores for y_pred)."""

    def __init__(self, num_classes: int, name=None, dtype=None, ignore_class=None, sparse_y_pred: bool = False,
                 axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
