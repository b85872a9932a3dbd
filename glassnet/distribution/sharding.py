"""Global batches, and which of their rows each worker trains on.

A global batch of B rows is cut into ``num_workers`` consecutive shards, the first ``B mod N``
one row longer (numpy.array_split's rule); rank 0, the driver, takes the first. The batches
are the ones fit would make in one process: the same slices and, with shuffling, the same
permutation drawn from the same (the model's) random stream, so that the distributed step
sees exactly the global batch a single process would.
"""

from __future__ import annotations

import numpy as np

from ..engine import data as data_module


def shard_bounds(batch_rows: int, num_workers: int) -> list[tuple[int, int]]:
    """(start, stop) of each rank's rows within a batch of ``batch_rows``; empty shards are
    (k, k) when the batch has fewer rows than there are workers."""
    base, extra = divmod(batch_rows, num_workers)
    bounds, start = [], 0
    for rank in range(num_workers):
        stop = start + base + (rank < extra)
        bounds.append((start, stop))
        start = stop
    return bounds


class ShardedBatches:
    """fit's ArrayBatches, remembering the data rows of the batch it gave last (``rows``: a
    slice of the arrays, or an index array when shuffled) for the step to send each worker
    its part. Everything else is delegated."""

    def __init__(self, batches, on_epoch_end=None, on_close=None):
        self.inner = batches
        self.arrays = batches.arrays
        self.slices = batches.slices
        self.rows = None
        self._on_epoch_end = on_epoch_end
        self._on_close = on_close

    @property
    def steps(self) -> int:
        return self.inner.steps

    @property
    def targets(self):
        return self.inner.targets

    def begin_epoch(self) -> None:
        self.inner.begin_epoch()

    def epoch(self, rng=None):
        """The global batches of one epoch, as ``engine.data.batches`` gives them."""
        if rng is None:
            for batch in self.slices:
                self.rows = batch
                yield data_module.take_rows(self.arrays, batch)
            return
        order = rng.permutation(data_module.length(self.arrays[0]))  # the draw a single process makes
        for batch in self.slices:
            self.rows = order[batch]
            yield data_module.take_rows(self.arrays, self.rows)

    def end_epoch(self) -> None:
        self.inner.end_epoch()
        if self._on_epoch_end is not None:
            self._on_epoch_end()

    def restart(self) -> None:
        self.inner.restart()

    def close(self) -> None:
        try:
            if self._on_close is not None:
                self._on_close()
        finally:
            self.inner.close()


def shard_rows(rows, start: int, stop: int):
    """The data rows of a batch's ``[start, stop)`` part: a slice stays a slice (a few bytes to
    send), an index array is cut."""
    if isinstance(rows, slice):
        return slice(rows.start + start, rows.start + stop)
    return np.ascontiguousarray(rows[start:stop])
