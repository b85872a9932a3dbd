"""Callbacks with Keras's names and defaults."""

from .backup_and_restore import BackupAndRestore
from .base import Callback, CallbackList
from .early_stopping import EarlyStopping
from .history import History
from .learning_rate_scheduler import LearningRateScheduler
from .model_checkpoint import ModelCheckpoint
from .others import CSVLogger, LambdaCallback, ReduceLROnPlateau, TerminateOnNaN
from .progbar import Progbar, ProgbarLogger
from .tensorboard import TensorBoard

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "Progbar", "ProgbarLogger", "ReduceLROnPlateau",
           "TensorBoard", "TerminateOnNaN"]
