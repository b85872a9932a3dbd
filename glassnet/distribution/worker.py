"""One replica of the model, in a Ray actor (ranks 1..N-1; rank 0 is the driver's own model).

A replica is built from glassnet's own model file (architecture, weights, compile settings,
optimizer state: see glassnet/saving), sent as bytes, so a worker holds exactly the driver's
model and optimizer. The training data reach it once per fit as object-store references; each
step it receives only which rows of them are its shard.

Per step, with synchronous gradients (sync_every=1):
    apply(g_prev)                   the averaged gradient of the previous step (as the driver did)
    g_i = dL_i/dw on rows_i         forward, loss, backward into flat.grads (Model._gradients)
    return g_i, L_i, y_pred_i
With local SGD (sync_every=k) the worker applies its own g_i each step, and every k steps
hands its weights and optimizer state over to be averaged (``state``/``set_state``).
"""

from __future__ import annotations

import math
import os
import tempfile

import numpy as np

from ..engine.data import take_rows


def model_to_bytes(model) -> bytes:
    """``model`` in glassnet's model file format, as bytes (written to a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="glassnet-replica-") as folder:
        path = os.path.join(folder, "replica.glassnet")
        model.save(path)
        with open(path, "rb") as file:
            return file.read()


def model_from_bytes(data: bytes):
    """The model that ``model_to_bytes`` wrote, compiled, with its optimizer state."""
    from ..models import load_model
    with tempfile.TemporaryDirectory(prefix="glassnet-replica-") as folder:
        path = os.path.join(folder, "replica.glassnet")
        with open(path, "wb") as file:
            file.write(data)
        return load_model(path)


def optimizer_state(model) -> dict:
    """The weights and the optimizer's state: what replicas must share to take the same step."""
    optimizer = model.optimizer
    return {"values": model._flat.values, "slots": list(optimizer.slots), "iterations": optimizer.iterations,
            "extra": optimizer.get_extra_state()}


def set_optimizer_state(model, state: dict) -> None:
    model._flat.values[...] = state["values"]
    for slot, value in zip(model.optimizer.slots, state["slots"]):
        slot[...] = value
    model.optimizer.iterations = int(state["iterations"])
    model.optimizer.set_extra_state(dict(state["extra"]))


class ReplicaWorker:
    """The actor's class (wrapped by ``ray.remote`` in ray_data_parallel.py)."""

    def __init__(self, rank: int):
        self.rank = rank
        self.model = self.flat = self.arrays = None
        self.fused = False
        self._reuse = None

    def pid(self) -> int:
        return os.getpid()

    def load(self, model_bytes: bytes, arrays, state: dict | None = None) -> int:
        """A replica of the driver's model (with ``state`` when given: the last synchronised
        weights and optimizer state) over the fit's data ``arrays`` (x, y, sample_weight)."""
        self.release()
        self.model = model_from_bytes(model_bytes)
        self.flat = self.model._flat_parameters()
        self.model.optimizer.build(self.flat)
        if state is not None:
            set_optimizer_state(self.model, state)
        self.fused = self.model._uses_fused_gradient()
        self.arrays = arrays
        # Layer outputs live in scratch arrays reused step after step, as inside fit; what a
        # step returns is copied by Ray's serialisation before the next one runs.
        self._reuse = self.model._buffers_reused()
        self._reuse.__enter__()
        return len(self.flat)

    def release(self) -> None:
        """Drop the fit's data and replica (the object store frees what nobody holds)."""
        if self._reuse is not None:
            self._reuse.__exit__(None, None, None)
        self.model = self.flat = self.arrays = self._reuse = None

    def gradient_step(self, averaged_gradient, rows):
        """Apply the previous step's averaged gradient (None: nothing to apply), then compute
        the gradient of this shard's mean loss: returns (gradient, loss, y_pred)."""
        if averaged_gradient is not None:
            self.flat.grads[...] = averaged_gradient
            self.model.optimizer.apply(self.flat)
        if _empty(rows):
            return None, 0.0, None
        x, y, weights = take_rows(self.arrays, rows)
        loss, y_pred = self.model._gradients(x, y, weights, self.flat, self.fused)
        return (self.flat.grads if math.isfinite(loss) else None), float(loss), np.asarray(y_pred)

    def local_step(self, rows):
        """One step of local SGD on this shard, with this replica's own optimizer: (loss, y_pred)."""
        if _empty(rows):
            return 0.0, None
        x, y, weights = take_rows(self.arrays, rows)
        loss, y_pred = self.model._train_step(x, y, weights, self.flat, self.fused)
        return float(loss), np.asarray(y_pred)

    def state(self) -> dict:
        return optimizer_state(self.model)

    def set_state(self, state: dict) -> None:
        set_optimizer_state(self.model, state)


def _empty(rows) -> bool:
    return (rows.stop - rows.start if isinstance(rows, slice) else len(rows)) == 0
