"""FTRL-Proximal (McMahan et al., 2013, "Ad Click Prediction: a View from the Trenches"), in
Keras's formulation and with its defaults."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number
from .base import Optimizer
from .schedules import LearningRateSchedule


class Ftrl(Optimizer):
    """With p = -learning_rate_power (1/2 by default), per weight:

        n' = n + g^2
        z += g + 2 l2_shrinkage w - (n'^p - n^p) / lr * w
        w = (clip(z, -l1, l1) - z) / (n'^p / lr + 2 (l2 + beta / (2 lr)))
        n = n'

    so a weight whose |z| stays below l1 is exactly 0. The accumulator n starts at
    ``initial_accumulator_value``, z at 0. Keras defaults: lr 0.001, learning_rate_power -0.5,
    initial_accumulator_value 0.1, all regularization strengths and beta 0. learning_rate_power is
    taken in [-1, 0] (Keras takes any value <= 0; below -1 n'^p overflows within a few steps).
    """

    def __init__(self, learning_rate=0.001, learning_rate_power: float = -0.5, initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0, l2_regularization_strength: float = 0.0,
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0, **kwargs):
        if not isinstance(learning_rate, LearningRateSchedule):  # FTRL divides by the rate
            check_number(learning_rate, "learning_rate", "Ftrl", low=0, low_open=True)
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.learning_rate_power = check_number(learning_rate_power, "learning_rate_power", "Ftrl", low=-1, high=0)
        self.initial_accumulator_value = check_number(initial_accumulator_value, "initial_accumulator_value",
                                                      "Ftrl", low=0, finite=True)
        self.l1_regularization_strength = check_number(l1_regularization_strength, "l1_regularization_strength",
                                                       "Ftrl", low=0, finite=True)
        self.l2_regularization_strength = check_number(l2_regularization_strength, "l2_regularization_strength",
                                                       "Ftrl", low=0, finite=True)
        self.l2_shrinkage_regularization_strength = check_number(
            l2_shrinkage_regularization_strength, "l2_shrinkage_regularization_strength", "Ftrl", low=0, finite=True)
        self.beta = check_number(beta, "beta", "Ftrl", low=0, finite=True)

    def build_slots(self, values):
        self.accumulator = self.add_slot(values, self.initial_accumulator_value)
        self.linear = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        power = -self.learning_rate_power
        n, z = self.accumulator, self.linear
        new_n = n + grads * grads
        new_n_power = np.power(new_n, power)
        sigma = (new_n_power - np.power(n, power)) / learning_rate
        z += grads + 2 * self.l2_shrinkage_regularization_strength * values - sigma * values
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)
        quadratic = new_n_power / learning_rate + 2 * l2
        l1 = self.l1_regularization_strength
        values[...] = (np.clip(z, -l1, l1) - z) / quadratic
        n[...] = new_n

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
