"""Layer pairs that a model runs as one step, to save passes over large arrays.

``Conv2D(..., activation="relu")`` followed by ``MaxPooling2D`` is the commonest pair in an
image model. Run layer by layer, ReLU reads and writes the whole convolution output once
forward and three times backward, only for the pooling to keep a quarter of it. Run as a
pair, the pooling takes the convolution's pre-activation z and applies ReLU to the quarter
it keeps (max(relu(z)) = relu(max(z))); backward, its gradient already is dL/dz. The maths
and the numbers are the same (tests check it bit for bit); each layer keeps its own forward
and backward, which this module only calls in another order.

A convolution with only a few inputs per output (a 3x3 kernel on grey images: 9) does so little
arithmetic that even the fused pair spends its time writing and re-reading the full-size z.
``DirectConvReLUMaxPool`` then computes each pooling window's convolution outputs in registers
and stores only their pooled maximum (``kernels.conv_relu_maxpool``): the same maths, summed in
another order, so equal to float rounding (tests check it against the pair above).
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..layers import conv_utils
from ..layers.convolution import Conv2D
from ..layers.pooling import MaxPooling2D
from . import kernels

_state = {"enabled": True, "direct": True}

# The direct kernels unroll taps x window positions multiply-adds per filter; past about 80
# they no longer fit the registers and get slower than im2col and a matrix product (measured:
# 3x3 kernel on 1 or 2 channels with 2x2 pooling, 2x faster; 5x5 on 1 channel, 2x slower).
DIRECT_LIMIT = 80


def set_enabled(enabled: bool, direct: bool | None = None) -> None:
    """Run every layer on its own (False), e.g. to compare with the fused steps; ``direct``
    turns the direct convolution kernels on or off alone."""
    _state["enabled"] = bool(enabled)
    if direct is not None:
        _state["direct"] = bool(direct)


class ConvReLUMaxPool:
    """conv (ReLU activation) then pool, as one step with a layer's forward/backward."""

    def __init__(self, conv: Conv2D, pool: MaxPooling2D):
        self.conv, self.pool = conv, pool

    def forward(self, x, training=False):
        # Rows and columns past the pooling's last window are never read: not computed either
        # (the classic convnet's 11x11 -> 5x5 pooling reads 100 of 121 outputs).
        z = self.conv.forward(x, training, apply_activation=False, whole_windows=self.pool.pool_size)
        return self.pool.forward_of_relu(z)

    def backward(self, grad_output, need_input_grad=True):
        dz = self.pool.backward(grad_output)
        return self.conv.backward(dz, need_input_grad, grad_is_preactivation=True)


class DirectConvReLUMaxPool:
    """The same pair computed window by window (see the module docstring); what backward needs
    is kept on the layers, as their own forward would."""

    def __init__(self, conv: Conv2D, pool: MaxPooling2D, compiled):
        self.conv, self.pool = conv, pool
        self.forward_kernel, self.backward_kernel = compiled

    def forward(self, x, training=False):
        conv, pool = self.conv, self.pool
        if x.dtype != conv.kernel.value.dtype:  # the kernels are compiled for one dtype throughout
            return ConvReLUMaxPool(conv, pool).forward(x, training)
        pads = conv_utils.pad_amounts(x.shape, conv.kernel_size, conv.strides, conv.dilation_rate, conv.padding)
        padded = np.ascontiguousarray(conv_utils.pad(x, pads))
        kh, kw = conv.kernel_size
        z_shape = (x.shape[0], padded.shape[1] - kh + 1, padded.shape[2] - kw + 1, conv.filters)
        ph, pw = pool.pool_size
        y = pool.scratch("y", (x.shape[0], z_shape[1] // ph, z_shape[2] // pw, conv.filters), x.dtype)
        argmax = pool.scratch("argmax", y.shape, np.uint8)
        bias = conv.bias.value if conv.use_bias else np.zeros(conv.filters, x.dtype)
        self.forward_kernel(padded, np.ascontiguousarray(conv.kernel.value), bias, y, argmax)
        pool._saved = ("fused", z_shape, argmax)
        conv._saved = ("direct", padded, pads, x.shape)
        return y

    def backward(self, grad_output, need_input_grad=True):
        conv, pool = self.conv, self.pool
        if not isinstance(conv._saved[0], str):  # forward fell back to the im2col pair
            return ConvReLUMaxPool(conv, pool).backward(grad_output, need_input_grad)
        _, padded, pads, input_shape = conv._saved
        _, _, argmax = pool._saved
        bias_grad = conv.bias.grad if conv.use_bias else np.empty(conv.filters, grad_output.dtype)
        kernel_grad = conv.kernel.grad
        if not kernel_grad.flags.c_contiguous:
            raise AssertionError("a kernel gradient must be contiguous to be written in place")
        self.backward_kernel(padded, np.ascontiguousarray(grad_output), argmax, kernel_grad, bias_grad)
        if not need_input_grad:
            return None
        dz = pool.backward(grad_output)  # dL/dz: dy at each window's positive maximum, else 0
        return conv.input_gradient(dz, padded.shape, pads, input_shape)


def _direct_kernels(conv: Conv2D, pool: MaxPooling2D):
    """The compiled direct kernels for this pair, or None where the pair must use im2col."""
    if not (_state["direct"] and conv.built and conv.strides == (1, 1) and conv.dilation_rate == (1, 1)):
        return None
    kh, kw = conv.kernel_size
    channels = conv.kernel.value.shape[2]
    ph, pw = pool.pool_size
    if kh * kw * channels * ph * pw > DIRECT_LIMIT or conv.kernel.value.dtype != conv.dtype:
        return None
    return kernels.conv_relu_maxpool(kh, kw, channels, ph, pw)


def _pairs_up(layer, above) -> bool:
    return (type(layer) is Conv2D and type(layer.activation) is activations.ReLU
            and isinstance(above, MaxPooling2D) and above.can_absorb_relu())


def pair_step(layer, above):
    """The fused step running ``layer`` then ``above``, or None when they do not pair up."""
    if not (_state["enabled"] and _pairs_up(layer, above)):
        return None
    direct = _direct_kernels(layer, above)
    return ConvReLUMaxPool(layer, above) if direct is None else DirectConvReLUMaxPool(layer, above, direct)


def plan(layers) -> list:
    """The steps that run a chain of ``layers`` in order: (step, index of its first layer, of
    its last). (Models run graphs through engine/graph.py, which pairs layers the same way.)"""
    steps, index = [], 0
    while index < len(layers):
        pair = pair_step(layers[index], layers[index + 1]) if index + 1 < len(layers) else None
        if pair is not None:
            steps.append((pair, index, index + 1))
            index += 2
        else:
            steps.append((layers[index], index, index))
            index += 1
    return steps
