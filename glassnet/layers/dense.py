"""Dense: the fully connected layer, a = f(x W + b)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_positive_int
from .base import KernelOptions, Layer, activate, activation_gradient, column_sums


class Dense(Layer):
    """Fully connected layer: ``z = x @ kernel + bias``, ``a = activation(z)``.

    Args:
        units: number of outputs.
        activation: name or activation object; ``None`` means linear.
        use_bias: add ``bias``.
        kernel_initializer, bias_initializer: Keras defaults ``glorot_uniform`` and ``zeros``.
        kernel_regularizer, bias_regularizer: e.g. ``"l2"`` or ``regularizers.L2(1e-4)``.

    Input shape: ``(batch, ..., in)``. Output shape: ``(batch, ..., units)``.
    Kernel: ``(in, units)``; bias: ``(units,)``.

    Backward, with g = dL/da and dz = g * f'(z):
    ``dW = x^T dz``, ``db = sum over the batch of dz``, ``dx = dz W^T``.
    """

    supports_masking = True  # passes its input's mask on, as in Keras

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.units = check_positive_int(units, "units", f'Dense "{self.name}"')
        KernelOptions(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                      bias_regularizer, owner=f'Dense "{self.name}"').apply_to(self)
        self.kernel = self.bias = None

    def build(self, input_shape):
        in_features = input_shape[-1]
        if in_features is None or len(input_shape) < 2:
            raise ValueError(f'Dense "{self.name}" needs a known last input axis, received input shape '
                             f"{input_shape}.")
        self.kernel = self.add_weight("kernel", (in_features, self.units), self.kernel_initializer,
                                      self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        dtype = np.result_type(x, self.kernel.value)
        z = np.matmul(x, self.kernel.value, out=self.scratch("z", x.shape[:-1] + (self.units,), dtype))
        if self.use_bias:
            z += self.bias.value
        a = activate(self, z)
        self._saved = (x, z, a)
        return a

    @property
    def preactivation(self) -> np.ndarray:
        """z from the last forward pass (the logits, when the activation is softmax or sigmoid)."""
        return self._saved[1]

    def backward(self, grad_output, need_input_grad=True, grad_is_preactivation=False):
        x, z, a = self._saved
        dz = grad_output if grad_is_preactivation else activation_gradient(self, z, a, grad_output)
        x2d = x.reshape(-1, x.shape[-1])
        dz2d = dz.reshape(-1, self.units)
        np.matmul(x2d.T, dz2d, out=self.kernel.grad)
        if self.use_bias:
            column_sums(dz2d, out=self.bias.grad)
        if not need_input_grad:
            return None
        return np.matmul(dz, self.kernel.value.T, out=self.scratch("dx", x.shape, dz.dtype))

    def get_config(self):
        return {**super().get_config(), "units": self.units, **KernelOptions.config_of(self)}
