"""Loss functions, as strings ("categorical_crossentropy"), functions and classes.

The functions (``categorical_crossentropy(y_true, y_pred)``) return one value per sample, as
Keras's do. The classes reduce them the Keras way ("sum_over_batch_size": the sum of the
weighted per-sample values divided by the number of samples) and also give the gradient of
that reduced value, which is where back-propagation starts:

    loss, grad = CategoricalCrossentropy().value_and_gradient(y_true, y_pred)

Cross-entropies are computed stably: from logits with log-sum-exp, from probabilities clipped
to [1e-7, 1 - 1e-7] as Keras does. When a softmax (sigmoid) output meets a categorical (binary)
cross-entropy, the model calls ``value_and_gradient(..., logits=True)`` on the logits, which gives the
combined gradient dL/dz = (softmax(z) - y) / n and never divides by a probability.
"""

from __future__ import annotations

import numpy as np

from . import activations
from .utils.auto_config import config_from_arguments, is_users_class, needs_recorded_config, record_arguments
from .utils.suggest import unknown_name_error

EPSILON = 1e-7


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


class Loss:
    """Base class. A subclass gives either ``call(y_true, y_pred)`` (Keras's way: per-sample
    values written with glassnet.ops, differentiated on the tape) or ``per_sample`` and
    ``gradient_per_sample`` (dl_i/dy_pred by hand, as glassnet's own losses do)."""

    name = "loss"
    fuses_with: tuple = ()

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        if is_users_class(cls):  # a user's loss saves as the arguments it was made with (Keras's auto config)
            record_arguments(instance, args, kwargs)
        return instance

    def __init__(self, from_logits: bool = False, reduction: str = "sum_over_batch_size", name: str | None = None):
        if reduction not in ("sum_over_batch_size", "sum", "none"):
            raise ValueError(f"{type(self).__name__}: reduction must be 'sum_over_batch_size', 'sum' or "
                             f"'none', received {reduction!r}")
        self.from_logits = bool(from_logits)
        self.reduction = reduction
        if name:
            self.name = name

    # per-sample values l_i and their gradients dl_i/dy_pred
    def call(self, y_true, y_pred):
        """l_i, written with glassnet.ops (Keras's ``Loss.call``)."""
        raise NotImplementedError(f"{type(self).__name__} defines neither call(y_true, y_pred) nor "
                                  "per_sample(y_true, y_pred, logits) and gradient_per_sample(...).")

    def per_sample(self, y_true, y_pred, logits: bool = False) -> np.ndarray:
        """l_i; ``logits`` says y_pred holds pre-activation values (``from_logits``)."""
        from .ops.function import value_of
        return np.asarray(value_of(self.call(y_true, y_pred)), dtype=y_pred.dtype)

    def gradient_per_sample(self, y_true, y_pred, logits: bool = False) -> np.ndarray:
        """dl_i/dy_pred of ``call``, by running it on a tape and back."""
        return self._taped(y_true, y_pred)[1]

    def _taped(self, y_true, y_pred):
        """(l_i, dl_i/dy_pred) of ``call`` from one run on a tape."""
        from .ops.tape import Tape, Tensor
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

    def _reduce(self, values, sample_weight):
        if sample_weight is not None:  # one weight per sample, or per step of a sequence
            values = values * sample_weight.reshape(sample_weight.shape + (1,) * (values.ndim - sample_weight.ndim))
        if self.reduction == "none":
            return values
        total = float(values.sum())
        return total if self.reduction == "sum" else total / max(values.size, 1)

    def _reduction_scale(self, values_shape, sample_weight, dtype):
        """What each value's gradient is multiplied by: 1 (sum) or 1 / its count, times its
        weight; shaped (batch,), or like the weights when they are per step."""
        n = int(np.prod(values_shape))
        scale = np.full(values_shape[:1], 1.0 if self.reduction == "sum" else 1.0 / max(n, 1), dtype=dtype)
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
        config = {"name": self.name, "reduction": self.reduction, "from_logits": self.from_logits}
        if needs_recorded_config(type(self), Loss.get_config):
            return config_from_arguments(self, config)
        return config


class CategoricalCrossentropy(Loss):
    """l = -sum_k y_k log p_k over one-hot (or soft) targets y.

    From logits z: l = logsumexp(z) - sum_k y_k z_k and dl/dz = softmax(z) - y.
    """

    name = "categorical_crossentropy"
    fuses_with = (activations.Softmax,)

    def __init__(self, from_logits=False, label_smoothing: float = 0.0, **kwargs):
        super().__init__(from_logits=from_logits, **kwargs)
        if not 0 <= label_smoothing <= 1:
            raise ValueError(f"{type(self).__name__}: label_smoothing must be in [0, 1], received {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def _targets(self, y_true, y_pred):
        y = np.asarray(y_true, dtype=y_pred.dtype)
        if self.label_smoothing:
            y = y * (1 - self.label_smoothing) + self.label_smoothing / y_pred.shape[-1]
        return y

    def per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        if logits:
            return -(y * _log_softmax(y_pred)).sum(axis=-1)
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return -(y * np.log(np.clip(p, EPSILON, 1 - EPSILON))).sum(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        if logits:
            return activations.softmax.forward(y_pred) * y.sum(axis=-1, keepdims=True) - y
        total = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / total
        clipped = np.clip(p, EPSILON, 1 - EPSILON)
        dl_dp = np.where((p > EPSILON) & (p < 1 - EPSILON), -y / clipped, 0)
        # p = y_pred / total, so dl/dy_pred_j = (dl/dp_j - sum_k dl/dp_k p_k) / total
        return ((dl_dp - (dl_dp * p).sum(axis=-1, keepdims=True)) / total).astype(y_pred.dtype, copy=False)

    def prepare_targets(self, y, output_shape, argument="y"):
        y = np.asarray(y)
        classes = output_shape[-1]
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1 and classes != 1):
            raise ValueError(
                f"{argument} holds integer class labels of shape {y.shape}, but categorical_crossentropy "
                f"needs one-hot targets of shape (n, {classes}). Use loss='sparse_categorical_crossentropy' "
                "or one-hot encode with glassnet.utils.to_categorical(y).")
        if y.shape[-1] != classes:
            raise ValueError(f"{argument} is one-hot with {y.shape[-1]} columns, but the model's output "
                             f"layer has {classes} units; they must match.")
        return super().prepare_targets(y, output_shape, argument)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer class labels: l = -log p_{y}."""

    name = "sparse_categorical_crossentropy"
    fuses_with = (activations.Softmax,)

    # A sequence of predictions (batch, steps, classes) has labels (batch, steps): every step is
    # one more row of (classes,) below, and the values come back shaped (batch, steps).
    def per_sample(self, y_true, y_pred, logits=False):
        index = np.asarray(y_true).reshape(-1).astype(np.int64, copy=False)
        rows, scores = np.arange(index.size), y_pred.reshape(-1, y_pred.shape[-1])
        if logits:
            return -_log_softmax(scores)[rows, index].reshape(y_pred.shape[:-1])
        p = scores / scores.sum(axis=-1, keepdims=True)
        return -np.log(np.clip(p[rows, index], EPSILON, 1 - EPSILON)).reshape(y_pred.shape[:-1])

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        scores = y_pred.reshape(-1, y_pred.shape[-1])
        one_hot = _one_hot_from_sparse(np.asarray(y_true).reshape(-1), scores.shape[-1], y_pred.dtype)
        return CategoricalCrossentropy().gradient_per_sample(one_hot, scores, logits).reshape(y_pred.shape)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, logits=None):
        logits = self.from_logits if logits is None else logits
        if not logits:
            return super().value_and_gradient(y_true, y_pred, sample_weight, logits)
        # The hot path of classifiers: dl/dz = softmax(z) - onehot(y), done in place.
        index = np.asarray(y_true).reshape(-1)
        rows = np.arange(index.size)
        log_p = _log_softmax(y_pred.reshape(-1, y_pred.shape[-1]))
        values = -log_p[rows, index].reshape(y_pred.shape[:-1])
        grad = np.exp(log_p, out=log_p)
        grad[rows, index] -= 1
        grad = grad.reshape(y_pred.shape)
        scale = self._reduction_scale(values.shape, sample_weight, y_pred.dtype)
        return self._reduce(values, sample_weight), self._scaled(grad, scale)

    def prepare_targets(self, y, output_shape, argument="y"):
        y = np.asarray(y)
        classes, steps = output_shape[-1], tuple(output_shape[1:-1])  # steps: () for one label per sample
        if y.ndim == 2 and y.shape[1] == classes and classes > 1 and not steps:
            raise ValueError(
                f"{argument} looks one-hot (shape {y.shape}), but sparse_categorical_crossentropy needs "
                "integer class labels of shape (n,). Use loss='categorical_crossentropy', or pass "
                "y.argmax(axis=1).")
        def fits(shape):
            return len(shape) == len(steps) and all(d is None or d == s for d, s in zip(steps, shape))

        if not (fits(y.shape[1:]) or y.shape[-1:] == (1,) and fits(y.shape[1:-1])):
            expected = f"(n{''.join(f', {d}' for d in steps)})"
            raise ValueError(f"{argument} must hold one integer class label per "
                             f"{'sample' if not steps else 'step'}, shape {expected} or {expected[:-1]}, 1), "
                             f"received shape {y.shape}.")
        labels = y.reshape(y.shape[:1 + len(steps)]) if steps else y.reshape(-1)
        if labels.dtype.kind == "f":
            if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
                raise ValueError(f"{argument} must hold integer class labels for "
                                 "sparse_categorical_crossentropy, received non-integer values.")
        elif labels.dtype.kind not in "iub":
            raise TypeError(f"{argument} must hold integer class labels, received dtype {labels.dtype}.")
        labels = labels.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            bad = labels[(labels < 0) | (labels >= classes)][0]
            raise ValueError(f"{argument} holds the label {bad}, outside [0, {classes}): the model's output "
                             f"layer has {classes} units, one per class.")
        return labels


class BinaryCrossentropy(Loss):
    """l = -mean_j (y_j log p_j + (1 - y_j) log(1 - p_j)).

    From logits z: l = mean_j (max(z, 0) - z y + log(1 + e^-|z|)), dl/dz = (sigmoid(z) - y) / d.
    """

    name = "binary_crossentropy"
    fuses_with = (activations.Sigmoid,)

    def __init__(self, from_logits=False, label_smoothing: float = 0.0, **kwargs):
        super().__init__(from_logits=from_logits, **kwargs)
        self.label_smoothing = float(label_smoothing)

    def _targets(self, y_true, y_pred):
        y = _match_rank(y_true, y_pred).astype(y_pred.dtype, copy=False)
        if self.label_smoothing:
            y = y * (1 - self.label_smoothing) + 0.5 * self.label_smoothing
        return y

    def per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        if logits:
            z = y_pred
            values = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        else:
            p = np.clip(y_pred, EPSILON, 1 - EPSILON)
            values = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        return values.mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        y = self._targets(y_true, y_pred)
        width = y_pred.shape[-1]
        if logits:
            return (activations.sigmoid.forward(y_pred) - y) / width
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)
        return np.where(inside, (p - y) / (p * (1 - p)), 0).astype(y_pred.dtype, copy=False) / width

    def prepare_targets(self, y, output_shape, argument="y"):
        y = super().prepare_targets(y, output_shape, argument)
        if y.size and (y.min() < 0 or y.max() > 1):
            raise ValueError(f"{argument} must hold values in [0, 1] for binary_crossentropy, received "
                             f"values from {y.min():g} to {y.max():g}.")
        return y

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


class MeanSquaredError(Loss):
    """l = mean_j (y_j - p_j)^2; dl/dp = 2 (p - y) / d."""

    name = "mean_squared_error"

    def per_sample(self, y_true, y_pred, logits=False):
        return np.square(y_pred - _match_rank(y_true, y_pred)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        return 2 * (y_pred - _match_rank(y_true, y_pred).astype(y_pred.dtype)) / y_pred.shape[-1]


class MeanAbsoluteError(Loss):
    """l = mean_j |y_j - p_j|; dl/dp = sign(p - y) / d."""

    name = "mean_absolute_error"

    def per_sample(self, y_true, y_pred, logits=False):
        return np.abs(y_pred - _match_rank(y_true, y_pred)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        return np.sign(y_pred - _match_rank(y_true, y_pred).astype(y_pred.dtype)) / y_pred.shape[-1]


class Huber(Loss):
    """With e = p - y: l = mean_j (e^2 / 2 if |e| <= delta else delta (|e| - delta / 2))."""

    name = "huber_loss"

    def __init__(self, delta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if delta <= 0:
            raise ValueError(f"Huber: delta must be > 0, received {delta!r}")
        self.delta = float(delta)

    def per_sample(self, y_true, y_pred, logits=False):
        error = np.abs(y_pred - _match_rank(y_true, y_pred))
        quadratic = np.minimum(error, self.delta)
        return (0.5 * quadratic ** 2 + self.delta * (error - quadratic)).mean(axis=-1)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        error = y_pred - _match_rank(y_true, y_pred).astype(y_pred.dtype)
        return np.clip(error, -self.delta, self.delta) / y_pred.shape[-1]

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class LossFunctionWrapper(Loss):
    """A loss given as a function ``fn(y_true, y_pred) -> l_i`` written with glassnet.ops, as
    Keras takes ``compile(loss=my_loss)``; its gradient comes from the tape."""

    def __init__(self, fn, reduction: str = "sum_over_batch_size", name: str | None = None, **kwargs):
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", "loss"))
        self.fn, self.kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self.kwargs)


def _function(cls, **fixed):
    def loss_function(y_true, y_pred, **kwargs):
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float32)
        loss = cls(**fixed, **kwargs)
        return loss.per_sample(y_true, y_pred, loss.from_logits)
    loss_function.__name__ = cls.name
    loss_function.__doc__ = f"Per-sample {cls.name} (see :class:`{cls.__name__}`)."
    loss_function.loss_class = cls
    return loss_function


categorical_crossentropy = _function(CategoricalCrossentropy)
sparse_categorical_crossentropy = _function(SparseCategoricalCrossentropy)
binary_crossentropy = _function(BinaryCrossentropy)
mean_squared_error = mse = _function(MeanSquaredError)
mean_absolute_error = mae = _function(MeanAbsoluteError)
huber = _function(Huber)

_BY_NAME = {
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "huber": Huber, "huber_loss": Huber,
}
_CLASSES = {cls.__name__: cls for cls in set(_BY_NAME.values())}


def get(identifier) -> Loss:
    """A loss object from a name, a class, an instance or one of this module's functions."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _BY_NAME:
            return _BY_NAME[key]()
        from .saving.registry import UnknownClassError, get_registered_object
        registered = get_registered_object(identifier)
        if registered is None:
            error = unknown_name_error("loss", identifier, _BY_NAME)
            raise UnknownClassError(f"{error} A loss function of your own is found by name when decorated with "
                             "@glassnet.saving.register_keras_serializable(), or given as "
                             f"custom_objects={{{identifier!r}: {identifier}}} when loading.") from None
        return get(registered)
    if callable(identifier) and hasattr(identifier, "loss_class"):
        return identifier.loss_class()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(f"loss must be a name, a Loss or a glassnet loss function, received {identifier!r}")


def builtin_classes() -> dict:
    return dict(_CLASSES)


def serialize(loss: Loss) -> dict | str:
    from .saving.registry import described, registered_name_or_none
    if isinstance(loss, LossFunctionWrapper):  # a function is written by name, found again through the registry
        return registered_name_or_none(loss.fn) or getattr(loss.fn, "__name__", loss.name)
    return described(loss, loss.get_config())


def deserialize(config, custom_objects: dict | None = None) -> Loss:
    if isinstance(config, str):
        return get(config)
    from .saving.registry import rebuild
    return rebuild("loss", config, _CLASSES, Loss, custom_objects)
