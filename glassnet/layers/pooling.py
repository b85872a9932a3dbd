"""Pooling layers (channels-last): max and average over windows, and global pooling."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool
from ..engine import kernels
from . import conv_utils
from .base import Layer, _shape_text


class _Pooling2D(Layer):
    """Shared window arithmetic. When the windows tile the input exactly (stride = pool size,
    "valid", the usual 2x2 case) the input is reshaped to (N, OH, PH, OW, PW, C) and reduced
    over the two window axes; otherwise a strided view of the windows is used."""

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = conv_utils.as_pair(pool_size, "pool_size", self.name)
        self.strides = self.pool_size if strides is None else conv_utils.as_pair(strides, "strides", self.name)
        self.padding = conv_utils.check_padding(padding, self.name)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 4:
            hint = " Add a channel axis: x = np.expand_dims(x, -1)." if len(input_shape) == 3 else ""
            raise ValueError(f'{type(self).__name__} "{self.name}" expects 4-D input (batch, height, width, channels), '
                             f"received shape {_shape_text(input_shape)}.{hint}")
        lengths = []
        for axis in (1, 2):
            size = input_shape[axis]
            length = None if size is None else conv_utils.output_length(
                size, self.pool_size[axis - 1], self.strides[axis - 1], 1, self.padding)
            if length is not None and length <= 0:
                raise ValueError(f'{type(self).__name__} "{self.name}": pool_size {self.pool_size} is larger than the '
                                 f"input {_shape_text(input_shape)} with padding=\"valid\"; use padding=\"same\" "
                                 "or a smaller pool.")
            lengths.append(length)
        return (input_shape[0], lengths[0], lengths[1], input_shape[3])

    def _windows_side_by_side(self) -> bool:
        """Windows that neither overlap nor need padding (stride = pool size, "valid")."""
        return self.padding == "valid" and self.strides == self.pool_size

    def _tiles(self, x) -> bool:
        """Side-by-side windows that also cover the input exactly (no remainder)."""
        return (self._windows_side_by_side()
                and x.shape[1] % self.pool_size[0] == 0 and x.shape[2] % self.pool_size[1] == 0)

    def _windows(self, x, fill):
        pads = conv_utils.pad_amounts(x.shape, self.pool_size, self.strides, (1, 1), self.padding)
        padded = conv_utils.pad(x, pads, fill)
        out_hw = tuple(conv_utils.output_length(x.shape[axis], self.pool_size[axis - 1], self.strides[axis - 1], 1,
                                                self.padding) for axis in (1, 2))
        return conv_utils.sliding_windows(padded, self.pool_size, self.strides, (1, 1), out_hw), padded.shape, pads

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding}


class MaxPooling2D(_Pooling2D):
    """y = max over each window. Backward sends each output's gradient to the first input of
    its window (in row-major order) that holds the maximum: ties, common after ReLU, get one
    share, not one each."""

    def _offsets(self, x):
        """One view per window offset (a, b): shape (N, OH, OW, C) each, in row-major order."""
        ph, pw = self.pool_size
        if self._tiles(x):
            return [x[:, a::ph, b::pw, :] for a in range(ph) for b in range(pw)], None
        windows, padded_shape, pads = self._windows(x, -np.inf)
        return [windows[:, :, :, a, b, :] for a in range(ph) for b in range(pw)], (windows.shape, padded_shape, pads)

    def forward(self, x, training=False):
        if self._compiled():
            return self._forward_fused(kernels.get("maxpool_forward"), x)
        offsets, geometry = self._offsets(x)
        y = np.maximum(offsets[0], offsets[1]) if len(offsets) > 1 else offsets[0].copy()
        for view in offsets[2:]:
            np.maximum(y, view, out=y)
        self._saved = ("numpy", x.shape, offsets, y, geometry)
        return y

    def _forward_fused(self, kernel, x, relu=False):
        n, h, w, c = x.shape
        ph, pw = self.pool_size
        y = self.scratch("y", (n, h // ph, w // pw, c), x.dtype)
        argmax = self.scratch("argmax", y.shape, np.uint8)
        kernel(np.ascontiguousarray(x), ph, pw, y, argmax, relu)
        self._saved = ("fused", x.shape, argmax)
        return y

    def _compiled(self) -> bool:
        """Side-by-side windows, and the compiled kernels are there to pool them."""
        return self._windows_side_by_side() and kernels.get("maxpool_forward") is not None

    def can_absorb_relu(self) -> bool:
        """Whether ``forward_of_relu`` can run."""
        return self._compiled()

    def forward_of_relu(self, z):
        """y = max over each window of relu(z), in one pass over the pre-activation z of the
        layer below: ReLU never decreases, so max(relu(z)) = relu(max(z)). ``backward`` then
        returns dL/dz itself: the gradient reaches a window's first maximum when that maximum
        is positive, and nothing else (relu'(z) = 0 for z <= 0). Needs ``can_absorb_relu()``."""
        return self._forward_fused(kernels.get("maxpool_forward"), z, relu=True)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        if self._saved[0] == "fused":
            _, input_shape, argmax = self._saved
            grad = self.scratch("grad", input_shape, grad_output.dtype)
            ph, pw = self.pool_size
            # The kernel writes every entry inside a window; rows and columns past the last
            # window get no gradient.
            grad[:, input_shape[1] - input_shape[1] % ph:] = 0
            grad[:, :, input_shape[2] - input_shape[2] % pw:] = 0
            kernels.get("maxpool_backward")(np.ascontiguousarray(grad_output), argmax, ph, pw, grad)
            return grad
        _, input_shape, offsets, y, geometry = self._saved
        if geometry is None:
            grad = np.zeros(input_shape, dtype=grad_output.dtype)
            ph, pw = self.pool_size
            targets = [grad[:, a::ph, b::pw, :] for a in range(ph) for b in range(pw)]
        else:
            windows_shape, padded_shape, pads = geometry
            grad_windows = np.zeros(windows_shape, dtype=grad_output.dtype)
            targets = [grad_windows[:, :, :, a, b, :] for a in range(self.pool_size[0]) for b in range(self.pool_size[1])]
        taken = None
        hit = np.empty(y.shape, dtype=bool)
        for view, target in zip(offsets, targets):
            np.equal(view, y, out=hit)
            if taken is None:
                taken = hit.copy()
            else:
                np.greater(hit, taken, out=hit)  # a maximum not yet claimed by an earlier offset
                taken |= hit
            np.multiply(hit, grad_output, out=target)
        if geometry is None:
            return grad
        grad_padded = conv_utils.add_windows(grad_windows, self.strides, (1, 1),
                                             out=self.scratch("grad_padded", padded_shape, grad_output.dtype))
        return conv_utils.unpad(grad_padded, pads)


class AveragePooling2D(_Pooling2D):
    """y = mean over each window; with "same" padding the padded zeros are not counted, as in
    Keras. Backward spreads each output's gradient evenly over its window."""

    def forward(self, x, training=False):
        if self._tiles(x):
            n, h, w, c = x.shape
            ph, pw = self.pool_size
            y = x.reshape(n, h // ph, ph, w // pw, pw, c).mean(axis=(2, 4))
            self._saved = ("tiles", x.shape)
            return y
        windows, padded_shape, pads = self._windows(x, 0.0)
        ones = np.ones((1,) + x.shape[1:3] + (1,), dtype=x.dtype)
        count_windows, _, _ = self._windows(ones, 0.0)
        counts = count_windows.sum(axis=(3, 4))
        y = windows.sum(axis=(3, 4)) / counts
        self._saved = ("windows", (padded_shape, pads, counts))
        return y

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        kind, extra = self._saved
        ph, pw = self.pool_size
        if kind == "tiles":
            spread = np.broadcast_to((grad_output / (ph * pw))[:, :, None, :, None, :],
                                     grad_output.shape[:2] + (ph,) + (grad_output.shape[2], pw, grad_output.shape[3]))
            return spread.reshape(extra)
        padded_shape, pads, counts = extra
        share = grad_output / counts
        grad_windows = np.broadcast_to(share[:, :, :, None, None, :], share.shape[:3] + (ph, pw, share.shape[3]))
        grad_padded = conv_utils.add_windows(grad_windows, self.strides, (1, 1),
                                             out=self.scratch("grad_padded", padded_shape, grad_output.dtype))
        return conv_utils.unpad(grad_padded, pads)


class _GlobalPooling2D(Layer):
    def __init__(self, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = check_bool(keepdims, "keepdims", f'{type(self).__name__} "{self.name}"')

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects 4-D input (batch, height, width, channels), '
                             f"received shape {_shape_text(input_shape)}.")
        return (input_shape[0], 1, 1, input_shape[3]) if self.keepdims else (input_shape[0], input_shape[3])

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling2D):
    """y[n, c] = mean over height and width; backward spreads the gradient evenly."""

    def forward(self, x, training=False):
        self._saved = x.shape
        return x.mean(axis=(1, 2), keepdims=self.keepdims)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        n, h, w, c = self._saved
        return np.broadcast_to(grad_output.reshape(n, 1, 1, c) / (h * w), self._saved).copy()


class GlobalMaxPooling2D(_GlobalPooling2D):
    """y[n, c] = max over height and width; backward routes the gradient to the first maximum."""

    def forward(self, x, training=False):
        n, h, w, c = x.shape
        flat = x.reshape(n, h * w, c)
        argmax = flat.argmax(axis=1)
        self._saved = (argmax, x.shape)
        y = np.take_along_axis(flat, argmax[:, None, :], axis=1)
        return y.reshape(n, 1, 1, c) if self.keepdims else y.reshape(n, c)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        argmax, input_shape = self._saved
        n, h, w, c = input_shape
        grad = np.zeros((n, h * w, c), dtype=grad_output.dtype)
        np.put_along_axis(grad, argmax[:, None, :], grad_output.reshape(n, 1, c), axis=1)
        return grad.reshape(input_shape)
