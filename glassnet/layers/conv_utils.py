"""Shared arithmetic of convolution and pooling windows (channels-last).

``sliding_windows`` turns (N, H, W, C) into a strided view (N, OH, OW, KH, KW, C) of every
window, without copying. ``add_windows`` is its adjoint: it adds window gradients back into
the image, looping over the KH*KW kernel offsets only (never over samples or pixels).
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import kernels


def as_pair(value, argument: str, layer: str) -> tuple[int, int]:
    from ..utils.validation import check_pair
    return check_pair(value, argument, f'Layer "{layer}"')


def check_padding(padding: str, layer: str, allowed=("valid", "same")) -> str:
    padding = str(padding).lower()
    if padding not in allowed:
        names = " or ".join(f'"{p}"' for p in allowed) if len(allowed) < 3 else \
            ", ".join(f'"{p}"' for p in allowed[:-1]) + f' or "{allowed[-1]}"'
        raise ValueError(f'Layer "{layer}": padding must be {names}, received {padding!r}')
    return padding


def output_length(size: int, window: int, stride: int, dilation: int, padding: str) -> int:
    """Output length along one axis; "same" and "causal" keep ceil(size / stride), as Keras."""
    if padding in ("same", "causal"):
        return math.ceil(size / stride)
    span = (window - 1) * dilation + 1
    return (size - span) // stride + 1


def same_padding(size: int, window: int, stride: int, dilation: int) -> tuple[int, int]:
    """(before, after) zeros for "same"; the odd one goes after (bottom/right), as TensorFlow."""
    span = (window - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def pad_amounts(shape, window, strides, dilation, padding):
    """((top, bottom), (left, right)) zeros around an NHWC image. "causal" (Conv1D, whose steps
    are the image's columns) pads only before, by the kernel's span less one, so that output t
    sees inputs up to t and no later."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "causal":
        return ((window[0] - 1) * dilation[0], 0), ((window[1] - 1) * dilation[1], 0)
    return (same_padding(shape[1], window[0], strides[0], dilation[0]),
            same_padding(shape[2], window[1], strides[1], dilation[1]))


def pad(x: np.ndarray, pads, value: float = 0.0) -> np.ndarray:
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def sliding_windows(x: np.ndarray, window, strides, dilation, out_hw) -> np.ndarray:
    """View of shape (N, OH, OW, KH, KW, C): element [n, i, j, a, b, c] is
    x[n, i * sh + a * dh, j * sw + b * dw, c]."""
    sn, sh, sw, sc = x.strides
    shape = (x.shape[0], out_hw[0], out_hw[1], window[0], window[1], x.shape[3])
    strides_ = (sn, sh * strides[0], sw * strides[1], sh * dilation[0], sw * dilation[1], sc)
    return np.lib.stride_tricks.as_strided(x, shape, strides_, writeable=False)


def window_matrix(padded: np.ndarray, window, strides, dilation, out_hw, out: np.ndarray) -> None:
    """im2col: fill the first KH*KW*C columns of ``out``, an (N*OH*OW, >= KH*KW*C) matrix, so
    that row (n, i, j), column (a*KW + b)*C + c holds padded[n, i*sh + a*dh, j*sw + b*dw, c]."""
    channels = padded.shape[3]
    target = out[:, :window[0] * window[1] * channels].reshape(
        padded.shape[0], out_hw[0], out_hw[1], window[0], window[1], channels)
    if not np.shares_memory(target, out):  # reshape must give a view, or the copies would be lost
        raise AssertionError("im2col target is not a view of its matrix")
    windows = sliding_windows(padded, window, strides, dilation, out_hw)
    if channels > 1:
        np.copyto(target, windows)  # runs of KW*C contiguous values: one copy is fastest
        return
    # One channel: copying image rows once per kernel offset is 3-4x faster than the above.
    for a in range(window[0]):
        for b in range(window[1]):
            target[:, :, :, a, b, :] = windows[:, :, :, a, b, :]


def add_windows(grad_windows: np.ndarray, strides, dilation, out: np.ndarray) -> np.ndarray:
    """The adjoint of ``sliding_windows``: set ``out`` (the padded input's shape) to the sum of
    the window gradients (N, OH, OW, KH, KW, C) that cover each of its entries."""
    out.fill(0)
    fused = kernels.get("add_windows")
    if fused is not None:
        fused(np.ascontiguousarray(grad_windows), strides[0], strides[1], dilation[0], dilation[1], out)
        return out
    _, oh, ow, kh, kw, _ = grad_windows.shape
    for a in range(kh):
        for b in range(kw):
            top, left = a * dilation[0], b * dilation[1]
            out[:, top:top + strides[0] * (oh - 1) + 1:strides[0],
                left:left + strides[1] * (ow - 1) + 1:strides[1], :] += grad_windows[:, :, :, a, b, :]
    return out


def unpad(x: np.ndarray, pads) -> np.ndarray:
    (top, bottom), (left, right) = pads
    return x[:, top:x.shape[1] - bottom, left:x.shape[2] - right, :]
