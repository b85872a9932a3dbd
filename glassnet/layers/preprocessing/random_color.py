"""RandomContrast and RandomBrightness: random changes of the pixel values while training, as
Keras's layers of those names (identity at inference)."""

from __future__ import annotations

import numpy as np

from .image_common import RandomImageLayer, check_factor, check_finite, owner_of, uniform


def _value_range(value, owner: str) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{owner}: value_range must be a pair of numbers (low, high), received {value!r}.")
    return tuple(check_finite(v, "value_range", owner) for v in value)


def _clipped(values: np.ndarray, low: float, high: float):
    """(values clipped to [low, high], where they were inside: the clip's derivative)."""
    inside = (values >= low) & (values <= high)
    return np.clip(values, low, high, out=values), inside


class RandomContrast(RandomImageLayer):
    """While training, scale each image's deviation from its mean by a factor c drawn per image:
    y = clip((x - m) c + m, value_range), m the mean over height and width of each channel.
    c is uniform in [1 - lower, 1 + upper] for ``factor`` = (lower, upper); a number f means
    (0, f), as Keras reads it (so c lies in [1, 1 + f]); a pair (a, b) needs a <= 1 and b >= 0
    (so (-0.5, 0.5) means c = 1.5 always).

    Input shape: (batch, height, width, channels) or one image; output shape: the same.
    Backward (dy masked where the clip was active): dx = c dy + (1 - c) mean_hw(dy).
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        owner = owner_of(self)
        self.factor = check_factor(factor, "factor", owner, low=0.0, high=1.0, symmetric_low=0.0, loose_pairs=True)
        self.value_range = _value_range(value_range, owner)

    def _sample(self, images):
        low, high = 1.0 - self.factor[0], 1.0 + self.factor[1]
        return {"contrast": uniform(self._rng, low, high, images.shape[0])}

    def _apply(self, images, transformation):
        c = transformation["contrast"].astype(images.dtype)[:, None, None, None]
        mean = images.mean(axis=(1, 2), keepdims=True)
        out, transformation["inside"] = _clipped((images - mean) * c + mean, *self.value_range)
        return out

    def _adjoint(self, grads, transformation):
        c = transformation["contrast"].astype(grads.dtype)[:, None, None, None]
        grads = np.where(transformation["inside"], grads, 0).astype(grads.dtype)
        return c * grads + (1 - c) * grads.mean(axis=(1, 2), keepdims=True)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": list(self.value_range)}


class RandomBrightness(RandomImageLayer):
    """While training, add to each image one value drawn uniformly from
    [lower, upper] * (high - low) of ``value_range`` = (low, high), then clip to that range:
    y = clip(x + d (high - low), low, high), d in ``factor`` = (lower, upper) or f meaning (-f, f),
    each end in [-1, 1]. ``value_range`` (default (0, 255)) is the range the images use.

    Input shape: (batch, height, width, channels) or one image; output shape: the same.
    Backward: dx = dy where the clip was not active, 0 where it was.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        owner = owner_of(self)
        self.factor = check_factor(factor, "factor", owner, loose_pairs=True)
        self.value_range = tuple(sorted(_value_range(value_range, owner)))

    def _sample(self, images):
        low, high = self.factor
        draw = uniform(self._rng, low, high, images.shape[0])
        return {"delta": draw * (self.value_range[1] - self.value_range[0])}

    def _apply(self, images, transformation):
        shifted = images + transformation["delta"].astype(images.dtype)[:, None, None, None]
        out, transformation["inside"] = _clipped(shifted, *self.value_range)
        return out

    def _adjoint(self, grads, transformation):
        return np.where(transformation["inside"], grads, 0).astype(grads.dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": list(self.value_range)}


__all__ = ["RandomBrightness", "RandomContrast"]
