"""Activation: applies an activation function as a layer of its own, a = f(x)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number, is_int
from .. import activations as activations_module
from .base import Layer


class Activation(Layer):
    """``Activation("softmax")`` after a linear Dense equals ``Dense(..., activation="softmax")``.

    Input and output shape: any, unchanged. Backward: dL/dx = dL/da * f'(x).
    """

    supports_masking = True  # passes its input's mask on, as in Keras

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations_module.get(activation)

    def forward(self, x, training=False):
        a = self.activation.forward(x)
        self._saved = (x, a)
        return a

    @property
    def preactivation(self):
        return self._saved[0]

    def backward(self, grad_output, need_input_grad=True, grad_is_preactivation=False):
        if grad_is_preactivation:
            return grad_output
        x, a = self._saved
        return self.activation.backward(x, a, grad_output)

    def get_config(self):
        return {**super().get_config(), "activation": activations_module.serialize(self.activation)}


class LeakyReLU(Activation):
    """a = x for x > 0, negative_slope * x otherwise; the layer's Keras default slope is 0.3
    (the ``leaky_relu`` function's is 0.2)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        kwargs.pop("activation", None)
        negative_slope = check_number(negative_slope, "negative_slope", "LeakyReLU()")
        super().__init__(activations_module.LeakyReLU(negative_slope), **kwargs)
        self.negative_slope = negative_slope

    def get_config(self):
        config = super().get_config()
        config.pop("activation")
        return {**config, "negative_slope": self.negative_slope}


class _ClippedReLU(activations_module.ActivationFunction):
    """Keras's relu with its options: a = min(x, max_value) for x > threshold, else
    negative_slope * (x - threshold). da/dx = 1 for threshold < x < max_value, negative_slope
    for x < threshold, 0 elsewhere (at x = 0 with only a slope: 1, as Keras's leaky_relu)."""

    name = "relu_with_options"  # not plain relu: exporters must not take it for one

    def __init__(self, max_value, negative_slope, threshold):
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def forward(self, z):
        kind = z.dtype.type
        a = np.where(z > kind(self.threshold), z, kind(0))
        if self.max_value is not None:
            np.clip(a, 0, kind(self.max_value), out=a)
        if self.negative_slope:
            a -= kind(self.negative_slope) * np.maximum(kind(self.threshold) - z, 0)
        return a

    def backward(self, z, a, grad_a):
        kind = z.dtype.type
        leaky = self.max_value is None and self.threshold == 0  # Keras calls leaky_relu: slope 1 at 0
        passing = z >= 0 if leaky else z > kind(self.threshold)
        if self.max_value is not None:
            passing &= z < kind(self.max_value)
        slope = np.where(z < kind(self.threshold), kind(self.negative_slope), kind(0))
        return grad_a * (passing + slope).astype(z.dtype, copy=False)


class ReLU(Activation):
    """a = max(x, 0), as a layer; with Keras's options, a = min(x, max_value) for x > threshold
    and negative_slope * (x - threshold) below it (each option a number >= 0; ``max_value=None``:
    no ceiling). With the defaults it runs the fused relu kernel."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        kwargs.pop("activation", None)
        owner = "ReLU()"
        max_value = check_number(max_value, "max_value", owner, 0, allow_none=True)
        negative_slope = check_number(negative_slope, "negative_slope", owner, 0, finite=True)
        threshold = check_number(threshold, "threshold", owner, 0, finite=True)
        plain = max_value is None and negative_slope == 0 and threshold == 0
        super().__init__("relu" if plain else _ClippedReLU(max_value, negative_slope, threshold), **kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def get_config(self):
        config = super().get_config()
        config.pop("activation")
        return {**config, "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class ELU(Activation):
    """a = x for x > 0, alpha * (e^x - 1) otherwise (Keras default alpha 1.0), as a layer.
    Backward: da/dx = 1 for x > 0, a + alpha otherwise."""

    def __init__(self, alpha=1.0, **kwargs):
        kwargs.pop("activation", None)
        alpha = check_number(alpha, "alpha", "ELU()")
        super().__init__(activations_module.ELU(alpha), **kwargs)
        self.alpha = alpha

    def get_config(self):
        config = super().get_config()
        config.pop("activation")
        return {**config, "alpha": self.alpha}


class Softmax(Activation):
    """Softmax over the last axis, as a layer."""

    def __init__(self, axis: int = -1, **kwargs):
        kwargs.pop("activation", None)
        if not (is_int(axis) or isinstance(axis, (tuple, list)) and axis and all(is_int(a) for a in axis)):
            raise TypeError(f"Softmax(): axis must be an integer (or a tuple of integers), received {axis!r}.")
        super().__init__(activations_module.Softmax(axis), **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("activation")
        return {**config, "axis": self.activation.axis}


class PReLU(Layer):
    """Parametric ReLU: a = x for x > 0, alpha * x otherwise, with ``alpha`` a learned weight of
    the input's shape without the batch axis (size 1 along each of ``shared_axes``, which then
    share one slope; axis numbers count the batch axis as 0).

    Weights: alpha, shape input_shape[1:] with 1 on the shared axes (Keras's default
    initializer: zeros, so it starts as a ReLU). Backward: dx = g where x > 0, alpha * g where
    x < 0 (0 at x = 0, as JAX's relu); dalpha = the sum over the batch and the shared axes of
    g * min(x, 0).
    """

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        from .. import initializers, regularizers
        owner = f'PReLU "{self.name}"'
        if alpha_constraint is not None:
            raise ValueError(f"{owner}: alpha_constraint is not supported by glassnet yet; received "
                             f"{alpha_constraint!r}.")
        if shared_axes is not None:
            shared_axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(is_int(a) and a >= 1 for a in shared_axes):
                raise ValueError(f"{owner}: shared_axes must be input axes >= 1 (0 is the batch axis), received "
                                 f"{shared_axes!r}.")
            shared_axes = [int(a) for a in shared_axes]
        self.shared_axes = shared_axes
        from .group_normalization import resolve
        self.alpha_initializer = resolve(initializers, alpha_initializer, "alpha_initializer", owner)
        self.alpha_regularizer = resolve(regularizers, alpha_regularizer, "alpha_regularizer", owner)
        self.alpha = None

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis >= len(input_shape):
                raise ValueError(f'PReLU "{self.name}": shared axis {axis} is out of range for inputs of rank '
                                 f"{len(input_shape)}.")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f'PReLU "{self.name}" needs known sizes on every unshared axis, received input shape '
                             f"{tuple(input_shape)}; share the unknown axes with shared_axes.")
        self.alpha = self.add_weight("alpha", tuple(shape), self.alpha_initializer, self.alpha_regularizer)

    def forward(self, x, training=False):
        negative = np.minimum(x, 0)
        self._saved = (x, negative)
        return np.maximum(x, 0) + self.alpha.value.astype(x.dtype, copy=False) * negative

    def backward(self, grad_output, need_input_grad=True):
        x, negative = self._saved
        product = grad_output * negative
        axes = (0,) + tuple(self.shared_axes or ())
        self.alpha.grad[...] = product.sum(axis=axes, keepdims=True)[0]
        if not need_input_grad:
            return None
        alpha = self.alpha.value.astype(x.dtype, copy=False)
        return grad_output * np.where(x > 0, 1, np.where(x < 0, alpha, 0)).astype(x.dtype, copy=False)

    def get_config(self):
        from .. import initializers, regularizers
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer), "alpha_constraint": None,
                "shared_axes": self.shared_axes}
