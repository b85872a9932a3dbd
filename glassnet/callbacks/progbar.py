"""The progress bar Keras users know, and the callback that drives it during fit.

In a terminal one line is redrawn in place (at most every 0.05 s):
``1500/1875 ━━━━━━━━━━━━━━━━╺━━━ 1s 1ms/step - accuracy: 0.8512 - loss: 0.4301``.
When stdout is not a terminal (a log file, CI) nothing is drawn mid-epoch and one plain
line is printed when the epoch ends. verbose=2 prints one short line per epoch.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from .base import Callback

BAR_WIDTH = 20


def format_value(value) -> str:
    """A log value as Keras prints it; a vector metric (F1Score(average=None)) by its mean."""
    value = float(np.mean(value))
    return f"{value:.4f}" if abs(value) > 1e-3 or value == 0 else f"{value:.4e}"


def format_time_per_step(seconds: float) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progbar:
    """A progress bar over ``target`` steps; ``update(step, values)`` after each step. A target
    of None (data of unknown length) shows ``step/Unknown`` and the elapsed time, as Keras does,
    until the final update, which takes the step count as the target."""

    def __init__(self, target: int | None, verbose: int = 1, stream=None, interval: float = 0.05):
        self.target, self.verbose, self.interval = target, verbose, interval
        self.stream = stream if stream is not None else sys.stdout
        self.dynamic = _is_terminal(self.stream)
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._width = 0

    def _bar(self, step: int) -> str:
        done = int(BAR_WIDTH * step / self.target) if self.target else BAR_WIDTH
        if not self.dynamic:
            return "━" * BAR_WIDTH
        return f"\x1b[32m{'━' * done}\x1b[0m\x1b[37m{'━' * (BAR_WIDTH - done)}\x1b[0m"

    def _line(self, step: int, values: dict, final: bool) -> str:
        elapsed = time.perf_counter() - self._start
        per_step = elapsed / step if step else 0.0
        if self.target is None:
            metrics = "".join(f" - {key}: {format_value(value)}" for key, value in values.items())
            timing = f"{elapsed:.0f}s"  # as Keras draws it: the count plain, the seconds bold
            if self.dynamic:
                timing = f"\x1b[1m{timing}\x1b[0m"
            return f"{step:>7}/Unknown {timing} {format_time_per_step(per_step)}{metrics}"
        digits = len(str(self.target))
        metrics = "".join(f" - {key}: {format_value(value)}" for key, value in values.items())
        if self.verbose == 2:
            return f"{step}/{self.target} - {format_duration(elapsed)} - {format_time_per_step(per_step)}{metrics}"
        timing = format_duration(elapsed) if final else format_duration(per_step * (self.target - step))
        count = f"{step:>{digits}}/{self.target}"
        if self.dynamic:  # bold, as Keras draws them
            count, timing = f"\x1b[1m{count}\x1b[0m", f"\x1b[1m{timing}\x1b[0m"
        return f"{count} {self._bar(step)} {timing} {format_time_per_step(per_step)}{metrics}"

    def update(self, step: int, values: dict | None = None, final: bool = False) -> None:
        values = values or {}
        if self.verbose == 0:
            return
        if final and self.target is None:
            self.target = step
        if not final:
            if not self.dynamic or self.verbose == 2:
                return
            now = time.perf_counter()
            if now - self._last_draw < self.interval and (self.target is None or step < self.target):
                return
            self._last_draw = now
        line = self._line(step, values, final)
        if self.dynamic and self.verbose == 1:
            self.stream.write("\r" + line + " " * max(0, self._width - len(line)))
            self._width = len(line)
            if final:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class ProgbarLogger(Callback):
    """Shows ``Epoch i/n`` and a Progbar per epoch of ``fit``. fit adds one when verbose > 0,
    unless its callbacks hold one already; as in Keras, it draws at fit's ``verbose``."""

    def __init__(self, verbose: int = 1, stream=None):
        super().__init__()
        self.verbose, self.stream = verbose, stream

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        verbose = params.get("verbose", self.verbose)
        self.verbose = 1 if verbose == "auto" else verbose

    def on_train_begin(self, logs=None):
        self._target = self.params.get("steps")  # None for data of unknown length, until an epoch counts it

    def on_epoch_begin(self, epoch, logs=None):
        stream = self.stream or sys.stdout
        if self.verbose:
            stream.write(f"Epoch {epoch + 1}/{self.params['epochs']}\n")
        self._bar = Progbar(getattr(self, "_target", self.params.get("steps")), self.verbose, self.stream)
        self._seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._bar.update(self._seen, logs, final=True)
        self._target = self._bar.target
