"""Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), as Keras has it."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number
from .base import Optimizer


class Lion(Optimizer):
    """Every weight moves by exactly lr, in the direction of the sign of an interpolated momentum:

        w -= lr sign(beta_1 m + (1 - beta_1) g)        then  m = beta_2 m + (1 - beta_2) g

    Keras defaults: lr 0.001, beta_1 0.9, beta_2 0.99 (beta_1 in (0, 1]: at 0 it is signSGD).
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = check_number(beta_1, "beta_1", "Lion", low=0, high=1, low_open=True)
        self.beta_2 = check_number(beta_2, "beta_2", "Lion", low=0, high=1)

    def build_slots(self, values):
        self.momentum = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        m, scratch = self.momentum, self._scratch
        np.multiply(m, self.beta_1, out=scratch)
        scratch += (1 - self.beta_1) * grads
        np.sign(scratch, out=scratch)
        scratch *= learning_rate
        values -= scratch
        m *= self.beta_2
        m += (1 - self.beta_2) * grads

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
