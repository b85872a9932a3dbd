"""Training curves, live: a callback that hands each epoch's logs to the draw server's /train page.

``LiveHistory`` is a Callback; at the end of every epoch it appends the epoch's logs (loss,
accuracy, val_loss, ...) to a ``TrainingLog``, which the server's ``GET /api/history`` reads
from another thread. The page polls that and redraws the curves.
"""

from __future__ import annotations

import math
import threading

from ..callbacks.base import Callback


class TrainingLog:
    """Per-epoch logs shared between the training thread and the server's threads."""

    def __init__(self, title: str = "training"):
        self._lock = threading.Lock()
        self.title = title
        self._history: dict[str, list] = {}
        self._epochs = None
        self._done = False

    def begin(self, epochs) -> None:
        with self._lock:
            self._history, self._epochs, self._done = {}, epochs, False

    def add_epoch(self, logs: dict) -> None:
        with self._lock:
            for key, value in logs.items():
                number = float(value)
                self._history.setdefault(key, []).append(number if math.isfinite(number) else None)

    def finish(self) -> None:
        with self._lock:
            self._done = True

    def snapshot(self) -> dict:
        """``{"title", "epochs", "done", "history": {key: [value per epoch]}}``, JSON-ready."""
        with self._lock:
            return {"title": self.title, "epochs": self._epochs, "done": self._done,
                    "history": {key: list(values) for key, values in self._history.items()}}


class LiveHistory(Callback):
    """Sends every epoch's logs to ``log`` (a TrainingLog)."""

    def __init__(self, log: TrainingLog):
        super().__init__()
        self.log = log

    def on_train_begin(self, logs=None):
        self.log.begin(self.params.get("epochs"))

    def on_epoch_end(self, epoch, logs=None):
        self.log.add_epoch(dict(logs or {}))

    def on_train_end(self, logs=None):
        self.log.finish()
