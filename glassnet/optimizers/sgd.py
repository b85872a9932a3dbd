"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_number
from .base import Optimizer


class SGD(Optimizer):
    """w -= lr * g; with momentum: v = momentum * v - lr * g, then w += v
    (Nesterov: w += momentum * v - lr * g). Keras defaults: lr 0.01, momentum 0."""

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = check_number(momentum, "momentum", "SGD", low=0, high=1)
        self.nesterov = check_bool(nesterov, "nesterov", "SGD")

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
