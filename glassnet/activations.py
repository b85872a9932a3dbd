"""Activation functions: a = f(z), and the backward rule dL/dz = dL/da * f'(z).

Each activation is a small object: call it like a function (``relu(x)``, as in Keras) and
it computes ``forward``; ``backward(z, a, grad_a)`` returns the gradient for its input from the
input ``z``, the output ``a`` and the upstream gradient ``grad_a``. Layers pass strings
(``activation="relu"``), these objects, or ``None`` (linear) through :func:`get`.
"""

from __future__ import annotations

import numpy as np

from .engine import kernels
from .utils.suggest import unknown_name_error


class ActivationFunction:
    """Base class. Subclass it, with ``forward`` and ``backward``, for a custom activation."""

    name = "activation"
    #: True for activations whose forward and backward take ``out=``, an array shaped like z
    #: to write the result into; layers then pass one that is reused from step to step.
    takes_out = False

    def __call__(self, x):
        return self.forward(np.asarray(x))

    def forward(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class FunctionActivation(ActivationFunction):
    """An activation given as a function of z written with glassnet.ops or arithmetic
    (``activation=lambda z: z ** 2`` or ``ops.relu``), as Keras takes any callable. Forward calls
    it; backward runs it again on a tape: grad_z = (da/dz)^T grad_a."""

    def __init__(self, function):
        self.function = function
        self.name = getattr(function, "__name__", "activation")

    def forward(self, z):
        from .ops.function import value_of
        return np.asarray(value_of(self.function(z)), dtype=z.dtype)

    def backward(self, z, a, grad_a):
        from .ops.tape import Tape, Tensor
        with Tape() as tape:
            watched = tape.watch(z)
            out = self.function(watched)
        if not (isinstance(out, Tensor) and out.tape is tape):
            raise TypeError(f"The activation {self.name!r} did not compute its value from z with glassnet.ops, so it "
                            "cannot be differentiated: write it with ops (ops.relu, ops.tanh, ...) or arithmetic on z.")
        return np.asarray(tape.backward([out], [grad_a]).get(id(watched), np.zeros_like(z)), dtype=z.dtype)


class Linear(ActivationFunction):
    """a = z."""

    name = "linear"

    def forward(self, z):
        return z

    def backward(self, z, a, grad_a):
        return grad_a


class ReLU(ActivationFunction):
    """a = max(z, 0); da/dz = 1 where z > 0, else 0."""

    name = "relu"
    takes_out = True

    def forward(self, z, out=None):
        fused = kernels.get("relu_forward")
        if fused is not None and out is not None and _contiguous(z, out):
            fused(z, out)
            return out
        return np.maximum(z, 0, out=out)

    def backward(self, z, a, grad_a, out=None):
        fused = kernels.get("relu_backward")
        if fused is not None and out is not None and _contiguous(z, grad_a, out):
            fused(z, grad_a, out)
            return out
        return np.multiply(grad_a, z > 0, out=out)


def _contiguous(*arrays) -> bool:
    """Same shape, same float dtype, all C-contiguous: what the fused kernels take."""
    first = arrays[0]
    return all(a.flags.c_contiguous and a.shape == first.shape and a.dtype == first.dtype for a in arrays)


class LeakyReLU(ActivationFunction):
    """a = z for z > 0, negative_slope * z otherwise (Keras's function default: 0.2)."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.2):
        self.negative_slope = float(negative_slope)

    def forward(self, z):
        return np.where(z > 0, z, z * z.dtype.type(self.negative_slope))

    def backward(self, z, a, grad_a):
        return np.where(z > 0, grad_a, grad_a * z.dtype.type(self.negative_slope))

    def get_config(self):
        return {"negative_slope": self.negative_slope}


def _sigmoid(z):
    # 0.5 * (1 + tanh(z / 2)) equals 1 / (1 + e^-z) and never overflows.
    half = z.dtype.type(0.5)
    return half + half * np.tanh(half * z)


class Sigmoid(ActivationFunction):
    """a = 1 / (1 + e^-z); da/dz = a (1 - a)."""

    name = "sigmoid"

    def forward(self, z):
        return _sigmoid(z)

    def backward(self, z, a, grad_a):
        return grad_a * a * (1 - a)


class Tanh(ActivationFunction):
    """a = tanh(z); da/dz = 1 - a^2."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def backward(self, z, a, grad_a):
        return grad_a * (1 - a * a)


class Softmax(ActivationFunction):
    """a_i = e^{z_i} / sum_j e^{z_j} over the last axis (shifted by max z for stability).

    Backward: dL/dz = a * (g - sum(g * a)), with g = dL/da. Paired with a cross-entropy loss
    the model skips this and uses the combined gradient dL/dz = (a - y) / n.
    """

    name = "softmax"

    def __init__(self, axis: int = -1):
        self.axis = axis

    def forward(self, z):
        exp = np.exp(z - z.max(axis=self.axis, keepdims=True))
        exp /= exp.sum(axis=self.axis, keepdims=True)
        return exp

    def backward(self, z, a, grad_a):
        return a * (grad_a - (grad_a * a).sum(axis=self.axis, keepdims=True))

    def get_config(self):
        return {"axis": self.axis}


class ELU(ActivationFunction):
    """a = z for z > 0, alpha (e^z - 1) otherwise; da/dz = 1 or a + alpha."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = float(alpha)

    def forward(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0))).astype(z.dtype, copy=False)

    def backward(self, z, a, grad_a):
        return np.where(z > 0, grad_a, grad_a * (a + self.alpha)).astype(z.dtype, copy=False)

    def get_config(self):
        return {"alpha": self.alpha}


class SELU(ActivationFunction):
    """a = scale * elu(z, alpha) with Klambauer et al.'s fixed scale and alpha."""

    name = "selu"
    alpha = 1.6732632423543772
    scale = 1.0507009873554805

    def forward(self, z):
        negative = self.alpha * np.expm1(np.minimum(z, 0))
        return (self.scale * np.where(z > 0, z, negative)).astype(z.dtype, copy=False)

    def backward(self, z, a, grad_a):
        slope = np.where(z > 0, self.scale, a + self.scale * self.alpha)
        return (grad_a * slope).astype(z.dtype, copy=False)


def _erf_coefficients(terms: int = 64):
    # erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)), as a polynomial in x^2.
    coefficients, factorial = [], 1.0
    for n in range(terms):
        factorial *= max(n, 1)
        coefficients.append((-1) ** n / (factorial * (2 * n + 1)))
    return coefficients[::-1]


_ERF_SERIES = _erf_coefficients()


def _erf(x):
    """Error function to about 1e-11: its Taylor series for |x| <= 4 (64 terms), and the
    asymptotic series of erfc beyond, where erfc(x) < 2e-8."""
    x = np.asarray(x, dtype=np.float64)
    small = np.minimum(np.abs(x), 4.0)
    square = small * small
    series = np.zeros_like(x)
    for coefficient in _ERF_SERIES:
        series = series * square + coefficient
    result = np.sign(x) * np.minimum(small * series * (2 / np.sqrt(np.pi)), 1.0)
    large = np.abs(x) > 4.0
    if large.any():
        z = np.abs(x[large])
        inverse = 1 / (2 * z * z)
        tail = 1 - inverse * (1 - 3 * inverse * (1 - 5 * inverse * (1 - 7 * inverse)))
        erfc = np.exp(-z * z) / (z * np.sqrt(np.pi)) * tail
        result[large] = np.sign(x[large]) * (1 - erfc)
    return result


class GELU(ActivationFunction):
    """a = z * Phi(z), Phi the standard normal CDF (exact form, Keras's default);
    ``approximate=True`` uses the tanh form. da/dz = Phi(z) + z * phi(z)."""

    name = "gelu"

    def __init__(self, approximate: bool = False):
        self.approximate = bool(approximate)

    def _cdf_and_pdf(self, z):
        if self.approximate:
            c = np.sqrt(2 / np.pi)
            inner = c * (z + 0.044715 * z ** 3)
            th = np.tanh(inner)
            cdf = 0.5 * (1 + th)
            # d/dz of 0.5 (1 + tanh(inner)), divided by z, so that cdf + z * pdf is the slope.
            pdf = 0.5 * (1 - th * th) * c * (1 + 3 * 0.044715 * z * z)
            return cdf, pdf
        cdf = 0.5 * (1 + _erf(z / np.sqrt(2)))
        pdf = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
        return cdf, pdf

    def forward(self, z):
        cdf, _ = self._cdf_and_pdf(z)
        return (z * cdf).astype(z.dtype, copy=False)

    def backward(self, z, a, grad_a):
        cdf, pdf = self._cdf_and_pdf(z)
        return (grad_a * (cdf + z * pdf)).astype(z.dtype, copy=False)

    def get_config(self):
        return {"approximate": self.approximate}


class Softplus(ActivationFunction):
    """a = log(1 + e^z); da/dz = sigmoid(z)."""

    name = "softplus"

    def forward(self, z):
        return np.logaddexp(z.dtype.type(0), z)

    def backward(self, z, a, grad_a):
        return grad_a * _sigmoid(z)


class Swish(ActivationFunction):
    """a = z * sigmoid(z) (also called silu); da/dz = s + z s (1 - s)."""

    name = "silu"

    def forward(self, z):
        return z * _sigmoid(z)

    def backward(self, z, a, grad_a):
        s = _sigmoid(z)
        return grad_a * (s + z * s * (1 - s))


class HardSigmoid(ActivationFunction):
    """a = clip(z / 6 + 1/2, 0, 1), Keras 3's piecewise-linear sigmoid; da/dz = 1/6 inside
    (-3, 3), else 0."""

    name = "hard_sigmoid"

    def forward(self, z):
        return np.clip(z / z.dtype.type(6) + z.dtype.type(0.5), 0, 1).astype(z.dtype, copy=False)

    def backward(self, z, a, grad_a):
        return grad_a * ((z > -3) & (z < 3)) / grad_a.dtype.type(6)


linear = Linear()
relu = ReLU()
leaky_relu = LeakyReLU()
sigmoid = Sigmoid()
tanh = Tanh()
softmax = Softmax()
elu = ELU()
selu = SELU()
gelu = GELU()
softplus = Softplus()
silu = swish = Swish()
hard_sigmoid = HardSigmoid()

_BY_NAME = {
    "linear": linear, "relu": relu, "leaky_relu": leaky_relu, "sigmoid": sigmoid,
    "tanh": tanh, "softmax": softmax, "elu": elu, "selu": selu, "gelu": gelu,
    "softplus": softplus, "swish": swish, "silu": silu, "hard_sigmoid": hard_sigmoid,
}


def get(identifier) -> ActivationFunction:
    """An activation from a name, an activation object, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _BY_NAME:
            return _BY_NAME[key]
        from .saving.registry import get_registered_object
        registered = get_registered_object(identifier)
        if registered is None:
            raise unknown_name_error("activation", identifier, _BY_NAME)
        return get(registered() if isinstance(registered, type) else registered)
    if isinstance(identifier, type) and issubclass(identifier, ActivationFunction):
        return identifier()
    if callable(identifier):
        return FunctionActivation(identifier)
    raise TypeError(f"activation must be a name, an ActivationFunction or None, received {identifier!r}")


def serialize(activation: ActivationFunction):
    from .saving.registry import described, registered_name_or_none
    if isinstance(activation, FunctionActivation):  # written by its (registered) name, as Keras writes a function
        return registered_name_or_none(activation.function) or activation.name
    if not activation.get_config() and _BY_NAME.get(activation.name) is activation:
        return activation.name
    registered = registered_name_or_none(type(activation))
    if registered and not activation.get_config():
        return registered  # found again by get(name)
    return described(activation, activation.get_config(), class_name=type(activation).__name__ if registered
                     else activation.name)


def builtin_classes() -> dict:
    return {name: type(function) for name, function in _BY_NAME.items()}


def deserialize(config, custom_objects: dict | None = None) -> ActivationFunction:
    if isinstance(config, str) or config is None:
        if custom_objects and config in custom_objects:
            return get(custom_objects[config])
        return get(config)
    from .saving.registry import rebuild
    return rebuild("activation", config, builtin_classes(), ActivationFunction, custom_objects)
