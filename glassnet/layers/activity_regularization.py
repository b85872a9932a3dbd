"""ActivityRegularization: the identity, adding a penalty on its input to the model's loss."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_number
from .base import Layer


class ActivityRegularization(Layer):
    """y = x, and adds (l1 * sum|x| + l2 * sum x^2) / batch_size to the loss (``add_loss``), as
    Keras's layer does through its activity regularizer (divided by the batch size, axis 0).

    Input and output shape: any, unchanged. Backward: dx = dy + (l1 * sign(x) + 2 * l2 * x) / batch_size.
    """

    supports_masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        owner = f'ActivityRegularization "{self.name}"'
        self.l1 = check_number(l1, "l1", owner, 0, finite=True)
        self.l2 = check_number(l2, "l2", owner, 0, finite=True)

    def _batch(self, x) -> float:
        return float(x.shape[0]) if x.ndim and x.shape[0] else 1.0

    def forward(self, x, training=False):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.sum(np.abs(x)))
        if self.l2:
            penalty += self.l2 * float(np.sum(np.square(x, dtype=np.float64)))
        self.add_loss(penalty / self._batch(x))
        self._saved = x
        return x

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        x = self._saved
        extra = (x.dtype.type(self.l1) * np.sign(x) + x.dtype.type(2 * self.l2) * x) / x.dtype.type(self._batch(x))
        return grad_output + extra

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


__all__ = ["ActivityRegularization"]
