"""Adafactor (Shazeer & Stern, 2018): Adam-like steps with a factored second moment, so that a
weight matrix of shape (..., n, m) keeps n + m statistics instead of n * m. In Keras's form."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_number
from .base import Optimizer, check_epsilon


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


class Adafactor(Optimizer):
    """Per weight W (not per element: the rates below use W's own root mean square), with t the
    step number from 1 and G = g^2 + epsilon_1:

        beta_2_t = 1 - t^beta_2_decay;  rho_t = min(lr, 1 / sqrt(t));  alpha_t = max(epsilon_2, rms(W)) rho_t
        W of rank >= 2: r = beta_2_t r + (1 - beta_2_t) mean(G, last axis)      (shape W.shape[:-1])
                        c = beta_2_t c + (1 - beta_2_t) mean(G, second-to-last)  (shape W.shape[:-2] + (m,))
                        v = r / mean(r) (outer) c
        W of rank < 2:  v = beta_2_t v + (1 - beta_2_t) G
        u = g / sqrt(v);  W -= alpha_t u / max(1, rms(u) / clip_threshold)

    Keras defaults: lr 0.001, beta_2_decay -0.8, epsilon_1 1e-30, epsilon_2 0.001,
    clip_threshold 1.0, relative_step True (which, as in Keras, changes nothing that rho_t
    does not already do).
    """

    def __init__(self, learning_rate=0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay = check_number(beta_2_decay, "beta_2_decay", "Adafactor", high=0, finite=True)
        self.epsilon_1 = check_epsilon(epsilon_1, "Adafactor", "epsilon_1")
        self.epsilon_2 = check_epsilon(epsilon_2, "Adafactor", "epsilon_2")
        self.clip_threshold = check_number(clip_threshold, "clip_threshold", "Adafactor", low=0, low_open=True)
        self.relative_step = check_bool(relative_step, "relative_step", "Adafactor")
        self._shapes: list[tuple] = []

    def build(self, flat):
        if self._built_for is None or self._built_for != flat.layout:
            self._shapes = [tuple(parameter.value.shape) for parameter in flat.parameters]
        super().build(flat)

    def build_slots(self, values):
        # Per weight, in order: (r, c, v) for a matrix or more, (v,) below; v is full-sized.
        self._state = []
        for shape in self._shapes:
            if len(shape) >= 2:
                factored = (np.zeros(shape[:-1], values.dtype), np.zeros(shape[:-2] + shape[-1:], values.dtype))
            else:
                factored = ()
            state = (*factored, np.zeros(shape, values.dtype))
            self.slots.extend(state)
            self._state.append(state)

    def update(self, values, grads, learning_rate):
        t = self.iterations + 1
        rho = min(learning_rate, 1 / np.sqrt(t))
        beta = 1 - t ** self.beta_2_decay
        offset = 0
        for shape, state in zip(self._shapes, self._state):
            size = int(np.prod(shape))
            weight = values[offset:offset + size].reshape(shape)
            grad = grads[offset:offset + size].reshape(shape)
            offset += size
            alpha = max(self.epsilon_2, _rms(weight)) * rho
            squared = np.square(grad) + self.epsilon_1
            v = state[-1]
            if len(shape) >= 2:
                r, c = state[0], state[1]
                r[...] = beta * r + (1 - beta) * squared.mean(axis=-1)
                c[...] = beta * c + (1 - beta) * squared.mean(axis=-2)
                v[...] = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
            else:
                v[...] = beta * v + (1 - beta) * squared
            u = grad / np.sqrt(v)
            weight -= alpha * u / max(1.0, _rms(u) / self.clip_threshold)

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}
