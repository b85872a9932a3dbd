"""Regularization by noise, active only while training (at inference each is the identity):
GaussianNoise, GaussianDropout, SpatialDropout1D and AlphaDropout, as Keras's layers of those names.

Each draws from a random stream of its own (``self._rng``, utils/random.py), made from
``seed`` or, without one, from the shared generator; a model saves the stream with it. All
of them pass their input's mask on unchanged, as in Keras.
"""

from __future__ import annotations

import math

import numpy as np

from ..utils import random as grandom
from ..utils.validation import check_int, check_number, is_int
from .base import Layer, _shape_text
from .dropout import Dropout


def _fraction(layer, value, argument: str, allow_one: bool) -> float:
    """A real number in [0, 1] (or [0, 1) when ``allow_one`` is false), by name."""
    return check_number(value, argument, f'{type(layer).__name__} "{layer.name}"', 0, 1, high_open=not allow_one)


def _seed(layer, seed):
    return check_int(seed, "seed", f'{type(layer).__name__} "{layer.name}"', minimum=0, allow_none=True)


class GaussianNoise(Layer):
    """Add zero-centred Gaussian noise while training: y = x + stddev * e, e ~ N(0, 1), one
    draw per entry (any input shape). Backward: dx = dy (the noise does not depend on x).

    ``stddev`` must lie in [0, 1], as Keras requires; 0 leaves the input unchanged.
    """

    supports_masking = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = _fraction(self, stddev, "stddev", allow_one=True)
        self.seed = _seed(self, seed)
        self._rng = grandom.new_stream(self.seed)

    def forward(self, x, training=False):
        if not training or self.stddev == 0:
            return x
        noise = self._rng.standard_normal(x.shape, dtype=np.float32, out=self.scratch("e", x.shape, np.float32))
        out = np.multiply(noise, x.dtype.type(self.stddev), out=self.scratch("y", x.shape, x.dtype))
        return np.add(out, x, out=out)

    def backward(self, grad_output, need_input_grad=True):
        return grad_output if need_input_grad else None

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiply by one-centred Gaussian noise while training: y = x * m, m ~ N(1, rate / (1 - rate))
    (standard deviation sqrt(rate / (1 - rate)), the variance of inverted dropout of that rate),
    one draw per entry. Backward: dx = dy * m, with the same m.

    ``rate`` must lie in [0, 1); 0 leaves the input unchanged. (Keras accepts rate=1 and then
    fails on the division by zero while training; glassnet refuses it when the layer is made.)
    """

    supports_masking = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _fraction(self, rate, "rate", allow_one=False)
        self.seed = _seed(self, seed)
        self._rng = grandom.new_stream(self.seed)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._saved = None
            return x
        noise = self._rng.standard_normal(x.shape, dtype=np.float32, out=self.scratch("e", x.shape, np.float32))
        multiplier = np.multiply(noise, x.dtype.type(math.sqrt(self.rate / (1.0 - self.rate))),
                                 out=self.scratch("m", x.shape, x.dtype))
        multiplier += 1
        self._saved = multiplier
        return np.multiply(x, multiplier, out=self.scratch("y", x.shape, x.dtype))

    backward = Dropout.backward  # dx = dy times the same multiplier (none saved at inference: dx = dy)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class SpatialDropout1D(Dropout):
    """Dropout of whole feature maps of a sequence (batch, steps, features): while training,
    one keep/drop decision per (sample, feature), shared by every step, kept with probability
    1 - rate and scaled by 1 / (1 - rate): y[b, t, c] = x[b, t, c] * k[b, c] / (1 - rate).
    Backward uses the same mask: dx = dy * k / (1 - rate). At inference, the identity.

    Its config holds only rate, seed, name and dtype, as Keras's does.
    """

    def __init__(self, rate, seed=None, **kwargs):
        Layer.__init__(self, **kwargs)  # Dropout's own checks would name Dropout; these name this layer
        self.rate = _fraction(self, rate, "rate", allow_one=False)
        self.seed = _seed(self, seed)
        self.noise_shape = None  # the mask's shape comes from _mask_shape
        self._rng = grandom.new_stream(self.seed)

    def _mask_shape(self, x):
        return (x.shape[0], 1, x.shape[2])

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f'SpatialDropout1D "{self.name}" expects 3-D input (batch, steps, features), '
                             f"received shape {_shape_text(input_shape)}.")
        return input_shape

    def forward(self, x, training=False):
        if x.ndim != 3:
            self.compute_output_shape(x.shape)
        return super().forward(x, training)

    def get_config(self):
        config = {key: value for key, value in super().get_config().items() if key not in ("trainable", "noise_shape")}
        return config


class AlphaDropout(Layer):
    """Dropout that keeps a SELU network's mean and variance: while training, each value is kept
    with probability 1 - rate or set to alpha' = -scale * alpha of SELU (about -1.7581), and the
    result is moved back by an affine map: y = a * (x * k + alpha' * (1 - k)) + b, with
    a = ((1 - rate) * (1 + rate * alpha'^2))^-1/2 and b = -a * alpha' * rate (k: 1 kept, 0 dropped).
    ``noise_shape`` shares the keep decisions across axes, as Dropout's. At inference, the identity.

    Backward: dx = a * k * dy.
    """

    supports_masking = True
    _ALPHA_PRIME = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _fraction(self, rate, "rate", allow_one=False)  # Keras takes 1 and then divides by 0
        if noise_shape is not None and not (isinstance(noise_shape, (list, tuple)) and all(
                d is None or (is_int(d) and d >= 1) for d in noise_shape)):
            raise TypeError(f'AlphaDropout "{self.name}": noise_shape must be None or a list of sizes >= 1 (None for '
                            f"the input's own), received {noise_shape!r}.")
        self.noise_shape = None if noise_shape is None else [None if d is None else int(d) for d in noise_shape]
        self.seed = _seed(self, seed)
        self._rng = grandom.new_stream(self.seed)

    def _mask_shape(self, x):
        if self.noise_shape is None:
            return x.shape
        shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        if len(shape) != x.ndim or any(d not in (1, n) for d, n in zip(shape, x.shape)):
            raise ValueError(f'AlphaDropout "{self.name}": noise_shape {self.noise_shape} does not broadcast to '
                             f"inputs of shape {_shape_text(x.shape)}.")
        return shape

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._saved = None
            return x
        shape = self._mask_shape(x)
        kept = (self._rng.random(shape, dtype=np.float32) >= self.rate).astype(x.dtype)
        alpha_p, rate = self._ALPHA_PRIME, self.rate
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        self._saved = np.broadcast_to(kept * x.dtype.type(a), x.shape)
        return (x * kept + x.dtype.type(alpha_p) * (1 - kept)) * x.dtype.type(a) + x.dtype.type(b)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        return grad_output if self._saved is None else grad_output * self._saved

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


__all__ = ["AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D"]
