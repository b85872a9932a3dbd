"""One distributed fit: the step ``fit`` calls for each global batch, on the driver.

``SynchronousRun`` (sync_every=1): every rank computes its shard's gradient at the same
weights, the driver averages them weighted by shard size (all_reduce.py) and every replica
applies that one gradient with its own copy of the optimizer, so the replicas stay identical
and training equals one process on the global batch. The averaged gradient reaches the workers
with their next step's call (they apply it, then compute), one round trip per step.

``LocalSGDRun`` (sync_every=k): every rank trains on its own shards with its own optimizer; every
k steps, and at the end of each epoch, the weights and optimizer states are averaged, weighted
by the rows each rank trained on since the last average, and sent back to every rank.

A worker that dies raises WorkerDiedError naming it; with ``fault_tolerant`` a new actor is
loaded with the last synchronised state (for SynchronousRun: the driver's state before the
current step, which is exact) and given the dead worker's shard again.
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np

from ..engine.data import take_rows
from .all_reduce import weighted_average_into
from .sharding import shard_bounds, shard_rows
from .worker import optimizer_state


class WorkerDiedError(RuntimeError):
    """A Ray worker of RayDataParallel died during fit (``rank``: its rank, 1..N-1)."""

    def __init__(self, message: str, rank: int):
        super().__init__(message)
        self.rank = rank


class Timings:
    """Seconds the driver spent per kind of work, summed over the steps of the last fit.

    compute: its own shard (forward, loss, backward; local SGD: its update too);
    communicate: sending the calls, waiting for the workers' results, averaging, and putting
    the average into the object store (waiting includes any worker slower than the driver);
    apply: the optimizer's update (synchronous mode); sync: local SGD's weight averaging."""

    def __init__(self):
        self.steps = 0
        self.compute = self.communicate = self.apply = self.sync = 0.0

    def as_dict(self) -> dict:
        per_step = max(self.steps, 1)
        return {"steps": self.steps, "compute_s": self.compute, "communicate_s": self.communicate,
                "apply_s": self.apply, "sync_s": self.sync,
                "communicate_per_step_ms": 1e3 * (self.communicate + self.sync) / per_step,
                "compute_per_step_ms": 1e3 * self.compute / per_step}


class _Run:
    """What both modes share: the workers, the data rows of the batch, and failures."""

    def __init__(self, strategy, model, batches, pool, model_bytes: bytes, data_ref):
        self.strategy, self.model, self.batches, self.pool = strategy, model, batches, pool
        self.model_bytes, self.data_ref = model_bytes, data_ref
        self.num_workers = strategy.num_workers
        self.timings = Timings()
        self.epoch, self.step_in_epoch = 0, 0

    def shards(self, batch_rows: int):
        """(rank, rows of the data, row count) for ranks 1..N-1 of this batch, and rank 0's bounds."""
        bounds = shard_bounds(batch_rows, self.num_workers)
        rows = self.batches.rows
        return bounds[0], [(rank, shard_rows(rows, *bounds[rank]), bounds[rank][1] - bounds[rank][0])
                           for rank in range(1, self.num_workers)]

    def collect(self, calls) -> list:
        """The results of ``calls`` [(rank, future, redo)], in order. ``redo(actor)`` repeats the
        call on a replacement actor when the worker died and the run is fault tolerant."""
        ray = self.pool.ray
        results = []
        for rank, future, redo in calls:
            try:
                results.append(ray.get(future))
            except ray.exceptions.RayActorError as error:
                actor = self.recover(rank, error)
                results.append(ray.get(redo(actor)))
        return results

    def recover(self, rank: int, error):
        who = self.pool.describe(rank)
        where = f"at step {self.step_in_epoch + 1} of epoch {self.epoch + 1} of this fit"
        if not self.strategy.fault_tolerant:
            raise WorkerDiedError(
                f"RayDataParallel: {who} died {where} ({type(error).__name__}: {str(error).splitlines()[0]}). "
                "Training stopped; the driver's model keeps its weights from before that step. Pass "
                "RayDataParallel(..., fault_tolerant=True) to restart dead workers from the last synchronised "
                "weights instead.", rank) from None
        actor = self.pool.replace(rank)
        self.pool.ray.get(actor.load.remote(self.model_bytes, self.data_ref, self.synchronised_state()))
        self.strategy.restarts.append({"rank": rank, "epoch": self.epoch, "step": self.step_in_epoch})
        return actor

    def synchronised_state(self) -> dict:
        raise NotImplementedError

    def end_epoch(self) -> None:
        self.epoch, self.step_in_epoch = self.epoch + 1, 0

    def close(self) -> None:
        self.strategy.last_timings = self.timings.as_dict()
        self.pool.release_data()


class SynchronousRun(_Run):
    def __init__(self, *args):
        super().__init__(*args)
        self.pending = None  # the object-store reference of the last averaged gradient

    def synchronised_state(self) -> dict:
        return optimizer_state(self.model)  # every replica's state before the current step

    def step(self, x, y, sample_weight, flat, fused):
        model, timings = self.model, self.timings
        started = time.perf_counter()
        batch_rows = len(y)
        (start, stop), others = self.shards(batch_rows)
        pending, self.pending = self.pending, None
        calls = [(rank, self.pool.actor(rank).gradient_step.remote(pending, rows),
                  lambda actor, rows=rows: actor.gradient_step.remote(None, rows)) for rank, rows, _ in others]
        sent = time.perf_counter()
        x0, y0, w0 = take_rows((x, y, sample_weight), slice(start, stop))
        loss, y_pred = model._gradients(x0, y0, w0, flat, fused)
        computed = time.perf_counter()
        results = self.collect(calls)
        own = (stop - start) / batch_rows
        loss *= own
        parts = []
        for (rank, _, count), (gradient, shard_loss, _) in zip(others, results):
            if count:
                loss += shard_loss * count / batch_rows
                parts.append((gradient, count / batch_rows))
        finite = math.isfinite(loss) and all(g is not None for g, _ in parts)
        if finite:
            weighted_average_into(flat.grads, own, parts)
            if others:
                self.pending = self.pool.ray.put(flat.grads)  # before apply, which may clip it in place
        reduced = time.perf_counter()
        if finite:
            model.optimizer.apply(flat)
        applied = time.perf_counter()
        if others:
            y_pred = np.concatenate([y_pred] + [p for (_, _, p) in results if p is not None])
        timings.steps += 1
        timings.communicate += (sent - started) + (reduced - computed)
        timings.compute += computed - sent
        timings.apply += applied - reduced
        self.step_in_epoch += 1
        return loss, y_pred


class LocalSGDRun(_Run):
    def __init__(self, *args):
        super().__init__(*args)
        self.rows_since_sync = np.zeros(self.num_workers)
        self.steps_since_sync = 0
        self.synced = copy.deepcopy(optimizer_state(self.model))

    def synchronised_state(self) -> dict:
        return self.synced

    def step(self, x, y, sample_weight, flat, fused):
        model, timings = self.model, self.timings
        started = time.perf_counter()
        batch_rows = len(y)
        (start, stop), others = self.shards(batch_rows)
        calls = [(rank, self.pool.actor(rank).local_step.remote(rows),
                  lambda actor, rows=rows: actor.local_step.remote(rows)) for rank, rows, _ in others]
        sent = time.perf_counter()
        x0, y0, w0 = take_rows((x, y, sample_weight), slice(start, stop))
        loss, y_pred = model._train_step(x0, y0, w0, flat, fused)
        computed = time.perf_counter()
        results = self.collect(calls)
        loss *= (stop - start) / batch_rows
        self.rows_since_sync[0] += stop - start
        for (rank, _, count), (shard_loss, _) in zip(others, results):
            loss += shard_loss * count / batch_rows
            self.rows_since_sync[rank] += count
        if others:
            y_pred = np.concatenate([y_pred] + [p for (_, p) in results if p is not None])
        received = time.perf_counter()
        timings.steps += 1
        timings.compute += computed - sent
        timings.communicate += (sent - started) + (received - computed)
        self.step_in_epoch += 1
        self.steps_since_sync += 1
        if self.steps_since_sync >= self.strategy.sync_every and math.isfinite(loss):
            self.synchronise()
        return loss, y_pred

    def synchronise(self) -> None:
        """Average every rank's weights and optimizer slots, weighted by the rows each trained on
        since the last average; every rank continues from the average."""
        started = time.perf_counter()
        total = self.rows_since_sync.sum()
        if total and self.num_workers > 1:
            ranks = range(1, self.num_workers)
            states = self.collect([(rank, self.pool.actor(rank).state.remote(),
                                    lambda actor: actor.state.remote()) for rank in ranks])
            share = self.rows_since_sync / total
            own = optimizer_state(self.model)
            weighted_average_into(own["values"], share[0], [(s["values"], share[r]) for r, s in zip(ranks, states)])
            for index, slot in enumerate(own["slots"]):
                weighted_average_into(slot, share[0], [(s["slots"][index], share[r]) for r, s in zip(ranks, states)])
            reference = self.pool.ray.put(own)
            for rank in ranks:
                self.pool.actor(rank).set_state.remote(reference)
        self.synced = copy.deepcopy(optimizer_state(self.model))
        self.rows_since_sync[:] = 0
        self.steps_since_sync = 0
        self.timings.sync += time.perf_counter() - started

    def end_epoch(self) -> None:
        if self.steps_since_sync:
            self.synchronise()
        super().end_epoch()
