"""DepthwiseConv2D, SeparableConv2D and their 1-D twins (channels-last), in NumPy.

A depthwise convolution filters each input channel on its own, with ``depth_multiplier`` (m)
kernels per channel; output channel c*m + k comes from input channel c and kernel k:

    z[n, i, j, c*m + k] = sum_{a, b} x[n, i*s + a*d, j*s + b*d, c] K[a, b, c, k]

A separable convolution is a depthwise one followed by a 1x1 ("pointwise") convolution that
mixes the C*m channels into ``filters``: y = z P + bias. Both read the input through the
windows view of conv_utils (N, OH, OW, KH, KW, C), which Conv2D's im2col uses too.
"""

from __future__ import annotations

import numpy as np

from .. import initializers as initializers_module
from .. import regularizers as regularizers_module
from ..utils.validation import check_positive_int
from . import conv_utils
from .base import Layer, _shape_text, activate, activation_gradient
from .convolution import Conv2D, StepsAsImage


def depthwise_forward(padded, kernel, strides, dilation, out_hw):
    """(windows, z): the input's windows (N, OH, OW, KH, KW, C) and z (N, OH, OW, C*m) for a
    kernel (KH, KW, C, m)."""
    windows = conv_utils.sliding_windows(padded, kernel.shape[:2], strides, dilation, out_hw)
    z = np.einsum("nijabc,abck->nijck", windows, kernel, optimize=True)
    return windows, z.reshape(z.shape[:3] + (-1,))


def depthwise_backward(windows, kernel, dz, strides, dilation, padded_shape, need_input_grad=True):
    """(dK, dpadded) from dz (N, OH, OW, C*m): dK[a, b, c, k] = sum_{n,i,j} window * dz, and
    dpadded adds dz[.., c*m + k] K[a, b, c, k] back over every window that read each entry."""
    dz = dz.reshape(dz.shape[:3] + kernel.shape[2:])
    dkernel = np.einsum("nijabc,nijck->abck", windows, dz, optimize=True)
    if not need_input_grad:
        return dkernel, None
    dwindows = np.einsum("nijck,abck->nijabc", dz, kernel, optimize=True)
    dpadded = conv_utils.add_windows(dwindows, strides, dilation, out=np.empty(padded_shape, dz.dtype))
    return dkernel, dpadded


def _refuse_unsupported(owner: str, **values) -> None:
    for argument, value in values.items():
        if value is not None:
            raise ValueError(f"{owner}: {argument} is not supported by glassnet yet; expected None, "
                             f"received {value!r}.")


class DepthwiseConv2D(Conv2D):
    """Depthwise 2-D convolution, as Keras 3's ``DepthwiseConv2D``.

    Args: kernel_size, strides=(1, 1), padding "valid" | "same", depth_multiplier=1,
    data_format (channels_last only), dilation_rate=(1, 1), activation, use_bias,
    depthwise_initializer (glorot_uniform), bias_initializer (zeros), depthwise_regularizer,
    bias_regularizer; constraints and activity_regularizer only as None.

    Input shape: (batch, height, width, C). Output: (batch, out_height, out_width, C * m).
    Weights: ``kernel`` (kh, kw, C, m) and ``bias`` (C * m,), Keras's names.
    """

    def __init__(self, kernel_size, strides=(1, 1), padding: str = "valid", depth_multiplier: int = 1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None, bias_constraint=None,
                 **kwargs):
        owner = f'{type(self).__name__} "{kwargs.get("name") or type(self).__name__}"'
        depth_multiplier = check_positive_int(depth_multiplier, "depth_multiplier", owner)
        _refuse_unsupported(owner, activity_regularizer=activity_regularizer,
                            depthwise_constraint=depthwise_constraint, bias_constraint=bias_constraint)
        # Conv2D checks and keeps the window arguments; its "filters" here is the multiplier.
        super().__init__(depth_multiplier, kernel_size, strides, padding, dilation_rate, activation, use_bias,
                         depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         data_format, **kwargs)
        self.depth_multiplier = depth_multiplier

    def _check_rank(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects 4-D input (batch, height, width, channels), '
                             f"received shape {_shape_text(input_shape)}.")

    def build(self, input_shape):
        self._check_rank(input_shape)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f'{type(self).__name__} "{self.name}": the channel axis of the input must be known.')
        shape = self.kernel_size[2 - self.rank:] + (channels, self.depth_multiplier)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (channels * self.depth_multiplier,), self.bias_initializer,
                                        self.bias_regularizer)

    def compute_output_shape(self, input_shape):
        shape = super().compute_output_shape(input_shape)
        channels = input_shape[-1]
        return tuple(shape[:-1]) + (None if channels is None else channels * self.depth_multiplier,)

    def _depthwise_kernel(self):
        """The depthwise kernel as (KH, KW, C, m) (a 1-D layer's gains its height of 1)."""
        return self.kernel.value.reshape(self.kernel_size + self.kernel.shape[-2:])

    def _depthwise(self, x):
        """(z, saved) for the depthwise part of forward: z (N, OH, OW, C*m) before any bias."""
        image = self._image(x)
        pads = conv_utils.pad_amounts(image.shape, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        padded = conv_utils.pad(image, pads)
        out_hw = tuple(conv_utils.output_length(image.shape[axis], self.kernel_size[axis - 1], self.strides[axis - 1],
                                                self.dilation_rate[axis - 1], self.padding) for axis in (1, 2))
        windows, z = depthwise_forward(padded, self._depthwise_kernel(), self.strides, self.dilation_rate, out_hw)
        return z, (windows, padded.shape, pads, x.shape)

    def _depthwise_backward(self, dz, saved, grad, need_input_grad):
        """Fill ``grad`` (the depthwise kernel's gradient) and return dL/dx, or None."""
        windows, padded_shape, pads, input_shape = saved
        dkernel, dpadded = depthwise_backward(windows, self._depthwise_kernel(), dz, self.strides,
                                              self.dilation_rate, padded_shape, need_input_grad)
        grad[...] = dkernel.reshape(grad.shape)
        return None if dpadded is None else conv_utils.unpad(dpadded, pads).reshape(input_shape)

    def forward(self, x, training=False):
        z, saved = self._depthwise(x)
        if self.use_bias:
            z = z + self.bias.value
        a = activate(self, z)
        self._saved = (saved, z, a)
        return self._from_image(a)

    def backward(self, grad_output, need_input_grad=True):
        saved, z, a = self._saved
        dz = activation_gradient(self, z, a, self._image(grad_output))
        if self.use_bias:
            self.bias.grad[...] = dz.sum(axis=(0, 1, 2))
        return self._depthwise_backward(dz, saved, self.kernel.grad, need_input_grad)

    def get_config(self):
        config = Layer.get_config(self)
        options = {"activation": None, "use_bias": None, "depthwise_initializer": "kernel_initializer",
                   "bias_initializer": None, "depthwise_regularizer": "kernel_regularizer", "bias_regularizer": None}
        return {**config, "depth_multiplier": self.depth_multiplier, **_window_config(self),
                **_options(self, options), "activity_regularizer": None, "depthwise_constraint": None,
                "bias_constraint": None}


def _window_config(layer) -> dict:
    def tail(values):
        return list(values[2 - layer.rank:])
    return {"kernel_size": tail(layer.kernel_size), "strides": tail(layer.strides), "padding": layer.padding,
            "data_format": "channels_last", "dilation_rate": tail(layer.dilation_rate)}


def _options(layer, keys: dict) -> dict:
    """{Keras's key: serialized value}; ``keys`` maps a Keras key to the attribute holding it
    (None: the same name)."""
    from .. import activations as activations_module
    config = {}
    for key, attribute in keys.items():
        value = getattr(layer, attribute or key)
        if key == "activation":
            value = activations_module.serialize(value)
        elif key.endswith("_initializer"):
            value = initializers_module.serialize(value)
        elif key.endswith("_regularizer"):
            value = regularizers_module.serialize(value)
        config[key] = value
    return config


class SeparableConv2D(DepthwiseConv2D):
    """Depthwise 2-D convolution followed by a 1x1 convolution, as Keras 3's
    ``SeparableConv2D``: y = depthwise(x) P + bias, then the activation.

    Args: filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
    activation, use_bias, depthwise/pointwise/bias initializers (glorot_uniform, glorot_uniform,
    zeros) and regularizers; constraints and activity_regularizer only as None.

    Weights: ``depthwise_kernel`` (kh, kw, C, m), ``pointwise_kernel`` (1, 1, C*m, filters) and
    ``bias`` (filters,). Backward: dP = z^T dy, dz = dy P^T, then the depthwise backward.
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier: int = 1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        owner = f'{type(self).__name__} "{kwargs.get("name") or type(self).__name__}"'
        _refuse_unsupported(owner, pointwise_constraint=pointwise_constraint)
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.filters = check_positive_int(filters, "filters", f'{type(self).__name__} "{self.name}"')
        self.pointwise_initializer = initializers_module.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers_module.get(pointwise_regularizer)

    def build(self, input_shape):
        self._check_rank(input_shape)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f'{type(self).__name__} "{self.name}": the channel axis of the input must be known.')
        m = self.depth_multiplier
        self.depthwise_kernel = self.add_weight("depthwise_kernel", self.kernel_size[2 - self.rank:] + (channels, m),
                                                self.kernel_initializer, self.kernel_regularizer)
        self.pointwise_kernel = self.add_weight("pointwise_kernel", (1,) * self.rank + (channels * m, self.filters),
                                                self.pointwise_initializer, self.pointwise_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer)

    @property
    def kernel(self):
        return self.depthwise_kernel  # what the depthwise part reads

    def compute_output_shape(self, input_shape):
        return Conv2D.compute_output_shape(self, input_shape)

    def forward(self, x, training=False):
        depthwise, saved = self._depthwise(x)
        pointwise = self.pointwise_kernel.value.reshape(-1, self.filters)
        z = depthwise @ pointwise
        if self.use_bias:
            z = z + self.bias.value
        a = activate(self, z)
        self._saved = (saved, depthwise, z, a)
        return self._from_image(a)

    def backward(self, grad_output, need_input_grad=True):
        saved, depthwise, z, a = self._saved
        dz = activation_gradient(self, z, a, self._image(grad_output))
        dz2d = dz.reshape(-1, self.filters)
        if self.use_bias:
            self.bias.grad[...] = dz2d.sum(axis=0)
        pointwise = self.pointwise_kernel.value.reshape(-1, self.filters)
        self.pointwise_kernel.grad[...] = (depthwise.reshape(-1, len(pointwise)).T @ dz2d).reshape(
            self.pointwise_kernel.shape)
        ddepthwise = (dz2d @ pointwise.T).reshape(depthwise.shape)
        return self._depthwise_backward(ddepthwise, saved, self.depthwise_kernel.grad, need_input_grad)

    def get_config(self):
        options = {"activation": None, "use_bias": None, "depthwise_initializer": "kernel_initializer",
                   "pointwise_initializer": None, "bias_initializer": None,
                   "depthwise_regularizer": "kernel_regularizer", "pointwise_regularizer": None,
                   "bias_regularizer": None}
        return {**Layer.get_config(self), "depth_multiplier": self.depth_multiplier, "filters": self.filters,
                **_window_config(self), **_options(self, options), "activity_regularizer": None,
                "depthwise_constraint": None, "pointwise_constraint": None, "bias_constraint": None}


class DepthwiseConv1D(StepsAsImage, DepthwiseConv2D):
    """Depthwise 1-D convolution over (batch, steps, C): kernel (k, C, m), output
    (batch, out_steps, C * m); computed as a DepthwiseConv2D over (batch, 1, steps, C)."""

    rank = 1  # padding "valid" or "same": Keras has no "causal" here

    def __init__(self, kernel_size, strides=1, padding: str = "valid", depth_multiplier: int = 1, data_format=None,
                 dilation_rate=1, **kwargs):
        single = self._single
        super().__init__((1, single(kernel_size, "kernel_size")), (1, single(strides, "strides")), padding,
                         depth_multiplier, data_format, (1, single(dilation_rate, "dilation_rate")), **kwargs)


class SeparableConv1D(StepsAsImage, SeparableConv2D):
    """Separable 1-D convolution over (batch, steps, C): depthwise kernel (k, C, m), pointwise
    kernel (1, C*m, filters); computed as a SeparableConv2D over (batch, 1, steps, C)."""

    rank = 1  # padding "valid" or "same": Keras has no "causal" here

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", data_format=None,
                 dilation_rate=1, depth_multiplier: int = 1, **kwargs):
        single = self._single
        super().__init__(filters, (1, single(kernel_size, "kernel_size")), (1, single(strides, "strides")), padding,
                         data_format, (1, single(dilation_rate, "dilation_rate")), depth_multiplier, **kwargs)
