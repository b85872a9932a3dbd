"""All trainable weights of a model in one contiguous vector, their gradients in another.

Each layer's ``Parameter.value`` and ``Parameter.grad`` become views into these two vectors,
so layers keep reading and writing their own named arrays while an optimizer step, a
gradient clip or a finite check is one operation over the whole model.
"""

from __future__ import annotations

import numpy as np


class FlatParameters:
    """Packs ``parameters`` (a list of Parameter) into ``values`` and ``grads``.

    ``layout`` identifies which parameters, in which order, shapes and places, the vectors hold;
    the model compares it to decide whether to repack (after a layer is frozen, say).
    """

    def __init__(self, parameters, dtype=np.float32):
        self.parameters = list(parameters)
        total = sum(p.value.size for p in self.parameters)
        self.values = np.empty(total, dtype=dtype)
        self.grads = np.zeros(total, dtype=dtype)
        self.grad_views = []
        offset = 0
        for parameter in self.parameters:
            size, shape = parameter.value.size, parameter.value.shape
            self.values[offset:offset + size] = parameter.value.ravel()
            parameter.value = self.values[offset:offset + size].reshape(shape)
            parameter.grad = self.grads[offset:offset + size].reshape(shape)
            self.grad_views.append(parameter.grad)
            offset += size
        self.regularized = [p for p in self.parameters if p.regularizer is not None]
        self.layout = layout_of(self.parameters)

    def __len__(self) -> int:
        return self.values.size

    def regularization_penalty(self) -> float:
        return sum(p.regularizer(p.value) for p in self.regularized)

    def add_regularization_gradients(self) -> None:
        for parameter in self.regularized:
            parameter.grad += parameter.regularizer.gradient(parameter.value)


def layout_of(parameters) -> tuple:
    """Which parameters, in which order and shapes, and where their values lie: a model that
    another one has packed (a model nested in another) sees its weights moved and repacks."""
    return tuple((id(p), p.value.shape, p.value.__array_interface__["data"][0]) for p in parameters)
