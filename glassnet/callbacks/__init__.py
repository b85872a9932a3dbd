"""Callbacks with Keras's names and defaults."""

from .base import Callback, CallbackList
from .early_stopping import EarlyStopping
from .history import History
from .others import CSVLogger, LambdaCallback, ReduceLROnPlateau, TerminateOnNaN
from .progbar import Progbar, ProgbarLogger

__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback", "Progbar",
           "ProgbarLogger", "ReduceLROnPlateau", "TerminateOnNaN"]
