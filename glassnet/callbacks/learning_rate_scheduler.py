"""LearningRateScheduler: set the optimizer's learning rate before each epoch from a function.

``schedule(epoch, lr)`` gets the epoch index (from 0, as in Keras) and the current rate and
returns the new one; a ``schedule(epoch)`` of one argument is accepted too, as Keras accepts it.
The rate is written to ``model.optimizer.learning_rate`` before the epoch's first step, and at
the epoch's end the rate in use goes into the logs as ``learning_rate``, the key Keras 3 uses,
so ``history.history["learning_rate"]`` lists it per epoch (as ReduceLROnPlateau does).
``verbose=1`` prints Keras's message. A schedule that returns something other than a real
number (a string, None, an array of several values) or a negative number is an error naming
the epoch and the value (NaN and infinity too); unlike Keras, an int or a NumPy scalar of any float type is taken.
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np

from ..utils.validation import check_verbose
from .base import Callback


def _takes_positional(fn, count: int) -> bool | None:
    """Whether ``fn`` can be called with ``count`` positional arguments; None if unknown."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(*range(count))
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """Before every epoch, ``optimizer.learning_rate = schedule(epoch, learning_rate)``."""

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be a function schedule(epoch, lr) -> float, "
                            f"received {schedule!r}")
        self.schedule = schedule
        self.verbose = check_verbose(verbose, "LearningRateScheduler")

    def _call_schedule(self, epoch: int, learning_rate: float):
        takes_two = _takes_positional(self.schedule, 2)
        if takes_two:
            return self.schedule(epoch, learning_rate)
        if takes_two is False and _takes_positional(self.schedule, 1):
            return self.schedule(epoch)
        if takes_two is False:
            raise TypeError(f"LearningRateScheduler: schedule must take (epoch, lr) or (epoch), received "
                            f"{self.schedule!r} with the signature {inspect.signature(self.schedule)}")
        try:  # no signature to read (a builtin): try both forms, as Keras does
            return self.schedule(epoch, learning_rate)
        except TypeError:
            return self.schedule(epoch)

    def _checked(self, value, epoch: int, learning_rate: float) -> float:
        number = None
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            number = float(value)
        elif isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            number = float(value)
        if number is None:
            raise ValueError(f"LearningRateScheduler: schedule(epoch={epoch}, lr={learning_rate}) must return a "
                             f"float (the new learning rate), received {value!r} of type {type(value).__name__}")
        if not (math.isfinite(number) and number >= 0):
            raise ValueError(f"LearningRateScheduler: schedule(epoch={epoch}, lr={learning_rate}) must return a "
                             f"finite learning rate >= 0, received {value!r}")
        return number

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "learning_rate"):
            raise ValueError("LearningRateScheduler: the model's optimizer must have a learning_rate "
                             f"(compile the model first), received optimizer={optimizer!r}")
        current = float(optimizer.learning_rate)
        value = self._call_schedule(epoch, current)
        optimizer.learning_rate = self._checked(value, epoch, current)
        if self.verbose > 0:
            shown = float(value) if isinstance(value, np.ndarray) else value
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {shown}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
