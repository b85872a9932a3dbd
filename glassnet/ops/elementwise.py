"""Element-wise ops: arithmetic with broadcasting, and the functions of one array.

Each backward returns dL/dinput for every input; broadcasting is undone by the tape
(``unbroadcast``), so ``a + b`` with b of shape (units,) gets a gradient summed over the batch.
"""

from __future__ import annotations

import numpy as np

from .function import Function, apply


class Add(Function):
    forward = staticmethod(lambda ctx, a, b: np.add(a, b))
    backward = staticmethod(lambda ctx, g: (g, g))


class Subtract(Function):
    forward = staticmethod(lambda ctx, a, b: np.subtract(a, b))
    backward = staticmethod(lambda ctx, g: (g, -g))


class Multiply(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return g * b, g * a          # d(ab)/da = b, d(ab)/db = a


class Divide(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return g / b, -g * a / (b * b)   # d(a/b)/db = -a/b^2


class Power(Function):
    @staticmethod
    def forward(ctx, a, b):
        y = np.power(a, b)
        ctx.save(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved
        grad_b = g * y * np.log(np.where(a > 0, a, 1))   # d(a^b)/db = a^b ln a (a > 0)
        return g * b * np.power(a, b - 1), grad_b


class Maximum(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(np.greater_equal(a, b))
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        (a_wins,) = ctx.saved
        return g * a_wins, g * ~a_wins


class Minimum(Maximum):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save(np.less_equal(a, b))
        return np.minimum(a, b)


class Where(Function):
    @staticmethod
    def forward(ctx, condition, a, b):
        condition = np.asarray(condition, bool)
        ctx.save(condition)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, g):
        (condition,) = ctx.saved
        return None, g * condition, g * ~condition


class Clip(Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save((x >= low) & (x <= high))
        return np.clip(x, low, high)

    @staticmethod
    def backward(ctx, g):
        (inside,) = ctx.saved
        return g * inside, None, None


def _unary(name, function, derivative, doc):
    """An op y = f(x) with dL/dx = dL/dy * f'(x, y)."""

    def forward(ctx, x):
        y = function(x)
        ctx.save(x, y)
        return y

    def backward(ctx, g):
        x, y = ctx.saved
        return (g * derivative(x, y),)

    op = type(name, (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward), "__doc__": doc})
    return op


Negative = _unary("Negative", np.negative, lambda x, y: -1.0, "-x")
Exp = _unary("Exp", np.exp, lambda x, y: y, "e^x; d/dx = e^x")
Log = _unary("Log", np.log, lambda x, y: 1.0 / x, "ln x; d/dx = 1/x")
Log1p = _unary("Log1p", np.log1p, lambda x, y: 1.0 / (1.0 + x), "ln(1 + x)")
Expm1 = _unary("Expm1", np.expm1, lambda x, y: y + 1.0, "e^x - 1")
Sqrt = _unary("Sqrt", np.sqrt, lambda x, y: 0.5 / y, "sqrt x; d/dx = 1 / (2 sqrt x)")
Rsqrt = _unary("Rsqrt", lambda x: 1.0 / np.sqrt(x), lambda x, y: -0.5 * y / x, "1 / sqrt x")
Square = _unary("Square", np.square, lambda x, y: 2.0 * x, "x^2; d/dx = 2x")
Abs = _unary("Abs", np.abs, lambda x, y: np.sign(x), "|x|; d/dx = sign x")
Sin = _unary("Sin", np.sin, lambda x, y: np.cos(x), "sin x")
Cos = _unary("Cos", np.cos, lambda x, y: -np.sin(x), "cos x")
Reciprocal = _unary("Reciprocal", np.reciprocal, lambda x, y: -y * y, "1/x; d/dx = -1/x^2")
Tan = _unary("Tan", np.tan, lambda x, y: 1.0 + y * y, "tan x; d/dx = 1 + tan^2 x")
Sinh = _unary("Sinh", np.sinh, lambda x, y: np.cosh(x), "sinh x")
Cosh = _unary("Cosh", np.cosh, lambda x, y: np.sinh(x), "cosh x")
Arctan = _unary("Arctan", np.arctan, lambda x, y: 1.0 / (1.0 + x * x), "arctan x")
Arcsin = _unary("Arcsin", np.arcsin, lambda x, y: 1.0 / np.sqrt(1.0 - x * x), "arcsin x")
Arccos = _unary("Arccos", np.arccos, lambda x, y: -1.0 / np.sqrt(1.0 - x * x), "arccos x")
Log2 = _unary("Log2", np.log2, lambda x, y: 1.0 / (x * np.log(2.0)), "log2 x")
Log10 = _unary("Log10", np.log10, lambda x, y: 1.0 / (x * np.log(10.0)), "log10 x")
Exp2 = _unary("Exp2", np.exp2, lambda x, y: y * np.log(2.0), "2^x")
Erf = _unary("Erf", lambda x: _erf(x), lambda x, y: 2.0 / np.sqrt(np.pi) * np.exp(-x * x), "erf x; d/dx = 2/sqrt(pi) e^(-x^2)")
Relu6 = _unary("Relu6", lambda x: np.clip(x, 0, 6), lambda x, y: (x > 0) & (x < 6), "min(max(x, 0), 6)")
HardSigmoid = _unary("HardSigmoid", lambda x: np.clip(x / 6 + 0.5, 0, 1), lambda x, y: ((x > -3) & (x < 3)) / 6.0,
                     "relu6(x + 3) / 6, as Keras 3")
LogSigmoid = _unary("LogSigmoid", lambda x: -np.logaddexp(0, -x), lambda x, y: 1.0 - np.exp(y),
                    "log sigmoid(x) = -softplus(-x); d/dx = 1 - sigmoid(x)")
Softsign = _unary("Softsign", lambda x: x / (1 + np.abs(x)), lambda x, y: 1.0 / np.square(1 + np.abs(x)),
                  "x / (1 + |x|)")


class NanToNum(Function):
    """NaN to ``nan``, infinities to ``posinf``/``neginf`` (the largest floats by default);
    the gradient passes where x was finite."""

    @staticmethod
    def forward(ctx, x, nan=0.0, posinf=None, neginf=None):
        ctx.save(np.isfinite(x))
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        (finite,) = ctx.saved
        return (g * finite,)


def _erf(x):
    """erf, vectorised (math.erf per element; NumPy has no erf of its own)."""
    import math
    x = np.asarray(x)
    return np.vectorize(math.erf, otypes=[x.dtype if x.dtype.kind == "f" else np.float64])(x)


class _Constant(Function):
    """Ops whose result is piecewise constant: no gradient flows through them."""
    differentiable = False


def _constant(name, function):
    return type(name, (_Constant,), {"forward": staticmethod(lambda ctx, *xs, **kw: function(*xs, **kw))})


Sign, Floor, Ceil, Round = (_constant(n, f) for n, f in (("Sign", np.sign), ("Floor", np.floor),
                                                         ("Ceil", np.ceil), ("Round", np.round)))
Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual = (
    _constant(n, f) for n, f in (("Equal", np.equal), ("NotEqual", np.not_equal), ("Greater", np.greater),
                                 ("GreaterEqual", np.greater_equal), ("Less", np.less), ("LessEqual", np.less_equal)))
LogicalAnd, LogicalOr, LogicalNot = (_constant(n, f) for n, f in (("LogicalAnd", np.logical_and),
                                                                   ("LogicalOr", np.logical_or),
                                                                   ("LogicalNot", np.logical_not)))
LogicalXor, IsNan, IsInf, IsFinite, FloorDivide, Mod = (
    _constant(n, f) for n, f in (("LogicalXor", np.logical_xor), ("IsNan", np.isnan), ("IsInf", np.isinf),
                                 ("IsFinite", np.isfinite), ("FloorDivide", np.floor_divide), ("Mod", np.mod)))
StopGradient = _constant("StopGradient", lambda x: np.array(x, copy=True))


def add(x1, x2): return apply(Add, x1, x2)
def subtract(x1, x2): return apply(Subtract, x1, x2)
def multiply(x1, x2): return apply(Multiply, x1, x2)
def divide(x1, x2): return apply(Divide, x1, x2)
def power(x1, x2): return apply(Power, x1, x2)
def maximum(x1, x2): return apply(Maximum, x1, x2)
def minimum(x1, x2): return apply(Minimum, x1, x2)
def where(condition, x1, x2): return apply(Where, condition, x1, x2)
def clip(x, x_min, x_max): return apply(Clip, x, x_min, x_max)
def negative(x): return apply(Negative, x)
def exp(x): return apply(Exp, x)
def log(x): return apply(Log, x)
def log1p(x): return apply(Log1p, x)
def expm1(x): return apply(Expm1, x)
def sqrt(x): return apply(Sqrt, x)
def rsqrt(x): return apply(Rsqrt, x)
def square(x): return apply(Square, x)
def abs(x): return apply(Abs, x)  # noqa: A001 (keras.ops.abs)
def absolute(x): return apply(Abs, x)
def sin(x): return apply(Sin, x)
def cos(x): return apply(Cos, x)
def reciprocal(x): return apply(Reciprocal, x)
def sign(x): return apply(Sign, x)
def floor(x): return apply(Floor, x)
def ceil(x): return apply(Ceil, x)
def round(x, decimals=0): return apply(Round, x, decimals=decimals)  # noqa: A001
def equal(x1, x2): return apply(Equal, x1, x2)
def not_equal(x1, x2): return apply(NotEqual, x1, x2)
def greater(x1, x2): return apply(Greater, x1, x2)
def greater_equal(x1, x2): return apply(GreaterEqual, x1, x2)
def less(x1, x2): return apply(Less, x1, x2)
def less_equal(x1, x2): return apply(LessEqual, x1, x2)
def logical_and(x1, x2): return apply(LogicalAnd, x1, x2)
def logical_or(x1, x2): return apply(LogicalOr, x1, x2)
def logical_not(x): return apply(LogicalNot, x)


def tan(x): return apply(Tan, x)
def sinh(x): return apply(Sinh, x)
def cosh(x): return apply(Cosh, x)
def arctan(x): return apply(Arctan, x)
def arcsin(x): return apply(Arcsin, x)
def arccos(x): return apply(Arccos, x)
def log2(x): return apply(Log2, x)
def log10(x): return apply(Log10, x)
def exp2(x): return apply(Exp2, x)
def erf(x): return apply(Erf, x)
def relu6(x): return apply(Relu6, x)
def hard_sigmoid(x): return apply(HardSigmoid, x)
def log_sigmoid(x): return apply(LogSigmoid, x)
def softsign(x): return apply(Softsign, x)
def nan_to_num(x, nan=0.0, posinf=None, neginf=None): return apply(NanToNum, x, nan=nan, posinf=posinf, neginf=neginf)
def logical_xor(x1, x2): return apply(LogicalXor, x1, x2)
def isnan(x): return apply(IsNan, x)
def isinf(x): return apply(IsInf, x)
def isfinite(x): return apply(IsFinite, x)
def floor_divide(x1, x2): return apply(FloorDivide, x1, x2)
def mod(x1, x2): return apply(Mod, x1, x2)
def stop_gradient(variable): return apply(StopGradient, variable)


true_divide = divide
