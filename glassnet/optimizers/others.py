"""RMSprop, Adagrad, Nadam and Adadelta, in Keras's formulations and with its defaults."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_number
from .adam import Adam, flush_subnormals
from .base import Optimizer, check_epsilon


class RMSprop(Optimizer):
    """v = rho v + (1 - rho) g^2;  step = lr g / sqrt(v + epsilon)  (centered: v - mean(g)^2);
    with momentum: s = momentum s + step, w -= s; else w -= step.
    Keras defaults: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7."""

    def __init__(self, learning_rate=0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_number(rho, "rho", "RMSprop", low=0, high=1)
        self.momentum = check_number(momentum, "momentum", "RMSprop", low=0, high=1)
        self.epsilon = check_epsilon(epsilon, "RMSprop")
        self.centered = check_bool(centered, "centered", "RMSprop")

    def build_slots(self, values):
        self.velocity = self.add_slot(values)
        if self.momentum:
            self.momentum_buffer = self.add_slot(values)
        if self.centered:
            self.average_gradient = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        v, scratch = self.velocity, self._scratch
        v *= self.rho
        v += np.multiply(grads, grads, out=scratch) * (1 - self.rho)
        if self.centered:
            average = self.average_gradient
            average *= self.rho
            average += (1 - self.rho) * grads
            np.subtract(v, np.square(average), out=scratch)
        else:
            scratch[...] = v
        scratch += self.epsilon
        np.sqrt(scratch, out=scratch)
        np.divide(grads, scratch, out=scratch)
        scratch *= learning_rate
        if self.momentum:
            self.momentum_buffer *= self.momentum
            self.momentum_buffer += scratch
            values -= self.momentum_buffer
        else:
            values -= scratch

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """a += g^2;  w -= lr g / sqrt(a + epsilon).
    Keras defaults: lr 0.001, initial_accumulator_value 0.1, epsilon 1e-7."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = check_number(initial_accumulator_value, "initial_accumulator_value",
                                                      "Adagrad", low=0, finite=True)
        self.epsilon = check_epsilon(epsilon, "Adagrad")

    def build_slots(self, values):
        self.accumulator = self.add_slot(values, self.initial_accumulator_value)

    def update(self, values, grads, learning_rate):
        scratch = self._scratch
        self.accumulator += np.multiply(grads, grads, out=scratch)
        np.add(self.accumulator, self.epsilon, out=scratch)
        np.sqrt(scratch, out=scratch)
        np.divide(grads, scratch, out=scratch)
        scratch *= learning_rate
        values -= scratch

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Nadam(Adam):
    """Adam with Nesterov momentum (Dozat), with Keras's momentum schedule
    u_t = beta_1 (1 - 0.5 * 0.96^t):

        m_hat = u_{t+1} m / (1 - prod_{i<=t+1} u_i) + (1 - u_t) g / (1 - prod_{i<=t} u_i)
        v_hat = v / (1 - beta_2^t);   w -= lr m_hat / (sqrt(v_hat) + epsilon)
    """

    def build_slots(self, values):
        super().build_slots(values)
        self._u_product = 1.0

    def get_extra_state(self):
        return {"u_product": self._u_product}

    def set_extra_state(self, state):
        self._u_product = float(state.get("u_product", 1.0))

    def update(self, values, grads, learning_rate):
        t = self.iterations + 1
        u_t = self.beta_1 * (1 - 0.5 * 0.96 ** t)
        u_next = self.beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product = self._u_product * u_t
        u_product_next = u_product * u_next
        self._u_product = u_product
        m, v, scratch = self.momentum, self.velocity, self._scratch
        m += (grads - m) * (1 - self.beta_1)
        v += (np.multiply(grads, grads, out=scratch) - v) * (1 - self.beta_2)
        m_hat = m * (u_next / (1 - u_product_next)) + grads * ((1 - u_t) / (1 - u_product))
        np.divide(v, 1 - self.beta_2 ** t, out=scratch)
        np.sqrt(scratch, out=scratch)
        scratch += self.epsilon
        values -= learning_rate * m_hat / scratch


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): step sizes from the ratio of two running RMS values.

        a = rho a + (1 - rho) g^2
        delta = -sqrt(d + epsilon) / sqrt(a + epsilon) * g
        d = rho d + (1 - rho) delta^2;   w += lr delta

    Keras defaults: lr 0.001, rho 0.95, epsilon 1e-7.
    """

    def __init__(self, learning_rate=0.001, rho: float = 0.95, epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = check_number(rho, "rho", "Adadelta", low=0, high=1)
        self.epsilon = check_epsilon(epsilon, "Adadelta")

    def build_slots(self, values):
        self.accumulated_grad = self.add_slot(values)
        self.accumulated_delta_var = self.add_slot(values)

    def update(self, values, grads, learning_rate):
        rho, scratch = self.rho, self._scratch
        a, d = self.accumulated_grad, self.accumulated_delta_var
        if (self.iterations + 1) % 100 == 0:
            flush_subnormals(a, d)
        a *= rho
        a += (1 - rho) * np.square(grads)
        delta = -np.sqrt(d + self.epsilon) / np.sqrt(a + self.epsilon) * grads
        d *= rho
        d += (1 - rho) * np.square(delta)
        np.multiply(delta, learning_rate, out=scratch)
        values += scratch

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
