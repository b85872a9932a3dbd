"""Learning-rate schedules: a learning rate that is a function of the optimizer's step."""

from __future__ import annotations

import math


class LearningRateSchedule:
    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}


class ExponentialDecay(LearningRateSchedule):
    """lr(step) = initial_learning_rate * decay_rate ^ (step / decay_steps); with ``staircase``
    the exponent is rounded down, so the rate drops every ``decay_steps`` steps."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"ExponentialDecay: decay_steps must be > 0, received {decay_steps!r}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step):
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate ** exponent

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


def builtin_classes() -> dict:
    return {cls.__name__: cls for cls in (ExponentialDecay,)}


def serialize(schedule: LearningRateSchedule) -> dict:
    from ..saving.registry import described
    return described(schedule, schedule.get_config())


def deserialize(config, custom_objects: dict | None = None) -> LearningRateSchedule:
    from ..saving.registry import rebuild
    return rebuild("learning-rate schedule", config, builtin_classes(), LearningRateSchedule, custom_objects)
