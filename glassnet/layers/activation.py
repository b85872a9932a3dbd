"""Activation: applies an activation function as a layer of its own, a = f(x)."""

from __future__ import annotations

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


class ReLU(Activation):
    """a = max(x, 0), as a layer."""

    def __init__(self, **kwargs):
        kwargs.pop("activation", None)
        super().__init__("relu", **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("activation")
        return config


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
