"""engine/threads.py: the BLAS thread tuner (its choices on simulated paces, and fit's use of it), and the
helpers that run slices of work side by side on one OpenBLAS thread each."""

import threading

import numpy as np
import pytest

import glassnet as keras
from glassnet import config
from glassnet.engine import threads
from glassnet.engine.threads import BlasThreadTuner


class SimulatedMachine:
    """Steps whose duration depends on the thread count and on the time: ``pace(threads, now)``
    gives steps per second. The tuner reads this machine's clock and sets its thread count."""

    def __init__(self, pace):
        self.pace, self.now, self.calls = pace, 0.0, []
        self.tuner = BlasThreadTuner(2, self.set_threads, clock=lambda: self.now)
        self.step_times_on_one = []  # the times at which a step ran on one thread

    def set_threads(self, count):
        self.calls.append(count)

    def train(self, seconds):
        end = self.now + seconds
        while self.now < end:
            if self.tuner.threads == 1:
                self.step_times_on_one.append(self.now)
            self.now += 1.0 / self.pace(self.tuner.threads, self.now)
            self.tuner.step_done()

    def share_on_one(self, start, stop):
        """Fraction of [start, stop) spent on one thread: its steps there times their duration."""
        on_one = [t for t in self.step_times_on_one if start <= t < stop]
        return len(on_one) / (stop - start) / self.pace(1, start)


def wobbly(base, now):
    """A pace that wanders by +-12% from window to window, as it does on a quiet machine."""
    return base * (1 + 0.12 * np.sin(7.3 * now))


def test_an_undisturbed_run_stays_on_all_threads():
    machine = SimulatedMachine(lambda threads, now: wobbly(1000 if threads == 2 else 700, now))
    machine.tuner.start()
    machine.train(60)
    machine.tuner.finish()
    assert machine.tuner.switches == 0
    assert machine.calls == [2, 2]  # start and finish only: the run is computed as without the tuner


def test_a_slow_spell_moves_to_one_thread_and_back():
    def pace(threads, now):
        if threads == 1:
            return 800
        return 400 if 20 <= now < 40 else 1200  # both cores' products wait for the slow one

    machine = SimulatedMachine(pace)
    machine.tuner.start()
    machine.train(60)
    assert machine.share_on_one(0, 20) == 0
    assert machine.share_on_one(21, 40) > 0.7  # one thread, but for the windows that retry all
    assert machine.share_on_one(42, 60) == 0  # back on all threads soon after the spell
    assert machine.tuner.threads == 2
    # Each retry of all threads is a pair of switches, one per RETRY_ALL_AFTER + 1 windows.
    retries = 20 / (BlasThreadTuner.WINDOW_SECONDS * (BlasThreadTuner.RETRY_ALL_AFTER + 1))
    assert 2 <= machine.tuner.switches <= 2 * retries + 4


def test_one_thread_is_kept_only_if_it_is_faster():
    def pace(threads, now):
        slow = 20 <= now < 40  # everything is slow: one thread no faster than two
        return (300 if threads == 1 else 400) if slow else (700 if threads == 1 else 1000)

    machine = SimulatedMachine(pace)
    machine.tuner.start()
    machine.train(60)
    assert machine.tuner.switches == 2  # one thread tried once, then left alone
    assert machine.share_on_one(0, 60) < 0.01


def test_time_between_epochs_is_not_counted():
    machine = SimulatedMachine(lambda threads, now: 1000 if threads == 2 else 700)
    machine.tuner.start()
    machine.train(5)
    machine.tuner.pause()
    machine.now += 30  # validation, callbacks, a checkpoint: no steps
    machine.train(5)
    assert machine.tuner.switches == 0


def test_finish_restores_all_threads_after_a_spell():
    machine = SimulatedMachine(lambda threads, now: 800 if threads == 1 else 300 if now > 5 else 1200)
    machine.tuner.start()
    machine.train(10)
    assert machine.tuner.threads == 1
    machine.tuner.finish()
    assert machine.calls[-1] == 2


def _model():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


@pytest.fixture
def tuning_on():
    getter = config.blas_thread_getter()
    if getter is None or getter() < 2:
        pytest.skip("the thread tuner needs NumPy's OpenBLAS with 2 or more threads; here NumPy's BLAS "
                    + ("is not OpenBLAS" if getter is None else f"has {getter()} thread"))
    threads.set_enabled(True)
    yield config.blas_thread_getter()()
    threads.set_enabled(False)  # as conftest.py leaves it for the other tests


def test_fit_keeps_its_tuner_and_leaves_the_thread_count_as_it_found_it(tuning_on):
    rng = np.random.default_rng(0)
    x, y = rng.random((256, 8), dtype=np.float32), rng.integers(0, 3, 256)
    model = _model()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    batch_size, tuner = model._thread_tuner
    assert batch_size == 32 and tuner.all_threads == tuning_on
    model.fit(x, y, batch_size=32, verbose=0)
    assert model._thread_tuner[1] is tuner  # what it measured carries over to the next fit
    model.fit(x, y, batch_size=64, verbose=0)
    assert model._thread_tuner[1] is not tuner  # other steps, other paces
    assert config.blas_thread_getter()() == tuning_on


def test_a_fit_interrupted_on_one_thread_restores_the_thread_count(tuning_on):
    rng = np.random.default_rng(0)
    x, y = rng.random((256, 8), dtype=np.float32), rng.integers(0, 3, 256)
    model = _model()
    model.fit(x, y, batch_size=32, verbose=0)
    model._thread_tuner[1].threads = 1  # as if a slow spell had moved it to one thread

    class Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            assert config.blas_thread_getter()() == 1
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=32, verbose=0, callbacks=[Stop()])
    assert config.blas_thread_getter()() == tuning_on


def test_tuning_off_leaves_fit_without_a_tuner():
    threads.set_enabled(False)
    model = _model()
    model.fit(np.zeros((64, 8), np.float32), np.zeros(64, int), verbose=0)
    assert model._thread_tuner is None


def test_set_adaptive_threads_takes_only_true_or_false():
    with pytest.raises(TypeError, match=r"set_adaptive_threads: enabled must be True or False, received 'no'"):
        config.set_adaptive_threads("no")  # bool("no") would have turned tuning on
    assert threads._state["enabled"] is False  # left as conftest.py set it


# -- running slices of work side by side (split_rows, side_by_side, one_blas_thread) ----------

def _fake_blas_threads(monkeypatch, count: int) -> list:
    """Pretend OpenBLAS has ``count`` threads; returns the list of counts set."""
    settings = []
    monkeypatch.setattr(config, "blas_thread_getter", lambda: (lambda: count))
    monkeypatch.setattr(config, "blas_thread_setter", lambda: settings.append)
    return settings


def test_split_rows_covers_every_row_once_in_slices(monkeypatch):
    settings = _fake_blas_threads(monkeypatch, 3)
    seen, together = [], threading.Barrier(3, timeout=10)

    def work(start, stop):
        seen.append((start, stop))
        together.wait()     # passes only when the three slices run at the same time
    threads.split_rows(work, 37)
    assert sorted(seen) == [(0, 12), (12, 24), (24, 37)]
    assert settings == [1, 3], "OpenBLAS runs on one thread meanwhile, then as it was"
    seen.clear()
    together = threading.Barrier(1)
    threads.split_rows(work, 20)          # slices of at least MIN_ROWS_PER_THREAD rows
    assert sorted(seen) == [(0, 10), (10, 20)]
    seen.clear()
    threads.split_rows(work, 7)
    assert seen == [(0, 7)]


def test_side_by_side_raises_a_worker_error_after_all_have_ended(monkeypatch):
    _fake_blas_threads(monkeypatch, 2)
    ended = []

    def slow():
        threading.Event().wait(0.05)
        ended.append("slow")

    def failing():
        raise ValueError("slice failed")
    with pytest.raises(ValueError, match="slice failed"):
        threads.side_by_side([slow, failing])
    assert ended == ["slow"]
    ran = []
    threads.side_by_side([lambda i=i: ran.append(i) for i in range(5)])   # more tasks than threads
    assert sorted(ran) == [0, 1, 2, 3, 4]


def test_overlapping_one_thread_sections_restore_the_thread_count(monkeypatch):
    """Two threads in one-thread sections at once (two predicts): the count is saved by the first
    to enter and restored by the last to leave, never left at one."""
    count = {"now": 2}
    monkeypatch.setattr(config, "blas_thread_getter", lambda: (lambda: count["now"]))
    monkeypatch.setattr(config, "blas_thread_setter", lambda: (lambda n: count.update(now=n)))
    first_inside, second_done = threading.Event(), threading.Event()

    def first():
        with threads.one_blas_thread(0):
            first_inside.set()
            second_done.wait(10)
            assert count["now"] == 1
    worker = threading.Thread(target=first)
    worker.start()
    first_inside.wait(10)
    with threads.one_blas_thread(0):      # enters while the first is inside, leaves first
        assert count["now"] == 1
    assert count["now"] == 1, "the first section is still running on one thread"
    second_done.set()
    worker.join(10)
    assert count["now"] == 2


def test_a_forked_child_runs_slices_on_threads_of_its_own(monkeypatch):
    """After a fork (multiprocessing, Ray's workers) the parent's pool threads are gone: the
    child makes its own pool instead of waiting on them forever."""
    import multiprocessing
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    _fake_blas_threads(monkeypatch, 2)
    threads.side_by_side([lambda: None, lambda: None])          # the parent's pool exists now
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool.apply_async(_slices_in_a_child).get(timeout=30) == [(0, 10), (10, 20)]


def _slices_in_a_child():
    seen = []
    threads.split_rows(lambda start, stop: seen.append((start, stop)), 20)
    return sorted(seen)
