"""Metrics: per-sample functions (as in Keras) and streaming ``Metric`` objects.

A ``Metric`` keeps a running weighted mean over the batches of an epoch:
``update_state(y_true, y_pred)`` adds a batch, ``result()`` reads the mean, ``reset_state()``
starts again. ``metrics=["accuracy"]`` is resolved as Keras resolves it: binary accuracy for a
one-unit output, sparse categorical accuracy for integer labels, categorical accuracy otherwise
(one-hot labels, or several sigmoid outputs).
"""

from __future__ import annotations

import numpy as np

from . import losses as losses_module
from .utils.suggest import unknown_name_error


def _labels(y_true):
    return np.asarray(y_true).reshape(-1)


def categorical_accuracy(y_true, y_pred):
    """1 where argmax(y_true) == argmax(y_pred), per sample."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label equals argmax(y_pred), per sample."""
    return (_labels(y_true) == np.argmax(y_pred, axis=-1).reshape(-1)).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """Mean over the last axis of (y_pred > threshold) == y_true."""
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true).reshape(y_pred.shape)
    return ((y_pred > threshold) == (y_true > 0.5)).mean(axis=-1, dtype=np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1 where the true class (argmax of one-hot y_true) is among the k largest predictions."""
    return sparse_top_k_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    y_pred = np.asarray(y_pred)
    labels = _labels(y_true).astype(np.int64)
    true_scores = y_pred[np.arange(labels.size), labels]
    # In the top k when fewer than k classes score strictly higher.
    return ((y_pred > true_scores[:, None]).sum(axis=-1) < k).astype(np.float32)


mean_squared_error = mse = losses_module.mean_squared_error
mean_absolute_error = mae = losses_module.mean_absolute_error


class Metric:
    """A running, weighted mean of per-sample values."""

    def __init__(self, name: str):
        self.name = name
        self.reset_state()

    def values(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = self.values(y_true, y_pred)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += values.size
        else:
            weight = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
            self.total += float((values.reshape(len(weight), -1).mean(axis=1) * weight).sum())
            self.count += float(weight.sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


class MeanMetricWrapper(Metric):
    """Wraps a per-sample function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, name: str | None = None, **kwargs):
        self.fn, self.kwargs = fn, kwargs
        super().__init__(name or fn.__name__)

    def values(self, y_true, y_pred):
        return np.asarray(self.fn(y_true, y_pred, **self.kwargs))

    def get_config(self) -> dict:
        return {"name": self.name, **self.kwargs}


class Mean(Metric):
    """The mean of the values given to ``update_state(values)``."""

    def __init__(self, name: str = "mean"):
        super().__init__(name)

    def update_state(self, values, sample_weight=None):
        super().update_state(None, np.asarray(values, dtype=np.float64), sample_weight)

    def values(self, y_true, y_pred):
        return y_pred


def _wrapper_class(fn, default_name, **defaults):
    class Wrapped(MeanMetricWrapper):
        def __init__(self, name: str = default_name, **kwargs):
            super().__init__(fn, name=name, **{**defaults, **kwargs})
    Wrapped.__name__ = "".join(part.title() for part in default_name.split("_"))
    return Wrapped


CategoricalAccuracy = _wrapper_class(categorical_accuracy, "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper_class(sparse_categorical_accuracy, "sparse_categorical_accuracy")
BinaryAccuracy = _wrapper_class(binary_accuracy, "binary_accuracy", threshold=0.5)
TopKCategoricalAccuracy = _wrapper_class(top_k_categorical_accuracy, "top_k_categorical_accuracy", k=5)
SparseTopKCategoricalAccuracy = _wrapper_class(sparse_top_k_categorical_accuracy,
                                               "sparse_top_k_categorical_accuracy", k=5)
MeanSquaredError = _wrapper_class(mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper_class(mean_absolute_error, "mean_absolute_error")

_FUNCTIONS = {
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "binary_accuracy": binary_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "categorical_crossentropy": losses_module.categorical_crossentropy,
    "sparse_categorical_crossentropy": losses_module.sparse_categorical_crossentropy,
    "binary_crossentropy": losses_module.binary_crossentropy,
}


_CLASSES = {cls.__name__: cls for cls in (
    CategoricalAccuracy, SparseCategoricalAccuracy, BinaryAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError, Mean)}


def builtin_classes() -> dict:
    return dict(_CLASSES)


def serialize(metric) -> str | dict:
    """A metric as compile() was given it: a name stays a name; a metric object is described
    by its class (glassnet's or a registered one) and config."""
    from .saving.registry import described, registered_name_or_none
    if isinstance(metric, str):
        return metric
    if not isinstance(metric, Metric) and registered_name_or_none(metric):
        return registered_name_or_none(metric)  # a registered function: found again by its name
    if not isinstance(metric, Metric) or type(metric) is MeanMetricWrapper:
        raise ValueError(f"Cannot save the metric {metric!r}, a wrapped function: compile with a metric name such as "
                         "'accuracy', a glassnet metric class, or a registered function or Metric subclass.")
    return described(metric, metric.get_config())


def deserialize(config, custom_objects: dict | None = None):
    if isinstance(config, str):
        return config
    from .saving.registry import rebuild
    return rebuild("metric", config, _CLASSES, Metric, custom_objects)


def _resolve_accuracy(output_shape, targets_ndim: int):
    """As Keras 3 decides, from shapes only: one output unit -> binary; targets of lower rank
    than the output (integer labels) -> sparse categorical; otherwise categorical."""
    if output_shape[-1] == 1:
        return binary_accuracy
    if targets_ndim < len(output_shape):
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier, output_shape=(None, 1), targets_ndim: int = 2) -> Metric:
    """A streaming metric from a name, a Metric, or a per-sample function.

    "accuracy" (or "acc") becomes binary, sparse categorical or categorical accuracy from the
    output shape and the rank of the prepared targets, and keeps the name it was given.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in ("accuracy", "acc"):
            return MeanMetricWrapper(_resolve_accuracy(output_shape, targets_ndim), name=identifier)
        from .saving.registry import get_registered_object
        registered = get_registered_object(identifier)
        if callable(registered):
            return get(registered)
        if key not in _FUNCTIONS:
            raise unknown_name_error("metric", identifier, list(_FUNCTIONS) + ["accuracy", "acc"])
        return MeanMetricWrapper(_FUNCTIONS[key], name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(f"metric must be a name, a Metric or a function, received {identifier!r}")
