"""``glassnet.ops``: the commonly used part of ``keras.ops``, on NumPy.

On NumPy arrays an op computes at once and returns an array. Inside a layer's ``call`` during
training, ops on the layer's inputs and weights are recorded on a tape (ops/tape.py), so a
layer written with only ``build`` and ``call`` trains: its backward pass is the ops' backward
passes, replayed in reverse. On symbolic tensors (``glassnet.Input``) an op adds a node to the
functional graph.

    from glassnet import ops
    y = ops.matmul(x, w) + b            # arrays in, an array out
    ops.softmax(ops.convert_to_tensor([[1.0, 2.0]]))
"""

from __future__ import annotations

import numpy as np

from .composite import (array, binary_crossentropy, categorical_crossentropy, copy, dtype, hstack, is_tensor,
                        moments, normalize, outer, sort, sparse_categorical_crossentropy, tensordot, top_k, unstack,
                        vstack)
from .elementwise import (abs, absolute, add, arccos, arcsin, arctan, ceil, clip, cos, cosh, divide, equal, erf,  # noqa: A004
                          exp, exp2, expm1, floor, floor_divide, greater, greater_equal, hard_sigmoid, isfinite, isinf,
                          isnan, less, less_equal, log, log1p, log2, log10, log_sigmoid, logical_and, logical_not,
                          logical_or, logical_xor, maximum, minimum, mod, multiply, nan_to_num, negative, not_equal,
                          power, reciprocal, relu6, round, rsqrt, sign, sin, sinh, softsign, sqrt, square,
                          stop_gradient, subtract, tan, true_divide, where)
from .function import Function, apply
from .nn import (elu, gelu, leaky_relu, log_softmax, logsumexp, one_hot, relu, selu, sigmoid, silu, softmax,
                 softplus, swish, tanh)
from .structure import (all, amax, amin, any, argmax, argmin, argsort, broadcast_to, cast, concatenate,  # noqa: A004
                        count_nonzero, cumsum, dot, einsum, expand_dims, flip, getitem, matmul, max, mean, min, norm,
                        pad, prod, repeat, reshape, roll, split, squeeze, stack, std, sum, take_along_axis, tile,
                        transpose, tril, triu, var)
from .tape import Tape, Tensor


def convert_to_tensor(x, dtype=None, sparse=None):
    """An array (float32 for Python floats, as Keras's floatx); Tensors and symbolic tensors
    pass through."""
    from ..engine.graph import KerasTensor
    from ..layers.base import Parameter
    if isinstance(x, (Tensor, KerasTensor)):
        return x if dtype is None else cast(x, dtype)
    if isinstance(x, Parameter):
        x = x.value
    array = np.asarray(x, dtype=dtype)
    if dtype is None and array.dtype == np.float64 and not isinstance(x, np.ndarray):
        array = array.astype(np.float32)
    return array


def convert_to_numpy(x) -> np.ndarray:
    from .function import value_of
    return np.asarray(value_of(x))


def shape(x) -> tuple:
    return tuple(x.shape)


def ndim(x) -> int:
    return len(x.shape)


def size(x) -> int:
    return int(np.prod(x.shape))


def zeros(shape, dtype="float32"): return np.zeros(shape, dtype)
def ones(shape, dtype="float32"): return np.ones(shape, dtype)
def full(shape, fill_value, dtype=None): return np.full(shape, fill_value, dtype or "float32")
def eye(N, M=None, k=0, dtype="float32"): return np.eye(N, M, k, dtype=dtype)  # noqa: N803 (Keras's names)
def identity(n, dtype="float32"): return np.eye(n, dtype=dtype)
def arange(start, stop=None, step=1, dtype=None): return np.arange(start, stop, step, dtype=dtype)
def linspace(start, stop, num=50, endpoint=True, dtype=None): return np.linspace(start, stop, num, endpoint, dtype=dtype)
def zeros_like(x, dtype=None): return np.zeros(x.shape, dtype or _dtype(x))
def ones_like(x, dtype=None): return np.ones(x.shape, dtype or _dtype(x))
def full_like(x, fill_value, dtype=None): return np.full(x.shape, fill_value, dtype or _dtype(x))


def _dtype(x):
    return getattr(x, "dtype", None) or "float32"


def flatten(x): return reshape(x, (-1,))
def ravel(x): return reshape(x, (-1,))
def moveaxis(x, source, destination):
    axes = list(np.moveaxis(np.arange(len(x.shape)), source, destination))
    return transpose(x, axes)
def swapaxes(x, axis1, axis2):
    axes = list(range(len(x.shape)))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


def take(x, indices, axis=None):
    from .function import value_of
    if axis is None:
        return getitem(reshape(x, (-1,)), np.asarray(value_of(indices)))
    import builtins
    key = [builtins.slice(None)] * len(x.shape)
    key[axis] = np.asarray(value_of(indices))
    return getitem(x, tuple(key))


def slice(inputs, start_indices, shape):  # noqa: A001 (keras.ops.slice)
    import builtins
    key = tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, shape))
    return getitem(inputs, key)


def _install_operators(cls) -> None:
    """Python's operators on Tensors, Parameters and symbolic tensors, as ops."""
    pairs = {"add": add, "sub": subtract, "mul": multiply, "truediv": divide, "pow": power, "matmul": matmul}
    for name, op in pairs.items():
        setattr(cls, f"__{name}__", lambda self, other, op=op: op(self, other))
        setattr(cls, f"__r{name}__", lambda self, other, op=op: op(other, self))
    cls.__neg__ = lambda self: negative(self)
    cls.__pos__ = lambda self: self
    cls.__abs__ = lambda self: abs(self)
    cls.__getitem__ = lambda self, key: getitem(self, key)
    cls.__lt__ = lambda self, other: less(self, other)
    cls.__le__ = lambda self, other: less_equal(self, other)
    cls.__gt__ = lambda self, other: greater(self, other)
    cls.__ge__ = lambda self, other: greater_equal(self, other)
    cls.T = property(lambda self: transpose(self))


def _install_everywhere() -> None:
    from ..engine.graph import KerasTensor
    from ..layers.base import Parameter
    for cls in (Tensor, Parameter, KerasTensor):
        _install_operators(cls)


_install_everywhere()

__all__ = [name for name in dir() if not name.startswith("_") and name not in ("annotations", "np")]
