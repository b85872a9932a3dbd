"""TensorBoard: write what ``fit`` logs as TensorBoard event files, where Keras 3 writes them.

Needs the ``tensorboard`` package (``pip install "glassnet[tensorboard]"``), imported only when
the callback is made; glassnet writes the events with its ``EventFileWriter`` and protocol
buffers, so TensorFlow is never needed.

What goes where (Keras 3's directories, tags and steps):

- ``log_dir/train``: at the end of each epoch ``epoch_<name>`` for each training log
  (``epoch_loss``, ``epoch_accuracy``, ...) and ``epoch_learning_rate``, at step ``epoch``
  (counted from 0); with ``write_steps_per_second``, ``epoch_steps_per_second``. With
  ``update_freq="batch"`` or an integer N: ``batch_<name>`` after every (N-th) training batch,
  at the global batch step (counted from 1 across epochs), and ``batch_steps_per_second``.
  With ``write_graph``, the model's Keras JSON under the tag ``keras`` (TensorBoard's
  "graph_keras_model" plugin draws it), at step 0. With ``histogram_freq=N``, every N-th epoch
  a histogram of each weight (``<layer>/<weight>/histogram``, with ``<model>/`` in front for a
  Sequential model, as Keras's variable paths) and, with ``write_images``, the weight as a
  picture (``.../image``), as Keras lays kernels out.
- ``log_dir/validation``: ``epoch_<name>`` for each ``val_<name>`` log (prefix removed), at step
  ``epoch``; after each evaluation ``evaluation_<name>_vs_iterations``, at the optimizer's step.

Scalars are written as classic ``simple_value`` summaries and histograms as ``HistogramProto``,
the forms TensorBoard reads from any writer (Keras, through TensorFlow, writes the same values
as tensors). ``profile_batch`` and ``embeddings_freq`` need TensorFlow; values other than 0 are
refused.
"""

from __future__ import annotations

import io
import os
import time
from types import SimpleNamespace

import numpy as np

from ..utils.validation import check_bool, check_int, check_path, is_int
from .base import Callback

INSTALL_HINT = ('TensorBoard callback needs the tensorboard package: pip install "glassnet[tensorboard]" '
                "(or pip install tensorboard).")


def _tensorboard_modules():
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as error:
        raise ModuleNotFoundError(f"{INSTALL_HINT} ({error})") from None
    return SimpleNamespace(event_pb2=event_pb2, summary_pb2=summary_pb2, tensor_pb2=tensor_pb2,
                           EventFileWriter=EventFileWriter)


def histogram_proto(summary_pb2, values: np.ndarray, bins: int = 30):
    """A TensorBoard histogram of ``values``: ``bins`` equal buckets over [min, max] (one
    bucket around the value when all are equal); ``bucket_limit`` holds each bucket's right edge."""
    values = np.asarray(values, dtype=np.float64).ravel()
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return summary_pb2.HistogramProto(
        min=float(values.min()) if values.size else 0.0, max=float(values.max()) if values.size else 0.0,
        num=float(values.size), sum=float(values.sum()), sum_squares=float(np.dot(values, values)),
        bucket_limit=[float(e) for e in edges[1:]], bucket=[float(c) for c in counts])


def weight_images(weight: np.ndarray) -> list:
    """The pictures Keras makes of a weight (as uint8 arrays of shape (h, w, c)): a bias as one
    row, a 2-D kernel with its longer side across, each kernel of a squeezed 3-D weight as its
    own picture; values clipped to [0, 1], as TensorFlow's image summary does. Other shapes
    (most 4-D kernels) give none, as in Keras."""
    image = np.squeeze(np.asarray(weight, dtype=np.float64))
    if image.ndim == 1:
        image = image.reshape(1, image.shape[0], 1, 1)
    elif image.ndim == 2:
        if image.shape[0] > image.shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif image.ndim == 3:
        image = np.transpose(image, (2, 0, 1))[..., None]  # channels-last: one picture per output channel
    if image.ndim != 4 or image.shape[-1] not in (1, 3, 4):
        return []
    return [np.round(np.clip(picture, 0.0, 1.0) * 255).astype(np.uint8) for picture in image[:3]]


class TensorBoard(Callback):
    """Write training logs (and, on request, weight histograms and pictures) for TensorBoard.

    Args:
        log_dir: the folder of the run; ``train`` and ``validation`` folders are made in it.
        histogram_freq: every how many epochs to write weight histograms (0: never).
        write_graph: write the model's architecture (Keras JSON) for TensorBoard's graph tab.
        write_images: with ``histogram_freq``, write each weight as a picture too.
        write_steps_per_second: write training steps per second (epoch and, with batch-level
            updates, batch).
        update_freq: ``"epoch"``, ``"batch"`` or an integer N: write batch-level logs every N
            training batches as well.
        profile_batch, embeddings_freq, embeddings_metadata: Keras's; profiling and the
            embedding projector need TensorFlow, so only 0 / None are accepted.

    Example: ``model.fit(x, y, callbacks=[glassnet.callbacks.TensorBoard("logs/run1")])``,
    then ``tensorboard --logdir logs``.
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        self._tb = _tensorboard_modules()
        self.log_dir = check_path(log_dir, "log_dir", "TensorBoard")
        self.histogram_freq = check_int(histogram_freq, "histogram_freq", "TensorBoard", minimum=0)
        self.write_graph = check_bool(write_graph, "write_graph", "TensorBoard")
        self.write_images = check_bool(write_images, "write_images", "TensorBoard")
        self.write_steps_per_second = check_bool(write_steps_per_second, "write_steps_per_second", "TensorBoard")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch":
            update_freq = check_int(update_freq, "update_freq", "TensorBoard", minimum=1)
        self.update_freq = update_freq
        if not (profile_batch is None or (is_int(profile_batch) and profile_batch == 0)
                or (isinstance(profile_batch, (tuple, list)) and list(profile_batch) == [0, 0])):
            raise ValueError("TensorBoard: profiling needs TensorFlow's profiler, which glassnet does not use; "
                             f"profile_batch must be 0, received profile_batch={profile_batch!r}.")
        if embeddings_freq or embeddings_metadata is not None:
            raise ValueError("TensorBoard: the embedding projector reads TensorFlow checkpoints, which glassnet "
                             f"does not write; embeddings_freq must be 0 and embeddings_metadata None, received "
                             f"embeddings_freq={embeddings_freq!r}, embeddings_metadata={embeddings_metadata!r}.")
        self.profile_batch, self.embeddings_freq, self.embeddings_metadata = 0, 0, None
        self._writers: dict = {}
        self._global_train_batch = 0
        self._epoch_start_time = self._batch_start_time = 0.0
        self._epoch_start_iterations = 0

    # -- writers -------------------------------------------------------------------------------
    def _writer(self, which: str):
        """The event file writer of ``log_dir/train`` or ``log_dir/validation``, made when first used."""
        if which not in self._writers:
            self._writers[which] = self._tb.EventFileWriter(os.path.join(self.log_dir, which))
        return self._writers[which]

    def _write(self, which: str, step: int, values: list) -> None:
        event_pb2, summary_pb2 = self._tb.event_pb2, self._tb.summary_pb2
        event = event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary_pb2.Summary(value=values))
        self._writer(which).add_event(event)

    def _scalars(self, which: str, step: int, logs: dict, prefix: str, suffix: str = "") -> None:
        summary_pb2 = self._tb.summary_pb2
        values = [summary_pb2.Summary.Value(tag=f"{prefix}{name}{suffix}", simple_value=float(value))
                  for name, value in logs.items() if np.ndim(value) == 0]
        if values:
            self._write(which, step, values)

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks ---------------------------------------------------------------------------------
    def set_model(self, model) -> None:
        self._close_writers()
        super().set_model(model)
        if self.write_graph:
            self._write_model_config()

    def _write_model_config(self) -> None:
        """The model's Keras JSON, as Keras's ``keras_model_summary`` writes it (Sequential and
        functional models only: a subclassed model has no such JSON)."""
        from ..models import Functional, Sequential
        if not isinstance(self.model, (Functional, Sequential)):
            return
        try:
            text = self.model.to_json()
        except Exception:  # as in Keras, a model that cannot be written as JSON only loses its graph
            return
        summary_pb2, tensor_pb2 = self._tb.summary_pb2, self._tb.tensor_pb2
        metadata = summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="graph_keras_model", content=b"1"))
        tensor = tensor_pb2.TensorProto(dtype=7, string_val=[text.encode("utf-8")])  # 7: DT_STRING
        self._write("train", 0, [summary_pb2.Summary.Value(tag="keras", metadata=metadata, tensor=tensor)])

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start_time = time.time()
            self._epoch_start_iterations = self._iterations()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        logs = dict(logs or {})
        if self.write_steps_per_second:
            logs = {"steps_per_second": 1.0 / max(time.time() - self._batch_start_time, 1e-9), **logs}
        self._scalars("train", self._global_train_batch, logs, "batch_")

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and logs:
            self._scalars("validation", self._iterations(), logs, "evaluation_", "_vs_iterations")
            self._writer("validation").flush()

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {name: value for name, value in logs.items() if not name.startswith("val_")}
        validation = {name[4:]: value for name, value in logs.items() if name.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train["steps_per_second"] = (self._iterations() - self._epoch_start_iterations) / elapsed
        self._scalars("train", epoch, train, "epoch_")
        self._scalars("validation", epoch, validation, "epoch_")
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return int(getattr(optimizer, "iterations", 0) or 0)

    def _write_weights(self, epoch: int) -> None:
        """A histogram of each weight of each layer, tagged ``<layer>/<weight>/histogram``
        (Keras's variable path), and with ``write_images`` its pictures (``.../image``)."""
        from ..models import Sequential
        summary_pb2 = self._tb.summary_pb2
        values = []
        prefix = f"{self.model.name}/" if isinstance(self.model, Sequential) else ""  # as Keras's variable paths
        for layer in self.model.layers:
            for weight in layer.weights:
                name = f"{prefix}{layer.name}/{weight.name}"
                values.append(summary_pb2.Summary.Value(tag=f"{name}/histogram",
                                                        histo=histogram_proto(summary_pb2, weight.value)))
                if self.write_images:
                    values += self._image_values(f"{name}/image", weight.value)
        if values:
            self._write("train", epoch, values)

    def _image_values(self, tag: str, weight) -> list:
        from PIL import Image
        summary_pb2 = self._tb.summary_pb2
        pictures = weight_images(weight)
        values = []
        for index, picture in enumerate(pictures):
            stream = io.BytesIO()
            Image.fromarray(picture[..., 0] if picture.shape[-1] == 1 else picture).save(stream, format="PNG")
            height, width, channels = picture.shape
            image = summary_pb2.Summary.Image(height=height, width=width, colorspace=channels,
                                              encoded_image_string=stream.getvalue())
            values.append(summary_pb2.Summary.Value(tag=tag if len(pictures) == 1 else f"{tag}/{index}", image=image))
        return values
