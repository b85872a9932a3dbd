"""Regression metrics: the means of per-sample errors (MeanSquaredError, MeanAbsoluteError,
MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCoshError, CosineSimilarity),
RootMeanSquaredError (the square root of the mean squared error over everything seen) and
R2Score (the coefficient of determination, from running sums)."""

from __future__ import annotations

import warnings

import numpy as np

from ..utils.validation import check_int
from .base import Mean, MeanMetricWrapper, Metric, Result, same_rank
from .loss_functions import loss_function

EPSILON = 1e-7


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(np.float32)
    return same_rank(np.asarray(y_true, y_pred.dtype), y_pred)


def cosine_similarity(y_true, y_pred, axis: int = -1):
    """sum(y_true / |y_true| * y_pred / |y_pred|) over ``axis`` (each norm at least 1e-7)."""
    y_true, y_pred = _pair(y_true, y_pred)

    def unit(x):
        return x * np.minimum(1.0 / np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True)), 1.0 / EPSILON)

    with np.errstate(divide="ignore"):
        return np.sum(unit(y_true) * unit(y_pred), axis=axis)


mean_squared_error = loss_function("mean_squared_error")
mean_absolute_error = loss_function("mean_absolute_error")
mean_absolute_percentage_error = loss_function("mean_absolute_percentage_error")
mean_squared_logarithmic_error = loss_function("mean_squared_logarithmic_error")
log_cosh = loss_function("log_cosh")


class MeanSquaredError(MeanMetricWrapper):
    """mean((y_true - y_pred)^2) over every sample seen."""
    _direction = "down"

    def __init__(self, name: str = "mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """mean(|y_true - y_pred|) over every sample seen."""
    _direction = "down"

    def __init__(self, name: str = "mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """mean(100 |y_true - y_pred| / max(|y_true|, 1e-7)) over every sample seen."""
    _direction = "down"

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """mean((log(1 + y_pred) - log(1 + y_true))^2) over every sample seen (each at least 1e-7)."""
    _direction = "down"

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """The mean of log(cosh(y_pred - y_true)) (glassnet.losses.log_cosh)."""
    _direction = "down"

    def __init__(self, name: str = "logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity of y_true and y_pred along ``axis`` (1: same direction)."""
    _direction = "up"

    def __init__(self, name: str = "cosine_similarity", dtype=None, axis: int = -1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=check_int(axis, "axis", "CosineSimilarity"))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}  # as Keras writes it: without the axis


class RootMeanSquaredError(Mean):
    """sqrt(mean((y_true - y_pred)^2)), the mean taken over everything seen."""
    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _pair(y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self) -> Result:
        return self._result(np.sqrt(super().result().numpy()))


class R2Score(Metric):
    """R^2 = 1 - sum w (y - y_pred)^2 / sum w (y - mean_w(y))^2 per output column, over
    (batch, outputs) data.

    class_aggregation: "uniform_average" (the mean over the columns), "variance_weighted_average"
    (weighted by each column's total sum of squares) or None (one score per column).
    num_regressors p > 0 gives the adjusted R^2 = 1 - (1 - R^2)(n - 1) / (n - p - 1), n the
    number of values seen (falling back to R^2, with a warning, when n - 1 <= p).
    """

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors: int = 0, name: str = "r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        choices = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in choices:
            raise ValueError(f"R2Score: class_aggregation must be one of {choices}, received {class_aggregation!r}")
        self.class_aggregation = class_aggregation
        self.num_regressors = check_int(num_regressors, "num_regressors", "R2Score", minimum=0)
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, true_shape, pred_shape) -> None:
        if len(pred_shape) != 2 or len(true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs of shape (batch_size, output_dim), received "
                             f"y_true.shape={tuple(true_shape)} and y_pred.shape={tuple(pred_shape)}.")
        columns = (pred_shape[-1],)
        self.squared_sum = self.add_variable(columns, "zeros", name="squared_sum")
        self.sum = self.add_variable(columns, "zeros", name="sum")
        self.total_mse = self.add_variable(columns, "zeros", name="residual")
        self.count = self.add_variable(columns, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _pair(y_true, y_pred)
        y_true, y_pred = y_true.astype(np.float64), y_pred.astype(np.float64)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        weight = np.asarray(1.0 if sample_weight is None else sample_weight, np.float64)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = np.broadcast_to(weight, y_true.shape)
        self.sum.assign_add((y_true * weight).sum(axis=0))
        self.squared_sum.assign_add((y_true * y_true * weight).sum(axis=0))
        self.total_mse.assign_add(((y_true - y_pred) ** 2 * weight).sum(axis=0))
        self.count.assign_add(weight.sum(axis=0))
        self.num_samples.assign_add(y_true.size)

    def result(self) -> Result:
        if not self._built:
            return self._result(0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum.value / self.count.value
            total = self.squared_sum.value - self.sum.value * mean
            scores = 1 - self.total_mse.value / total
        scores = np.where(np.isinf(scores), 0.0, scores)
        if self.class_aggregation == "uniform_average":
            score = np.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * scores) / np.sum(total)
        else:
            score = scores
        n, p = float(self.num_samples.value), self.num_regressors
        if p:
            if p > n - 1:
                warnings.warn("R2Score: more independent predictors than data points in the adjusted R2 score; "
                              "falling back to the standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("R2Score: division by zero in the adjusted R2 score; falling back to the standard "
                              "R2 score.", stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return self._result(score)

    def get_config(self) -> dict:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
