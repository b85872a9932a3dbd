"""Weight initialisers with Keras's names and defaults.

Dense kernels default to ``glorot_uniform`` (limit = sqrt(6 / (fan_in + fan_out))) and biases to
``zeros``. Kernel shapes follow Keras: (in, out) for Dense, (kh, kw, in, out) for Conv2D, so
fan_in = in * kh * kw and fan_out = out * kh * kw. The ``*_normal`` variance-scaling
initialisers draw from a normal truncated at two standard deviations, as Keras does.
"""

from __future__ import annotations

import numpy as np

from .utils import random as grandom
from .utils.suggest import unknown_name_error

# The standard deviation of a unit normal truncated to [-2, 2]; dividing by it restores the
# requested variance after truncation.
_TRUNCATED_STD = 0.87962566103423978


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _truncated_normal(shape, stddev, rng):
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values * stddev


class Initializer:
    """Base class: ``init(shape, dtype)`` returns a new array."""

    def __call__(self, shape, dtype="float32") -> np.ndarray:
        return np.asarray(self.sample(tuple(int(d) for d in shape), grandom.generator()), dtype=dtype)

    def sample(self, shape, rng) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}


class Zeros(Initializer):
    def sample(self, shape, rng):
        return np.zeros(shape)


class Ones(Initializer):
    def sample(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Every entry ``value``: a number, or an array broadcast to the weight's shape, as Keras 3
    takes it (``Embedding(..., embeddings_initializer=Constant(embedding_matrix))``, the
    pretrained-vectors idiom)."""

    def __init__(self, value=0.0):
        array = np.asarray(value, dtype=np.float64)
        if array.dtype.kind not in "fiub" or not np.all(np.isfinite(array)):
            raise ValueError(f"Constant: value must be a finite number or array of numbers, received {value!r}.")
        self.value = float(array) if array.ndim == 0 else array

    def sample(self, shape, rng):
        try:
            return np.broadcast_to(self.value, shape).copy()
        except ValueError:
            raise ValueError(f"Constant: an array of shape {np.shape(self.value)} cannot fill a weight of shape "
                             f"{tuple(shape)}; give one of that shape (or a number).") from None

    def get_config(self):
        return {"value": self.value if isinstance(self.value, float) else self.value.tolist()}


class RandomNormal(Initializer):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean, self.stddev = float(mean), float(stddev)

    def sample(self, shape, rng):
        return rng.normal(self.mean, self.stddev, shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    def sample(self, shape, rng):
        return self.mean + _truncated_normal(shape, self.stddev, rng)


class RandomUniform(Initializer):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        self.minval, self.maxval = float(minval), float(maxval)

    def sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval}


class VarianceScaling(Initializer):
    """Variance = scale / n, n = fan_in, fan_out or their mean (``mode``)."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal"):
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', received {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: distribution must be 'truncated_normal', "
                             f"'untruncated_normal' or 'uniform', received {distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def sample(self, shape, rng):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, np.sqrt(variance), shape)
        return _truncated_normal(shape, np.sqrt(variance) / _TRUNCATED_STD, rng)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution}


class GlorotUniform(VarianceScaling):
    def __init__(self):
        super().__init__(1.0, "fan_avg", "uniform")


class GlorotNormal(VarianceScaling):
    def __init__(self):
        super().__init__(1.0, "fan_avg", "truncated_normal")


class HeNormal(VarianceScaling):
    def __init__(self):
        super().__init__(2.0, "fan_in", "truncated_normal")


class HeUniform(VarianceScaling):
    def __init__(self):
        super().__init__(2.0, "fan_in", "uniform")


class LecunNormal(VarianceScaling):
    def __init__(self):
        super().__init__(1.0, "fan_in", "truncated_normal")


class LecunUniform(VarianceScaling):
    def __init__(self):
        super().__init__(1.0, "fan_in", "uniform")


class Orthogonal(Initializer):
    """A random matrix with orthonormal rows or columns, times ``gain`` (Keras's "orthogonal",
    the default ``recurrent_initializer`` of SimpleRNN, LSTM and GRU; Saxe et al., 2014).

    The shape is flattened to (rows, cols) = (prod(shape[:-1]), shape[-1]); a normal matrix of
    (max, min) of those is factored ``a = q r`` and ``q`` is multiplied by the signs of diag(r),
    so that it is uniformly distributed; it is transposed when rows < cols. With an int
    ``seed`` every call gives the same matrix (as Keras's seeded initializers do); without one,
    it draws from the shared generator.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        from .utils.validation import check_int, check_number
        self.gain = check_number(gain, "gain", "Orthogonal")
        self.seed = check_int(seed, "seed", "Orthogonal", minimum=0, allow_none=True)

    def sample(self, shape, rng):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the weight to initialise must have at least 2 axes, received shape {shape}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        if self.seed is not None:
            rng = grandom.new_stream(self.seed)
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return np.ascontiguousarray(self.gain * q).reshape(shape)

    def get_config(self):
        return {"seed": self.seed, "gain": self.gain}


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "random_uniform": RandomUniform,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
}
_CLASS_TO_NAME = {cls: name for name, cls in _BY_NAME.items()}


def get(identifier) -> Initializer:
    """An initialiser from a name ('he_normal'), a class, or an instance."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME:
            raise unknown_name_error("initializer", identifier, _BY_NAME)
        return _BY_NAME[key]()
    raise TypeError(f"initializer must be a name or an Initializer, received {identifier!r}")


def serialize(initializer: Initializer):
    name = _CLASS_TO_NAME.get(type(initializer), type(initializer).__name__)
    config = initializer.get_config()
    if type(initializer) in (GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform):
        config = {}
    from .saving.registry import described
    return described(initializer, config, class_name=name)


def builtin_classes() -> dict:
    """By the snake-case names glassnet writes and the class names Keras writes."""
    return {**_BY_NAME, **{cls.__name__: cls for cls in _BY_NAME.values()}}


def deserialize(config, custom_objects: dict | None = None) -> Initializer:
    if isinstance(config, str):
        return get(config)
    from .saving.registry import rebuild
    return rebuild("initializer", config, builtin_classes(), Initializer, custom_objects)
