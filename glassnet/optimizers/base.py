"""The optimizer contract: update a flat vector of weights in place from a flat gradient.

A model keeps all its trainable weights in one contiguous vector and all their gradients in
another (``glassnet.engine.FlatParameters``), so one optimizer step is a handful of whole-array
NumPy operations, however many layers there are. Subclasses write ``build_slots`` (their
state: moments, velocities, one vector each) and ``update(values, grads, learning_rate)``.

Before ``update`` the base class clips the gradients (``clipvalue``, per-weight ``clipnorm``,
``global_clipnorm``) and applies decoupled weight decay (``weight_decay``: w -= w * wd * lr),
in the order Keras uses.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..utils.validation import check_name, check_number
from .schedules import LearningRateSchedule


def check_epsilon(value, owner: str, argument: str = "epsilon") -> float:
    """A divisor's guard: > 0, as a weight whose gradient stays 0 (a dead ReLU unit) would
    otherwise divide 0 by 0 and turn NaN (Keras accepts 0 and does exactly that)."""
    return check_number(value, argument, owner, low=0, low_open=True, finite=True)


class Optimizer:
    def __init__(self, learning_rate=0.001, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, name: str | None = None,
                 **kwargs):
        owner = type(self).__name__
        if kwargs:
            raise TypeError(f"{owner}() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{owner}: give at most one of clipnorm, clipvalue and global_clipnorm.")
        # None clips nothing; zero or less would zero every step, and an infinite threshold gives
        # NaN weights in Keras (g * inf / |g|).
        self.clipnorm, self.clipvalue, self.global_clipnorm = (
            check_number(value, argument, owner, low=0, low_open=True, allow_none=True, finite=True)
            for argument, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                                    ("global_clipnorm", global_clipnorm)))
        self._learning_rate = self._check_learning_rate(learning_rate)
        self.weight_decay = check_number(weight_decay, "weight_decay", owner, low=0, allow_none=True, finite=True)
        self.name = check_name(name, owner) or type(self).__name__.lower()
        self.iterations = 0
        self.slots: list[np.ndarray] = []
        self._built_for = None

    def _check_learning_rate(self, value):
        if isinstance(value, LearningRateSchedule):
            return value
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return check_number(value, "learning_rate", type(self).__name__, low=0, finite=True)
        raise TypeError(f"{type(self).__name__}: learning_rate must be a number >= 0 or a "
                        f"LearningRateSchedule, received {value!r}")

    # -- learning rate -------------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The rate for the next step (a schedule is evaluated at ``iterations``)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(self._learning_rate(self.iterations))
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, LearningRateSchedule) and not isinstance(value, LearningRateSchedule):
            raise TypeError(f"{type(self).__name__}: the learning rate is a schedule and cannot be set to a "
                            "number; give the optimizer a number learning_rate to change it during training.")
        self._learning_rate = self._check_learning_rate(value)

    # -- state ---------------------------------------------------------------------------------
    def build(self, flat) -> None:
        """Create the state vectors for ``flat`` (a FlatParameters) unless they exist already."""
        if self._built_for is not None and self._built_for == flat.layout:
            return
        self.slots = []
        # Room for intermediate results, so a step allocates nothing.
        self._scratch = np.empty_like(flat.values)
        self.build_slots(flat.values)
        self._built_for = flat.layout

    def add_slot(self, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
        slot = np.full_like(like, fill)
        self.slots.append(slot)
        return slot

    def build_slots(self, values: np.ndarray) -> None:
        """Subclasses create their state with ``add_slot``."""

    def get_extra_state(self) -> dict:
        """State beyond the slot vectors and ``iterations`` (saved with the model)."""
        return {}

    def set_extra_state(self, state: dict) -> None:
        pass

    # -- one step ------------------------------------------------------------------------------
    def apply(self, flat) -> None:
        """One step: clip ``flat.grads``, decay and update ``flat.values`` in place."""
        grads = flat.grads
        if self.clipvalue is not None:
            np.clip(grads, -self.clipvalue, self.clipvalue, out=grads)
        elif self.clipnorm is not None:
            for grad in flat.grad_views:
                norm = float(np.sqrt(np.dot(grad.ravel(), grad.ravel())))
                if norm > self.clipnorm:
                    grad *= self.clipnorm / norm
        elif self.global_clipnorm is not None:
            norm = float(np.sqrt(np.dot(grads, grads)))
            if norm > self.global_clipnorm:
                grads *= self.global_clipnorm / norm
        learning_rate = self.learning_rate
        if self.weight_decay:
            flat.values -= flat.values * (self.weight_decay * learning_rate)
        self.update(flat.values, grads, learning_rate)
        self.iterations += 1

    def update(self, values: np.ndarray, grads: np.ndarray, learning_rate: float) -> None:
        raise NotImplementedError

    # -- configuration -------------------------------------------------------------------------
    def get_config(self) -> dict:
        learning_rate = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule):
            from .schedules import serialize
            learning_rate = serialize(learning_rate)
        return {"name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm}

    @classmethod
    def from_config(cls, config: dict) -> "Optimizer":
        config = dict(config)
        learning_rate = config.get("learning_rate")
        if isinstance(learning_rate, dict):
            from .schedules import deserialize
            config["learning_rate"] = deserialize(learning_rate)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self.learning_rate:g} iterations={self.iterations}>"
