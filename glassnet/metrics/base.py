"""The metric contract (Keras 3's): state held in variables, ``update_state(y_true, y_pred,
sample_weight=None)`` adds a batch to it, ``result()`` reads the metric from the state of every
batch since the last ``reset_state()``. ``Mean``, ``Sum`` and ``MeanMetricWrapper`` (the mean
of a per-sample function) are the reductions most metrics are made of.

State is accumulated in float64 (int64 for integer metrics) and results are reported in the
metric's dtype (float32 unless given), as a ``Result``: a NumPy array that also has Keras's
``.numpy()``, so ``float(m.result())``, ``m.result().numpy()`` and ``print(m.result())`` all work.
"""

from __future__ import annotations

import numpy as np

from .. import initializers as initializers_module
from ..engine.variables import ArrayVariable
from ..utils.auto_config import config_from_arguments, is_users_class, needs_recorded_config, record_arguments
from ..utils.naming import to_snake_case, unique_name


class Result(np.ndarray):
    """A metric's value: a NumPy array (0-d for a scalar metric) with Keras's ``.numpy()``."""

    def numpy(self) -> np.ndarray:
        return np.asarray(self)

    def __repr__(self) -> str:
        return repr(np.asarray(self))


def as_result(value, dtype="float32") -> Result:
    return np.asarray(value, dtype=dtype).view(Result)


def log_value(result):
    """What fit's logs hold for a metric's result: a float, or an array for a vector metric
    (F1Score(average=None), Precision with several thresholds)."""
    array = np.asarray(result)
    return float(array) if array.ndim == 0 else array.copy()


class MetricVariable(ArrayVariable, np.lib.mixins.NDArrayOperatorsMixin):
    """One array of a metric's state, with Keras's ``assign``, ``assign_add``, ``assign_sub``
    and ``numpy()``; arithmetic on it gives plain arrays (for a subclass's ``result``)."""

    def __init__(self, name: str, value: np.ndarray):
        self.name, self.value = name, value

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(x.value if isinstance(x, MetricVariable) else x for x in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __getitem__(self, index):
        return self.value[index]

    def __len__(self):
        return len(self.value)

    def __float__(self):
        return float(self.value)

    def __repr__(self) -> str:
        return f"<MetricVariable {self.name} shape={self.value.shape} dtype={self.value.dtype}>"


def _storage_dtype(dtype) -> np.dtype:
    return np.dtype(np.int64) if np.dtype(dtype).kind in "iu" else np.dtype(np.float64)


def _check_dtype(dtype, owner: str) -> str:
    """The name of a float or integer NumPy dtype ("float32", np.float64, "int32")."""
    try:
        name = None if isinstance(dtype, (bool, int, float)) else np.dtype(dtype)
    except Exception:  # NumPy parses strings as dtype specs: "," raises even a SyntaxError
        name = None
    if isinstance(dtype, str) and name is not None and dtype != name.name:
        name = None  # NumPy also reads one-letter codes ("f", "\x17"); a metric takes the names
    if name is None or name.kind not in "fiu":
        raise TypeError(f"{owner}: dtype must be a float or integer dtype such as 'float32', or None, "
                        f"received {dtype!r}.")
    return name.name


class Metric:
    """Base class of every metric.

    A subclass creates its state in ``__init__`` with ``add_variable(shape, initializer, name=)``
    and defines ``update_state`` and ``result``; ``reset_state`` sets every variable back to its
    initial value. ``name=None`` gives the snake-case class name, made unique (``auc``,
    ``auc_1``, ...), as Keras names its metrics.
    """

    _direction = None  # "up" / "down": which way is better (ModelCheckpoint's mode="auto")

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        if is_users_class(cls):  # a user's metric saves as the arguments it was made with
            record_arguments(instance, args, kwargs)
        return instance

    def __init__(self, name: str | None = None, dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string or None, received {name!r}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype = None if dtype is None else _check_dtype(dtype, type(self).__name__)
        self._variables: list[tuple[MetricVariable, object]] = []

    @property
    def dtype(self) -> str:
        return self._dtype or "float32"

    @property
    def variables(self) -> list:
        return [variable for variable, _ in self._variables]

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None) -> MetricVariable:
        """A state array of ``shape``, set to ``initializer`` now and at every ``reset_state``."""
        shape = tuple(shape)
        storage = _storage_dtype(dtype or self.dtype)
        variable = MetricVariable(name or f"variable_{len(self._variables)}", np.zeros(shape, storage))
        self._variables.append((variable, initializer))
        variable.assign(self._initial_value(shape, initializer, storage))
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None) -> MetricVariable:
        return self.add_variable(shape, initializer or "zeros", dtype, name=name)

    @staticmethod
    def _initial_value(shape, initializer, dtype):
        if initializer is None or (isinstance(initializer, str) and initializer.lower() == "zeros"):
            return np.zeros(shape, dtype)
        if callable(initializer) and not isinstance(initializer, (type, initializers_module.Initializer)):
            return np.asarray(initializer(shape, dtype=dtype), dtype)
        return np.asarray(initializers_module.get(initializer)(shape, dtype="float32"), dtype)

    def update_state(self, *args, **kwargs) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define update_state(y_true, y_pred, sample_weight=None).")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must define result().")

    def reset_state(self) -> None:
        for variable, initializer in self._variables:
            variable.assign(self._initial_value(variable.shape, initializer, variable.dtype))

    def __call__(self, *args, **kwargs):
        """Add the batch to the state and return the result so far (as Keras's Metric)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def _result(self, value) -> Result:
        return as_result(value, "float32" if np.dtype(self.dtype).kind in "iu" else self.dtype)

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype}
        if needs_recorded_config(type(self), Metric.get_config):
            return config_from_arguments(self, config)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


# -- shapes and weights, as Keras lines them up -----------------------------------------------
def same_rank(x1: np.ndarray, x2: np.ndarray, expand_rank_1: bool = True):
    """Make two arrays whose ranks differ by a trailing axis of size 1 the same rank: that axis
    is dropped, or (rank 1 against rank 2, with ``expand_rank_1``) added to the other."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def samplewise(values: np.ndarray, sample_weight, reduce):
    """Per-sample values and weights: values times their weights, reduced (``reduce``: np.mean or
    np.sum) over every axis after the batch; the weights reduced the same way."""
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float64)
        values, sample_weight = same_rank(values, sample_weight)
        if values.ndim > sample_weight.ndim:
            values = reduce(values, axis=tuple(range(sample_weight.ndim, values.ndim)))
        weight_ndim = sample_weight.ndim
        sample_weight = np.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The weighted sum of the values given: total += sum(values * sample_weight)."""

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None) -> None:
        values, _ = samplewise(np.asarray(values, np.float64), sample_weight, np.sum)
        self.total.assign_add(np.sum(values))

    def result(self) -> Result:
        return self._result(self.total.value)


class Mean(Metric):
    """The weighted mean of the values given: sum(values * w) / sum(w), w = 1 without weights
    (values of more than one axis count once per sample, as their mean)."""

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None) -> None:
        values, sample_weight = samplewise(np.asarray(values, np.float64), sample_weight, np.mean)
        self.total.assign_add(np.sum(values))
        if sample_weight is not None:
            self.count.assign_add(np.sum(sample_weight))
        else:
            self.count.assign_add(values.shape[0] if values.ndim else 1)

    def result(self) -> Result:
        count = self.count.value
        return self._result(self.total.value / count if count else 0.0)


class MeanMetricWrapper(Mean):
    """The mean of a per-sample function ``fn(y_true, y_pred, **kwargs)`` over every sample
    seen (weighted by ``sample_weight``)."""

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None) or "mean_metric_wrapper", dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    # the names glassnet used before the Keras 3 ones
    fn = property(lambda self: self._fn)
    kwargs = property(lambda self: self._fn_kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = np.asarray(self._fn(y_true, y_pred, **self._fn_kwargs))
        super().update_state(values, sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)
