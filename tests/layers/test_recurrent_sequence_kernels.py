"""The LSTM's, GRU's and SimpleRNN's whole-sequence kernels (engine/recurrent_kernels.py: every step in one
call, the batch's slices side by side, OpenBLAS called from numba) against the step-by-step
NumPy code,
which the finite-difference and Keras tests in test_recurrent.py pin down. The thread helpers
they run on are tested in tests/core/test_threads.py."""

import numpy as np
import pytest

from glassnet import config, layers, utils
from glassnet.engine import recurrent_kernels, threads

from tests.kernel_settings import fused_kernels

requires_sequence_kernels = pytest.mark.skipif(
    any(recurrent_kernels.get(name) is None for name in recurrent_kernels.SEQUENCE_KERNELS),
    reason="no sequence kernels here: fused kernels are off (GLASSNET_FUSED_KERNELS=0), numba is missing, or "
           "NumPy's BLAS is not an ILP64 OpenBLAS; the step-by-step NumPy code runs instead")

# Differences allowed, relative to the largest value of each array. float32: the kernels' tanh
# is a rational approximation (absolute error < 3e-7), and their products sum in another order,
# through 13 steps and over 481 (sample, step) pairs for a weight's gradient.
TOLERANCE = {np.float32: 2e-5, np.float64: 1e-12}

SETTINGS = {
    "plain": {},
    "sequences and states": dict(return_sequences=True, return_state=True),
    "backwards with a mask": dict(go_backwards=True, return_sequences=True, masked=True),
    "dropout both ways": dict(dropout=0.3, recurrent_dropout=0.4, return_sequences=True),
    "mask, dropout, initial state": dict(masked=True, recurrent_dropout=0.25, initial_state=True, return_state=True),
    "zero output for mask": dict(masked=True, return_sequences=True, zero_output_for_mask=True),
    "no bias, backwards": dict(use_bias=False, go_backwards=True),
}


def _run(settings: dict, dtype, batch: int, fused: bool, kind: str = "LSTM"):
    settings = dict(settings)
    masked, initial = settings.pop("masked", False), settings.pop("initial_state", False)
    state_count = 2 if kind == "LSTM" else 1   # GRU, SimpleRNN: h only
    rng = np.random.default_rng(7)
    x = rng.standard_normal((batch, 13, 5)).astype(dtype)
    mask = rng.random((batch, 13)) > 0.3 if masked else None
    starts = [rng.standard_normal((batch, 6)).astype(dtype) for _ in range(state_count)] if initial else None
    with fused_kernels(fused):
        utils.set_random_seed(3)
        layer = getattr(layers, kind)(6, dtype=np.dtype(dtype).name, seed=11, **settings)
        inputs = [x] + starts if initial else x
        layer.build([s.shape for s in inputs] if initial else x.shape)
        outputs = layer.forward(inputs, training=True, mask=[mask] + [None] * state_count if initial else mask)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        grads = [rng.standard_normal(o.shape).astype(dtype) for o in outputs]
        d_inputs = layer.backward(grads if len(grads) > 1 else grads[0])
    d_inputs = d_inputs if isinstance(d_inputs, list) else [d_inputs]
    return outputs + d_inputs + [p.grad.copy() for p in layer.weights]


@requires_sequence_kernels
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [37, 5])   # two unequal slices; one slice
@pytest.mark.parametrize("name", list(SETTINGS))
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_sequence_kernels_agree_with_the_numpy_steps(kind, name, batch, dtype, monkeypatch):
    calls = []
    split = threads.split_rows
    monkeypatch.setattr(threads, "split_rows", lambda work, rows: (calls.append(rows), split(work, rows)))
    fused = _run(SETTINGS[name], dtype, batch, fused=True, kind=kind)
    assert calls == [batch, batch], "the sequence kernels did not run forward and backward"
    reference = _run(SETTINGS[name], dtype, batch, fused=False, kind=kind)
    assert len(calls) == 2, "the reference ran the kernels"
    assert len(fused) == len(reference)
    for got, expected in zip(fused, reference):
        assert got.dtype == expected.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE[dtype] * max(1.0, np.abs(expected).max()))


@requires_sequence_kernels
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_three_slices_give_the_numbers_of_this_machines_slices(kind, monkeypatch):
    """Three slices (as on a 3-core machine) against as many as this machine has: the same
    states and gradients."""
    as_is = _run(SETTINGS["mask, dropout, initial state"], np.float64, 37, fused=True, kind=kind)
    monkeypatch.setattr(config, "blas_thread_getter", lambda: (lambda: 3))
    monkeypatch.setattr(config, "blas_thread_setter", lambda: (lambda count: None))
    three = _run(SETTINGS["mask, dropout, initial state"], np.float64, 37, fused=True, kind=kind)
    for a, b in zip(as_is, three):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@requires_sequence_kernels
def test_training_is_repeatable():
    """Two fits from the same seed give the same weights, bit for bit: the slices' shares of the
    gradients are added in a fixed order, whichever thread ends first."""
    import glassnet as keras
    x = np.random.default_rng(0).integers(1, 50, (96, 20))
    y = (x[:, :5].sum(axis=1) > 120).astype("float32")

    def fitted():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((20,), dtype="int32"), layers.Embedding(50, 8),
                                  layers.LSTM(16, return_sequences=True), layers.SimpleRNN(8, return_sequences=True),
                                  layers.GRU(8),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)
        return model.get_weights()

    for a, b in zip(fitted(), fitted()):
        np.testing.assert_array_equal(a, b)


@requires_sequence_kernels
@pytest.mark.parametrize("layer", [layers.GRU(4, reset_after=False), layers.LSTM(4, activation="relu"),
                                   layers.GRU(4, recurrent_activation="hard_sigmoid"),
                                   layers.SimpleRNN(4, activation="relu")], ids=repr)
def test_other_gates_run_step_by_step(layer, monkeypatch):
    """Only the default gates (sigmoid, tanh; GRU with reset_after; SimpleRNN with tanh) have
    sequence kernels."""
    calls = []
    monkeypatch.setattr(threads, "split_rows", lambda work, rows: calls.append(rows))
    layer(np.ones((3, 4, 2), np.float32))
    assert calls == []


@requires_sequence_kernels
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_step_kernels_where_numpys_blas_cannot_be_called_agree_too(kind, monkeypatch):
    """Where NumPy's BLAS is not an ILP64 OpenBLAS (MKL, Accelerate), the loop runs step by step
    with the per-step gate kernels: they too agree with the NumPy code."""
    get = recurrent_kernels.get
    monkeypatch.setattr(recurrent_kernels, "get", lambda name: None if name in recurrent_kernels.SEQUENCE_KERNELS
                        else get(name))
    calls = []
    monkeypatch.setattr(threads, "split_rows", lambda work, rows: calls.append(rows))
    settings = SETTINGS["mask, dropout, initial state"]
    stepped = _run(settings, np.float32, 37, fused=True, kind=kind)
    assert calls == []
    for got, expected in zip(stepped, _run(settings, np.float32, 37, fused=False, kind=kind)):
        np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE[np.float32] * max(1.0, np.abs(expected).max()))


@requires_sequence_kernels
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_float64_input_to_float32_weights(kind):
    """A float32 layer called on float64 arrays computes in float64 (NumPy's promotion): the
    kernels get float64 copies of the weights, never float32 memory read as float64."""
    x = np.random.default_rng(0).standard_normal((4, 6, 3))
    results = []
    for fused in (True, False):
        with fused_kernels(fused):
            utils.set_random_seed(5)
            layer = getattr(layers, kind)(5, return_sequences=True)
            layer.build(x.shape)
            y = layer.forward(x, training=True)
            d_x = layer.backward(np.ones_like(y))
            results.append([y, d_x] + [p.grad.copy() for p in layer.weights])
    assert results[0][0].dtype == np.float64
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
