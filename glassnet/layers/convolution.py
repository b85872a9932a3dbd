"""Conv2D and Conv1D (channels-last), as im2col and one matrix product."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_positive_int
from . import conv_utils
from .base import KernelOptions, Layer, activate, activation_gradient, _shape_text


class Conv2D(Layer):
    """2-D convolution: z[n, i, j, f] = sum_{a, b, c} x[n, i*s + a*d, j*s + b*d, c] K[a, b, c, f] + bias[f].

    Args: filters, kernel_size, strides=(1, 1), padding "valid" | "same", dilation_rate=(1, 1),
    activation, use_bias, kernel/bias initializers (glorot_uniform / zeros) and regularizers.

    Input shape: (batch, height, width, channels). Output: (batch, out_height, out_width, filters).
    Kernel: (kh, kw, channels, filters).

    Forward gathers every window into a matrix ``cols`` of shape (N*OH*OW, KH*KW*C) and
    multiplies it by the kernel seen as (KH*KW*C, F); with a bias, ``cols`` gets a last column
    of ones and the kernel a last row holding the bias, so the one product also adds the bias.
    Backward, with dz of shape (N*OH*OW, F): dK = cols^T dz, and dbias = sum of dz over rows
    comes out of the same product as its last row; dcols = dz K^T, added back window by window.
    """

    rank = 2
    paddings = ("valid", "same")  # Conv1D adds "causal"

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid", dilation_rate=(1, 1),
                 activation=None, use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, data_format=None,
                 groups: int = 1, **kwargs):
        super().__init__(**kwargs)
        from .image_reshaping import check_channels_last
        check_channels_last(data_format, self)
        if groups != 1:
            raise ValueError(f'{type(self).__name__} "{self.name}": groups={groups!r} (grouped convolution) is not '
                             "supported by glassnet; groups must be 1.")
        self.filters = check_positive_int(filters, "filters", f'{type(self).__name__} "{self.name}"')
        self.kernel_size = self._pair(kernel_size, "kernel_size")
        self.strides = self._pair(strides, "strides")
        self.dilation_rate = self._pair(dilation_rate, "dilation_rate")
        self.padding = conv_utils.check_padding(padding, self.name, self.paddings)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f'{type(self).__name__} "{self.name}": strides > 1 together with dilation_rate > 1 is not '
                             "supported (nor is it by Keras).")
        KernelOptions(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                      bias_regularizer, owner=f'{type(self).__name__} "{self.name}"').apply_to(self)

    def _pair(self, value, argument):
        return conv_utils.as_pair(value, argument, self.name)

    # Conv1D reuses everything below by seeing (N, L, C) as (N, 1, L, C).
    def _as_image_shape(self, input_shape):
        return input_shape

    def _check_rank(self, input_shape):
        if len(input_shape) != 4:
            hint = (" For single-channel images add a channel axis: x = np.expand_dims(x, -1)."
                    if len(input_shape) == 3 else "")
            raise ValueError(f'Conv2D "{self.name}" expects 4-D input (batch, height, width, channels), received '
                             f"shape {_shape_text(input_shape)}.{hint}")

    def build(self, input_shape):
        self._check_rank(input_shape)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f'{type(self).__name__} "{self.name}": the channel axis of the input must be known, '
                             f"received {_shape_text(input_shape)}.")
        shape = tuple(k for k in self.kernel_size[2 - self.rank:]) + (channels, self.filters)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        image = self._as_image_shape(input_shape)
        lengths = []
        for axis in (1, 2):
            size = image[axis]
            if size is None:
                lengths.append(None)
                continue
            length = conv_utils.output_length(size, self.kernel_size[axis - 1], self.strides[axis - 1],
                                              self.dilation_rate[axis - 1], self.padding)
            if length <= 0:
                span = (self.kernel_size[axis - 1] - 1) * self.dilation_rate[axis - 1] + 1
                raise ValueError(
                    f'{type(self).__name__} "{self.name}": the kernel spans {span} pixels but the input is only '
                    f"{size} along that axis (input shape {_shape_text(input_shape)}), so padding=\"valid\" leaves "
                    "nothing. Use padding=\"same\", a smaller kernel, or a larger input.")
            lengths.append(length)
        return self._from_image_shape((input_shape[0], lengths[0], lengths[1], self.filters))

    def _from_image_shape(self, shape):
        return shape

    def _kernel_2d(self):
        return self.kernel.value.reshape(-1, self.filters)

    def _image(self, x):
        return x

    def forward(self, x, training=False, apply_activation=True, whole_windows=None):
        """With apply_activation=False the output is z, before the activation; a layer above
        that applies it (see engine/fusion.py) then hands backward dL/dz. With
        whole_windows=(ph, pw) only the outputs inside whole side-by-side ph x pw windows are
        computed (those that a pooling above reads): rows and columns past them are left out."""
        image = self._image(x)
        pads = conv_utils.pad_amounts(image.shape, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        padded = conv_utils.pad(image, pads)
        out_hw = tuple(conv_utils.output_length(image.shape[axis], self.kernel_size[axis - 1], self.strides[axis - 1],
                                                self.dilation_rate[axis - 1], self.padding) for axis in (1, 2))
        if whole_windows is not None:
            out_hw = (out_hw[0] - out_hw[0] % whole_windows[0], out_hw[1] - out_hw[1] % whole_windows[1])
        rows, columns = image.shape[0] * out_hw[0] * out_hw[1], self.kernel.value[..., 0].size
        dtype = np.result_type(padded, self.kernel.value)
        cols = self.scratch("cols", (rows, columns + self.use_bias), dtype)
        conv_utils.window_matrix(padded, self.kernel_size, self.strides, self.dilation_rate, out_hw, out=cols)
        weights = self.scratch("kernel_and_bias", (columns + self.use_bias, self.filters), dtype)
        weights[:columns] = self._kernel_2d()
        if self.use_bias:
            cols[:, columns] = 1
            weights[columns] = self.bias.value
        z = np.matmul(cols, weights, out=self.scratch("z", (rows, self.filters), dtype))
        z = z.reshape(image.shape[0], out_hw[0], out_hw[1], self.filters)
        a = activate(self, z) if apply_activation else z
        self._saved = (cols, z, a, padded.shape, pads, x.shape)
        return self._from_image(a)

    def _from_image(self, a):
        return a

    @property
    def preactivation(self):
        return self._from_image(self._saved[1])

    def backward(self, grad_output, need_input_grad=True, grad_is_preactivation=False):
        cols, z, a, padded_shape, pads, input_shape = self._saved
        grad_output = self._image(grad_output)
        dz = grad_output if grad_is_preactivation else activation_gradient(self, z, a, grad_output)
        dz2d = dz.reshape(-1, self.filters)
        kernel_2d = self._kernel_2d()
        # The column of ones in cols turns the same product's last row into dbias = sum of dz.
        grads = np.matmul(cols.T, dz2d, out=self.scratch("kernel_and_bias_grad", (cols.shape[1], self.filters),
                                                         dz2d.dtype))
        self.kernel.grad.reshape(kernel_2d.shape)[...] = grads[:len(kernel_2d)]
        if self.use_bias:
            self.bias.grad[...] = grads[len(kernel_2d)]
        if not need_input_grad:
            return None
        return self.input_gradient(dz, padded_shape, pads, input_shape)

    def input_gradient(self, dz, padded_shape, pads, input_shape):
        """dL/dx from dL/dz (N, OH, OW, F): dcols = dz K^T, each window's row added back where
        the window lies in the (padded) input."""
        kernel_2d = self._kernel_2d()
        dz2d = dz.reshape(-1, self.filters)
        kh, kw = self.kernel_size
        dcols = np.matmul(dz2d, kernel_2d.T, out=self.scratch("dcols", (len(dz2d), len(kernel_2d)), dz2d.dtype))
        dpadded = conv_utils.add_windows(dcols.reshape(dz.shape[:3] + (kh, kw, padded_shape[3])), self.strides,
                                         self.dilation_rate, out=self.scratch("dpadded", padded_shape, dz2d.dtype))
        return conv_utils.unpad(dpadded, pads).reshape(input_shape)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size[2 - self.rank:]),
                "strides": list(self.strides[2 - self.rank:]), "padding": self.padding, "data_format": "channels_last",
                "dilation_rate": list(self.dilation_rate[2 - self.rank:]), "groups": 1,
                **KernelOptions.config_of(self)}


class StepsAsImage:
    """For a 1-D layer computed by its 2-D twin: (batch, steps, channels) seen as
    (batch, 1, steps, channels) on the way in and back on the way out."""

    @classmethod
    def _single(cls, value, argument):
        if isinstance(value, (tuple, list)):
            if len(value) != 1:
                raise ValueError(f"{cls.__name__}: {argument} must be an integer or a 1-tuple, received {value!r}.")
            value = value[0]
        return value

    def _check_rank(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects 3-D input (batch, steps, channels), '
                             f"received shape {_shape_text(input_shape)}.")

    def _as_image_shape(self, input_shape):
        return (input_shape[0], 1, input_shape[1], input_shape[2])

    def _from_image_shape(self, shape):
        return (shape[0], shape[2], shape[3])

    def _image(self, x):
        return x.reshape(x.shape[0], 1, x.shape[1], x.shape[2])

    def _from_image(self, a):
        return a.reshape(a.shape[0], a.shape[2], a.shape[3])


class Conv1D(StepsAsImage, Conv2D):
    """1-D convolution over (batch, steps, channels) with a kernel of shape (k, channels, filters);
    computed as a Conv2D over (batch, 1, steps, channels). ``padding="causal"`` pads only before
    the first step, (k - 1) * dilation_rate zeros, so that output t depends on steps up to t."""

    rank = 1
    paddings = ("valid", "same", "causal")

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", dilation_rate=1, **kwargs):
        single = self._single  # data_format and groups, as Conv2D takes them, travel in kwargs
        super().__init__(filters, (1, single(kernel_size, "kernel_size")), (1, single(strides, "strides")),
                         padding, (1, single(dilation_rate, "dilation_rate")), **kwargs)
