"""Weight penalties added to the loss: L1 = l1 * sum|w|, L2 = l2 * sum(w^2) (no 1/2, as Keras).

``gradient(w)`` is the penalty's derivative, added to the weight's gradient after backward.
"""

from __future__ import annotations

import numpy as np

from .utils.suggest import unknown_name_error


class Regularizer:
    def __call__(self, weights: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}


class L1L2(Regularizer):
    """penalty = l1 * sum|w| + l2 * sum(w^2); gradient = l1 * sign(w) + 2 * l2 * w."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        for name, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{type(self).__name__}: {name} must be a number >= 0, received {value!r}")
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, weights):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.abs(weights).sum())
        if self.l2:
            penalty += self.l2 * float(np.square(weights).sum())
        return penalty

    def gradient(self, weights):
        grad = np.zeros_like(weights)
        if self.l1:
            grad += weights.dtype.type(self.l1) * np.sign(weights)
        if self.l2:
            grad += weights.dtype.type(2 * self.l2) * weights
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    return L1L2(l1, l2)


l1 = L1
l2 = L2
_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": l1_l2, "l1l2": l1_l2}
_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier) -> Regularizer | None:
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME:
            raise unknown_name_error("regularizer", identifier, _BY_NAME)
        return _BY_NAME[key]()
    raise TypeError(f"regularizer must be a name, a Regularizer or None, received {identifier!r}")


def builtin_classes() -> dict:
    return dict(_CLASSES)


def serialize(regularizer: Regularizer | None):
    if regularizer is None:
        return None
    from .saving.registry import described
    return described(regularizer, regularizer.get_config())


def deserialize(config, custom_objects: dict | None = None) -> Regularizer | None:
    if config is None or isinstance(config, str):
        return get(config)
    from .saving.registry import rebuild
    return rebuild("regularizer", config, _CLASSES, Regularizer, custom_objects)
