"""Smaller callbacks: ReduceLROnPlateau, TerminateOnNaN, CSVLogger, LambdaCallback."""

from __future__ import annotations

import csv
import inspect
import math
import os

import numpy as np

from ..utils.validation import check_bool, check_callable, check_int, check_number, check_path, check_verbose
from .base import Callback, warn_missing_monitor
from .early_stopping import resolve_mode
from .learning_rate_scheduler import _takes_positional


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved by ``min_delta``
    for ``patience`` epochs; wait ``cooldown`` epochs after a cut; never go below ``min_lr``.
    Keras defaults: monitor 'val_loss', factor 0.1, patience 10, min_delta 1e-4."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        super().__init__()
        owner = "ReduceLROnPlateau"
        self.factor = check_number(factor, "factor", owner, low=0, high=1, high_open=True)
        self.monitor, self.verbose = monitor, check_verbose(verbose, owner)
        self.patience = check_int(patience, "patience", owner, minimum=0)
        self.mode = resolve_mode(mode, monitor, owner)
        self.min_delta = check_number(min_delta, "min_delta", owner, finite=True)
        self.cooldown = check_int(cooldown, "cooldown", owner, minimum=0)
        self.min_lr = check_number(min_lr, "min_lr", owner, low=0, finite=True)

    def on_train_begin(self, logs=None):
        self._warned_about = None
        self.wait = self.cooldown_counter = 0
        self.best = -math.inf if self.mode == "max" else math.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        value = logs.get(self.monitor)
        if value is None:
            warn_missing_monitor(self, self.monitor, logs)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        better = value > self.best + self.min_delta if self.mode == "max" else value < self.best - self.min_delta
        if better:
            self.best, self.wait = value, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = float(self.model.optimizer.learning_rate)
                if old > self.min_lr:
                    new = max(old * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


def _csv_value(value):
    """A vector log value (F1Score(average=None)) as Keras's CSVLogger writes it: "[a, b, c]"."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f'"[{", ".join(map(str, value.tolist()))}]"'
    return value


class CSVLogger(Callback):
    """Write each epoch's logs as a row of a CSV file (``epoch`` first), flushed every epoch."""

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = check_path(filename, "filename", "CSVLogger")
        if not (isinstance(separator, str) and len(separator) == 1):
            raise (ValueError if isinstance(separator, str) else TypeError)(
                f"CSVLogger: separator must be one character such as ',' or '\\t', received {separator!r}.")
        self.separator, self.append = separator, check_bool(append, "append", "CSVLogger")
        self._file = self._writer = None

    def on_train_begin(self, logs=None):
        exists = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        try:
            self._file = open(self.filename, "a" if self.append else "w", newline="")
        except OSError as error:
            raise type(error)(error.errno, f"CSVLogger cannot write its log to {self.filename!r} "
                              f"({error.strerror}); give a file in an existing, writable folder") from None
        self._writer = None
        self._header_written = exists

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._writer is None:
            self._keys = sorted(logs)
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self._keys, delimiter=self.separator)
            if not self._header_written:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{k: _csv_value(logs.get(k, "NA")) for k in self._keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None


# The positional arguments each hook of LambdaCallback is called with, as in Keras.
_HOOK_ARGUMENTS = {"on_epoch_begin": ("epoch", "logs"), "on_epoch_end": ("epoch", "logs"),
                   "on_train_begin": ("logs",), "on_train_end": ("logs",),
                   "on_train_batch_begin": ("batch", "logs"), "on_train_batch_end": ("batch", "logs")}


class LambdaCallback(Callback):
    """A callback made of functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``.

    Each function must take the arguments Keras calls it with: (epoch, logs) for the epoch
    hooks, (batch, logs) for the batch hooks, (logs) for on_train_begin/end; one that cannot is
    refused here, by name, rather than failing in the middle of fit.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, on_batch_begin=None, on_batch_end=None):
        super().__init__()
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin or on_batch_begin,
                 "on_train_batch_end": on_train_batch_end or on_batch_end}
        for hook, fn in (("on_batch_begin", on_batch_begin), ("on_batch_end", on_batch_end), *given.items()):
            check_callable(fn, hook, "LambdaCallback", allow_none=True)
        self._given = {hook: fn for hook, fn in given.items() if fn is not None}
        for hook, fn in self._given.items():
            if _takes_positional(fn, len(_HOOK_ARGUMENTS[hook])) is False:
                raise TypeError(f"LambdaCallback: {hook} must be a function of ({', '.join(_HOOK_ARGUMENTS[hook])}), "
                                f"received {fn!r} with the signature {inspect.signature(fn)}.")
        # Bind only the hooks given, so CallbackList calls nothing per batch otherwise.
        for hook, fn in self._given.items():
            setattr(self, hook, fn)
