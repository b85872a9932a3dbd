"""Data-parallel training on Ray: ``set_distribution(RayDataParallel(num_workers=N))``.

The driver (the process calling fit) is rank 0 and computes its own shard; ranks 1..N-1 are
Ray actors, each holding a replica of the model (worker.py). Per fit the training arrays go
into Ray's object store once (``ray.put``) and each step a worker receives only its shard's
row indices. See runs.py for a step, all_reduce.py for the averaging, docs/scaling.md for
measurements. Needs ``pip install "glassnet[ray]"``.
"""

from __future__ import annotations

import os

from ..utils.validation import check_bool, check_positive_int
from .base import Distribution
from .runs import LocalSGDRun, SynchronousRun, WorkerDiedError
from .sharding import ShardedBatches
from .worker import ReplicaWorker, model_to_bytes

__all__ = ["RayDataParallel", "WorkerDiedError"]


def import_ray():
    try:
        import ray
    except ImportError:
        raise ImportError("RayDataParallel needs Ray: pip install \"glassnet[ray]\" (or pip install \"ray[tune]\")."
                          ) from None
    return ray


class RayDataParallel(Distribution):
    """Each global batch of ``fit`` split over ``num_workers`` replicas of the model.

    Args:
        num_workers: replicas, the driver included (1: the driver alone, no actors).
        address: None starts a local Ray instance when none is running (``ray.init(num_cpus=...)``,
            as many CPUs as this machine has, at least ``num_workers``); ``"auto"`` or
            ``"ray://host:port"`` joins an existing cluster. A running instance is always used.
        sync_every: 1 averages the gradients every step, so that training equals one process on
            the same global batch (to float32 rounding); k > 1 is local SGD: every replica trains on
            its own shards and the weights (and optimizer states) are averaged every k steps and at
            the end of each epoch.
        fault_tolerant: False: a worker that dies stops fit with a WorkerDiedError naming it. True:
            the worker is replaced by a new actor loaded with the last synchronised state, which
            redoes the dead one's shard, and training goes on.

    After a fit, ``last_timings`` holds where the driver's time went (runs.Timings) and
    ``restarts`` lists the replaced workers. ``shutdown()`` ends the actors (they are kept from
    one fit to the next otherwise).
    """

    def __init__(self, num_workers: int = 2, address: str | None = None, sync_every: int = 1,
                 fault_tolerant: bool = False):
        self.num_workers = check_positive_int(num_workers, "num_workers", "RayDataParallel()")
        if address is not None and not isinstance(address, str):
            raise TypeError(f"RayDataParallel(): address must be None (a local Ray instance), \"auto\" or a cluster "
                            f"address such as \"ray://host:10001\", received {type(address).__name__} {address!r}.")
        self.address = address
        self.sync_every = check_positive_int(sync_every, "sync_every", "RayDataParallel()")
        self.fault_tolerant = check_bool(fault_tolerant, "fault_tolerant", "RayDataParallel()")
        import_ray()
        self.pool = _ActorPool(self.num_workers)
        self.last_timings: dict | None = None
        self.restarts: list = []

    def __repr__(self) -> str:
        return (f"RayDataParallel(num_workers={self.num_workers}, address={self.address!r}, "
                f"sync_every={self.sync_every}, fault_tolerant={self.fault_tolerant})")

    @property
    def workers(self) -> list:
        """The actors of ranks 1..N-1 (Ray actor handles), once a fit has started them."""
        return list(self.pool.actors)

    def distribute(self, model, data, flat, fused: bool):
        from ..engine.data_adapters import ArrayBatches
        if model._several_outputs():
            raise ValueError(f'RayDataParallel: model "{model.name}" has {len(model.output_names)} outputs; '
                             "distributed fit supports models of one output. Call set_distribution(None) to train "
                             "it in one process.")
        if not isinstance(data, ArrayBatches):
            raise ValueError("RayDataParallel distributes fit on arrays (x and y as NumPy arrays, lists or "
                             "DataFrames): each worker reads its rows from one copy in Ray's object store. "
                             f"x here is a {type(getattr(data, 'reader', data)).__name__}; pass arrays, or call "
                             "set_distribution(None) to train in one process.")
        ray = self.connect()
        self.pool.start(ray)
        model_bytes = model_to_bytes(model)
        data_ref = ray.put(data.arrays)
        self.pool.load(model_bytes, data_ref)
        self.restarts = []
        run_class = SynchronousRun if self.sync_every == 1 else LocalSGDRun
        batches = ShardedBatches(data)
        run = run_class(self, model, batches, self.pool, model_bytes, data_ref)
        batches._on_epoch_end, batches._on_close = run.end_epoch, run.close
        return batches, run.step

    def connect(self):
        """Ray, initialised: the running instance, a new local one, or the cluster at ``address``."""
        ray = import_ray()
        if not ray.is_initialized():
            if self.address is None:
                ray.init(num_cpus=max(self.num_workers, os.cpu_count() or 1), include_dashboard=False,
                         logging_level="ERROR")
            else:
                ray.init(address=self.address, logging_level="ERROR")
        return ray

    def shutdown(self) -> None:
        """End the worker actors (a later fit starts new ones)."""
        self.pool.stop()


class _ActorPool:
    """The actors of ranks 1..N-1, kept from one fit to the next within one Ray session."""

    def __init__(self, num_workers: int):
        self.num_workers = num_workers
        self.actors: list = []
        self.pids: list = []
        self.ray = None
        self._session = None
        self._actor_class = None

    def start(self, ray) -> None:
        session = ray.get_runtime_context().get_job_id()
        if self._session == session and len(self.actors) == self.num_workers - 1:
            return
        self.ray, self._session = ray, session
        self.actors, self.pids = [], []
        needed = self.num_workers - 1
        free = ray.cluster_resources().get("CPU", 0)
        if needed > free:
            raise ValueError(f"RayDataParallel(num_workers={self.num_workers}) needs {needed} CPU(s) for its worker "
                             f"actors (the driver is the first worker), and the Ray cluster has {free:g}. Start Ray "
                             "with more CPUs (ray.init(num_cpus=...)) or use fewer workers.")
        self._actor_class = ray.remote(num_cpus=1, max_restarts=0)(ReplicaWorker)
        self.actors = [self._actor_class.remote(rank) for rank in range(1, self.num_workers)]
        self.pids = ray.get([actor.pid.remote() for actor in self.actors])

    def actor(self, rank: int):
        return self.actors[rank - 1]

    def describe(self, rank: int) -> str:
        actor = self.actors[rank - 1]
        return (f"worker {rank} of {self.num_workers} (Ray actor {actor._actor_id.hex()}, "
                f"pid {self.pids[rank - 1]})")

    def replace(self, rank: int):
        """A new actor for ``rank`` (the old one is dead)."""
        actor = self._actor_class.remote(rank)
        self.actors[rank - 1] = actor
        self.pids[rank - 1] = self.ray.get(actor.pid.remote())
        return actor

    def load(self, model_bytes: bytes, data_ref) -> None:
        """Every actor loads the driver's model and the fit's data; a worker found dead since the
        last fit is replaced first."""
        ray = self.ray
        futures = [actor.load.remote(model_bytes, data_ref) for actor in self.actors]
        for rank, future in enumerate(futures, start=1):
            try:
                ray.get(future)
            except ray.exceptions.RayActorError:
                ray.get(self.replace(rank).load.remote(model_bytes, data_ref))

    def release_data(self) -> None:
        for actor in self.actors:
            actor.release.remote()

    def stop(self) -> None:
        if self.ray is not None and self.ray.is_initialized():
            for actor in self.actors:
                self.ray.kill(actor)
        self.actors, self.pids, self._session = [], [], None
