"""The Loss contract, the reductions, and a loss given as a function.

A loss gives per-sample values l_i (``per_sample``) and their gradients dl_i/dy_pred
(``gradient_per_sample``); the base class reduces them the Keras way and scales the gradient
to match, so ``value_and_gradient`` returns the reduced value and the gradient where
back-propagation starts.
"""

from __future__ import annotations

import math

import numpy as np

from ..utils.validation import check_bool, check_name
from ..utils.auto_config import config_from_arguments, is_users_class, needs_recorded_config, record_arguments

EPSILON = 1e-7

# Keras's reductions; None and "none" keep the per-sample values, "mean" is "sum_over_batch_size".
REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _one_hot_from_sparse(y_true, classes, dtype):
    indices = np.asarray(y_true).reshape(-1).astype(np.int64, copy=False)
    one_hot = np.zeros((indices.size, classes), dtype=dtype)
    one_hot[np.arange(indices.size), indices] = 1
    return one_hot


def _match_rank(y_true, y_pred):
    """Give y_true y_pred's shape where only a trailing axis of 1 differs ((n,) vs (n, 1))."""
    y_true = np.asarray(y_true)
    if y_true.shape != y_pred.shape and y_true.size == y_pred.size:
        y_true = y_true.reshape(y_pred.shape)
    return y_true


def _targets_like(y_true, y_pred):
    """y_true shaped like y_pred (see ``_match_rank``) and in y_pred's dtype."""
    return _match_rank(y_true, y_pred).astype(y_pred.dtype, copy=False)


class Loss:
    """Base class. A subclass gives either ``call(y_true, y_pred)`` (Keras's way: per-sample
    values written with glassnet.ops, differentiated on the tape) or ``per_sample`` and
    ``gradient_per_sample`` (dl_i/dy_pred by hand, as glassnet's own losses do).

    ``reduction``: "sum_over_batch_size" (or "mean"): sum(w_i l_i) / (number of values);
    "sum": sum(w_i l_i); "mean_with_sample_weight": sum(w_i l_i) / sum(w_i); None or "none":
    the weighted values themselves.
    """

    name = "loss"
    fuses_with: tuple = ()
    config_keys: tuple = ("from_logits",)  # attributes get_config adds to name and reduction

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        if is_users_class(cls):  # a user's loss saves as the arguments it was made with (Keras's auto config)
            record_arguments(instance, args, kwargs)
        return instance

    def __init__(self, from_logits: bool = False, reduction: str | None = "sum_over_batch_size",
                 name: str | None = None):
        if reduction not in REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of "
                             f"{', '.join(repr(r) for r in REDUCTIONS)}, received {reduction!r}")
        self.from_logits = check_bool(from_logits, "from_logits", type(self).__name__)
        self.reduction = reduction
        if check_name(name, type(self).__name__):
            self.name = name

    # per-sample values l_i and their gradients dl_i/dy_pred
    def call(self, y_true, y_pred):
        """l_i, written with glassnet.ops (Keras's ``Loss.call``)."""
        raise NotImplementedError(f"{type(self).__name__} defines neither call(y_true, y_pred) nor "
                                  "per_sample(y_true, y_pred, logits) and gradient_per_sample(...).")

    def per_sample(self, y_true, y_pred, logits: bool = False) -> np.ndarray:
        """l_i; ``logits`` says y_pred holds pre-activation values (``from_logits``)."""
        from ..ops.function import value_of
        return np.asarray(value_of(self.call(y_true, y_pred)), dtype=y_pred.dtype)

    def gradient_per_sample(self, y_true, y_pred, logits: bool = False) -> np.ndarray:
        """dl_i/dy_pred of ``call``, by running it on a tape and back."""
        return self._taped(y_true, y_pred)[1]

    def _taped(self, y_true, y_pred):
        """(l_i, dl_i/dy_pred) of ``call`` from one run on a tape."""
        from ..ops.tape import Tape, Tensor
        with Tape() as tape:
            watched = tape.watch(y_pred)
            values = self.call(y_true, watched)
        if not (isinstance(values, Tensor) and values.tape is tape):
            raise TypeError(f'The loss "{self.name}" did not compute its value from y_pred with glassnet.ops, so it '
                            "cannot be differentiated: write it with ops (ops.mean, ops.square, ops.log, ...) "
                            "or arithmetic on y_pred, not with NumPy functions.")
        grads = tape.backward([values], [np.ones_like(values.value)])
        return (np.asarray(values.value, dtype=y_pred.dtype),
                np.asarray(grads.get(id(watched), np.zeros_like(y_pred)), dtype=y_pred.dtype))

    def prepare_targets(self, y: np.ndarray, output_shape: tuple, argument: str = "y") -> np.ndarray:
        """Check the targets of a whole data set once and return them as the loss reads them."""
        y = np.asarray(y, dtype=np.float32)
        expected = tuple(output_shape[1:])
        if y.ndim == 1 and expected == (1,):
            return y.reshape(-1, 1)
        if len(y.shape) != len(expected) + 1 or any(e is not None and e != s for e, s in zip(expected, y.shape[1:])):
            raise ValueError(f"{argument} has shape {y.shape}, but the model's output has shape "
                             f"{(None,) + expected}; {self.name} needs targets shaped like the output.")
        return y  # an axis the model leaves free (None, e.g. the steps of a sequence) takes any length

    # -- reduction -----------------------------------------------------------------------------
    @staticmethod
    def _broadcast_weight(sample_weight, ndim):
        """One weight per sample (or per step of a sequence), given trailing axes to broadcast."""
        return sample_weight.reshape(sample_weight.shape + (1,) * (ndim - sample_weight.ndim))

    def _divisor(self, values_shape, sample_weight) -> float:
        """What the weighted sum is divided by (1 for "sum")."""
        if self.reduction == "sum":
            return 1.0
        if self.reduction == "mean_with_sample_weight" and sample_weight is not None:
            weight = np.broadcast_to(self._broadcast_weight(sample_weight, len(values_shape)), values_shape)
            return float(weight.sum())
        return float(max(math.prod(values_shape), 1))

    def _reduce(self, values, sample_weight):
        if sample_weight is not None:
            values = values * self._broadcast_weight(sample_weight, values.ndim)
        if self.reduction in (None, "none"):
            return values
        divisor = self._divisor(values.shape, sample_weight)
        return float(values.sum()) / divisor if divisor else 0.0  # Keras divides "no NaN": 0 / 0 is 0

    def _reduction_scale(self, values_shape, sample_weight, dtype):
        """What each value's gradient is multiplied by: 1 / the divisor (that of the mean for
        None / "none"), times its weight; shaped (batch,), or like the weights when per step."""
        divisor = self._divisor(values_shape, sample_weight)
        scale = np.full(values_shape[:1], 1.0 / divisor if divisor else 0.0, dtype=dtype)
        if sample_weight is not None:
            weight = sample_weight.astype(dtype, copy=False)
            scale = scale.reshape(scale.shape + (1,) * (weight.ndim - 1)) * weight
        return scale

    @staticmethod
    def _scaled(grad, scale):
        """grad times ``scale`` broadcast over its trailing axes."""
        grad *= scale.reshape(scale.shape + (1,) * (grad.ndim - scale.ndim))
        return grad

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=np.float64 if np.asarray(y_pred).dtype == np.float64 else np.float32)
        sample_weight = None if sample_weight is None else np.asarray(sample_weight, dtype=y_pred.dtype)
        return self._reduce(self.per_sample(y_true, y_pred, self.from_logits), sample_weight)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, logits: bool | None = None):
        """The reduced loss and its gradient with respect to y_pred.

        ``logits=True`` says y_pred holds the pre-activation values z of an output f(z), f in
        ``fuses_with``; the gradient is then dL/dz. It defaults to ``from_logits``.
        """
        logits = self.from_logits if logits is None else logits
        if type(self).per_sample is Loss.per_sample and type(self).gradient_per_sample is Loss.gradient_per_sample:
            values, grad = self._taped(y_true, y_pred)  # a loss written as call(): one run gives both
        else:
            values = self.per_sample(y_true, y_pred, logits)
            grad = self.gradient_per_sample(y_true, y_pred, logits)
        scale = self._reduction_scale(values.shape, sample_weight, y_pred.dtype)
        return self._reduce(values, sample_weight), self._scaled(grad, scale)

    def get_config(self) -> dict:
        config = {"name": self.name, "reduction": self.reduction,
                  **{key: getattr(self, key) for key in self.config_keys}}
        if needs_recorded_config(type(self), Loss.get_config):
            return config_from_arguments(self, config)
        return config


class LossFunctionWrapper(Loss):
    """A loss given as a function ``fn(y_true, y_pred) -> l_i`` written with glassnet.ops, as
    Keras takes ``compile(loss=my_loss)``; its gradient comes from the tape."""

    def __init__(self, fn, reduction: str | None = "sum_over_batch_size", name: str | None = None, **kwargs):
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", "loss"))
        self.fn, self.kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self.kwargs)
