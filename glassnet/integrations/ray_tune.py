"""Hyperparameter sweeps on Ray Tune: a callback that reports fit's logs and checkpoints the model.

    from ray import tune
    from glassnet.integrations.ray_tune import ReportCheckpointCallback, load_checkpoint

    def trainable(config):
        model = make_model(config["width"])
        model.compile(optimizer=keras.optimizers.Adam(config["learning_rate"]), ...)
        model.fit(x, y, validation_split=0.2, epochs=5, callbacks=[ReportCheckpointCallback()])

    results = tune.Tuner(trainable, param_space={...}, tune_config=tune.TuneConfig(metric="val_accuracy",
                         mode="max")).fit()
    best_model = load_checkpoint(results.get_best_result().checkpoint)

The callback mirrors Ray's own Keras callback (ray.train.tensorflow.keras.ReportCheckpointCallback):
its arguments, and a checkpoint that is a folder Ray persists; here it holds ``model.glassnet``,
glassnet's model file (weights, optimizer state, random streams: training resumes exactly). Each
report is one of Tune's ``training_iteration``; the epoch (from 1) is reported as ``epoch``.
Needs ``pip install "glassnet[ray]"``; importing this module imports Ray.
"""

from __future__ import annotations

import os
import tempfile

from ..callbacks import Callback
from ..distribution.ray_data_parallel import import_ray

CHECKPOINT_FILE = "model.glassnet"
_WHEN = ("epoch_end", "train_end")

import_ray()
from ray import tune  # noqa: E402  (after the check, so a missing Ray says how to install it)


def _when(value, argument: str) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    unknown = [v for v in values if v not in _WHEN]
    if unknown or not values:
        raise ValueError(f"ReportCheckpointCallback(): {argument} must be one of {list(_WHEN)} or a list of them, "
                         f"received {value!r}.")
    return values


class ReportCheckpointCallback(Callback):
    """Report the logs to Ray Tune (``ray.tune.report``) and checkpoint the model.

    Args:
        checkpoint_on: "epoch_end" (default), "train_end", or a list of both: when to save a checkpoint
            (a report always goes with it).
        report_metrics_on: when to report the logs without a checkpoint; same values.
        metrics: None reports every log (loss, metrics, val_ ones); a name or a list of names
            reports those; a dict {reported name: log name} renames them.
    """

    def __init__(self, checkpoint_on="epoch_end", report_metrics_on="epoch_end", metrics=None):
        super().__init__()
        self.checkpoint_on = _when(checkpoint_on, "checkpoint_on")
        self.report_metrics_on = _when(report_metrics_on, "report_metrics_on")
        if metrics is not None and not isinstance(metrics, (str, list, tuple, dict)):
            raise TypeError("ReportCheckpointCallback(): metrics must be None, a log name, a list of them or a dict "
                            f"{{reported name: log name}}, received {type(metrics).__name__} {metrics!r:.60}.")
        self.metrics = [metrics] if isinstance(metrics, str) else metrics
        self._epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        self._epoch = epoch + 1
        self._handle("epoch_end", logs)

    def on_train_end(self, logs=None):
        self._handle("train_end", logs)

    def _handle(self, when: str, logs) -> None:
        checkpoint = when in self.checkpoint_on
        if not checkpoint and when not in self.report_metrics_on:
            return
        report = {**self._selected(logs or {}), "epoch": self._epoch}
        if not checkpoint:
            tune.report(report)
            return
        with tempfile.TemporaryDirectory(prefix="glassnet-tune-") as folder:
            self.model.save(os.path.join(folder, CHECKPOINT_FILE))
            tune.report(report, checkpoint=tune.Checkpoint.from_directory(folder))  # Ray copies the folder

    def _selected(self, logs: dict) -> dict:
        if self.metrics is None:
            return {key: float(value) for key, value in logs.items()}
        names = self.metrics if isinstance(self.metrics, dict) else {name: name for name in self.metrics}
        missing = [log for log in names.values() if log not in logs]
        if missing:
            raise KeyError(f"ReportCheckpointCallback: the logs have no {missing}; they have {sorted(logs)}.")
        return {reported: float(logs[log]) for reported, log in names.items()}


def load_checkpoint(checkpoint, custom_objects: dict | None = None):
    """The model in a checkpoint this callback reported (a ``ray.tune.Checkpoint``, e.g.
    ``result.checkpoint``), compiled, with its optimizer state."""
    from ..models import load_model
    with checkpoint.as_directory() as folder:
        return load_model(os.path.join(folder, CHECKPOINT_FILE), custom_objects=custom_objects)
