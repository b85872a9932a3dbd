"""Metrics read from weighted confusion counts at thresholds (``confusion_counts.py``):
TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, and the
operating-point metrics SensitivityAtSpecificity, SpecificityAtSensitivity,
PrecisionAtRecall, RecallAtPrecision. AUC is in ``auc.py``.

With one threshold the result is a scalar; with a list of thresholds, one value per threshold.
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_int
from .base import Metric, Result
from .confusion_counts import NEG_INF, confusion_counts, evenly_spread, parse_thresholds


def divide_no_nan(a, b) -> np.ndarray:
    """a / b, and 0 where b is 0."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


class _Thresholded(Metric):
    """State: one count array per kind in ``_counts`` (e.g. ("tp", "fp")), one entry per
    threshold."""

    _counts: tuple = ()
    _names = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}

    def _init_thresholds(self, thresholds, default: float) -> None:
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, type(self).__name__, default)
        self._evenly = evenly_spread(self.thresholds)

    def _add_counts(self, names=None) -> None:
        self._state = {}
        for kind in self._counts:
            name = (names or self._names)[kind]
            self._state[kind] = self.add_variable((len(self.thresholds),), "zeros", name=name)

    def _update(self, y_true, y_pred, sample_weight, top_k=None, class_id=None) -> None:
        counts = confusion_counts(y_true, y_pred, self.thresholds, self._counts, sample_weight, top_k=top_k,
                                  class_id=class_id, evenly=self._evenly)
        for kind, value in counts.items():
            self._state[kind].assign_add(value)

    def _scalar_or_vector(self, values) -> Result:
        return self._result(values[0] if len(self.thresholds) == 1 else values)


class _ConditionCount(_Thresholded):
    def __init__(self, thresholds=None, name: str | None = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._init_thresholds(thresholds, 0.5)
        self._add_counts({self._counts[0]: "accumulator"})
        self.accumulator = self._state[self._counts[0]]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._update(y_true, y_pred, sample_weight)

    def result(self) -> Result:
        return self._scalar_or_vector(self.accumulator.value)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    """The weighted count of positive labels predicted positive (y_pred > threshold)."""
    _counts = ("tp",)


class FalsePositives(_ConditionCount):
    """The weighted count of negative labels predicted positive."""
    _counts = ("fp",)


class TrueNegatives(_ConditionCount):
    """The weighted count of negative labels predicted negative."""
    _counts = ("tn",)


class FalseNegatives(_ConditionCount):
    """The weighted count of positive labels predicted negative."""
    _counts = ("fn",)


class _PrecisionRecall(_Thresholded):
    _direction = "up"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name: str | None = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        self.top_k = check_int(top_k, "top_k", owner, minimum=1, allow_none=True)
        self.class_id = check_int(class_id, "class_id", owner, minimum=0, allow_none=True)
        self._init_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._add_counts()
        self.true_positives = self._state["tp"]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._update(y_true, y_pred, sample_weight, top_k=self.top_k, class_id=self.class_id)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """tp / (tp + fp): of the predictions above the threshold, the share that are positive.

    ``top_k``: only a sample's k highest predictions count as positive (default threshold then
    -1e10, every one of them); ``class_id``: only that class (last axis) is counted.
    """
    _counts = ("tp", "fp")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name: str | None = None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)
        self.false_positives = self._state["fp"]

    def result(self) -> Result:
        tp = self.true_positives.value
        return self._scalar_or_vector(divide_no_nan(tp, tp + self.false_positives.value))


class Recall(_PrecisionRecall):
    """tp / (tp + fn): of the positive labels, the share predicted above the threshold."""
    _counts = ("tp", "fn")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name: str | None = None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)
        self.false_negatives = self._state["fn"]

    def result(self) -> Result:
        tp = self.true_positives.value
        return self._scalar_or_vector(divide_no_nan(tp, tp + self.false_negatives.value))


class _AtOperatingPoint(_Thresholded):
    """The best of one rate over the thresholds where another rate reaches ``value``.

    Thresholds: 0, 1/(n-1), ..., 1 (0.5 alone for num_thresholds=1)."""

    _direction = "up"
    _counts = ("tp", "fp", "tn", "fn")
    _argument = ""           # the constraint's argument name ("specificity", ...)

    def __init__(self, value, num_thresholds: int = 200, class_id=None, name: str | None = None, dtype=None):
        owner = type(self).__name__
        if not isinstance(value, (int, float, np.floating, np.integer)) or not 0 <= value <= 1:
            raise ValueError(f"{owner}: {self._argument} must be in the range [0, 1], received {value!r}")
        check_int(num_thresholds, "num_thresholds", owner, minimum=1)
        super().__init__(name=name, dtype=dtype)
        setattr(self, self._argument, value)
        self.value, self.num_thresholds = value, num_thresholds
        self.class_id = check_int(class_id, "class_id", owner, minimum=0, allow_none=True)
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            self.thresholds = [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
            self._evenly = True
        self._add_counts()
        self.true_positives, self.false_positives = self._state["tp"], self._state["fp"]
        self.true_negatives, self.false_negatives = self._state["tn"], self._state["fn"]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._update(y_true, y_pred, sample_weight, class_id=self.class_id)

    def _rates(self):
        tp, fp, tn, fn = (self._state[k].value for k in ("tp", "fp", "tn", "fn"))
        return {"sensitivity": divide_no_nan(tp, tp + fn), "recall": divide_no_nan(tp, tp + fn),
                "specificity": divide_no_nan(tn, tn + fp), "precision": divide_no_nan(tp, tp + fp)}

    def _best(self, constrained: str, dependent: str) -> Result:
        rates = self._rates()
        feasible = rates[constrained] >= self.value
        return self._result(np.max(np.where(feasible, rates[dependent], 0.0), initial=0.0))

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._argument: self.value}


class SensitivityAtSpecificity(_AtOperatingPoint):
    """The best sensitivity (recall) at a threshold whose specificity tn / (tn + fp) is at
    least ``specificity``."""
    _argument = "specificity"

    def __init__(self, specificity, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self) -> Result:
        return self._best("specificity", "sensitivity")


class SpecificityAtSensitivity(_AtOperatingPoint):
    """The best specificity at a threshold whose sensitivity is at least ``sensitivity``."""
    _argument = "sensitivity"

    def __init__(self, sensitivity, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self) -> Result:
        return self._best("sensitivity", "specificity")


class PrecisionAtRecall(_AtOperatingPoint):
    """The best precision at a threshold whose recall is at least ``recall``."""
    _argument = "recall"

    def __init__(self, recall, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self) -> Result:
        return self._best("recall", "precision")


class RecallAtPrecision(_AtOperatingPoint):
    """The best recall at a threshold whose precision is at least ``precision``."""
    _argument = "precision"

    def __init__(self, precision, num_thresholds: int = 200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self) -> Result:
        return self._best("precision", "recall")
