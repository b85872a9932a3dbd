"""Callbacks: hooks a model calls during fit, evaluate and predict, as in Keras.

Override any of ``on_train_begin/end``, ``on_epoch_begin/end``, ``on_train_batch_begin/end``,
``on_test_*`` and ``on_predict_*``; ``self.model`` and ``self.params`` are set before training.
Batch hooks cost a call per step, so ``CallbackList`` calls only those a callback overrides.
"""

from __future__ import annotations

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): pass
    def on_train_batch_end(self, batch, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass

    # Keras's older names for the training batch hooks.
    def on_batch_begin(self, batch, logs=None): pass
    def on_batch_end(self, batch, logs=None): pass


def warn_missing_monitor(callback, monitor: str, logs) -> None:
    """Warn, once per fit, that ``monitor`` is not in the epoch's logs (a callback watching
    ``val_loss`` in a fit without validation data), naming the logs there are."""
    import warnings
    if getattr(callback, "_warned_about", None) == monitor:
        return
    callback._warned_about = monitor
    hint = " Pass validation_data= or validation_split= to fit, or monitor one of those." if \
        monitor.startswith("val_") else " Monitor one of those."
    warnings.warn(f"{type(callback).__name__}: monitor {monitor!r} is not among the logs "
                  f"({', '.join(logs or {}) or 'none'}), so it does nothing.{hint}", stacklevel=3)


def _overrides(callback, hook: str) -> bool:
    return hook in vars(callback) or getattr(type(callback), hook) is not getattr(Callback, hook)


class CallbackList:
    """Calls a hook on every callback that defines it."""

    def __init__(self, callbacks, model, params: dict):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
        self._listeners = {hook: [getattr(c, hook) for c in self.callbacks if _overrides(c, hook)] for hook in _HOOKS}
        for old, new in (("on_batch_begin", "on_train_batch_begin"), ("on_batch_end", "on_train_batch_end")):
            self._listeners[new] += [getattr(c, old) for c in self.callbacks if _overrides(c, old)]

    def wants(self, hook: str) -> bool:
        return bool(self._listeners[hook])

    def call(self, hook: str, *args) -> None:
        for listener in self._listeners[hook]:
            listener(*args)
