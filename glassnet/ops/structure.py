"""Products, reductions and ops that move values around (reshape, transpose, slicing, ...).

The backward of a structural op puts each gradient value back where its value came from:
reshape reshapes back, transpose transposes back, a slice is scattered into zeros,
concatenate splits the gradient.
"""

from __future__ import annotations

import builtins

import numpy as np

from .function import Function, apply


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        # C = A B:  dA = G B^T,  dB = A^T G  (batched over leading axes; vectors as matrices)
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        grad_a = np.matmul(g2, np.swapaxes(b2, -1, -2))
        grad_b = np.matmul(np.swapaxes(a2, -1, -2), g2)
        if a.ndim == 1:
            grad_a = grad_a.reshape(grad_a.shape[:-2] + (a.shape[0],))
        if b.ndim == 1:
            grad_b = grad_b.reshape(grad_b.shape[:-2] + (b.shape[0],))
        return grad_a, grad_b


class Einsum(Function):
    @staticmethod
    def forward(ctx, *operands, subscripts):
        ctx.save(*operands)
        ctx.subscripts = subscripts
        return np.einsum(subscripts, *operands)

    @staticmethod
    def backward(ctx, g):
        # d/dX_i of einsum(in_1, ..., in_n -> out) is einsum(out, in_j (j != i) -> in_i).
        inputs, output = ctx.subscripts.replace(" ", "").split("->")
        terms = inputs.split(",")
        grads = []
        for i, term in enumerate(terms):
            others = [t for j, t in enumerate(terms) if j != i]
            operands = [ctx.saved[j] for j in range(len(terms)) if j != i]
            letters = set(output).union(*others) if others else set(output)
            missing = [c for c in term if c not in letters]  # summed-out axes of X_i alone: broadcast
            target = "".join(c for c in term if c not in missing)
            grad = np.einsum(",".join([output] + others) + "->" + target, g, *operands)
            if missing:
                shape = [ctx.saved[i].shape[term.index(c)] if c in missing else 1 for c in term]
                expanded = grad.reshape([1 if c in missing else ctx.saved[i].shape[term.index(c)] for c in term])
                grad = np.broadcast_to(expanded, np.maximum(shape, expanded.shape)).copy()
            grads.append(grad)
        return tuple(grads)


class Reshape(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = np.shape(x)
        return np.reshape(x, shape)

    backward = staticmethod(lambda ctx, g: (np.reshape(g, ctx.shape), None))


class Transpose(Function):
    @staticmethod
    def forward(ctx, x, axes=None):
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, g):
        return (np.transpose(g, None if ctx.axes is None else np.argsort(ctx.axes)),)


class ExpandDims(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.shape = np.shape(x)
        return np.expand_dims(x, axis)

    backward = staticmethod(lambda ctx, g: (np.reshape(g, ctx.shape),))


Squeeze = type("Squeeze", (ExpandDims,), {"forward": staticmethod(
    lambda ctx, x, axis=None: (setattr(ctx, "shape", np.shape(x)), np.squeeze(x, axis))[1])})
BroadcastTo = type("BroadcastTo", (Function,), {
    "forward": staticmethod(lambda ctx, x, shape: (setattr(ctx, "shape", np.shape(x)), np.broadcast_to(x, shape).copy())[1]),
    "backward": staticmethod(lambda ctx, g: (g,))})  # the tape sums over the broadcast axes


class GetItem(Function):
    """x[key]: the gradient is scattered into zeros of x's shape (summed where indices repeat)."""

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.dtype, ctx.key = np.shape(x), np.asarray(x).dtype, key
        return np.asarray(x)[key]

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape, np.result_type(ctx.dtype, g.dtype))
        np.add.at(grad, ctx.key, g)
        return grad, None


class Concatenate(Function):
    @staticmethod
    def forward(ctx, *xs, axis=0):
        ctx.axis, ctx.sizes = axis, [np.shape(x)[axis] for x in xs]
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.split(g, np.cumsum(ctx.sizes)[:-1], axis=ctx.axis))


class Stack(Function):
    @staticmethod
    def forward(ctx, *xs, axis=0):
        ctx.axis = axis
        return np.stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.moveaxis(g, ctx.axis, 0))


class Split(Function):
    @staticmethod
    def forward(ctx, x, indices_or_sections, axis=0):
        ctx.axis = axis
        return tuple(np.split(x, indices_or_sections, axis=axis))

    backward = staticmethod(lambda ctx, grads: (np.concatenate(grads, axis=ctx.axis), None))


class Sum(Function):
    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        # Every input value reached the sum once: its gradient is g, broadcast back.
        return (np.broadcast_to(_keep_axes(g, ctx), ctx.shape).copy(),)


class Mean(Sum):
    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        y = np.mean(x, axis=axis, keepdims=keepdims)
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        ctx.count = np.size(x) / builtins.max(np.size(y), 1)  # values averaged into each output
        return y

    @staticmethod
    def backward(ctx, g):
        return (np.broadcast_to(_keep_axes(g, ctx) / ctx.count, ctx.shape).copy(),)


class Max(Function):
    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False, minimum=False):
        y = (np.min if minimum else np.max)(x, axis=axis, keepdims=True)
        ctx.winners = x == y  # ties share the gradient equally
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        return y if keepdims else np.squeeze(y, axis=axis)

    @staticmethod
    def backward(ctx, g):
        share = ctx.winners / ctx.winners.sum(axis=ctx.axis, keepdims=True)
        return (share * _keep_axes(g, ctx), None)


class Var(Function):
    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        centred = x - np.mean(x, axis=axis, keepdims=True)
        ctx.save(centred)
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        ctx.count = centred.size / np.mean(centred, axis=axis, keepdims=True).size
        return np.mean(centred * centred, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        (centred,) = ctx.saved
        return (2.0 * centred / ctx.count * _keep_axes(g, ctx),)   # d var / dx_i = 2 (x_i - mean) / n


def _keep_axes(g, ctx):
    """g with the reduced axes back as size 1, so it broadcasts against the input."""
    if ctx.keepdims or ctx.axis is None:
        return np.reshape(g, [1] * len(ctx.shape)) if ctx.axis is None and not ctx.keepdims else g
    axes = (ctx.axis,) if np.isscalar(ctx.axis) else tuple(ctx.axis)
    return np.expand_dims(g, tuple(a % len(ctx.shape) for a in axes))


class Cast(Function):
    @staticmethod
    def forward(ctx, x, dtype):
        ctx.dtype = np.asarray(x).dtype
        return np.asarray(x).astype(dtype)

    backward = staticmethod(lambda ctx, g: (g.astype(ctx.dtype),))


class _Indices(Function):
    differentiable = False


ArgMax = type("ArgMax", (_Indices,), {"forward": staticmethod(
    lambda ctx, x, axis=None, keepdims=False: np.argmax(x, axis=axis, keepdims=keepdims))})
ArgMin = type("ArgMin", (_Indices,), {"forward": staticmethod(
    lambda ctx, x, axis=None, keepdims=False: np.argmin(x, axis=axis, keepdims=keepdims))})


class CumSum(Function):
    @staticmethod
    def forward(ctx, x, axis=None):
        ctx.shape, ctx.axis = np.shape(x), axis
        return np.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        # y_j = sum_{i<=j} x_i, so dL/dx_i = sum_{j>=i} dL/dy_j: a cumulative sum from the end.
        if ctx.axis is None:
            return (np.cumsum(g[::-1])[::-1].reshape(ctx.shape),)
        return (np.flip(np.cumsum(np.flip(g, ctx.axis), axis=ctx.axis), ctx.axis),)


class Prod(Function):
    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        y = np.prod(x, axis=axis, keepdims=True)
        ctx.save(x, y)
        ctx.shape, ctx.axis, ctx.keepdims = np.shape(x), axis, keepdims
        return y if keepdims else (np.squeeze(y, axis=axis) if axis is not None else y.reshape(()))

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved
        # d(prod)/dx_i = prod / x_i, counted without x_i where x_i is 0
        others = np.where(x != 0, y / np.where(x != 0, x, 1), _prod_without(x, ctx.axis))
        return (others * _keep_axes(g, ctx),)


def _prod_without(x, axis):
    """For each x_i: the product of the others along ``axis`` (used where x_i is 0)."""
    x = np.asarray(x)
    flat_axis = None if axis is None else axis
    moved = x.reshape(-1) if flat_axis is None else np.moveaxis(x, flat_axis, -1)
    result = np.empty_like(moved)
    for i in range(moved.shape[-1]):
        result[..., i] = np.prod(np.delete(moved, i, axis=-1), axis=-1)
    return result.reshape(x.shape) if flat_axis is None else np.moveaxis(result, -1, flat_axis)


class Tile(Function):
    @staticmethod
    def forward(ctx, x, repeats):
        ctx.shape = np.shape(x)
        return np.tile(x, repeats)

    @staticmethod
    def backward(ctx, g):
        # Each copy of x got its own gradient: reshape into (copies, size) pairs and add them.
        shape = (1,) * (g.ndim - len(ctx.shape)) + tuple(ctx.shape)
        pairs = [d for size, full in zip(shape, g.shape) for d in (full // size, size)]
        summed = g.reshape(pairs).sum(axis=tuple(range(0, len(pairs), 2)))
        return (summed.reshape(ctx.shape),)


class Repeat(Function):
    @staticmethod
    def forward(ctx, x, repeats, axis=None):
        ctx.shape, ctx.repeats, ctx.axis = np.shape(x), repeats, axis
        return np.repeat(x, repeats, axis=axis)

    @staticmethod
    def backward(ctx, g):
        axis = 0 if ctx.axis is None else ctx.axis % len(ctx.shape)
        size = int(np.prod(ctx.shape)) if ctx.axis is None else ctx.shape[axis]
        starts = np.concatenate([[0], np.cumsum(np.broadcast_to(ctx.repeats, (size,)))[:-1]])
        return (np.add.reduceat(g, starts, axis=axis).reshape(ctx.shape),)


class Pad(Function):
    @staticmethod
    def forward(ctx, x, pad_width, mode="constant", constant_values=0):
        if mode != "constant":
            raise ValueError(f"ops.pad: glassnet pads with mode='constant', received mode={mode!r}")
        ctx.pad = np.broadcast_to(np.asarray(pad_width), (np.ndim(x), 2))
        return np.pad(x, ctx.pad, constant_values=constant_values)

    @staticmethod
    def backward(ctx, g):
        key = tuple(builtins.slice(before, size - after) for (before, after), size in zip(ctx.pad, g.shape))
        return (g[key],)


class Flip(Function):
    @staticmethod
    def forward(ctx, x, axis=None):
        ctx.axis = axis
        return np.flip(x, axis)

    backward = staticmethod(lambda ctx, g: (np.flip(g, ctx.axis),))


class Roll(Function):
    @staticmethod
    def forward(ctx, x, shift, axis=None):
        ctx.shift, ctx.axis = shift, axis
        return np.roll(x, shift, axis)

    backward = staticmethod(lambda ctx, g: (np.roll(g, np.negative(ctx.shift), ctx.axis),))


class TakeAlongAxis(Function):
    """x's values at ``indices`` along ``axis``; the gradient goes back to where each came from."""

    @staticmethod
    def forward(ctx, x, indices, axis=None):
        indices = np.asarray(indices)
        ctx.shape, ctx.indices, ctx.axis = np.shape(x), indices, axis
        return np.take_along_axis(np.asarray(x), indices, axis=axis)

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape if ctx.axis is not None else (int(np.prod(ctx.shape)),), g.dtype)
        axis = ctx.axis if ctx.axis is not None else 0
        index = list(np.indices(ctx.indices.shape, sparse=True))
        index[axis % grad.ndim] = ctx.indices
        np.add.at(grad, tuple(index), g)
        return grad.reshape(ctx.shape), None


class Tril(Function):
    @staticmethod
    def forward(ctx, x, k=0, upper=False):
        ctx.k, ctx.upper = k, upper
        return (np.triu if upper else np.tril)(x, k)

    backward = staticmethod(lambda ctx, g: ((np.triu if ctx.upper else np.tril)(g, ctx.k),))


_constant_op = lambda name, function: type(name, (_Indices,), {"forward": staticmethod(  # noqa: E731
    lambda ctx, *xs, **options: function(*xs, **options))})
ArgSort = _constant_op("ArgSort", lambda x, axis=-1: np.argsort(x, axis=axis, kind="stable"))
Any = _constant_op("Any", lambda x, axis=None, keepdims=False: np.any(x, axis=axis, keepdims=keepdims))
All = _constant_op("All", lambda x, axis=None, keepdims=False: np.all(x, axis=axis, keepdims=keepdims))
CountNonzero = _constant_op("CountNonzero", lambda x, axis=None: np.count_nonzero(x, axis=axis))


def matmul(x1, x2): return apply(MatMul, x1, x2)
def einsum(subscripts, *operands): return apply(Einsum, *operands, subscripts=subscripts)
def reshape(x, newshape): return apply(Reshape, x, tuple(newshape) if not np.isscalar(newshape) else newshape)
def transpose(x, axes=None): return apply(Transpose, x, axes=None if axes is None else tuple(axes))
def expand_dims(x, axis): return apply(ExpandDims, x, axis=axis)
def squeeze(x, axis=None): return apply(Squeeze, x, axis=axis)
def broadcast_to(x, shape): return apply(BroadcastTo, x, shape=tuple(shape))
def concatenate(xs, axis=0): return apply(Concatenate, *xs, axis=axis)
def stack(x, axis=0): return apply(Stack, *x, axis=axis)
def split(x, indices_or_sections, axis=0): return list(apply(Split, x, indices_or_sections, axis=axis))
def sum(x, axis=None, keepdims=False): return apply(Sum, x, axis=_axis(axis), keepdims=keepdims)  # noqa: A001
def mean(x, axis=None, keepdims=False): return apply(Mean, x, axis=_axis(axis), keepdims=keepdims)
def max(x, axis=None, keepdims=False): return apply(Max, x, axis=_axis(axis), keepdims=keepdims)  # noqa: A001
def min(x, axis=None, keepdims=False): return apply(Max, x, axis=_axis(axis), keepdims=keepdims, minimum=True)  # noqa: A001
def amax(x, axis=None, keepdims=False): return max(x, axis, keepdims)
def amin(x, axis=None, keepdims=False): return min(x, axis, keepdims)
def var(x, axis=None, keepdims=False): return apply(Var, x, axis=_axis(axis), keepdims=keepdims)
def std(x, axis=None, keepdims=False):
    from .elementwise import sqrt
    return sqrt(var(x, axis, keepdims))
def argmax(x, axis=None, keepdims=False): return apply(ArgMax, x, axis=axis, keepdims=keepdims)
def argmin(x, axis=None, keepdims=False): return apply(ArgMin, x, axis=axis, keepdims=keepdims)
def cast(x, dtype): return apply(Cast, x, dtype=np.dtype(dtype))


def dot(x1, x2):
    """As numpy.dot: a matrix product, or the product of scalars / a sum over the last axis."""
    if np.ndim(_raw(x1)) == 0 or np.ndim(_raw(x2)) == 0:
        from .elementwise import multiply
        return multiply(x1, x2)
    return matmul(x1, x2)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 (keras.ops.norm)
    """The Euclidean (ord=None or 2 on vectors, 'fro' on matrices) or L1 (ord=1) norm."""
    from .elementwise import abs as absolute, sqrt, square
    if ord in (None, 2, "fro", "euclidean"):
        return sqrt(sum(square(x), axis=axis, keepdims=keepdims))
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    raise ValueError(f"ops.norm: ord must be None, 1, 2 or 'fro', received {ord!r}")


def getitem(x, key):
    return apply(GetItem, x, _key(key))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _key(key):
    """A slicing key with Tensors (e.g. from argmax) turned into arrays."""
    if isinstance(key, tuple):
        return tuple(_raw(k) for k in key)
    return _raw(key)


def _raw(x):
    from .function import value_of
    return value_of(x)


def cumsum(x, axis=None, dtype=None): return apply(CumSum, x, axis=axis)
def prod(x, axis=None, keepdims=False, dtype=None): return apply(Prod, x, axis=_axis(axis), keepdims=keepdims)
def tile(x, repeats): return apply(Tile, x, repeats=tuple(np.atleast_1d(repeats)))
def repeat(x, repeats, axis=None): return apply(Repeat, x, repeats=repeats, axis=axis)
def pad(x, pad_width, mode="constant", constant_values=None):
    return apply(Pad, x, pad_width=pad_width, mode=mode, constant_values=constant_values or 0)
def flip(x, axis=None): return apply(Flip, x, axis=axis)
def roll(x, shift, axis=None): return apply(Roll, x, shift=shift, axis=axis)
def take_along_axis(x, indices, axis=None): return apply(TakeAlongAxis, x, _raw(indices), axis=axis)
def tril(x, k=0): return apply(Tril, x, k=k)
def triu(x, k=0): return apply(Tril, x, k=k, upper=True)
def argsort(x, axis=-1): return apply(ArgSort, x, axis=axis)
def any(x, axis=None, keepdims=False): return apply(Any, x, axis=_axis(axis), keepdims=keepdims)  # noqa: A001
def all(x, axis=None, keepdims=False): return apply(All, x, axis=_axis(axis), keepdims=keepdims)  # noqa: A001
def count_nonzero(x, axis=None): return apply(CountNonzero, x, axis=_axis(axis))
