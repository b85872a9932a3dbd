"""Conv2DTranspose and Conv1DTranspose (channels-last): the adjoint of a convolution.

A transposed convolution scatters every input pixel, weighted by the kernel, over a window of
the output. That is a convolution's input-gradient pass run forward, so it is computed with
the same two helpers of conv_utils, used the other way round: forward is one matrix product
and ``add_windows`` (a Conv2D's backward), backward is ``window_matrix`` (a Conv2D's im2col)
and two matrix products (a Conv2D's forward).

The size rule is Keras's (keras/src/backend/common/backend_utils.py): a window of span
``(k - 1) * d + 1`` at each of the ``size`` input positions, ``stride`` apart, covers
``(size - 1) * stride + span`` output positions (the "full" output); ``padding`` and
``output_padding`` then cut some of them off at either end, or add zeros at the end
(``full_crops``).
"""

from __future__ import annotations

import numpy as np

from . import conv_utils
from .base import KernelOptions, Layer, activate, activation_gradient, column_sums, _shape_text
from .convolution import StepsAsImage
from .image_reshaping import check_channels_last


def output_length(size: int, kernel: int, stride: int, dilation: int, padding: str, output_padding) -> int:
    """The output length along one axis, as Keras's ``compute_conv_transpose_output_shape``:
    "valid": (size - 1) * stride + span + extra, where extra = output_padding, or by default
    max(span, stride) - span (so that a stride wider than the kernel leaves no gaps);
    "same": size * stride, or (size - 1) * stride + span % 2 + output_padding when given."""
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + span % 2 + output_padding


def full_crops(size: int, kernel: int, stride: int, dilation: int, padding: str, output_padding) -> tuple[int, int]:
    """(before, after): how much of the full output of length (size - 1) * stride + span is cut
    off at each end to leave ``output_length``; a negative ``after`` adds that many zeros.

    These are the paddings Keras hands jax.lax.conv_transpose
    (``_convert_conv_transpose_padding_args_from_keras_to_jax``), seen from the full output:
    cut = span - 1 - pad. "valid" cuts nothing before; "same" cuts
    span - 1 - min(ceil(pad_len / 2), span - 1) before, pad_len = stride + span - 2 (or
    span + span % 2 - 2 + output_padding), and the rest after."""
    span = (kernel - 1) * dilation + 1
    before = 0
    if padding == "same":
        pad_len = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
        before = span - 1 - min(pad_len // 2 + pad_len % 2, span - 1)
    full = (size - 1) * stride + span
    return before, full - before - output_length(size, kernel, stride, dilation, padding, output_padding)


def crop_into(source: np.ndarray, crops, out: np.ndarray) -> np.ndarray:
    """Write ``source`` (N, H, W, C), cut by crops = ((top, bottom), (left, right)) along H and W,
    into ``out``; a negative amount adds zeros there instead. Cropping by -crops is the adjoint
    (it puts a gradient back where the kept part was, zeros elsewhere)."""
    (top, bottom), (left, right) = crops
    if min(top, bottom, left, right) < 0:
        out.fill(0)
    h, w = source.shape[1:3]
    oh, ow = out.shape[1:3]
    out[:, max(-top, 0):oh - max(-bottom, 0), max(-left, 0):ow - max(-right, 0)] = \
        source[:, max(top, 0):h - max(bottom, 0), max(left, 0):w - max(right, 0)]
    return out


class Conv2DTranspose(Layer):
    """Transposed 2-D convolution ("deconvolution"), as Keras's ``layers.Conv2DTranspose``.

    full[n, i*sh + a*dh, j*sw + b*dw, f] += sum_c x[n, i, j, c] K[a, b, f, c], then
    z = full cut to the output size (``full_crops``) + bias[f], a = activation(z).

    Args: filters, kernel_size, strides=(1, 1), padding "valid" | "same", output_padding=None,
    data_format (channels_last only), dilation_rate=(1, 1), activation, use_bias, kernel/bias
    initializers (glorot_uniform / zeros) and regularizers.

    Input shape: (batch, height, width, channels). Output: (batch, out_height, out_width,
    filters), with Keras's ``output_length`` along each axis. Kernel: (kh, kw, filters, channels),
    Keras's layout (a Conv2D's kernel from filters back to channels).

    Forward: cols = x (N*H*W, C) times K seen as (KH*KW*F, C) transposed, each row one input
    pixel's window of contributions, added into ``full`` window by window (``add_windows``).
    Backward, from dz cut back into the full size (zeros where the output was cut):
    dcols = the windows of dfull (im2col, (N*H*W, KH*KW*F)); dK = dcols^T x, dx = dcols K,
    dbias = the sum of dz.
    """

    rank = 2

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        check_channels_last(data_format, self)
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f'{type(self).__name__} "{self.name}": filters must be a positive integer, received {filters!r}')
        self.filters = int(filters)
        self.kernel_size = self._pair(kernel_size, "kernel_size")
        self.strides = self._pair(strides, "strides")
        self.dilation_rate = self._pair(dilation_rate, "dilation_rate")
        self.padding = conv_utils.check_padding(padding, self.name)
        self.output_padding = self._output_padding(output_padding)
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f'{type(self).__name__} "{self.name}": output_padding must be smaller than strides along '
                             f"each axis (as in Keras), received output_padding={self._shown(self.output_padding)} "
                             f"and strides={self._shown(self.strides)}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f'{type(self).__name__} "{self.name}": strides > 1 together with dilation_rate > 1 is not '
                             "supported (nor is it by Keras).")
        KernelOptions(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                      bias_regularizer).apply_to(self)

    def _pair(self, value, argument):
        return conv_utils.as_pair(value, argument, self.name)

    def _output_padding(self, value):
        """None, or an int or pair of ints >= 0 (as_pair wants them positive)."""
        if value is None:
            return None
        if isinstance(value, (int, np.integer)):
            value = (value, value)
        try:
            pair = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise TypeError(f'{type(self).__name__} "{self.name}": output_padding must be None, an int or a pair of '
                            f"ints, received {value!r}") from None
        if len(pair) != 2 or min(pair) < 0:
            raise ValueError(f'{type(self).__name__} "{self.name}": output_padding must be None, an int or a pair of '
                             f"non-negative ints, received {value!r}")
        return pair

    def _shown(self, pair):
        """A pair as the user gave it: two values in 2-D, one in 1-D."""
        return list(pair[2 - self.rank:])

    # Conv1DTranspose reuses everything below by seeing (N, L, C) as (N, 1, L, C).
    def _check_rank(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects 4-D input (batch, height, width, channels), '
                             f"received shape {_shape_text(input_shape)}.")

    def _as_image_shape(self, input_shape):
        return input_shape

    def _from_image_shape(self, shape):
        return shape

    def _image(self, x):
        return x

    def _from_image(self, a):
        return a

    def _axis_options(self, axis):
        """(kernel, stride, dilation, padding, output_padding) along image axis 0 or 1."""
        extra = None if self.output_padding is None else self.output_padding[axis]
        return self.kernel_size[axis], self.strides[axis], self.dilation_rate[axis], self.padding, extra

    def build(self, input_shape):
        self._check_rank(input_shape)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f'{type(self).__name__} "{self.name}": the channel axis of the input must be known, '
                             f"received {_shape_text(input_shape)}.")
        shape = tuple(self.kernel_size[2 - self.rank:]) + (self.filters, channels)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        image = self._as_image_shape(input_shape)
        lengths = []
        for axis in (0, 1):
            size = image[axis + 1]
            length = None if size is None else output_length(size, *self._axis_options(axis))
            if length is not None and length <= 0:
                # (padding="same", output_padding=0, an even kernel span and an input of length 1.)
                # Keras would give an empty tensor here; glassnet refuses, as both do for a Conv2D.
                raise ValueError(f'{type(self).__name__} "{self.name}": input shape {_shape_text(input_shape)} gives an '
                                 f'output of length 0 with padding="same" and output_padding='
                                 f"{self._shown(self.output_padding)}; use a larger output_padding, an odd kernel "
                                 "size or a longer input.")
            lengths.append(length)
        return self._from_image_shape((input_shape[0], lengths[0], lengths[1], self.filters))

    def _kernel_2d(self):
        """K as (KH*KW*F, C): row (a*KW + b)*F + f holds K[a, b, f, :]."""
        return self.kernel.value.reshape(-1, self.kernel.shape[-1])

    def forward(self, x, training=False):
        image = self._image(x)
        n, h, w, channels = image.shape
        (kh, kw), f = self.kernel_size, self.filters
        options = [self._axis_options(axis) for axis in (0, 1)]
        full_hw = tuple((size - 1) * o[1] + (o[0] - 1) * o[2] + 1 for size, o in zip((h, w), options))
        crops = tuple(full_crops(size, *o) for size, o in zip((h, w), options))
        out_hw = tuple(full - before - after for full, (before, after) in zip(full_hw, crops))
        if min(out_hw) <= 0:  # an input whose size was unknown when the layer was built
            self.compute_output_shape(x.shape)
        dtype = np.result_type(image, self.kernel.value)
        kernel_2d = self._kernel_2d()
        x2d = image.reshape(-1, channels)
        cols = np.matmul(x2d, kernel_2d.T, out=self.scratch("cols", (len(x2d), len(kernel_2d)), dtype))
        full = conv_utils.add_windows(cols.reshape(n, h, w, kh, kw, f), self.strides, self.dilation_rate,
                                      out=self.scratch("full", (n,) + full_hw + (f,), dtype))
        z = crop_into(full, crops, out=self.scratch("z", (n,) + out_hw + (f,), dtype))
        if self.use_bias:
            z += self.bias.value
        a = activate(self, z)
        self._saved = (image, z, a, full_hw, crops, x.shape)
        return self._from_image(a)

    @property
    def preactivation(self):
        return self._from_image(self._saved[1])

    def backward(self, grad_output, need_input_grad=True, grad_is_preactivation=False):
        image, z, a, full_hw, crops, input_shape = self._saved
        grad_output = self._image(grad_output)
        dz = grad_output if grad_is_preactivation else activation_gradient(self, z, a, grad_output)
        n, h, w, channels = image.shape
        (kh, kw), f = self.kernel_size, self.filters
        negated = tuple((-before, -after) for before, after in crops)
        dfull = crop_into(dz, negated, out=self.scratch("dfull", (n,) + full_hw + (f,), dz.dtype))
        dcols = self.scratch("dcols", (n * h * w, kh * kw * f), dz.dtype)
        conv_utils.window_matrix(dfull, self.kernel_size, self.strides, self.dilation_rate, (h, w), out=dcols)
        x2d = image.reshape(-1, channels)
        kernel_2d = self._kernel_2d()
        np.matmul(dcols.T, x2d, out=self.kernel.grad.reshape(kernel_2d.shape))
        if self.use_bias:
            column_sums(dz.reshape(-1, f), out=self.bias.grad)
        if not need_input_grad:
            return None
        dx = np.matmul(dcols, kernel_2d, out=self.scratch("dx", x2d.shape, dz.dtype))
        return dx.reshape(input_shape)

    def get_config(self):
        shown = self._shown
        return {**super().get_config(), "filters": self.filters, "kernel_size": shown(self.kernel_size),
                "strides": shown(self.strides), "padding": self.padding,
                "output_padding": None if self.output_padding is None else shown(self.output_padding),
                "data_format": "channels_last", "dilation_rate": shown(self.dilation_rate),
                **KernelOptions.config_of(self)}


class Conv1DTranspose(StepsAsImage, Conv2DTranspose):
    """Transposed 1-D convolution over (batch, steps, channels), as Keras's
    ``layers.Conv1DTranspose``: full[n, i*s + a*d, f] += sum_c x[n, i, c] K[a, f, c], cut to
    Keras's output length, plus bias. Kernel: (k, filters, channels). Computed as a
    Conv2DTranspose over (batch, 1, steps, channels)."""

    rank = 1

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", output_padding=None,
                 data_format=None, dilation_rate=1, **kwargs):
        single = self._single
        output_padding = None if output_padding is None else (0, single(output_padding, "output_padding"))
        super().__init__(filters, (1, single(kernel_size, "kernel_size")), (1, single(strides, "strides")), padding,
                         output_padding, data_format, (1, single(dilation_rate, "dilation_rate")), **kwargs)


__all__ = ["Conv1DTranspose", "Conv2DTranspose"]
