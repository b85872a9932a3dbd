"""What fit, evaluate and predict iterate over: the batches of one epoch, from arrays or from a
source of batches, behind one interface.

Both adapters give ``steps`` (batches per epoch; None while unknown), ``begin_epoch()``,
``epoch(rng)`` (an iterator of prepared batches; ``rng`` shuffles where the data allow),
``end_epoch()``, ``restart()`` (evaluation starts every pass afresh) and ``close()``:

- ``ArrayBatches``: arrays checked once; an epoch is ``engine.data.batches`` over fixed slices,
  the same loop as before adapters existed, so the array path costs nothing more per step.
- ``SourceBatches``: a ``utils.PyDataset`` (batches by index: fetched ahead in threads when it
  has ``workers > 1``; their order shuffled with ``rng``, as Keras shuffles a PyDataset's batch
  indices), a generator or iterator (read once, as it goes), or another iterable such as a
  tf.data or PyTorch data set (iterated afresh each epoch). Each raw batch, ``x``, ``(x,)``,
  ``(x, y)`` or ``(x, y, sample_weight)``, goes through the model's ``prepare`` function.

``steps_per_epoch`` follows Keras's EpochIterator: with it, an epoch takes that many batches
and the next epoch continues where it stopped (an infinite generator runs on); when the data
end first, the epoch ends there with a warning and the next epoch starts a new pass. A
generator that has nothing left gives an empty epoch, which ends fit.
"""

from __future__ import annotations

import collections
import itertools
import os
import sys
import types
import warnings

import numpy as np

from . import data as data_module


def is_batch_source(data) -> bool:
    """Whether ``data`` gives batches (a PyDataset, generator, iterator or data-set object)
    rather than being an array of samples (arrays, lists, tuples, dicts, DataFrames)."""
    if data is None or isinstance(data, (np.ndarray, list, tuple, dict, str, bytes)):
        return False
    if _is_py_dataset(data) or isinstance(data, types.GeneratorType):
        return True
    if hasattr(data, "__array__") or hasattr(data, "dtypes"):  # array-likes, pandas
        return False
    return hasattr(data, "__iter__")


def _is_py_dataset(data) -> bool:
    from ..utils.py_dataset import PyDataset
    if isinstance(data, PyDataset):
        return True
    # Keras's own PyDataset (and its older Sequence) read the same way.
    return hasattr(data, "__getitem__") and hasattr(data, "on_epoch_end") and not hasattr(data, "__array__") \
        and (hasattr(data, "num_batches") or hasattr(data, "__len__"))


def unpack_batch(batch, where: str):
    """One raw batch as (x, y, sample_weight), absent parts None, as Keras unpacks them: a
    tuple (or list) of 1 to 3 items; a dict or an array is x alone."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if not 1 <= len(batch) <= 3:
        raise ValueError(f"{where} gave a batch of {len(batch)} items; a batch must be x, (x,), (x, y) or "
                         "(x, y, sample_weight), where x may be a tuple or dict of arrays for several inputs.")
    return batch + (None,) * (3 - len(batch))


def ran_out_warning(argument: str, epoch_taken: int) -> None:
    """Keras's warning when data end before ``steps_per_epoch`` (or a generator is used up)."""
    warnings.warn(f"{argument} ran out of data after {epoch_taken} batch(es) of this epoch; interrupting it. "
                  "Make sure that it can give at least steps_per_epoch * epochs batches (a generator is read "
                  "once: loop forever in it, or use a PyDataset).", UserWarning, stacklevel=_outside_glassnet())


def _outside_glassnet() -> int:
    """The stacklevel of the first caller outside glassnet: a warning points at the user's fit."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith(root):
        frame, level = frame.f_back, level + 1
    return level


class ArrayBatches:
    """Batches of prepared arrays: ``arrays`` (x, y, sample weights; lists for several inputs
    or outputs, None where absent) cut into ``batch_size`` rows, the first ``steps`` of them."""

    def __init__(self, arrays, batch_size: int, steps: int | None = None):
        self.arrays = arrays
        self.slices = data_module.batch_slices(data_module.length(arrays[0]), batch_size)
        if steps is not None:
            self.slices = self.slices[:steps]

    @property
    def steps(self) -> int:
        return len(self.slices)

    @property
    def targets(self):
        """All the targets: what the metrics are resolved from (e.g. which accuracy)."""
        return self.arrays[1]

    def begin_epoch(self) -> None:
        pass

    def epoch(self, rng=None):
        return data_module.batches(self.arrays, self.slices, rng)

    def end_epoch(self) -> None:
        pass

    def restart(self) -> None:
        pass

    def close(self) -> None:
        pass


class SourceBatches:
    """Batches read from ``data`` (a PyDataset, generator, iterator or other iterable), each
    raw batch passed through ``prepare(x, y, sample_weight)``; ``steps`` per epoch when given
    (``steps_per_epoch``, ``validation_steps`` or evaluate/predict's ``steps``)."""

    def __init__(self, data, prepare, steps: int | None = None, argument: str = "x"):
        self.argument = argument
        self.reader = _PyDatasetReader(data, argument) if _is_py_dataset(data) else _IterableReader(data, argument)
        self.prepare = prepare
        self.steps_per_epoch = steps
        self.num_batches = self.reader.num_batches  # None until a whole pass of unknown length is counted
        if steps is None and self.reader.endless:
            raise ValueError(f"{argument} has no end (its num_batches is None): pass steps_per_epoch (fit), "
                             "validation_steps or steps (evaluate, predict) to say how many batches to take.")
        self._current = None  # the pass in progress, kept from one epoch to the next with steps
        self._taken = 0       # batches taken from it
        self._first = None

    @property
    def steps(self) -> int | None:
        return self.steps_per_epoch or self.num_batches

    def first(self):
        """The first batch, prepared: it builds the model and resolves the metrics before the
        first epoch (a generator gives it again as its first batch)."""
        if self._first is None:
            self._first = self.prepare(*unpack_batch(self.reader.peek(), self.argument))
        return self._first

    @property
    def targets(self):
        """The first batch's targets: what the metrics are resolved from."""
        return self.first()[1]

    def begin_epoch(self) -> None:
        self.reader.on_epoch_begin()

    def end_epoch(self) -> None:
        self.reader.on_epoch_end()

    def epoch(self, rng=None):
        """The prepared batches of one epoch."""
        if self.steps_per_epoch is None:
            taken = 0
            for raw in self.reader.new_pass(rng):
                taken += 1
                yield self.prepare(*unpack_batch(raw, self.argument))
            if taken == 0:
                ran_out_warning(self.argument, 0)
            elif self.num_batches is None and not self.reader.one_shot:
                self.num_batches = taken
            return
        known = self.reader.num_batches
        for step in range(self.steps_per_epoch):
            if self._current is None:
                self._current, self._taken = self.reader.new_pass(rng), 0
            if known is not None and self._taken >= known:
                self._end_pass()
                ran_out_warning(self.argument, step)
                return
            try:
                raw = next(self._current)
            except StopIteration:
                self._end_pass()
                ran_out_warning(self.argument, step)
                return
            self._taken += 1
            yield self.prepare(*unpack_batch(raw, self.argument))
        if known is not None and self._taken >= known:
            self._end_pass()

    def restart(self) -> None:
        """The next epoch starts a new pass (each evaluation does, as Keras resets its iterator);
        a generator goes on from where it is."""
        self._end_pass()

    def _end_pass(self) -> None:
        if self._current is not None and hasattr(self._current, "close"):
            self._current.close()  # stops a pass's fetching threads
        self._current = None

    def close(self) -> None:
        self._end_pass()


class _PyDatasetReader:
    """A PyDataset's batches by index, shuffled by ``rng``; ``workers > 1`` fetch ahead."""

    one_shot = False

    def __init__(self, dataset, argument: str):
        self.dataset = dataset
        try:
            self.num_batches = dataset.num_batches
        except NotImplementedError as error:
            raise TypeError(f"{argument}: {error}") from None
        self.endless = self.num_batches is None
        self.workers = int(getattr(dataset, "workers", 1) or 1)
        self.queue_size = int(getattr(dataset, "max_queue_size", 10) or 10)
        if self.num_batches == 0:
            raise ValueError(f"{argument} is a {type(dataset).__name__} with no batches (its length is 0).")
        if getattr(dataset, "use_multiprocessing", False):
            warnings.warn(f"{type(dataset).__name__}(use_multiprocessing=True): glassnet fetches its batches with "
                          f"{self.workers} thread(s), not processes.", UserWarning, stacklevel=_outside_glassnet())

    def peek(self):
        return self.dataset[0]

    def new_pass(self, rng=None):
        if self.num_batches is None:
            indices = itertools.count()
        elif rng is not None:
            indices = rng.permutation(self.num_batches).tolist()
        else:
            indices = range(self.num_batches)
        if self.workers > 1:
            return _fetched_ahead(self.dataset, indices, self.workers, self.queue_size)
        return (self.dataset[i] for i in indices)

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin() if hasattr(self.dataset, "on_epoch_begin") else None

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()


def _fetched_ahead(dataset, indices, workers: int, queue_size: int):
    """``dataset[i]`` for each index, in order, fetched by ``workers`` threads with up to
    ``max(queue_size, workers)`` batches in flight."""
    from concurrent.futures import ThreadPoolExecutor
    indices = iter(indices)
    pool = ThreadPoolExecutor(workers, thread_name_prefix="glassnet-data")
    pending = collections.deque()
    try:
        for index in itertools.islice(indices, max(queue_size, workers)):
            pending.append(pool.submit(dataset.__getitem__, index))
        while pending:
            batch = pending.popleft().result()
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(dataset.__getitem__, index))
            yield batch
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)


class _IterableReader:
    """A generator or iterator (read once, as it goes) or an iterable (a new pass each epoch)."""

    endless = False

    def __init__(self, data, argument: str):
        self.data, self.argument = data, argument
        self.one_shot = hasattr(data, "__next__")  # an iterator; asking iter() of a loader could start its workers
        self._peeked = []  # what peek took from a generator, given again first
        try:
            self.num_batches = None if self.one_shot else int(len(data))
        except TypeError:
            self.num_batches = None

    def peek(self):
        if not self.one_shot:
            iterator = iter(self.data)
        else:
            iterator = self.data
            if self._peeked:
                return self._peeked[0]
        try:
            batch = next(iterator)
        except StopIteration:
            raise ValueError(f"{self.argument} gave no batch: a generator or data set passed to fit, evaluate "
                             "or predict must give at least one.") from None
        if self.one_shot:
            self._peeked.append(batch)
        return batch

    def new_pass(self, rng=None):
        if not self.one_shot:
            return iter(self.data)
        peeked, self._peeked = self._peeked, []
        return itertools.chain(peeked, self.data)

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass
