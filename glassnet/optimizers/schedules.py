"""Learning-rate schedules: a learning rate that is a function of the optimizer's step.

The optimizer evaluates its schedule at ``iterations``, the number of updates made so far, so
the first update uses ``schedule(0)``, as in Keras. Every schedule takes and returns plain
Python numbers; ``get_config`` returns the constructor's arguments, as Keras's do.
"""

from __future__ import annotations

import math

from ..utils.validation import check_bool, check_name, check_number, is_int


class LearningRateSchedule:
    """Base class: a subclass gives ``__call__(step) -> learning rate`` and ``get_config``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"Learning-rate schedule '{type(self).__name__}' must define __call__(self, step).")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        return cls(**config)


def _check_steps(value, argument: str, owner: str):
    """A number of steps > 0 (a float is fine: the schedules divide by it)."""
    number = check_number(value, argument, owner, low=0, low_open=True, finite=True)
    return int(value) if is_int(value) else number


def _check_rate(value, argument: str, owner: str) -> float:
    """A learning rate: a finite number >= 0 (a negative one would climb the loss)."""
    return check_number(value, argument, owner, low=0, finite=True)


def _check_fraction(value, argument: str, owner: str) -> float:
    return check_number(value, argument, owner, low=0, high=1)


class ExponentialDecay(LearningRateSchedule):
    """lr(step) = initial_learning_rate * decay_rate ^ (step / decay_steps); with ``staircase``
    the exponent is rounded down, so the rate drops every ``decay_steps`` steps."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay"):
        self.initial_learning_rate = _check_rate(initial_learning_rate, "initial_learning_rate", "ExponentialDecay")
        self.decay_steps = _check_steps(decay_steps, "decay_steps", "ExponentialDecay")
        # Above 1 the rate grows (a learning-rate range test); an overflow is refused when reached.
        self.decay_rate = check_number(decay_rate, "decay_rate", "ExponentialDecay", low=0, finite=True)
        self.staircase = check_bool(staircase, "staircase", "ExponentialDecay")
        self.name = check_name(name, "ExponentialDecay")

    def __call__(self, step):
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        try:
            rate = self.initial_learning_rate * self.decay_rate ** exponent
        except OverflowError:
            rate = math.inf
        if not math.isfinite(rate):
            raise ValueError(f"ExponentialDecay: the learning rate overflows at step {step}: initial_learning_rate="
                             f"{self.initial_learning_rate!r} * decay_rate={self.decay_rate!r} ** {exponent!r}; "
                             "give a decay_rate of at most 1, or more decay_steps.")
        return rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps); with
    ``staircase`` the fraction step / decay_steps is rounded down."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "InverseTimeDecay"):
        self.initial_learning_rate = _check_rate(initial_learning_rate, "initial_learning_rate", "InverseTimeDecay")
        self.decay_steps = _check_steps(decay_steps, "decay_steps", "InverseTimeDecay")
        self.decay_rate = check_number(decay_rate, "decay_rate", "InverseTimeDecay", low=0, finite=True)
        self.staircase = check_bool(staircase, "staircase", "InverseTimeDecay")
        self.name = check_name(name, "InverseTimeDecay")

    def __call__(self, step):
        fraction = step / self.decay_steps
        if self.staircase:
            fraction = math.floor(fraction)
        return self.initial_learning_rate / (1 + self.decay_rate * fraction)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


def _numbers(items, argument: str, low, keep_ints: bool) -> list:
    """A list or tuple of finite numbers (each >= ``low`` where given), for PiecewiseConstantDecay:
    floats, or with ``keep_ints`` the ints as ints (step boundaries, as the config shows them)."""
    if isinstance(items, (str, bytes)) or not isinstance(items, (list, tuple)):
        raise TypeError(f"PiecewiseConstantDecay: {argument} must be a list of numbers, received {items!r}.")
    checked = [check_number(item, f"{argument}[{i}]", "PiecewiseConstantDecay", low=low, finite=True)
               for i, item in enumerate(items)]
    return [int(item) if keep_ints and is_int(item) else number for item, number in zip(items, checked)]


class PiecewiseConstantDecay(LearningRateSchedule):
    """lr(step) = values[0] while step <= boundaries[0], values[i] while
    boundaries[i-1] < step <= boundaries[i], and values[-1] once step > boundaries[-1]."""

    def __init__(self, boundaries, values, name: str = "PiecewiseConstant"):
        boundaries = _numbers(boundaries, "boundaries", low=None, keep_ints=True)
        values = _numbers(values, "values", low=0, keep_ints=False)
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"PiecewiseConstantDecay: values must have one more entry than boundaries, received "
                             f"boundaries={boundaries} ({len(boundaries)}) and values={values} ({len(values)}).")
        if any(later <= earlier for earlier, later in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be strictly increasing, received {boundaries}")
        self.boundaries, self.values = boundaries, values
        self.name = check_name(name, "PiecewiseConstantDecay")

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """With s = min(step, decay_steps):

        lr(step) = (initial_learning_rate - end_learning_rate) * (1 - s / decay_steps) ^ power
                   + end_learning_rate

    With ``cycle`` the decay restarts: decay_steps is replaced by its first multiple >= step
    (decay_steps itself at step 0) and s = step.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        self.initial_learning_rate = _check_rate(initial_learning_rate, "initial_learning_rate", "PolynomialDecay")
        self.decay_steps = _check_steps(decay_steps, "decay_steps", "PolynomialDecay")
        self.end_learning_rate = _check_rate(end_learning_rate, "end_learning_rate", "PolynomialDecay")
        # (1 - s / decay_steps) reaches 0, which a negative power would divide by.
        self.power = check_number(power, "power", "PolynomialDecay", low=0, finite=True)
        self.cycle = check_bool(cycle, "cycle", "PolynomialDecay")
        self.name = check_name(name, "PolynomialDecay")

    def __call__(self, step):
        span = self.decay_steps
        if self.cycle:
            span = span * (math.ceil(step / span) if step > 0 else 1)
        else:
            step = min(step, span)
        fraction = step / span
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - fraction) ** self.power \
            + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


def _cosine(fraction: float, alpha: float) -> float:
    """(1 - alpha) * (1 + cos(pi * fraction)) / 2 + alpha: from 1 at fraction 0 to alpha at 1."""
    return (1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Optional linear warm-up, then a half cosine (Loshchilov & Hutter, SGDR).

    Without ``warmup_target``: lr(step) = initial_learning_rate * c(min(step, decay_steps) / decay_steps)
    with c(f) = (1 - alpha) (1 + cos(pi f)) / 2 + alpha. With it: for step < warmup_steps the rate
    rises linearly from initial_learning_rate to warmup_target, then decays as above from
    warmup_target over the next decay_steps steps.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None, warmup_steps: int = 0):
        self.initial_learning_rate = _check_rate(initial_learning_rate, "initial_learning_rate", "CosineDecay")
        self.decay_steps = _check_steps(decay_steps, "decay_steps", "CosineDecay")
        self.alpha = _check_fraction(alpha, "alpha", "CosineDecay")
        self.name = check_name(name, "CosineDecay")
        self.warmup_target = check_number(warmup_target, "warmup_target", "CosineDecay", low=0, allow_none=True,
                                          finite=True)
        check_number(warmup_steps, "warmup_steps", "CosineDecay", low=0, finite=True)
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        if self.warmup_target is None:
            return self.initial_learning_rate * _cosine(min(step, self.decay_steps) / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return self.initial_learning_rate + rise * step / self.warmup_steps
        return self.warmup_target * _cosine((step - self.warmup_steps) / self.decay_steps, self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR). The i-th period (i from 0) lasts
    first_decay_steps * t_mul^i steps and starts from initial_learning_rate * m_mul^i; within
    a period at fraction f the rate is that start times (1 - alpha) (1 + cos(pi f)) / 2 plus
    initial_learning_rate * alpha, as Keras computes it."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay"):
        owner = "CosineDecayRestarts"
        self.initial_learning_rate = _check_rate(initial_learning_rate, "initial_learning_rate", owner)
        self.first_decay_steps = _check_steps(first_decay_steps, "first_decay_steps", owner)
        # Periods shorter each time (t_mul < 1) add up to a finite number of steps, after which
        # there is no next period: Keras gives NaN from there on.
        self.t_mul = check_number(t_mul, "t_mul", owner, low=1, finite=True)
        # A restart at most as high as the one before (above 1 the rate grows without bound).
        self.m_mul = _check_fraction(m_mul, "m_mul", owner)
        self.alpha = _check_fraction(alpha, "alpha", owner)
        self.name = check_name(name, owner)

    def _period_and_fraction(self, step):
        """(i, f): the period that ``step`` falls in and how far into it, in [0, 1)."""
        elapsed = step / self.first_decay_steps  # in units of the first period
        if self.t_mul == 1.0:
            period = math.floor(elapsed)
            return period, elapsed - period
        # Periods 0..i-1 together last (1 - t_mul^i) / (1 - t_mul) first periods.
        period = math.floor(math.log(1 - elapsed * (1 - self.t_mul)) / math.log(self.t_mul))
        before = (1 - self.t_mul ** period) / (1 - self.t_mul)
        return period, (elapsed - before) / self.t_mul ** period

    def __call__(self, step):
        period, fraction = self._period_and_fraction(step)
        cosine = 0.5 * self.m_mul ** period * (1 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay,
              CosineDecayRestarts)


def builtin_classes() -> dict:
    return {cls.__name__: cls for cls in _SCHEDULES}


def serialize(schedule: LearningRateSchedule) -> dict:
    from ..saving.registry import described
    return described(schedule, schedule.get_config())


def deserialize(config, custom_objects: dict | None = None) -> LearningRateSchedule:
    from ..saving.registry import rebuild
    return rebuild("learning-rate schedule", config, builtin_classes(), LearningRateSchedule, custom_objects)


__all__ = ["LearningRateSchedule", *builtin_classes(), "serialize", "deserialize"]
