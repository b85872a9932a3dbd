"""Adam, AdamW and Adamax (Kingma & Ba), in Keras's form with epsilon outside the square root."""

from __future__ import annotations

import numpy as np

from ..engine import kernels
from ..engine.kernels import TINY
from ..utils.validation import check_bool, check_number
from .base import Optimizer, check_epsilon


class Adam(Optimizer):
    """With t the step number (from 1):

        m = m + (1 - beta_1) (g - m)          v = v + (1 - beta_2) (g^2 - v)
        alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        w -= alpha * m / (sqrt(v) + epsilon)

    (``amsgrad`` divides by the running maximum of v instead). Keras defaults: lr 0.001,
    beta_1 0.9, beta_2 0.999, epsilon 1e-7.
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check_number(beta_1, "beta_1", owner, low=0, high=1, high_open=True)
        self.beta_2 = check_number(beta_2, "beta_2", owner, low=0, high=1, high_open=True)
        self.epsilon = check_epsilon(epsilon, owner)
        self.amsgrad = check_bool(amsgrad, "amsgrad", owner)

    def build_slots(self, values):
        self.momentum = self.add_slot(values)
        self.velocity = self.add_slot(values)
        if self.amsgrad:
            self.velocity_max = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        t = self.iterations + 1
        # In the parameters' precision, as Keras computes it (matters at large learning rates).
        real = values.dtype.type
        alpha = real(learning_rate) * np.sqrt(1 - real(self.beta_2) ** t) / (1 - real(self.beta_1) ** t)
        fused = None if self.amsgrad else kernels.get("adam")
        if fused is not None:
            dtype = values.dtype.type
            fused(values, grads, self.momentum, self.velocity, dtype(alpha), dtype(1 - self.beta_1),
                  dtype(1 - self.beta_2), dtype(self.epsilon))
            return
        m, v, scratch = self.momentum, self.velocity, self._scratch
        if t % 100 == 0:
            flush_subnormals(m, v)
        np.subtract(grads, m, out=scratch)
        scratch *= 1 - self.beta_1
        m += scratch
        np.multiply(grads, grads, out=scratch)
        scratch -= v
        scratch *= 1 - self.beta_2
        v += scratch
        if self.amsgrad:
            np.maximum(self.velocity_max, v, out=self.velocity_max)
            v = self.velocity_max
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        scratch *= alpha
        values -= scratch

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay: before each step w -= w * weight_decay * lr
    (Keras default weight_decay 0.004)."""

    def __init__(self, learning_rate=0.001, weight_decay: float = 0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)


def flush_subnormals(*arrays) -> None:
    """Set values below TINY to zero. Moments of weights whose gradient stays zero decay into
    subnormal floats, on which arithmetic is about a hundred times slower (see engine.kernels)."""
    for array in arrays:
        np.putmask(array, np.abs(array) < TINY, 0)


class Adamax(Optimizer):
    """Adam with the infinity norm in place of the second moment (Kingma & Ba, section 7).
    With t the step number (from 1):

        m = m + (1 - beta_1) (g - m)          u = max(beta_2 u, |g|)
        w -= lr m / ((1 - beta_1^t) (u + epsilon))

    Keras defaults: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7.
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check_number(beta_1, "beta_1", owner, low=0, high=1, high_open=True)
        self.beta_2 = check_number(beta_2, "beta_2", owner, low=0, high=1, high_open=True)
        self.epsilon = check_epsilon(epsilon, owner)

    def build_slots(self, values):
        self.momentum = self.add_slot(values)
        self.norm = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        t = self.iterations + 1
        m, u, scratch = self.momentum, self.norm, self._scratch
        if t % 100 == 0:
            flush_subnormals(m, u)
        np.subtract(grads, m, out=scratch)
        scratch *= 1 - self.beta_1
        m += scratch
        u *= self.beta_2
        np.maximum(u, np.abs(grads, out=scratch), out=u)
        np.add(u, self.epsilon, out=scratch)
        np.divide(m, scratch, out=scratch)
        scratch *= learning_rate / (1 - self.beta_1 ** t)
        values -= scratch

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
