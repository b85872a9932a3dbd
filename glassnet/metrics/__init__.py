"""Metrics: per-sample functions and stateful ``Metric`` objects, as Keras 3 has them.

A metric object holds state: ``update_state(y_true, y_pred, sample_weight=None)`` adds a batch,
``result()`` reads the metric over every batch since ``reset_state()``. fit resets its metrics
at the start of each epoch, so an epoch's value (AUC, precision, a mean) is over the whole
epoch, not a mean of per-batch values.

One file per family: base.py (Metric, Mean, Sum, MeanMetricWrapper), accuracy.py,
confusion_counts.py and confusion_metrics.py (TruePositives ... Precision, Recall,
SensitivityAtSpecificity ...), auc.py, f_score.py, iou.py, regression.py (R2Score, RMSE, ...),
probabilistic.py (cross-entropies, KL divergence, Poisson, hinge), loss_functions.py (loss
functions of glassnet.losses used as metrics).

``compile(metrics=[...])`` takes metric objects, classes, functions and the names Keras's
``keras.metrics.get`` knows: class names ("AUC", "Precision"), their snake-case forms ("auc",
"precision", "mean_squared_error", "kl_divergence"), the aliases "mse", "mae", "mape", "msle",
"bce" (upper case too); a name is the metric's key in the logs. "accuracy" (or "acc") becomes
binary, sparse categorical or categorical accuracy from the output shape and the targets, as
Keras decides. Loss function names Keras does not list ("kld", "huber", ...) are taken too, as
the mean of glassnet.losses's function.
"""

from __future__ import annotations

from ..utils.naming import to_snake_case
from ..utils.suggest import unknown_name_error
from .accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                       SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy, binary_accuracy,
                       categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                       top_k_categorical_accuracy)
from .auc import AUC
from .base import Mean, MeanMetricWrapper, Metric, MetricVariable, Result, Sum, log_value
from .confusion_metrics import (FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
                                RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
                                TrueNegatives, TruePositives)
from .f_score import F1Score, FBetaScore
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .loss_functions import find as _find_loss_function
from .probabilistic import (BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, Hinge, KLDivergence,
                            Poisson, SparseCategoricalCrossentropy, SquaredHinge)
from .regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, R2Score, RootMeanSquaredError,
                         cosine_similarity)

_CLASSES = {cls.__name__: cls for cls in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, AUC, TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision,
    Recall, SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision, F1Score,
    FBetaScore, IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError, CosineSimilarity, LogCoshError,
    R2Score, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Hinge, SquaredHinge, CategoricalHinge)}

# The names keras.metrics.get knows (case as written): class names, their snake-case forms, aliases.
_BY_NAME = {**_CLASSES, **{to_snake_case(name): cls for name, cls in _CLASSES.items()}}
for _alias, _cls in (("bce", BinaryCrossentropy), ("mse", MeanSquaredError), ("mae", MeanAbsoluteError),
                     ("mape", MeanAbsolutePercentageError), ("msle", MeanSquaredLogarithmicError)):
    _BY_NAME[_alias] = _BY_NAME[_alias.upper()] = _cls


def __getattr__(name: str):
    """glassnet.metrics.kl_divergence, .mse, .hinge ...: the loss functions of glassnet.losses,
    which Keras also exports as metric functions."""
    function = _find_loss_function(name) if not name.startswith("_") else None
    if function is None:
        raise AttributeError(f"module 'glassnet.metrics' has no attribute {name!r}")
    return function


def builtin_classes() -> dict:
    return dict(_CLASSES)


def serialize(metric) -> str | dict:
    """A metric as compile() was given it: a name stays a name; a metric object is described
    by its class (glassnet's or a registered one) and config."""
    from ..saving.registry import described, registered_name_or_none
    if isinstance(metric, str):
        return metric
    if not isinstance(metric, Metric) and registered_name_or_none(metric):
        return registered_name_or_none(metric)  # a registered function: found again by its name
    if isinstance(metric, type) and issubclass(metric, Metric) and metric.__name__ in _CLASSES:
        return metric.__name__  # a class given to compile: found again by its name
    if not isinstance(metric, Metric) or type(metric) is MeanMetricWrapper:
        raise ValueError(f"Cannot save the metric {metric!r}, a wrapped function: compile with a metric name such as "
                         "'accuracy', a glassnet metric class, or a registered function or Metric subclass.")
    return described(metric, metric.get_config())


def deserialize(config, custom_objects: dict | None = None):
    if isinstance(config, str):
        return config
    from ..saving.registry import rebuild
    return rebuild("metric", config, _CLASSES, Metric, custom_objects)


def _resolve_accuracy(output_shape, targets_ndim: int):
    """As Keras 3 decides, from shapes only: one output unit -> binary; targets of lower rank
    than the output (integer labels) -> sparse categorical; otherwise categorical."""
    if output_shape[-1] == 1:
        return BinaryAccuracy
    if targets_ndim < len(output_shape):
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def get(identifier, output_shape=(None, 1), targets_ndim: int = 2) -> Metric:
    """A metric object from a name, a Metric (returned as it is), a Metric class, a config dict
    or a per-sample function ``fn(y_true, y_pred)``.

    A name becomes the metric's name (its key in the logs), as in Keras's compile.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return _resolve_accuracy(output_shape, targets_ndim)(name=identifier)
        if identifier in _BY_NAME:
            return _BY_NAME[identifier](name=identifier)
        from ..saving.registry import get_registered_object
        registered = get_registered_object(identifier)
        if registered is not None and (callable(registered) or isinstance(registered, Metric)):
            metric = get(registered)
            metric.name = identifier
            return metric
        function = _find_loss_function(identifier.lower())
        if function is None:
            raise unknown_name_error("metric", identifier, list(_BY_NAME) + ["accuracy", "acc"])
        return MeanMetricWrapper(function, name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(f"metric must be a name, a Metric or a function, received {identifier!r}")


__all__ = sorted(["Metric", "MetricVariable", "Result", "MeanMetricWrapper", "log_value", "get", "serialize",
                  "deserialize", "builtin_classes", "accuracy", "binary_accuracy", "categorical_accuracy",
                  "sparse_categorical_accuracy", "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
                  "cosine_similarity", *_CLASSES])
