"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

import numpy as np

from .base import Optimizer


class SGD(Optimizer):
    """w -= lr * g; with momentum: v = momentum * v - lr * g, then w += v
    (Nesterov: w += momentum * v - lr * g). Keras defaults: lr 0.01, momentum 0."""

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum must be in [0, 1], received {momentum!r}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build_slots(self, values):
        if self.momentum:
            self.velocity = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        step = np.multiply(grads, learning_rate, out=self._scratch)       # lr * g
        if not self.momentum:
            values -= step
            return
        velocity = self.velocity
        velocity *= self.momentum
        velocity -= step                                                   # v = m v - lr g
        if self.nesterov:
            values -= step
            values += np.multiply(velocity, self.momentum, out=step)       # w += m v - lr g
        else:
            values += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
