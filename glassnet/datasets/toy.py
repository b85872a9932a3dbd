"""Small synthetic data sets of the tutorials: random points, spirals, moons. (x, y) arrays."""

from __future__ import annotations

import numpy as np


def random_binary(samples: int = 1000, features: int = 2, seed: int | None = 0):
    """Uniform random points in [0, 1)^features with coin-flip labels (nothing to learn:
    it exercises the workflow). x float64 (samples, features), y int64 (samples,)."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, features)), rng.integers(0, 2, samples)


def spirals(samples_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: int | None = 0):
    """Interleaved spiral arms, one per class: x (n, 2) float32, y (n,) int64."""
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, samples_per_class), classes)
    label = np.repeat(np.arange(classes), samples_per_class)
    angle = label * 4.0 + radius * 4.0 + rng.standard_normal(radius.size) * noise
    x = np.stack([radius * np.sin(angle * 2.5), radius * np.cos(angle * 2.5)], axis=1)
    return x.astype(np.float32), label.astype(np.int64)


def moons(samples: int = 200, noise: float = 0.1, seed: int | None = 0):
    """Two interleaving half circles: x (n, 2) float32, y (n,) int64 in {0, 1}."""
    rng = np.random.default_rng(seed)
    upper = samples // 2
    angle = np.concatenate([np.linspace(0, np.pi, upper), np.linspace(0, np.pi, samples - upper)])
    x = np.where(np.arange(samples)[:, None] < upper,
                 np.stack([np.cos(angle), np.sin(angle)], axis=1),
                 np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    x = x + rng.standard_normal(x.shape) * noise
    return x.astype(np.float32), (np.arange(samples) >= upper).astype(np.int64)
