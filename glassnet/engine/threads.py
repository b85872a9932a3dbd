"""How many threads the matrix products get while a model trains, chosen by measuring; and
work run side by side on the cores by glassnet itself.

OpenBLAS cuts every product into equal parts, one per thread, so a product waits for its
slowest thread. On a machine whose cores are shared with others (a cloud VM; here a 2-core VM)
that makes for spells, seconds long, in which two threads train several times slower than
usual and slower than one thread. Measured here (MLP-512, batch 32, steps per second in
alternating 1.5 s windows): one thread 850-1030 throughout; two threads 1150-1450 most of
the time, 400-630 in such spells.

``BlasThreadTuner`` counts the training steps done in windows of about a quarter of a second.
While all the library's threads (N) keep their best pace it does nothing, so an undisturbed
run computes exactly what it would without it. When a window falls well below that pace it
tries one thread for a window, keeps whichever was faster, and while on one thread tries N
again every few windows, to go back once the spell is over. The arithmetic is the same on
one thread or N, but its rounding may differ in the last bit: a disturbed run is then not
bit-for-bit repeatable. ``glassnet.config.set_adaptive_threads(False)`` (or
GLASSNET_ADAPTIVE_THREADS=0) turns it off.

Where the work is many small products (a recurrent layer's loop), splitting each product
costs more than it saves; ``split_rows`` and ``side_by_side`` instead give each core a slice
of the batch, on threads of a pool of glassnet's own, with OpenBLAS on one thread meanwhile.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager

from .. import config

_state = {"enabled": os.environ.get("GLASSNET_ADAPTIVE_THREADS", "1") != "0"}


def set_enabled(enabled: bool) -> None:
    _state["enabled"] = bool(enabled)


class BlasThreadTuner:
    """Switches the BLAS thread count between all and one when all of them slow down (see
    the module docstring).

    Call ``start()`` before a run of training steps, ``step_done()`` after each step,
    ``pause()`` when other work (validation, callbacks at the end of an epoch) comes between
    steps, and ``finish()`` at the end, which restores the library's own thread count.
    ``clock`` and ``set_threads`` are for tests.
    """

    WINDOW_SECONDS = 0.25
    # All threads count as slowed down below this fraction of their best pace so far.
    SLOWDOWN = 0.6
    # One thread must be this much faster than all of them to be kept.
    MARGIN = 1.05
    # While on one thread, all of them are tried again after this many windows.
    RETRY_ALL_AFTER = 4

    def __init__(self, threads: int, set_threads, clock=time.perf_counter):
        self.all_threads = threads
        self.set_threads = set_threads
        self.clock = clock
        self.threads = threads
        self.best_pace = 0.0  # the most steps per second all threads did in a window
        self.all_pace = None  # steps per second of all threads in their latest window
        self.one_pace = None  # of one thread in its latest window, during the current slowdown
        self.windows_on_one = 0
        self.switches = 0
        self._window_start = None
        self._steps = 0

    def start(self) -> None:
        self.set_threads(self.threads)
        self._window_start = None

    def pause(self) -> None:
        """The time until the next step is not training time: the current window is dropped."""
        self._window_start = None

    def step_done(self) -> None:
        now = self.clock()
        if self._window_start is None:
            self._window_start, self._steps = now, 0
            return
        self._steps += 1
        elapsed = now - self._window_start
        if elapsed < self.WINDOW_SECONDS:
            return
        choice = self._choose(self._steps / elapsed)
        if choice != self.threads:
            self.threads = choice
            self.set_threads(choice)
            self.switches += 1
        self._window_start, self._steps = self.clock(), 0

    def _choose(self, pace: float) -> int:
        """The thread count for the next window, given the pace of the one just finished."""
        if self.threads == self.all_threads:
            self.all_pace, self.best_pace = pace, max(self.best_pace, pace)
            if pace >= self.SLOWDOWN * self.best_pace:
                self.one_pace = None  # no slowdown (or it is over): nothing to compare with
                return self.all_threads
            if self.one_pace is None or self.one_pace > self.MARGIN * pace:
                self.windows_on_one = 0
                return 1  # try one thread, or go back to it: it was faster during this slowdown
            return self.all_threads
        self.one_pace = pace
        self.windows_on_one += 1
        if pace <= self.MARGIN * self.all_pace or self.windows_on_one >= self.RETRY_ALL_AFTER:
            return self.all_threads
        return 1

    def finish(self) -> None:
        self.set_threads(self.all_threads)
        self._window_start = None


def tuner_for(previous: BlasThreadTuner | None) -> BlasThreadTuner | None:
    """A tuner for a fit (``previous``, the model's last one, keeps what it measured), or None
    when tuning is off, the BLAS library's thread count cannot be read and set (it is not
    OpenBLAS), or it has one thread anyway."""
    if not _state["enabled"]:
        return None
    getter, setter = config.blas_thread_getter(), config.blas_thread_setter()
    threads = None if getter is None or setter is None else int(getter())
    if threads is None or threads < 2:
        return None
    if previous is not None and previous.all_threads == threads:
        return previous
    return BlasThreadTuner(threads, setter)


# Below this many multiply-adds, a product is faster on one OpenBLAS thread than on two:
# measured for a recurrent step (64 x 64 times 64 x 256, 1M): 24 us on one thread, 57-670 us
# on two, as the threads' start and join cost more than the work.
SMALL_PRODUCT = 1 << 22


# Sections of code that want OpenBLAS on one thread, in any of the process's threads: the
# first to enter saves the thread count and sets one, the last to leave restores it (so that
# two threads predicting at once cannot leave OpenBLAS on one thread for good).
_one_thread = {"lock": threading.Lock(), "inside": 0, "saved": 1}


@contextmanager
def _openblas_on_one_thread(getter, setter):
    """Yields the thread count OpenBLAS has outside such sections."""
    with _one_thread["lock"]:
        if _one_thread["inside"] == 0:
            _one_thread["saved"] = int(getter())
            if _one_thread["saved"] != 1:
                setter(1)
        _one_thread["inside"] += 1
        saved = _one_thread["saved"]
    try:
        yield saved
    finally:
        with _one_thread["lock"]:
            _one_thread["inside"] -= 1
            if _one_thread["inside"] == 0 and _one_thread["saved"] != 1:
                setter(_one_thread["saved"])


@contextmanager
def one_blas_thread(multiply_adds: int):
    """Within the block, matrix products run on one OpenBLAS thread, when each is as small as
    ``multiply_adds`` says (a recurrent layer's step by step loop); the count is restored after."""
    getter, setter = config.blas_thread_getter(), config.blas_thread_setter()
    if getter is None or setter is None or multiply_adds >= SMALL_PRODUCT:
        yield
        return
    with _openblas_on_one_thread(getter, setter):
        yield


# Rows of a batch below which a slice is not worth a thread of its own.
MIN_ROWS_PER_THREAD = 8

_pool: dict = {"lock": threading.Lock()}


def _after_fork_in_child() -> None:
    """A forked child has only the forking thread: no pool threads, and no holder of our locks."""
    _pool.update(lock=threading.Lock(), executor=None)
    _one_thread.update(lock=threading.Lock(), inside=0)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _workers(count: int):
    """This process's worker threads."""
    from concurrent.futures import ThreadPoolExecutor
    with _pool["lock"]:
        pool = _pool.get("executor")
        if pool is None or _pool["size"] < count:
            pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="glassnet-rows")
            _pool.update(executor=pool, size=count)
        return pool


def side_by_side(tasks) -> None:
    """Runs the functions ``tasks`` at once, at most one per BLAS thread (the calling thread takes
    the first), with OpenBLAS on one thread meanwhile: for work that releases the GIL (compiled
    kernels, NumPy's products). Returns when all are done; an error in any is raised here.

    Why not let OpenBLAS split each product: after a product on all its threads, OpenBLAS's
    threads spin for a while, waiting for the next; on a 2-core machine the scheduler then puts
    a second thread of ours on the core the first one uses, and they take turns (measured: an
    LSTM's two halves of a batch took 2.0 + 2.0 ms one after the other on one core instead of
    2.0 ms on two). With OpenBLAS kept on one thread, nothing spins."""
    getter, setter = config.blas_thread_getter(), config.blas_thread_setter()
    if getter is None or setter is None or len(tasks) < 2 or int(getter()) < 2:
        for task in tasks:
            task()
        return
    with _openblas_on_one_thread(getter, setter) as threads:
        pool = _workers(threads - 1)
        queue = list(tasks)
        while queue:
            others = [pool.submit(task) for task in queue[1:threads]]
            try:
                queue[0]()
            finally:
                errors = [future.exception() for future in others]   # waits for each
            for error in errors:
                if error is not None:
                    raise error
            queue = queue[threads:]


def parts_for(rows: int) -> int:
    """How many slices of ``rows`` rows to work on side by side: one per BLAS thread, each of at
    least MIN_ROWS_PER_THREAD rows."""
    getter = config.blas_thread_getter()
    threads = 1 if getter is None else int(getter())
    return max(1, min(threads, rows // MIN_ROWS_PER_THREAD))


def split_rows(work, rows: int) -> None:
    """Runs ``work(start, stop)`` over slices of range(rows), one per BLAS thread, side by side
    (see ``side_by_side``)."""
    parts = parts_for(rows)
    bounds = [rows * part // parts for part in range(parts + 1)]
    if parts == 1:
        with one_blas_thread(0):   # the work's products are small
            work(0, rows)
        return
    side_by_side([lambda start=start, stop=stop: work(start, stop) for start, stop in zip(bounds, bounds[1:])])
