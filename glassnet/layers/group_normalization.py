"""GroupNormalization: normalise each sample over groups of its channels, as Keras's layer."""

from __future__ import annotations

import numpy as np

from .. import initializers as initializers_module
from .. import regularizers as regularizers_module
from ..utils.validation import check_bool, check_number, is_int
from .base import Layer, _shape_text


def resolve(module, value, argument: str, owner: str):
    """``module.get(value)`` (an initializer or regularizer), its error naming ``argument``."""
    try:
        return module.get(value)
    except (ValueError, TypeError) as error:
        raise type(error)(f"{owner}: {argument}: {error}") from None


class GroupNormalization(Layer):
    """Split the channels (axis ``axis``, default -1) into ``groups`` groups of equal size; for
    each sample and group, x_hat = (x - mean) / sqrt(var + epsilon) over the group's channels and
    every non-batch axis; then y = gamma * x_hat + beta per channel. ``groups=-1`` makes one group
    per channel (instance normalization); ``groups=1`` is layer normalization over all axes.

    Keras defaults: groups 32, axis -1, epsilon 1e-3, center and scale. Weights, in order: gamma,
    beta (each of the channel count). No batch statistics: training and inference agree.

    Backward, with n values per group, u = gamma * g and the means over each group:
    dx = (u - mean(u) - x_hat * mean(u * x_hat)) / sqrt(var + eps); dgamma = sum of g * x_hat,
    dbeta = sum of g, over every axis but the channels.
    """

    supports_masking = True

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        owner = f'GroupNormalization "{self.name}"'
        if not is_int(groups) or (groups <= 0 and groups != -1):
            raise ValueError(f"{owner}: groups must be a positive integer (or -1 for instance normalization), "
                             f"received {groups!r}.")
        if not is_int(axis):
            raise TypeError(f"{owner}: axis must be an integer, received {axis!r}.")
        for argument, value in (("beta_constraint", beta_constraint), ("gamma_constraint", gamma_constraint)):
            if value is not None:
                raise ValueError(f"{owner}: {argument} is not supported by glassnet yet; received {value!r}.")
        self.groups, self.axis = int(groups), int(axis)
        self.epsilon = check_number(epsilon, "epsilon", owner, 0)
        self.center, self.scale = check_bool(center, "center", owner), check_bool(scale, "scale", owner)
        self.beta_initializer = resolve(initializers_module, beta_initializer, "beta_initializer", owner)
        self.gamma_initializer = resolve(initializers_module, gamma_initializer, "gamma_initializer", owner)
        self.beta_regularizer = resolve(regularizers_module, beta_regularizer, "beta_regularizer", owner)
        self.gamma_regularizer = resolve(regularizers_module, gamma_regularizer, "gamma_regularizer", owner)
        self.gamma = self.beta = None

    def build(self, input_shape):
        owner = f'GroupNormalization "{self.name}"'
        if not -len(input_shape) <= self.axis < len(input_shape) or self.axis % len(input_shape) == 0:
            raise ValueError(f"{owner}: axis {self.axis} is not a channel axis of inputs of shape "
                             f"{_shape_text(input_shape)}.")
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(f"{owner}: axis {self.axis} of the input must have a known size, received input shape "
                             f"{_shape_text(input_shape)}.")
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(f"{owner}: the number of groups ({self.groups}) cannot be more than the number of "
                             f"channels ({channels}).")
        if channels % self.groups:
            raise ValueError(f"{owner}: the number of channels ({channels}) must be a multiple of the number of "
                             f"groups ({self.groups}).")
        if self.scale:
            self.gamma = self.add_weight("gamma", (channels,), self.gamma_initializer, self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight("beta", (channels,), self.beta_initializer, self.beta_regularizer)

    def _grouped(self, x):
        """x as (batch, rest, groups, channels per group), channels moved last."""
        moved = np.moveaxis(x, self.axis, -1)
        return moved.reshape(moved.shape[0], -1, self.groups, moved.shape[-1] // self.groups), moved.shape

    def _ungrouped(self, grouped, moved_shape):
        return np.ascontiguousarray(np.moveaxis(grouped.reshape(moved_shape), -1, self.axis))

    def _per_channel(self, parameter, dtype):
        return parameter.value.reshape(self.groups, -1).astype(dtype, copy=False)

    def forward(self, x, training=False):
        grouped, moved_shape = self._grouped(x)
        mean = grouped.mean(axis=(1, 3), keepdims=True)
        centered = grouped - mean
        inverse_std = 1 / np.sqrt((centered * centered).mean(axis=(1, 3), keepdims=True) + x.dtype.type(self.epsilon))
        x_hat = centered * inverse_std
        y = x_hat * self._per_channel(self.gamma, x.dtype) if self.scale else x_hat.copy()
        if self.center:
            y += self._per_channel(self.beta, x.dtype)
        self._saved = (x_hat, inverse_std, moved_shape)
        return self._ungrouped(y, moved_shape)

    def backward(self, grad_output, need_input_grad=True):
        x_hat, inverse_std, moved_shape = self._saved
        g, _ = self._grouped(grad_output)
        if self.scale:
            self.gamma.grad[...] = (g * x_hat).sum(axis=(0, 1)).reshape(-1)
        if self.center:
            self.beta.grad[...] = g.sum(axis=(0, 1)).reshape(-1)
        if not need_input_grad:
            return None
        u = g * self._per_channel(self.gamma, g.dtype) if self.scale else g
        dx = inverse_std * (u - u.mean(axis=(1, 3), keepdims=True)
                            - x_hat * (u * x_hat).mean(axis=(1, 3), keepdims=True))
        return self._ungrouped(dx, moved_shape)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers_module.serialize(self.beta_initializer),
                "gamma_initializer": initializers_module.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers_module.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers_module.serialize(self.gamma_regularizer),
                "beta_constraint": None, "gamma_constraint": None}


__all__ = ["GroupNormalization"]
