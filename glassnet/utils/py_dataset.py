"""``keras.utils.PyDataset`` (also ``Sequence``): a data set written in Python, one batch per index.

A subclass gives ``__len__`` (the number of batches) and ``__getitem__(index)`` (one whole batch:
``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; ``x`` may be a dict or a tuple of
arrays for a model with several inputs), and may give ``on_epoch_begin`` / ``on_epoch_end``::

    class Batches(glassnet.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)          # workers, use_multiprocessing, max_queue_size
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self):
            return math.ceil(len(self.x) / self.batch_size)

        def __getitem__(self, idx):
            rows = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
            return self.x[rows], self.y[rows]

``fit``, ``evaluate`` and ``predict`` take it as ``x`` (engine/data_adapters.py reads it). The
three arguments of ``__init__`` say how they read it: ``workers > 1`` fetches that many batches
at once in threads, in order, with up to ``max_queue_size`` fetched ahead. Read directly (a
``for`` loop), a PyDataset is read in order, one batch at a time.
"""

from __future__ import annotations

import itertools
import warnings

from .validation import check_bool, check_int, check_positive_int


class PyDataset:
    """Base class of a Python data set read batch by batch.

    Args:
        workers: how many batches fit/evaluate/predict fetch at once (threads).
        use_multiprocessing: Keras forks processes for it; glassnet fetches in threads and warns
            (NumPy releases the GIL in the work that dominates; a process pool would pickle the
            data set and every batch).
        max_queue_size: how many batches may be fetched ahead of the one in use.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = check_int(workers, "workers", "PyDataset", minimum=0)
        self._use_multiprocessing = check_bool(use_multiprocessing, "use_multiprocessing", "PyDataset")
        self._max_queue_size = check_positive_int(max_queue_size, "max_queue_size", "PyDataset")

    def _settings_checked(self) -> None:
        """A subclass whose ``__init__`` forgot ``super().__init__(**kwargs)`` gets Keras's
        defaults and one warning saying how to set them."""
        if "_workers" in vars(self):
            return
        self._workers, self._use_multiprocessing, self._max_queue_size = 1, False, 10
        warnings.warn(f"{type(self).__name__} should call super().__init__(**kwargs) in its __init__, so that "
                      "workers, use_multiprocessing and max_queue_size reach it; they are not arguments of fit().",
                      stacklevel=3)

    @property
    def workers(self) -> int:
        self._settings_checked()
        return self._workers

    @workers.setter
    def workers(self, value) -> None:
        self._workers = check_int(value, "workers", "PyDataset", minimum=0)

    @property
    def use_multiprocessing(self) -> bool:
        self._settings_checked()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value) -> None:
        self._use_multiprocessing = check_bool(value, "use_multiprocessing", "PyDataset")

    @property
    def max_queue_size(self) -> int:
        self._settings_checked()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value) -> None:
        self._max_queue_size = check_positive_int(value, "max_queue_size", "PyDataset")

    def __getitem__(self, index):
        """The batch at position ``index``."""
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(self, index), returning one batch.")

    @property
    def num_batches(self):
        """The number of batches: ``len(self)``, or None for a data set without end (a subclass
        may override this property instead of defining ``__len__``)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of batches) or the "
                                  "num_batches property (None for a data set without end).")

    def __iter__(self):
        try:
            count = self.num_batches
        except NotImplementedError:
            count = None
        for index in itertools.count() if count is None else range(count):
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch of fit (and of every evaluate/predict)."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch: e.g. reshuffle the samples here."""


Sequence = PyDataset  # Keras's older name, still exported by keras.utils
