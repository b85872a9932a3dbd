"""Ops written with other ops: their gradients come from the parts, through the tape.

    sort(x)           take_along_axis(x, argsort(x))
    top_k(x, k)       the k largest along the last axis, and where they were
    tensordot, outer  einsum with the subscripts the axes give
    moments(x, axes)  (mean, variance)
    normalize(x)      x / max(||x||, epsilon)
    crossentropies    per sample, from probabilities (clipped) or logits, as keras.ops gives them
"""

from __future__ import annotations

import numpy as np

from . import elementwise as E
from . import nn
from . import structure as S

EPSILON = 1e-7  # Keras's backend epsilon


def array(x, dtype=None):
    from . import convert_to_tensor
    return convert_to_tensor(x, dtype)


def copy(x):
    from .function import value_of
    from .tape import Tensor
    return S.reshape(x, tuple(x.shape)) if isinstance(x, Tensor) else np.array(value_of(x), copy=True)


def sort(x, axis=-1):
    return S.take_along_axis(x, S.argsort(x, axis=axis), axis=axis)


def top_k(x, k, sorted=True):  # noqa: A002 (keras.ops.top_k)
    """(values, indices) of the k largest entries along the last axis, largest first."""
    from .function import value_of
    indices = np.argsort(-np.asarray(value_of(x)), axis=-1, kind="stable")[..., :k]
    return S.take_along_axis(x, indices, axis=-1), indices


def tensordot(x1, x2, axes=2):
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if isinstance(axes, int):
        axes = (list(range(rank1 - axes, rank1)), list(range(axes)))
    axes1, axes2 = ([a % rank1 for a in np.atleast_1d(axes[0])], [a % rank2 for a in np.atleast_1d(axes[1])])
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    first = [next(letters) for _ in range(rank1)]
    second = [next(letters) for _ in range(rank2)]
    for a, b in zip(axes1, axes2):
        second[b] = first[a]
    out = [c for i, c in enumerate(first) if i not in axes1] + [c for i, c in enumerate(second) if i not in axes2]
    return S.einsum(f"{''.join(first)},{''.join(second)}->{''.join(out)}", x1, x2)


def outer(x1, x2):
    return S.einsum("i,j->ij", S.reshape(x1, (-1,)), S.reshape(x2, (-1,)))


def hstack(xs):
    return S.concatenate(xs, axis=0 if len(xs[0].shape) == 1 else 1)


def vstack(xs):
    return S.concatenate([S.reshape(x, (1, -1)) if len(x.shape) == 1 else x for x in xs], axis=0)


def unstack(x, num=None, axis=0):
    return [S.squeeze(part, axis=axis) for part in S.split(x, x.shape[axis], axis=axis)]


def moments(x, axes, keepdims=False, synchronized=False):
    return S.mean(x, axis=axes, keepdims=keepdims), S.var(x, axis=axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its norm along ``axis`` (at least ``epsilon``, 1e-12 for order 2 as Keras)."""
    if order != 2:
        norm = S.sum(E.abs(x), axis=axis, keepdims=True) if order == 1 else S.norm(x, ord=order, axis=axis, keepdims=True)
    else:
        norm = E.sqrt(S.sum(E.square(x), axis=axis, keepdims=True))
    return E.divide(x, E.maximum(norm, 1e-12 if epsilon is None else epsilon))


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise -(t log p + (1 - t) log(1 - p)); from logits z: max(z, 0) - z t + log(1 + e^-|z|)."""
    if from_logits:
        return E.add(E.subtract(nn.relu(output), E.multiply(output, target)), E.log1p(E.exp(E.negative(E.abs(output)))))
    p = E.clip(output, EPSILON, 1 - EPSILON)
    return E.negative(E.add(E.multiply(target, E.log(p)), E.multiply(E.subtract(1.0, target), E.log(E.subtract(1.0, p)))))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per sample -sum(t log p) over ``axis``; probabilities are first rescaled to sum to 1."""
    if from_logits:
        return E.negative(S.sum(E.multiply(target, nn.log_softmax(output, axis=axis)), axis=axis))
    p = E.divide(output, S.sum(output, axis=axis, keepdims=True))
    return E.negative(S.sum(E.multiply(target, E.log(E.clip(p, EPSILON, 1 - EPSILON))), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .function import value_of
    classes = output.shape[axis]
    labels = np.asarray(value_of(target)).astype(int)
    if labels.ndim == len(output.shape):
        labels = labels.squeeze(axis)
    return categorical_crossentropy(np.eye(classes, dtype=np.float32)[labels], output, from_logits, axis)


def is_tensor(x) -> bool:
    from .tape import Tensor
    return isinstance(x, (np.ndarray, Tensor))


def dtype(x) -> str:
    return np.dtype(getattr(x, "dtype", np.asarray(x).dtype)).name
