"""BatchNormalization (each channel over the batch) and LayerNormalization (each sample over its
features): normalise, then scale and shift."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_number
from .. import initializers as initializers_module
from .base import Layer, _shape_text


class BatchNormalization(Layer):
    """Training: x_hat = (x - mean_B) / sqrt(var_B + epsilon), y = gamma * x_hat + beta, with the
    mean and variance over every axis but ``axis`` (the channels); the moving statistics follow
    moving = moving * momentum + batch * (1 - momentum). Inference uses the moving statistics.

    Keras defaults: axis -1, momentum 0.99, epsilon 1e-3. Weights, in order: gamma, beta,
    moving_mean, moving_variance (the last two not trainable).

    Backward (training), with m values per channel and g = dL/dy:
    dx = gamma / sqrt(var + eps) * (g - mean(g) - x_hat * mean(g * x_hat)).
    """

    supports_masking = True  # passes its input's mask on, as in Keras

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if axis != -1:
            raise ValueError(f'BatchNormalization "{self.name}": only axis=-1 (channels last) is supported, '
                             f"received {axis!r}")
        check_number(momentum, "momentum", f'BatchNormalization "{self.name}"', 0, 1)
        check_number(epsilon, "epsilon", f'BatchNormalization "{self.name}"', 0, low_open=True)
        if not 0 <= momentum <= 1 or epsilon <= 0:
            raise ValueError(f'BatchNormalization "{self.name}": momentum must be in [0, 1] and epsilon > 0, '
                             f"received momentum={momentum!r}, epsilon={epsilon!r}")
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        owner = f'BatchNormalization "{self.name}"'
        self.center, self.scale = check_bool(center, "center", owner), check_bool(scale, "scale", owner)
        self.initializers = {name: initializers_module.get(value) for name, value in (
            ("gamma", gamma_initializer), ("beta", beta_initializer), ("moving_mean", moving_mean_initializer),
            ("moving_variance", moving_variance_initializer))}

    def build(self, input_shape):
        channels = (input_shape[-1],)
        self.gamma = self.add_weight("gamma", channels, self.initializers["gamma"]) if self.scale else None
        self.beta = self.add_weight("beta", channels, self.initializers["beta"]) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", channels, self.initializers["moving_mean"], trainable=False)
        self.moving_variance = self.add_weight("moving_variance", channels, self.initializers["moving_variance"],
                                               trainable=False)

    def forward(self, x, training=False):
        axes = tuple(range(x.ndim - 1))
        training = training and self.trainable  # frozen, it runs in inference mode (Keras 3)
        if training:
            mean, variance = x.mean(axis=axes), x.var(axis=axes)
            self.moving_mean.value *= self.momentum
            self.moving_mean.value += (1 - self.momentum) * mean
            self.moving_variance.value *= self.momentum
            self.moving_variance.value += (1 - self.momentum) * variance
        else:
            mean, variance = self.moving_mean.value, self.moving_variance.value
        inverse_std = 1.0 / np.sqrt(variance + self.epsilon)
        x_hat = (x - mean) * inverse_std
        y = x_hat * self.gamma.value if self.scale else x_hat
        if self.center:
            y = y + self.beta.value
        self._saved = (x_hat, inverse_std, training)
        return y.astype(x.dtype, copy=False)

    def backward(self, grad_output, need_input_grad=True):
        x_hat, inverse_std, training = self._saved
        axes = tuple(range(grad_output.ndim - 1))
        if self.scale:
            np.sum(grad_output * x_hat, axis=axes, out=self.gamma.grad)
        if self.center:
            np.sum(grad_output, axis=axes, out=self.beta.grad)
        if not need_input_grad:
            return None
        gamma = self.gamma.value if self.scale else 1.0
        if not training:
            return grad_output * (gamma * inverse_std)
        mean_grad = grad_output.mean(axis=axes)
        mean_grad_x_hat = (grad_output * x_hat).mean(axis=axes)
        return (gamma * inverse_std) * (grad_output - mean_grad - x_hat * mean_grad_x_hat)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale}


class LayerNormalization(Layer):
    """Normalise each sample over its last axis (the features of one step, in a sequence), then
    scale and shift: x_hat = (x - mean) / sqrt(var + epsilon), y = gamma * x_hat + beta, with the
    mean and variance of each sample's last axis. No batch statistics, so training and
    inference compute the same.

    Keras defaults: axis -1, epsilon 1e-3, center and scale. Weights, in order: gamma, beta
    (each of the last axis's size).

    Backward, with d values in the last axis and g = dL/dy:
    dgamma = sum over the other axes of g * x_hat, dbeta = sum of g,
    dx = (gamma g - mean(gamma g) - x_hat * mean(gamma g * x_hat)) / sqrt(var + eps),
    the means over the last axis.
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 rms_scaling: bool = False, beta_initializer="zeros", gamma_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = f'LayerNormalization "{self.name}"'
        if axis not in (-1, [-1], (-1,)):
            raise ValueError(f"{owner}: only axis=-1 (the last axis) is supported by glassnet, received {axis!r}.")
        self.epsilon = check_number(epsilon, "epsilon", owner, 0, low_open=True)
        self.center, self.scale = check_bool(center, "center", owner), check_bool(scale, "scale", owner)
        if check_bool(rms_scaling, "rms_scaling", owner):
            raise ValueError(f"{owner}: rms_scaling=True is not supported by glassnet yet.")
        for argument, value in (("beta_constraint", beta_constraint), ("gamma_constraint", gamma_constraint)):
            if value is not None:
                raise ValueError(f"{owner}: {argument} is not supported by glassnet yet; received {value!r}.")
        from .. import regularizers as regularizers_module
        self.beta_initializer = initializers_module.get(beta_initializer)
        self.gamma_initializer = initializers_module.get(gamma_initializer)
        self.beta_regularizer = regularizers_module.get(beta_regularizer)
        self.gamma_regularizer = regularizers_module.get(gamma_regularizer)
        self.gamma = self.beta = None

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(f'LayerNormalization "{self.name}" needs a known last input axis, received input '
                             f"shape {_shape_text(input_shape)}.")
        if self.scale:
            self.gamma = self.add_weight("gamma", (features,), self.gamma_initializer, self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight("beta", (features,), self.beta_initializer, self.beta_regularizer)

    def forward(self, x, training=False):
        mean = x.mean(axis=-1, keepdims=True)
        centered = x - mean
        inverse_std = 1.0 / np.sqrt((centered * centered).mean(axis=-1, keepdims=True) + x.dtype.type(self.epsilon))
        x_hat = centered * inverse_std
        y = x_hat * self.gamma.value if self.scale else x_hat.copy()
        if self.center:
            y += self.beta.value
        self._saved = (x_hat, inverse_std)
        return y

    def backward(self, grad_output, need_input_grad=True):
        x_hat, inverse_std = self._saved
        features = x_hat.shape[-1]
        flat_g, flat_x_hat = grad_output.reshape(-1, features), x_hat.reshape(-1, features)
        if self.scale:
            self.gamma.grad[...] = (flat_g * flat_x_hat).sum(axis=0)
        if self.center:
            self.beta.grad[...] = flat_g.sum(axis=0)
        if not need_input_grad:
            return None
        g = grad_output * self.gamma.value if self.scale else grad_output
        return inverse_std * (g - g.mean(axis=-1, keepdims=True) - x_hat * (g * x_hat).mean(axis=-1, keepdims=True))

    def get_config(self):
        from .. import regularizers as regularizers_module
        return {**super().get_config(), "axis": [-1], "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": False,
                "beta_initializer": initializers_module.serialize(self.beta_initializer),
                "gamma_initializer": initializers_module.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers_module.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers_module.serialize(self.gamma_regularizer),
                "beta_constraint": None, "gamma_constraint": None}
