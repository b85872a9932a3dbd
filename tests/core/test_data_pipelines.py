"""fit, evaluate and predict on PyDatasets, generators and other iterables of batches.

Behaviour copied from Keras is pinned to keras_data_pipelines_golden.py, written by
tools/keras_reference/data_pipelines.py from Keras 3.15.1 (JAX): one Dense layer with fixed
initial weights and plain SGD, so the weights after fit say which batches were seen, in which
order and with which weights (compared to 1e-5 relative: float32 sums in another order).
A data-set fit that must equal an array fit (same batches, shuffle=False) is compared to
float32 rounding.
"""

import io
import threading
import time
import warnings

import numpy as np
import pytest

import glassnet as keras
from tests.core.keras_data_pipelines_golden import GOLDEN

X = (np.arange(72, dtype=np.float32).reshape(24, 3) % 7 - 3) / 4
Y = np.arange(24) % 3
KERNEL = ((np.arange(9, dtype=np.float32).reshape(3, 3) % 5) - 2) / 8
BIAS = np.array([0.125, -0.125, 0.0], np.float32)
RTOL = 1e-5


class Batches(keras.utils.PyDataset):
    """As the reference script's: (x, y) in batches, recording the indices fetched."""

    def __init__(self, x, y, batch_size=8, form="xy", weights=None, delay=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.form, self.weights, self.delay = x, y, batch_size, form, weights, delay
        self.fetched, self.epoch_begins, self.epoch_ends = [], 0, 0
        self.threads = set()

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        self.fetched.append(i)
        self.threads.add(threading.current_thread().name)
        if self.delay is not None:
            time.sleep(self.delay(i))
        rows = slice(i * self.batch_size, (i + 1) * self.batch_size)
        if self.weights is not None:
            return self.x[rows], self.y[rows], self.weights[rows]
        return {"xy": (self.x[rows], self.y[rows]), "x": self.x[rows], "x,": (self.x[rows],)}[self.form]

    def on_epoch_begin(self):
        self.epoch_begins += 1

    def on_epoch_end(self):
        self.epoch_ends += 1


class Recorder(keras.callbacks.Callback):
    """Records what the reference script's Recorder records."""

    def __init__(self):
        super().__init__()
        self.calls, self.params_seen = [], []

    def on_train_begin(self, logs=None):
        self.params_seen.append(dict(self.params))
        self.calls.append(["on_train_begin", sorted(logs or {})])

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(["on_epoch_begin", epoch])

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(["on_train_batch_end", batch, sorted(logs or {})])

    def on_test_begin(self, logs=None):
        self.params_seen.append(dict(self.params))
        self.calls.append(["on_test_begin"])

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(["on_test_batch_end", batch, sorted(logs or {})])

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(["on_epoch_end", epoch, sorted(logs or {})])


def model(metrics=("accuracy",)):
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    m.layers[0].set_weights([KERNEL, BIAS])
    m.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy", metrics=list(metrics))
    return m


def assert_weights(m, expected, rtol=RTOL, atol=1e-6):
    for got, want in zip(m.get_weights(), expected):
        np.testing.assert_allclose(got, np.array(want, np.float32), rtol=rtol, atol=atol)


def assert_history(h, expected, rtol=RTOL):
    assert sorted(h.history) == sorted(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(h.history[key], values, rtol=rtol, atol=1e-6)


def endless(x, y, size):
    i = 0
    while True:
        rows = slice((i * size) % len(x), (i * size) % len(x) + size)
        yield x[rows], y[rows]
        i += 1


def finite(count=3, size=8):
    for i in range(count):
        yield X[i * size:(i + 1) * size], Y[i * size:(i + 1) * size]


# -- pinned to Keras ---------------------------------------------------------------------------
def test_py_dataset_with_class_weight_and_validation_dataset_matches_keras():
    golden = GOLDEN["py_dataset_class_weight"]
    m, recorder = model(), Recorder()
    train, val = Batches(X, Y), Batches(X[:16], Y[:16])
    h = m.fit(train, epochs=2, shuffle=False, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, validation_data=val,
              callbacks=[recorder], verbose=0)
    assert_weights(m, golden["weights"])
    assert_history(h, golden["history"])
    assert recorder.calls == golden["calls"]
    assert recorder.params_seen == golden["params"]  # {'epochs', 'steps', 'verbose'}, the fit's in validation too
    assert train.epoch_begins == train.epoch_ends == 2 and val.epoch_ends == 2


def test_evaluate_and_predict_on_py_datasets_match_keras():
    m = model()
    m.fit(Batches(X, Y), epochs=2, shuffle=False, class_weight={0: 1.0, 1: 2.0, 2: 0.5},
          validation_data=Batches(X[:16], Y[:16]), verbose=0)
    for steps, key in ((None, "py_dataset_evaluate"), (2, "py_dataset_evaluate_steps")):
        logs = m.evaluate(Batches(X, Y), steps=steps, verbose=0, return_dict=True)
        assert sorted(logs) == sorted(GOLDEN[key])
        for name, value in GOLDEN[key].items():
            np.testing.assert_allclose(logs[name], value, rtol=RTOL)
    # a batch may be x alone, (x,), or (x, y): predict uses x only
    for form, key in (("x", "predict_x_only"), ("x,", "predict_x_tuple"), ("xy", "predict_x_only")):
        np.testing.assert_allclose(m.predict(Batches(X, Y, form=form), verbose=0), GOLDEN[key], rtol=RTOL, atol=1e-7)


def test_steps_per_epoch_shorter_than_a_py_dataset_goes_on_where_it_stopped_as_keras():
    golden = GOLDEN["py_dataset_steps_per_epoch"]
    m, train = model(), Batches(X, Y, batch_size=6)  # 4 batches, 3 per epoch: epoch 2 has one left
    with pytest.warns(UserWarning, match="ran out of data") as caught:
        h = m.fit(train, epochs=3, steps_per_epoch=3, shuffle=False, verbose=0)
    assert sum("ran out of data" in str(w.message) for w in caught) == golden["ran_out_warnings"]
    assert_weights(m, golden["weights"])
    assert_history(h, golden["history"])
    assert train.fetched[1:] == [0, 1, 2, 3, 0, 1, 2]  # after the first batch fetched to build the model


def test_endless_generator_with_steps_and_validation_generator_matches_keras():
    golden = GOLDEN["endless_generator"]
    m, recorder = model(), Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an endless generator with steps never runs out
        h = m.fit(endless(X, Y, 4), steps_per_epoch=2, epochs=4, validation_data=endless(X, Y, 8),
                  validation_steps=1, validation_freq=2, callbacks=[recorder], verbose=0)
    assert_weights(m, golden["weights"])
    # Keras's second validation replays the generator's first batch (kept from its peek at the
    # data); glassnet's generator goes on, so only the first validation is Keras's.
    assert sorted(h.history) == sorted(golden["history"]) and len(h.history["val_loss"]) == 2
    for key, values in golden["history"].items():
        count = 1 if key.startswith("val_") else len(values)
        np.testing.assert_allclose(h.history[key][:count], values[:count], rtol=RTOL, atol=1e-6)
    assert recorder.params_seen == golden["params"]


def test_finite_generator_gives_callbacks_unknown_steps_as_keras():
    golden = GOLDEN["finite_generator"]
    m, recorder = model(), Recorder()
    h = m.fit(finite(), epochs=1, callbacks=[recorder], verbose=0)
    assert_weights(m, golden["weights"])
    assert_history(h, golden["history"])
    assert recorder.params_seen == golden["params"]  # steps None


@pytest.mark.parametrize("freq, key", [([2, 4], "validation_freq_list"), (2, "validation_freq_int_initial_epoch")])
def test_validation_freq_counts_epochs_from_one_even_after_initial_epoch(freq, key):
    h = model().fit(X, Y, batch_size=8, epochs=4, initial_epoch=1, validation_data=(X[:8], Y[:8]),
                    validation_freq=freq, shuffle=False, verbose=0)
    assert {k: len(v) for k, v in h.history.items()} == GOLDEN[key]["history_lengths"]


@pytest.mark.parametrize("case, call, words", [
    ("y_with_py_dataset", lambda: model().fit(Batches(X, Y), Y, verbose=0), ["PyDataset", "y must not"]),
    ("sample_weight_with_py_dataset", lambda: model().fit(Batches(X, Y), sample_weight=np.ones(24), verbose=0),
     ["PyDataset", "sample_weight"]),
    ("validation_split_with_generator", lambda: model().fit(finite(), validation_split=0.2, verbose=0),
     ["validation_split", "generator", "validation_data"]),
    ("y_with_generator", lambda: model().fit(finite(), Y, verbose=0), ["generator", "y must not"]),
])
def test_misuse_raises_what_keras_raises_and_says_why(case, call, words):
    assert GOLDEN["errors"][case] == "ValueError"
    with pytest.raises(ValueError) as caught:
        call()
    for word in words:
        assert word in str(caught.value)


# -- the same batches give the same training as arrays -------------------------------------------
def test_class_weight_with_a_generator_equals_arrays():
    # Keras refuses class_weight with a Python generator; glassnet applies it batch by batch.
    weights = {0: 0.5, 1: 2.0, 2: 1.0}
    a, b = model(), model()
    a.fit(X, Y, batch_size=8, epochs=1, shuffle=False, class_weight=weights, verbose=0)
    b.fit(finite(), epochs=1, class_weight=weights, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wb, wa, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("workers", [1, 2])
def test_py_dataset_with_sample_weights_equals_arrays(workers):
    sample_weight = (np.arange(24) % 4 + 1).astype(np.float32) / 2
    a, b = model(), model()
    ha = a.fit(X, Y, batch_size=8, epochs=3, shuffle=False, sample_weight=sample_weight, verbose=0)
    # the slow first batch makes a second worker finish later batches first: order must hold
    data = Batches(X, Y, weights=sample_weight, workers=workers, delay=lambda i: 0.02 if i == 0 else 0.0)
    hb = b.fit(data, epochs=3, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wb, wa, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(hb.history["loss"], ha.history["loss"], rtol=1e-6)
    if workers == 2:
        assert any(name.startswith("glassnet-data") for name in data.threads)
    np.testing.assert_allclose(b.evaluate(data, verbose=0), a.evaluate(X, Y, sample_weight=sample_weight,
                                                                       batch_size=8, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(b.predict(data, verbose=0), a.predict(X, verbose=0), rtol=1e-6)


def test_a_re_iterable_data_set_trains_every_epoch_like_arrays():
    class Loader:  # what a tf.data or PyTorch data set looks like: iter() starts a new pass
        def __iter__(self):
            return finite()

    a, b = model(), model()
    a.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = b.fit(Loader(), epochs=3, verbose=0)
    assert len(h.history["loss"]) == 3
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wb, wa, rtol=1e-6, atol=1e-7)


def test_two_inputs_from_dict_batches():
    a_in, b_in = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    out = keras.layers.Dense(3, activation="softmax")(keras.layers.Concatenate()([a_in, b_in]))
    x2 = X[:, :2] * 2

    def make():
        m = keras.Model([a_in, b_in], out)
        m.set_weights([np.ones((5, 3), np.float32) / 8, np.zeros(3, np.float32)])
        m.compile("sgd", "sparse_categorical_crossentropy")
        return m

    class TwoInputs(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            rows = slice(8 * i, 8 * i + 8)
            return {"a": X[rows], "b": x2[rows]}, Y[rows]

    first, second = make(), make()
    first.fit({"a": X, "b": x2}, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    second.fit(TwoInputs(), epochs=2, shuffle=False, verbose=0)
    for w1, w2 in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_allclose(w2, w1, rtol=1e-6, atol=1e-7)
    assert second.predict(TwoInputs(), verbose=0).shape == (24, 3)


# -- Keras's rules for data sets -------------------------------------------------------------------
def test_fit_shuffles_a_py_datasets_batch_order_each_epoch_from_the_seed():
    def orders(seed):
        keras.utils.set_random_seed(seed)
        data = Batches(X, Y, batch_size=4)
        m = model()
        m.fit(data, epochs=3, verbose=0)  # shuffle=True by default, as in Keras
        fetched = data.fetched[1:]
        return [fetched[i:i + 6] for i in range(0, 18, 6)]

    first = orders(3)
    assert all(sorted(epoch) == list(range(6)) for epoch in first)
    assert len({tuple(epoch) for epoch in first}) > 1  # a new order per epoch
    assert orders(3) == first


def test_a_used_up_generator_ends_fit_with_keras_warning():
    with pytest.warns(UserWarning, match=r"ran out of data.*steps_per_epoch \* epochs"):
        h = model().fit(finite(), epochs=3, verbose=0)
    assert len(h.history["loss"]) == 1


def test_an_endless_py_dataset_needs_steps():
    class Endless(keras.utils.PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, i):
            return X[:8], Y[:8]

    with pytest.raises(ValueError, match="steps_per_epoch"):
        model().fit(Endless(), epochs=1, verbose=0)
    h = model().fit(Endless(), epochs=2, steps_per_epoch=3, verbose=0)
    assert len(h.history["loss"]) == 2
    assert model().predict(Endless(), steps=2, verbose=0).shape == (16, 3)


def test_batches_without_targets_or_of_wrong_form_are_named():
    with pytest.raises(ValueError, match="without targets"):
        model().fit(Batches(X, Y, form="x"), verbose=0)
    with pytest.raises(ValueError, match="batch of 4 items"):
        model().fit(iter([(X, Y, Y, Y)]), verbose=0)
    with pytest.raises(ValueError, match="gave no batch"):
        model().fit(iter([]), verbose=0)
    with pytest.raises(ValueError, match="class_weight"):
        model().fit(Batches(X, Y, weights=np.ones(24)), class_weight={0: 1, 1: 1, 2: 1}, verbose=0)
    with pytest.raises(ValueError, match="y must not"):
        model().evaluate(Batches(X, Y), Y, verbose=0)


def test_evaluate_and_predict_on_generators_with_steps():
    m = model()
    full = m.evaluate(X[:16], Y[:16], batch_size=8, verbose=0)
    np.testing.assert_allclose(m.evaluate(endless(X, Y, 8), steps=2, verbose=0), full, rtol=1e-6)
    np.testing.assert_allclose(m.predict((b[0] for b in finite()), verbose=0), m.predict(X, verbose=0), rtol=1e-6)
    assert m.predict(endless(X, Y, 8), steps=2, verbose=0).shape == (16, 3)


def test_py_dataset_settings_and_keras_names():
    assert keras.utils.Sequence is keras.utils.PyDataset
    data = Batches(X, Y, workers=3, max_queue_size=4)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (3, False, 4)
    assert data.num_batches == 3 and len(list(data)) == 3
    with pytest.raises(TypeError, match="workers"):
        Batches(X, Y, workers=1.5)

    class NoSuper(keras.utils.PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return X[8 * i:8 * i + 8], Y[8 * i:8 * i + 8]

    with pytest.warns(UserWarning, match=r"super\(\).__init__\(\*\*kwargs\)"):
        model().fit(NoSuper(), verbose=0)
    with pytest.warns(UserWarning, match=r"thread\(s\), not processes"):
        model().fit(Batches(X, Y, workers=2, use_multiprocessing=True), verbose=0)


# -- what callbacks and the progress bar see ------------------------------------------------------
class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_of_unknown_length_shows_unknown_then_the_count():
    stream = FakeTerminal()
    logger = keras.callbacks.ProgbarLogger(stream=stream)
    m = model()
    m.fit(finite(), epochs=1, verbose=1, callbacks=[logger])  # the user's ProgbarLogger replaces fit's own
    text = stream.getvalue()
    assert "      1/Unknown" in text
    assert "\x1b[1m3/3\x1b[0m" in text and text.endswith("\n")
    assert text.count("1/Unknown") == 1  # one bar, not two


def test_validation_generator_hooks_see_the_fits_params():
    m, recorder = model(), Recorder()
    m.fit(Batches(X, Y), epochs=1, validation_data=finite(2), callbacks=[recorder], verbose=0)
    assert recorder.params_seen == [{"verbose": 0, "epochs": 1, "steps": 3}] * 2
    assert recorder.calls[-1] == ["on_epoch_end", 0, ["accuracy", "loss", "val_accuracy", "val_loss"]]
