"""ModelCheckpoint: save the model (or only its weights) during training, as Keras 3 does.

At the end of every epoch (or every ``save_freq`` training batches) the model is written to
``filepath``, formatted with ``epoch`` (counted from 1, as Keras counts) and the logs:
``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"`` gives ``ckpt-01-0.69.keras``, ``ckpt-02-...``.
With ``save_best_only=True`` a file is written only when ``monitor`` beats the best value so far
(``self.best``, which starts at ``initial_value_threshold``, ``None`` by default, and is kept
from one ``fit`` to the next, as in Keras).

The ending of ``filepath`` says what is saved, with Keras's rules: ``.weights.h5`` with
``save_weights_only=True`` (``model.save_weights``: a Keras 3 HDF5 weights file, which Keras's
``load_weights`` reads too; read back with ``model.load_weights``);
otherwise the whole model (``model.save``, read back with ``models.load_model``): ``.keras``
(a Keras 3 file), ``.glassnet``, glassnet's own format (architecture, weights, compile settings
and optimizer state), which Keras does not know, or ``.h5``, which Keras accepts for its legacy
HDF5 files: ``model.save`` writes glassnet's own format under that name, and ``load_model``
reads it back.
Both writers are atomic: a crash mid-save leaves the previous checkpoint whole.

``mode="auto"`` decides the direction as Keras does: ``loss`` / ``val_loss`` are minimised;
otherwise the monitored name (without ``val_``) must be one of the compiled metrics, and
accuracies are maximised, error and cross-entropy metrics minimised; any other name is an
error at the end of the first epoch (pass ``mode="min"`` or ``mode="max"``). Unlike Keras,
which warns and falls back to ``"auto"``, an unknown ``mode`` is refused when the callback is
made. With ``save_best_only`` and ``monitor`` missing from the logs (``val_loss`` in a fit
without validation data) it warns, once per fit, with Keras's message and saves anyway, as
Keras does. ``verbose=1`` prints Keras's messages.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from ..utils.validation import check_bool, check_number, check_path, check_verbose
from .base import Callback


def _check_filepath(filepath: str, save_weights_only: bool) -> None:
    if save_weights_only:
        if not filepath.endswith(".weights.h5"):
            raise ValueError("ModelCheckpoint: with save_weights_only=True the filepath must end in `.weights.h5` "
                             f"(Keras weights format), received filepath={filepath!r}.")
    elif not filepath.endswith((".keras", ".h5", ".glassnet")):
        raise ValueError("ModelCheckpoint: the filepath must end in `.keras` (Keras model format), `.h5` or "
                         "`.glassnet` (glassnet's own format) to save the whole model, received "
                         f"filepath={filepath!r}. To save only the weights, pass save_weights_only=True and a "
                         "filepath ending in `.weights.h5`.")


def _metric_direction(metric) -> str | None:
    """'up' or 'down' for a compiled metric object, None when it cannot be told (as Keras)."""
    from .. import losses as losses_module
    from .. import metrics as metrics_module
    direction = getattr(metric, "_direction", None)
    if direction in ("up", "down"):
        return direction
    fn = getattr(metric, "fn", None)
    accuracies = (metrics_module.categorical_accuracy, metrics_module.sparse_categorical_accuracy,
                  metrics_module.binary_accuracy, metrics_module.top_k_categorical_accuracy,
                  metrics_module.sparse_top_k_categorical_accuracy)
    if fn in accuracies:
        return "up"
    if fn is not None and getattr(fn, "__module__", None) == losses_module.__name__:
        return "down"
    return None


def _compiled_metric_directions(model) -> dict:
    """The compiled metrics by the name they have in the logs (without ``val_``): their direction."""
    found = {}
    compiled = getattr(model, "_metrics", None) or []
    several = getattr(model, "_several_outputs", lambda: False)()
    if several:
        for output, metrics in zip(model.output_names, compiled):
            found[f"{output}_loss"] = "down"
            for metric, _ in metrics:
                found[f"{output}_{metric.name}"] = _metric_direction(metric)
    else:
        for metric, _ in compiled:
            found[metric.name] = _metric_direction(metric)
    return found


class ModelCheckpoint(Callback):
    """Save the model or its weights every epoch (or every ``save_freq`` batches), optionally
    only when ``monitor`` improves. Keras 3's arguments and defaults (see the module docstring):

    - ``filepath``: str or path, a template formatted with ``epoch`` (from 1), ``batch`` (from 1,
      with an integer ``save_freq``) and the logs; ends in ``.keras``, ``.h5`` or ``.glassnet``
      (whole model) or ``.weights.h5`` (with ``save_weights_only=True``).
    - ``monitor`` ('val_loss'), ``mode`` ('auto', 'min' or 'max'), ``save_best_only`` (False),
      ``initial_value_threshold`` (None: the first value is an improvement).
    - ``save_freq``: 'epoch' or a positive number of training batches.
    - ``verbose``: 1 prints Keras's "Epoch N: ..." lines.

    Attributes a user may read, with Keras's names: ``best`` (the best value so far, or None),
    ``monitor_op`` (``np.less`` or ``np.greater``, once the first epoch has ended), ``mode`` as
    given, ``filepath``, ``save_freq``, ``save_best_only``, ``save_weights_only``.
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq="epoch",
                 initial_value_threshold: float | None = None):
        super().__init__()
        filepath = check_path(filepath, "filepath", "ModelCheckpoint")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"ModelCheckpoint: mode must be 'auto', 'min' or 'max', received mode={mode!r}")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, (int, np.integer))
                                     or save_freq < 1):
            raise ValueError("ModelCheckpoint: save_freq must be 'epoch' or a positive integer (a number of "
                             f"training batches), received save_freq={save_freq!r}")
        self.filepath = os.fspath(filepath)
        _check_filepath(self.filepath, save_weights_only)
        if not isinstance(monitor, str):
            raise TypeError(f"ModelCheckpoint: monitor must be the name of a logged quantity such as 'val_loss', "
                            f"received {monitor!r}.")
        self.monitor, self.verbose, self.mode = monitor, check_verbose(verbose, "ModelCheckpoint"), mode
        self.save_best_only = check_bool(save_best_only, "save_best_only", "ModelCheckpoint")
        self.save_weights_only = check_bool(save_weights_only, "save_weights_only", "ModelCheckpoint")
        self.save_freq = save_freq if save_freq == "epoch" else int(save_freq)
        self.initial_value_threshold = check_number(initial_value_threshold, "initial_value_threshold",
                                                    "ModelCheckpoint", allow_none=True)
        self.best = self.initial_value_threshold
        self.min_delta = 0
        self.monitor_op = None          # np.less or np.greater, decided at the first epoch's end
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._warned_about = None
        if self.save_freq != "epoch":
            # Only then is there work per batch: CallbackList calls the hook only if it is set.
            self.on_train_batch_end = self._save_on_batch

    # -- hooks ---------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._warned_about = None

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self.monitor_op = self._decide_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _save_on_batch(self, batch, logs=None):
        # Batches counted since the last save; a batch index that does not grow starts a new epoch.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            self._batches_seen_since_last_saving += batch + 1
        else:
            self._batches_seen_since_last_saving += batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    # -- deciding ------------------------------------------------------------------------------
    def _decide_monitor_op(self):
        if self.mode == "min":
            return np.less
        if self.mode == "max":
            return np.greater
        name = self.monitor.removeprefix("val_")
        direction = "down" if name == "loss" else _compiled_metric_directions(self.model).get(name)
        if direction is None:
            raise ValueError(
                f"ModelCheckpoint(monitor={self.monitor!r}, mode='auto'): cannot tell whether {self.monitor!r} "
                "should be maximized or minimized (mode='auto' knows 'loss' and the compiled metrics: "
                "accuracies go up, errors and cross-entropies down). Pass mode='max' to keep the highest value "
                "or mode='min' to keep the lowest.")
        return np.greater if direction == "up" else np.less

    def _is_improvement(self, value, reference) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))

    def _should_save(self, epoch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            if self._warned_about != self.monitor:
                self._warned_about = self.monitor
                warnings.warn(f"Can save best model only with {self.monitor} available. The logs have "
                              f"{', '.join(logs) or 'no values'}; saving at every epoch instead.", stacklevel=4)
            return True
        if np.ndim(current) > 0:
            warnings.warn("Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.", stacklevel=4)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                      f"saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    # -- saving --------------------------------------------------------------------------------
    def _file_path(self, epoch, batch, logs) -> str:
        values = dict(logs)
        if batch is not None and "batch" not in values:
            values["batch"] = batch + 1
        try:
            return self.filepath.format(epoch=epoch + 1, **values)
        except KeyError as error:
            raise KeyError(f'ModelCheckpoint: failed to format the filepath "{self.filepath}": it names {error}, '
                           f"which is neither epoch{', batch' if batch is not None else ''} nor one of the logs "
                           f"({', '.join(logs) or 'none'}).") from None

    def _save_model(self, epoch, batch, logs) -> None:
        logs = logs or {}
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError("Please specify a non-directory filepath for ModelCheckpoint. "
                                    f"Filepath used is an existing directory: {filepath}")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
