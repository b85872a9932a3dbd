"""``glassnet.random``: random tensors as ``keras.random`` makes them.

``seed`` is what Keras 3 takes: ``None`` draws from glassnet's shared generator (re-seeded by
``utils.set_random_seed``); an integer gives the same numbers at every call; a
``SeedGenerator`` gives new numbers at every call, repeatable from its seed, and belongs to
whoever holds it (a layer keeps one for its dropout, as the Keras guide writes it).

``dropout`` is written with ops, so inside a custom layer's ``call`` its gradient flows back
through the tape: y = x * mask / (1 - rate).
"""

from __future__ import annotations

import numpy as np

from .utils import random as shared


class SeedGenerator:
    """A stream of random numbers of its own: ``SeedGenerator(1337)``."""

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
            raise TypeError(f"SeedGenerator(seed=...) takes an integer or None, received {seed!r}")
        self.seed = seed
        self.name = name
        self.generator = shared.new_stream(seed)

    def __repr__(self):
        return f"<SeedGenerator seed={self.seed}>"


def _generator(seed) -> np.random.Generator:
    if seed is None:
        return shared.generator()
    if isinstance(seed, SeedGenerator):
        return seed.generator
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return shared.new_stream(int(seed))  # a fresh stream from the seed: the same numbers each call
    raise TypeError(f"seed must be None, an integer or a glassnet.random.SeedGenerator, received {seed!r}")


def _shape(shape):
    return tuple(int(d) for d in (shape if isinstance(shape, (tuple, list)) else (shape,)))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _generator(seed).normal(mean, stddev, _shape(shape)).astype(dtype or "float32")


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _generator(seed).uniform(minval, maxval, _shape(shape)).astype(dtype or "float32")


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return _generator(seed).integers(minval, maxval, _shape(shape)).astype(dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values, those beyond two standard deviations drawn again."""
    generator, shape = _generator(seed), _shape(shape)
    values = generator.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = generator.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return (mean + stddev * values).astype(dtype or "float32")


def shuffle(x, axis=0, seed=None):
    from .ops import convert_to_numpy
    x = convert_to_numpy(x)
    return np.take(x, _generator(seed).permutation(x.shape[axis]), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class indices per row of ``logits`` (batch, classes)."""
    from .ops import convert_to_numpy
    logits = convert_to_numpy(logits).astype(np.float64)
    probabilities = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    generator = _generator(seed)
    return np.stack([generator.choice(len(p), num_samples, p=p) for p in probabilities]).astype(dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each value with probability ``rate`` and scale the rest by 1 / (1 - rate)."""
    from . import ops
    if not 0 <= rate < 1:
        raise ValueError(f"dropout(rate=...) must be in [0, 1), received {rate!r}")
    shape = ops.shape(inputs) if noise_shape is None else tuple(
        s if n is None else n for s, n in zip(ops.shape(inputs), noise_shape))
    keep = (_generator(seed).random(shape) >= rate).astype(np.float32) / np.float32(1 - rate)
    return ops.multiply(inputs, keep)


__all__ = ["SeedGenerator", "categorical", "dropout", "normal", "randint", "shuffle", "truncated_normal", "uniform"]
