"""Stop training when a monitored quantity stops improving; optionally restore the best weights."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool, check_int, check_number, check_verbose
from .base import Callback, warn_missing_monitor


def resolve_mode(mode: str, monitor: str, owner: str) -> str:
    """'min' or 'max'; 'auto' means max for accuracies (and AUC), min otherwise, as in Keras."""
    if not isinstance(monitor, str):
        raise TypeError(f"{owner}: monitor must be the name of a logged quantity such as 'val_loss', received "
                        f"{type(monitor).__name__} {monitor!r:.60}.")
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', received {mode!r}")
    if mode != "auto":
        return mode
    return "max" if monitor.endswith(("acc", "accuracy", "auc")) else "min"


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Keras defaults: monitor 'val_loss', min_delta 0, patience 0, mode 'auto'. With
    ``restore_best_weights`` the weights of the best epoch are put back when training ends.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__()
        owner = "EarlyStopping"
        self.monitor, self.verbose = monitor, check_verbose(verbose, owner)
        self.patience = check_int(patience, "patience", owner, minimum=0)
        self.mode = resolve_mode(mode, monitor, owner)
        self.min_delta = abs(check_number(min_delta, "min_delta", owner)) * (1 if self.mode == "max" else -1)
        self.baseline = check_number(baseline, "baseline", owner, allow_none=True)
        self.restore_best_weights = check_bool(restore_best_weights, "restore_best_weights", owner)
        self.start_from_epoch = check_int(start_from_epoch, "start_from_epoch", owner, minimum=0)

    def _improved(self, value, reference) -> bool:
        if reference is None:
            return True
        return value - self.min_delta > reference if self.mode == "max" else value - self.min_delta < reference

    def on_train_begin(self, logs=None):
        self._warned_about = None
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warn_missing_monitor(self, self.monitor, logs)
            return
        if epoch < self.start_from_epoch or not np.isfinite(value):
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
