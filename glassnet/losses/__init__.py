"""Loss functions, as strings ("categorical_crossentropy"), functions and classes.

The functions (``categorical_crossentropy(y_true, y_pred)``) return one value per sample, as
Keras's do. The classes reduce them the Keras way ("sum_over_batch_size": the sum of the
weighted per-sample values divided by the number of values) and also give the gradient of
that reduced value, which is where back-propagation starts:

    loss, grad = CategoricalCrossentropy().value_and_gradient(y_true, y_pred)

One file per family: base.py (the Loss contract and the reductions), crossentropy.py,
focal.py, regression.py, hinge.py, probabilistic.py (KL divergence, Poisson, cosine similarity).
"""

from __future__ import annotations

import numpy as np

from ..utils.suggest import unknown_name_error
from .base import EPSILON, Loss, LossFunctionWrapper, _log_softmax, _match_rank, _one_hot_from_sparse
from .crossentropy import BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy
from .focal import BinaryFocalCrossentropy, CategoricalFocalCrossentropy
from .hinge import CategoricalHinge, Hinge, SquaredHinge
from .probabilistic import CosineSimilarity, KLDivergence, Poisson
from .regression import (Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
                         MeanSquaredLogarithmicError)


def _function(cls, **fixed):
    """The per-sample function form of the loss class ``cls`` (``f(y_true, y_pred, **options)``)."""
    def loss_function(y_true, y_pred, **kwargs):
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float32)
        loss = cls(**fixed, **kwargs)
        return loss.per_sample(y_true, y_pred, loss.from_logits)
    loss_function.__name__ = loss_function.__qualname__ = cls.name
    loss_function.__module__ = __name__
    loss_function.__doc__ = f"Per-sample {cls.name} (see :class:`{cls.__name__}`)."
    loss_function.loss_class = cls
    return loss_function


categorical_crossentropy = _function(CategoricalCrossentropy)
sparse_categorical_crossentropy = _function(SparseCategoricalCrossentropy)
binary_crossentropy = _function(BinaryCrossentropy)
binary_focal_crossentropy = _function(BinaryFocalCrossentropy)
categorical_focal_crossentropy = _function(CategoricalFocalCrossentropy)
mean_squared_error = mse = _function(MeanSquaredError)
mean_absolute_error = mae = _function(MeanAbsoluteError)
mean_absolute_percentage_error = mape = _function(MeanAbsolutePercentageError)
mean_squared_logarithmic_error = msle = _function(MeanSquaredLogarithmicError)
huber = _function(Huber)
log_cosh = _function(LogCosh)
kl_divergence = kld = _function(KLDivergence)
poisson = _function(Poisson)
cosine_similarity = _function(CosineSimilarity)
hinge = _function(Hinge)
squared_hinge = _function(SquaredHinge)
categorical_hinge = _function(CategoricalHinge)

# Every name a loss function goes by: Keras's function names and its short aliases.
FUNCTIONS = {
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "binary_crossentropy": binary_crossentropy, "bce": binary_crossentropy,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "msle": mean_squared_logarithmic_error,
    "huber": huber, "huber_loss": huber,
    "log_cosh": log_cosh,
    "kl_divergence": kl_divergence, "kld": kl_divergence,
    "poisson": poisson,
    "cosine_similarity": cosine_similarity,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
}
_CLASSES = {fn.loss_class.__name__: fn.loss_class for fn in FUNCTIONS.values()}


def get(identifier) -> Loss:
    """A loss object from a name (a function's, an alias such as "mse", or a class's such as
    "MeanSquaredError"), a class, an instance or one of this module's functions."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in FUNCTIONS:
            return FUNCTIONS[key].loss_class()
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        from ..saving.registry import UnknownClassError, get_registered_object
        registered = get_registered_object(identifier)
        if registered is None:
            error = unknown_name_error("loss", identifier, FUNCTIONS)
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
    from ..saving.registry import described, registered_name_or_none
    if isinstance(loss, LossFunctionWrapper):  # a function is written by name, found again through the registry
        return registered_name_or_none(loss.fn) or getattr(loss.fn, "__name__", loss.name)
    return described(loss, loss.get_config())


def deserialize(config, custom_objects: dict | None = None) -> Loss:
    if isinstance(config, str):
        return get(config)
    from ..saving.registry import rebuild
    return rebuild("loss", config, _CLASSES, Loss, custom_objects)


__all__ = ["Loss", "LossFunctionWrapper", *sorted(_CLASSES), *(name for name in FUNCTIONS if name in globals()),
           "get", "serialize", "deserialize"]
