"""AUC: the area under the ROC or precision-recall curve, from confusion counts at
``num_thresholds`` thresholds (Keras's approximation, to its numbers).

Thresholds: -1e-7, 1/(n-1), 2/(n-1), ..., (n-2)/(n-1), 1 + 1e-7 (or -1e-7, the sorted
``thresholds`` given, 1 + 1e-7), so the first counts every prediction as positive and the last
none. Between neighbouring thresholds i and i+1 the curve (x, y) adds (x_i - x_{i+1}) times a
height: (y_i + y_{i+1}) / 2 ("interpolation"), min ("minoring") or max ("majoring").
ROC: x = fp / (fp + tn), y = tp / (tp + fn). PR: x = recall, y = precision; with
"interpolation" PR uses Davis & Goadrich's interpolation instead, where precision along a
segment is tp / p with tp and p = tp + fp linear in each other:

    slope = dtp / dp,  intercept = tp_{i+1} - slope p_{i+1}
    area_i = slope (dtp + intercept log(p_i / p_{i+1})) / (tp_{i+1} + fn_{i+1})
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_int, check_number
from .base import Metric, Result
from .confusion_counts import EPSILON, confusion_counts, evenly_spread
from .confusion_metrics import divide_no_nan

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _check_numbers(values, argument: str, low) -> list[float]:
    """A list, tuple or 1-D array of finite numbers (each >= ``low`` where given)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, np.ndarray)) \
            or np.ndim(values) != 1:
        raise TypeError(f"AUC: {argument} must be a list of numbers, received {values!r}.")
    return [check_number(value, f"{argument}[{i}]", "AUC", low=low, finite=True) for i, value in enumerate(values)]


class AUC(Metric):
    """Area under the ROC (``curve="ROC"``) or precision-recall (``curve="PR"``) curve.

    ``multi_label=True``: y_true and y_pred (batch, labels) each give a curve, and the result
    is their mean (weighted by ``label_weights`` when given); otherwise every label is pooled
    into one curve, each weighted by its ``label_weights``. ``from_logits``: y_pred holds
    logits, passed through a sigmoid first.
    """

    _direction = "up"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype=None, thresholds=None, multi_label: bool = False,
                 num_labels=None, label_weights=None, from_logits: bool = False):
        owner = "AUC"
        curve_key = curve.lower() if isinstance(curve, str) else None
        if curve_key not in _CURVES or curve not in (curve_key, _CURVES[curve_key]):
            raise ValueError(f'{owner}: curve must be one of "ROC", "PR", "PRGAIN", received {curve!r}')
        if not isinstance(summation_method, str) or summation_method.lower() not in _SUMMATIONS \
                or summation_method not in (summation_method.lower(), summation_method.capitalize()):
            raise ValueError(f"{owner}: summation_method must be one of {list(_SUMMATIONS)}, "
                             f"received {summation_method!r}")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_check_numbers(thresholds, "thresholds", low=None))
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_spread(np.array([0.0] + inner + [1.0]))
        else:
            check_int(num_thresholds, "num_thresholds", owner, minimum=2)
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON])
        self.curve = _CURVES[curve_key]
        self.summation_method = summation_method.lower()
        super().__init__(name=name, dtype=dtype)
        self.multi_label = check_bool(multi_label, "multi_label", owner)
        self.num_labels = check_int(num_labels, "num_labels", owner, minimum=1, allow_none=True)
        self.label_weights = None if label_weights is None else np.asarray(
            _check_numbers(label_weights, "label_weights", low=0), np.float64)
        self._from_logits = check_bool(from_logits, "from_logits", owner)
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError(f"{owner}: num_labels is needed only when multi_label is True, "
                                 f"received num_labels={num_labels!r}")
            self._build(None)

    @property
    def thresholds(self) -> list:
        return [float(t) for t in self._thresholds]

    def _build(self, shape) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"AUC: y_pred must have rank 2 when multi_label=True, received shape {tuple(shape)}")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(variable_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(variable_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(variable_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(variable_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = np.asarray(y_pred, np.float32)
        if not self._built:
            self._build(y_pred.shape)
        if self.label_weights is not None and len(self.label_weights) not in (1, y_pred.shape[-1]):
            raise ValueError(f"AUC: label_weights has {len(self.label_weights)} entries, but y_pred has "
                             f"{y_pred.shape[-1]} labels (shape {y_pred.shape}); give one weight per label.")
        if self._from_logits:
            y_pred = (1.0 / (1.0 + np.exp(-y_pred.astype(np.float64)))).astype(np.float32)
        counts = confusion_counts(y_true, y_pred, self._thresholds, ("tp", "fp", "tn", "fn"), sample_weight,
                                  multi_label=self.multi_label,
                                  label_weights=None if self.multi_label else self.label_weights,
                                  evenly=self._evenly)
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])
        self.true_negatives.assign_add(counts["tn"])
        self.false_negatives.assign_add(counts["fn"])

    def _per_label_mean(self, terms) -> Result:
        if not self.multi_label:
            return self._result(terms.sum())
        by_label = terms.sum(axis=0)
        if self.label_weights is None:
            return self._result(by_label.mean())
        return self._result(divide_no_nan((by_label * self.label_weights).sum(), self.label_weights.sum()))

    def _interpolated_pr(self) -> Result:
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both_positive, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        terms = divide_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return self._per_label_mean(terms)

    def result(self) -> Result:
        if not self._built:
            return self._result(0.0)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PRGAIN
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
            x = np.maximum(recall_gain, 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._per_label_mean((x[:-1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
