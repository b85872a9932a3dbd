"""BackupAndRestore: a fit that is killed resumes where its last finished epoch left it.

At the end of every epoch the whole training state goes to ``backup_dir/latest.glassnet``
(written atomically): the weights, the optimizer's state, every random stream of the model
(shuffles, dropout masks) and the number of epochs done. A later ``fit`` with the same callback,
in this process or a fresh one, on a model built and compiled the same way, puts that state
back before its first epoch and runs only the epochs left, so the result is the uninterrupted
fit's, bit for bit on the same machine and thread settings. When the fit ends normally the
backup is deleted (``delete_checkpoint=True``, Keras's default).
"""

from __future__ import annotations

import os

from ..utils.validation import check_bool, check_path
from .base import Callback


class BackupAndRestore(Callback):
    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint: bool = False, delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir or not isinstance(backup_dir, (str, os.PathLike)):
            raise ValueError(f"BackupAndRestore(backup_dir=...) needs a folder path, received {backup_dir!r}")
        if save_freq != "epoch":
            raise ValueError(f"BackupAndRestore(save_freq={save_freq!r}): glassnet backs up at the end of each epoch; "
                             "use save_freq='epoch' (the default).")
        self.backup_dir = check_path(backup_dir, "backup_dir", "BackupAndRestore")
        self.save_freq = save_freq
        self.double_checkpoint = check_bool(double_checkpoint, "double_checkpoint", "BackupAndRestore")
        self.delete_checkpoint = check_bool(delete_checkpoint, "delete_checkpoint", "BackupAndRestore")
        self._path = os.path.join(self.backup_dir, "latest.glassnet")
        self._previous_path = self._path + ".bkp"

    def on_train_begin(self, logs=None):
        from ..saving.archive import ModelFileError
        from ..saving.model_io import restore_training_state
        if not os.path.exists(self._path):
            return
        if not self.model.built:
            raise ValueError("BackupAndRestore needs a built model to restore into: build it (give it an input "
                             "shape, or call model.build) before fit.")
        try:
            training = restore_training_state(self.model, self._path)
        except ModelFileError:
            if not (self.double_checkpoint and os.path.exists(self._previous_path)):
                raise
            training = restore_training_state(self.model, self._previous_path)
        self.model._initial_epoch = int(training.get("epoch", 0))

    def on_epoch_end(self, epoch, logs=None):
        from ..saving.model_io import save_model
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._path):
            os.replace(self._path, self._previous_path)
        save_model(self.model, self._path, training={"epoch": epoch + 1})

    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        for path in (self._path, self._previous_path):
            if os.path.exists(path):
                os.remove(path)
        if os.path.isdir(self.backup_dir) and not os.listdir(self.backup_dir):
            os.rmdir(self.backup_dir)
