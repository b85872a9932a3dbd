"""Neural-network ops: the activations (their maths lives in glassnet/activations.py, forward
and backward, and is used here as it is), log_softmax, logsumexp, one_hot."""

from __future__ import annotations

import numpy as np

from .. import activations as activations_module
from .function import Function, apply


class Activate(Function):
    """a = f(z) for an activation object f; dL/dz = f.backward(z, a, dL/da)."""

    @staticmethod
    def forward(ctx, z, activation):
        z = np.asarray(z)
        if z.dtype.kind != "f":
            z = z.astype(np.float32)
        a = activation.forward(z)
        ctx.save(z, a)
        ctx.activation = activation
        return a

    @staticmethod
    def backward(ctx, g):
        z, a = ctx.saved
        return ctx.activation.backward(z, a, g), None


def activate(x, activation):
    return apply(Activate, x, activation=activation)


def relu(x): return activate(x, activations_module.relu)
def sigmoid(x): return activate(x, activations_module.sigmoid)
def tanh(x): return activate(x, activations_module.tanh)
def gelu(x, approximate=True): return activate(x, activations_module.GELU(approximate=approximate))
def elu(x, alpha=1.0): return activate(x, activations_module.ELU(alpha))
def selu(x): return activate(x, activations_module.selu)
def softplus(x): return activate(x, activations_module.softplus)
def silu(x): return activate(x, activations_module.silu)
def leaky_relu(x, negative_slope=0.2): return activate(x, activations_module.LeakyReLU(negative_slope))
def softmax(x, axis=-1): return activate(x, activations_module.Softmax(axis))


swish = silu


class LogSoftmax(Function):
    @staticmethod
    def forward(ctx, z, axis=-1):
        shifted = z - np.max(z, axis=axis, keepdims=True)
        y = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        ctx.save(np.exp(y))
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, g):
        (probabilities,) = ctx.saved
        # y_i = z_i - log sum_j e^{z_j}:  dL/dz = g - softmax(z) * sum(g)
        return (g - probabilities * np.sum(g, axis=ctx.axis, keepdims=True),)


class LogSumExp(Function):
    @staticmethod
    def forward(ctx, z, axis=None, keepdims=False):
        peak = np.max(z, axis=axis, keepdims=True)
        total = np.log(np.sum(np.exp(z - peak), axis=axis, keepdims=True)) + peak
        ctx.save(np.exp(z - total))  # softmax: the gradient of logsumexp
        ctx.axis, ctx.keepdims = axis, keepdims
        return total if keepdims else np.squeeze(total, axis=axis)

    @staticmethod
    def backward(ctx, g):
        (weights,) = ctx.saved
        if not ctx.keepdims:
            g = np.expand_dims(g, ctx.axis) if ctx.axis is not None else np.reshape(g, [1] * weights.ndim)
        return (weights * g,)


class OneHot(Function):
    differentiable = False

    @staticmethod
    def forward(ctx, x, num_classes, axis=-1, dtype="float32"):
        x = np.asarray(x).astype(np.int64)
        out = (x[..., None] == np.arange(num_classes)).astype(dtype)
        return out if axis == -1 else np.moveaxis(out, -1, axis)


def log_softmax(x, axis=-1): return apply(LogSoftmax, x, axis=axis)
def logsumexp(x, axis=None, keepdims=False): return apply(LogSumExp, x, axis=axis, keepdims=keepdims)
def one_hot(x, num_classes, axis=-1, dtype="float32"):
    return apply(OneHot, x, num_classes=num_classes, axis=axis, dtype=dtype)
