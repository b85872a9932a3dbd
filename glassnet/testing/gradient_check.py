"""Finite-difference gradient checks, in float64, for layers and models.

For a scalar function L(theta) the central difference (L(theta + h e_i) - L(theta - h e_i)) / 2h
approximates dL/dtheta_i with an error of order h^2. ``check_gradients`` compares it with what
the layer's (or model's) ``backward`` computes, for every weight and for the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..layers.base import Layer


@dataclass
class GradientCheckResult:
    """``max_relative_error`` over all entries; ``errors`` per weight name (and 'input')."""

    max_relative_error: float
    errors: dict = field(default_factory=dict)
    tolerance: float = 1e-5

    @property
    def ok(self) -> bool:
        return self.max_relative_error <= self.tolerance

    def __bool__(self) -> bool:
        return self.ok


def _relative_error(analytic, numeric) -> float:
    # Below 1e-4 the error is measured absolutely (scaled by 1e4): a central difference carries
    # rounding noise of about 1e-10, which would swamp a relative error of a zero gradient.
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-4)
    return float(np.max(np.abs(analytic - numeric) / scale)) if analytic.size else 0.0


def _to_float64(parameters):
    saved = [(p, p.value, p.grad) for p in parameters]
    for p in parameters:
        p.value = p.value.astype(np.float64)
        p.grad = np.zeros_like(p.value)
    return saved


def _restore(saved):
    for parameter, value, grad in saved:
        parameter.value, parameter.grad = value, grad


def _numeric_gradient(loss_fn, array, step):
    grad = np.zeros_like(array)
    flat, out = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + step
        plus = loss_fn()
        flat[i] = original - step
        minus = loss_fn()
        flat[i] = original
        out[i] = (plus - minus) / (2 * step)
    return grad


def check_gradients(layer_or_model, x, y=None, loss=None, step: float = 1e-6, tolerance: float = 1e-5,
                    training: bool = False, seed: int = 0) -> GradientCheckResult:
    """Compare backward's gradients with central differences, in float64.

    For a layer, L = sum(output * R) with a fixed random R (so every output entry matters).
    For a model, L is ``loss`` (default: the compiled loss) of the model's output against ``y``,
    computed the way training computes it (fused softmax/cross-entropy included).
    Returns a GradientCheckResult; ``result.ok`` is True when every relative error is within
    ``tolerance``.
    """
    if isinstance(x, (list, tuple)) and not isinstance(layer_or_model, Layer):  # a model of several inputs
        x = [np.array(v, dtype=np.float64) for v in x]
        return _check_model(layer_or_model, x, y, loss, step, tolerance, training)
    x = np.array(x, dtype=np.float64)
    if isinstance(layer_or_model, Layer):
        return _check_layer(layer_or_model, x, step, tolerance, training, seed)
    return _check_model(layer_or_model, x, y, loss, step, tolerance, training)


def _check_layer(layer, x, step, tolerance, training, seed):
    if not layer.built:
        layer.build_for((None,) + x.shape[1:])
    saved = _to_float64(layer.parameters)
    try:
        projection = np.random.default_rng(seed).standard_normal(layer.forward(x, training).shape)

        def loss_fn():
            return float((layer.forward(x, training) * projection).sum())

        loss_fn()
        grad_input = layer.backward(projection.copy(), need_input_grad=True)
        errors = {p.name: _relative_error(p.grad.copy(), _numeric_gradient(loss_fn, p.value, step))
                  for p in layer.parameters if p.trainable}
        errors["input"] = _relative_error(grad_input, _numeric_gradient(loss_fn, x, step))
    finally:
        _restore(saved)
    return GradientCheckResult(max(errors.values()), errors, tolerance)


def _check_model(model, x, y, loss, step, tolerance, training):
    from .. import losses as losses_module
    if loss is not None:
        model.loss = losses_module.get(loss)
    if model.loss is None:
        raise ValueError("check_gradients(model, ...) needs a loss: compile the model or pass loss=.")
    if y is None:
        raise ValueError("check_gradients(model, x, y): y is needed to compute the loss.")
    if not model.built:
        model.build((None,) + x.shape[1:])
    y = model.loss.prepare_targets(np.asarray(y), model.output_shape)
    if y.dtype.kind == "f":
        y = y.astype(np.float64)
    model._flat_parameters()
    parameters = model.trainable_weights
    saved = _to_float64(parameters)
    saved_dtype = model.dtype
    model.dtype = np.dtype("float64")
    fused = model._uses_fused_gradient()
    try:
        def loss_fn():
            y_pred = model._forward(x, training)
            source = model.output_layer.preactivation if fused else y_pred
            return float(model.loss.value_and_gradient(y, source, logits=fused or model.loss.from_logits)[0])

        y_pred = model._forward(x, training)
        source = model.output_layer.preactivation if fused else y_pred
        _, grad = model.loss.value_and_gradient(y, source, logits=fused or model.loss.from_logits)
        model._backward(grad, grad_is_preactivation=fused)
        errors = {}
        for layer in model.layers:
            for p in layer.trainable_weights:
                errors[f"{layer.name}.{p.name}"] = _relative_error(p.grad.copy(), _numeric_gradient(loss_fn, p.value, step))
    finally:
        _restore(saved)
        model.dtype = saved_dtype
    return GradientCheckResult(max(errors.values()) if errors else 0.0, errors, tolerance)
