"""Scratch arrays reused between steps (Layer.scratch) never change what users see."""

import contextlib
import threading

import numpy as np

import glassnet as keras
from glassnet.models.model import Model

L = keras.layers


def small_cnn(output_activation="softmax"):
    return keras.Sequential([keras.Input((10, 10, 1)), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(3, 2, padding="same", activation="relu"), L.BatchNormalization(),
                             L.Flatten(), L.Dropout(0.3), L.Dense(8, activation="relu"),
                             L.Dense(3, activation=output_activation)])


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 10, 10, 1), dtype=np.float32), rng.integers(0, 3, n)


def trained_weights(reuse: bool, monkeypatch):
    if not reuse:
        monkeypatch.setattr(Model, "_buffers_reused", lambda self: contextlib.nullcontext())
    keras.utils.set_random_seed(1)
    model = small_cnn()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = data()
    history = model.fit(x, y, batch_size=16, epochs=2, validation_split=0.25, verbose=0)
    monkeypatch.undo()
    return model.get_weights(), history.history


def test_training_with_reused_arrays_equals_training_without(monkeypatch):
    with_reuse, history_reuse = trained_weights(True, monkeypatch)
    without, history_plain = trained_weights(False, monkeypatch)
    for a, b in zip(with_reuse, without):
        np.testing.assert_array_equal(a, b)
    assert history_reuse == history_plain


def test_arrays_are_freed_after_fit_and_predict():
    model = small_cnn()
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = data()
    model.fit(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert all(layer._context.buffers is None for layer in model.layers)


def forward_sizes(model, monkeypatch) -> list:
    """The number of rows of each forward pass the model makes from now on."""
    sizes = []
    forward = model._forward
    monkeypatch.setattr(model, "_forward", lambda x, training: sizes.append(len(x)) or forward(x, training))
    return sizes


def test_predict_in_chunks_matches_one_call(monkeypatch):
    keras.utils.set_random_seed(2)
    model = small_cnn()
    x, _ = data(50)
    expected = model(x)
    monkeypatch.setattr(Model, "_inference_chunk", lambda self: 20)  # batches of 25: chunks of 13 and 12, not 20 and 5
    sizes = forward_sizes(model, monkeypatch)
    np.testing.assert_allclose(model.predict(x, batch_size=25, verbose=0), expected, rtol=1e-6, atol=1e-7)
    assert sizes == [13, 12] * 2


def test_predict_runs_small_batches_several_at_a_time(monkeypatch, capsys):
    keras.utils.set_random_seed(2)
    model = small_cnn()
    x, _ = data(50)
    expected = model(x)
    monkeypatch.setattr(Model, "_inference_chunk", lambda self: 20)
    sizes = forward_sizes(model, monkeypatch)
    np.testing.assert_allclose(model.predict(x, batch_size=8, verbose=2), expected, rtol=1e-6, atol=1e-7)
    assert sizes == [16, 16, 16, 2]  # two batches of 8 at a time
    assert "7/7" in capsys.readouterr().out  # the progress bar still counts the user's batches
    sizes.clear()
    assert model.predict(x, batch_size=8, steps=3, verbose=0).shape == (24, 3)
    assert sizes == [16, 8]


def test_output_taken_in_a_callback_is_not_overwritten_by_later_steps():
    model = small_cnn(output_activation=None)  # the logits lie in the last layer's reused array
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = data()
    probe = x[:16]  # the training batch size, so the layers would hand out the same arrays
    seen = []
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(model(probe)))
    model.fit(x, y, batch_size=16, verbose=0, callbacks=[record])
    copies = [array.copy() for array in seen]
    model.fit(x, y, batch_size=16, verbose=0)
    assert len(seen) == 4
    assert not np.array_equal(seen[0], seen[-1])  # the weights moved between the steps
    for array, copy in zip(seen, copies):
        np.testing.assert_array_equal(array, copy)


def test_a_layer_called_twice_returns_two_arrays():
    layer = L.Dense(3, activation="relu")
    first = layer(np.ones((2, 4), np.float32))
    second = layer(np.full((2, 4), 2, np.float32))
    assert not np.shares_memory(first, second)


def test_two_threads_predicting_at_once_get_their_own_results():
    keras.utils.set_random_seed(3)
    model = small_cnn(output_activation=None)
    inputs = [data(40, seed)[0] for seed in (1, 2)]
    expected = [model.predict(x, verbose=0) for x in inputs]
    failures = []

    def predict_repeatedly(x, want):
        for _ in range(30):
            if not np.allclose(model.predict(x, batch_size=40, verbose=0), want, rtol=1e-5, atol=1e-6):
                failures.append(1)

    threads = [threading.Thread(target=predict_repeatedly, args=(x, want)) for x, want in zip(inputs, expected)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
