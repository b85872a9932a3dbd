"""SimpleRNN, LSTM and GRU: gradients against finite differences (masks, go_backwards,
return_state, dropout, initial states), numbers against Keras, shapes, configs and errors.

Keras's numbers are in keras_recurrent_golden.py, written by tools/keras_reference/recurrent_layers.py
with Keras 3.15.1 (JAX backend): predictions on fixed weights, the loss of one train_on_batch with
Adam(0.01) and mse, and the predictions after it.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.testing.gradient_check import _numeric_gradient, _relative_error

from tests.layers.keras_recurrent_golden import MODELS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from recurrent_layers import TARGETS, model_input, recurrent_models, set_pattern_weights  # noqa: E402

# Float32 through 5 steps and one Adam step: Keras (XLA) and NumPy round differently, by a few
# units in the last place per operation.
TOLERANCE = 2e-5


@pytest.mark.parametrize("name", list(MODELS))
def test_matches_keras_forward_and_one_adam_step(name):
    model, kind = recurrent_models(keras)[name]
    expected = MODELS[name]
    assert [list(w.shape) for w in model.weights] == expected["weight_shapes"]
    assert model.count_params() == expected["count_params"]
    set_pattern_weights(model)
    x = model_input(kind)
    np.testing.assert_allclose(model.predict(x, verbose=0).ravel(), expected["output"], atol=TOLERANCE)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    loss = model.train_on_batch(x, TARGETS)
    assert float(np.ravel(loss)[0]) == pytest.approx(expected["loss"], abs=TOLERANCE)
    np.testing.assert_allclose(model.predict(x, verbose=0).ravel(), expected["output_after_step"], atol=TOLERANCE)


# -- finite differences -------------------------------------------------------------------------
def finite_difference_errors(layer, x, mask=None, training=False, initial_state=None, step=1e-5):
    """Largest relative error of each weight's and the input's (and initial states') gradient,
    in float64, for the loss sum(output * P) with fixed random P (every output of return_state).
    Initial states go in as Keras's call gives them, [x, *states], and come back as gradients.
    The step 1e-5 keeps the differences' rounding (about 1e-16 |L| / step) well under the 1e-4
    floor below which errors are measured absolutely; with 1e-6 it reached 1e-5 relative."""
    layer.build_for((None,) + x.shape[1:])
    for p in layer.weights:
        p.value = np.ascontiguousarray(p.value, np.float64)
        p.grad = np.zeros_like(p.value)
    x = x.astype(np.float64)
    inputs = x if initial_state is None else [x] + list(initial_state)
    state = layer._rng.bit_generator.state    # the same dropout masks in every evaluation

    def run():
        layer._rng.bit_generator.state = state
        out = layer.forward(inputs, training=training, mask=mask)
        return out if isinstance(out, list) else [out]

    projections = [np.random.default_rng(3).standard_normal(o.shape) for o in run()]

    def loss():
        return sum(float((o * p).sum()) for o, p in zip(run(), projections))

    run()
    input_grads = layer.backward(projections if layer.return_state else projections[0])
    arrays, grads = ([x], [input_grads]) if initial_state is None else (inputs, input_grads)
    checks = [(p.name, p.value, p.grad.copy()) for p in layer.weights]
    checks += [("input" if i == 0 else f"initial_state {i - 1}", a, g) for i, (a, g) in enumerate(zip(arrays, grads))]
    return {name: _relative_error(analytic, _numeric_gradient(loss, array, step)) for name, array, analytic in checks}


MAKERS = {"SimpleRNN": lambda **k: layers.SimpleRNN(3, **k), "LSTM": lambda **k: layers.LSTM(3, **k),
          "GRU": lambda **k: layers.GRU(3, **k), "GRU_reset_before": lambda **k: layers.GRU(3, reset_after=False, **k),
          "SimpleRNN_relu": lambda **k: layers.SimpleRNN(3, activation="relu", **k),
          "LSTM_hard_sigmoid_no_bias": lambda **k: layers.LSTM(3, recurrent_activation="hard_sigmoid",
                                                               use_bias=False, **k)}
OPTIONS = {"last": {}, "sequences": {"return_sequences": True},
           "states_backwards": {"return_state": True, "return_sequences": True, "go_backwards": True},
           "zero_output_for_mask": {"return_sequences": True, "zero_output_for_mask": True}}
MASK = np.array([[0, 0, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)


# Every option with and without a mask for each layer; one option for the variants.
CASES = [(kind, options, masked) for kind in MAKERS for options in OPTIONS for masked in (False, True)
         if kind in ("SimpleRNN", "LSTM", "GRU", "GRU_reset_before") or options == "sequences"]


@pytest.mark.parametrize("kind, options, masked", CASES)
def test_gradients_by_finite_differences(kind, options, masked):
    keras.utils.set_random_seed(7)  # the same weights on every run
    x = np.random.default_rng(0).standard_normal((3, 5, 4))
    errors = finite_difference_errors(MAKERS[kind](**OPTIONS[options]), x, MASK if masked else None)
    assert max(errors.values()) < 1e-5, errors


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU", "GRU_reset_before"])
def test_gradients_with_dropout_and_initial_state(kind):
    """The dropout masks are fixed over the steps; the initial states get their gradient too."""
    keras.utils.set_random_seed(7)
    x = np.random.default_rng(1).standard_normal((3, 5, 4))
    layer = MAKERS[kind](dropout=0.3, recurrent_dropout=0.4, return_sequences=True, seed=5)
    count = 2 if kind == "LSTM" else 1
    initial = [np.random.default_rng(2 + i).standard_normal((3, 3)) for i in range(count)]
    errors = finite_difference_errors(layer, x, MASK, training=True, initial_state=initial)
    assert max(errors.values()) < 1e-5, errors


def test_dropout_only_while_training_and_one_mask_for_all_steps():
    layer = layers.SimpleRNN(4, dropout=0.5, return_sequences=True, seed=1, activation="linear",
                             recurrent_initializer="zeros", use_bias=False)
    x = np.ones((2, 6, 8), np.float32)
    inference = layer(x)
    np.testing.assert_allclose(layer(x), inference)   # no dropout at inference
    training = layer(x, training=True)
    assert not np.allclose(training, inference)
    # recurrent kernel zero: every step sees the same dropped inputs, so every step's output is equal
    np.testing.assert_allclose(training, np.broadcast_to(training[:, :1], training.shape))


# -- shapes, masks, configs, errors -------------------------------------------------------------
@pytest.mark.parametrize("cls, gates", [(layers.SimpleRNN, 1), (layers.LSTM, 4), (layers.GRU, 3)])
def test_shapes_and_parameter_counts(cls, gates):
    x = np.zeros((2, 7, 5), np.float32)
    layer = cls(6, return_sequences=True, return_state=True)
    outputs = layer(x)
    states = 2 if cls is layers.LSTM else 1
    assert [o.shape for o in outputs] == [(2, 7, 6)] + [(2, 6)] * states
    bias = 2 * gates * 6 if cls is layers.GRU else gates * 6
    assert layer.count_params() == gates * 6 * (5 + 6) + bias
    assert cls(6)(x).shape == (2, 6)
    before = layers.GRU(6, reset_after=False)
    assert before(x).shape == (2, 6) and before.count_params() == 3 * 6 * (5 + 6) + 3 * 6
    assert layer(x[:, :3])[0].shape == (2, 3, 6)   # built for 7 steps, called on 3: any length goes


def test_last_output_of_return_state_is_the_h_state():
    x = np.random.default_rng(0).random((2, 4, 3)).astype(np.float32)
    output, h, c = layers.LSTM(5, return_state=True)(x)
    np.testing.assert_array_equal(output, h)
    sequence, h = layers.GRU(5, return_state=True, return_sequences=True)(x)
    np.testing.assert_array_equal(sequence[:, -1], h)


def test_masked_steps_carry_the_state_and_the_output():
    rng = np.random.default_rng(0)
    x = rng.random((1, 4, 3)).astype(np.float32)
    mask = np.array([[1, 1, 0, 0]], bool)
    layer = layers.LSTM(2, return_sequences=True)
    masked = layer(x, mask=mask)
    np.testing.assert_allclose(masked[:, 2:], np.repeat(masked[:, 1:2], 2, axis=1))
    np.testing.assert_allclose(layer(x[:, :2]), masked[:, :2], rtol=1e-6)
    zeroed = layers.LSTM.from_config({**layer.get_config(), "zero_output_for_mask": True})
    zeroed.build_for((None, 4, 3))
    zeroed.set_weights(layer.get_weights())
    np.testing.assert_array_equal(zeroed(x, mask=mask)[:, 2:], 0)


def test_mask_passes_through_return_sequences_only():
    ids = np.array([[0, 3, 4], [5, 6, 0]])
    inputs = keras.Input((3,), dtype="int32")
    embedded = layers.Embedding(8, 4, mask_zero=True)(inputs)
    sequence = layers.LSTM(2, return_sequences=True)
    last = layers.LSTM(2)
    assert sequence.compute_mask(None, ids != 0) is not None
    assert last.compute_mask(None, ids != 0) is None
    model = keras.Model(inputs, layers.GlobalAveragePooling1D()(sequence(embedded)))
    assert model.predict(ids, verbose=0).shape == (2, 2)


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_config_round_trip(cls):
    layer = cls(4, dropout=0.1, recurrent_dropout=0.2, return_sequences=True, go_backwards=True, seed=3,
                name="recurrent")
    copy = cls.from_config(layer.get_config())
    assert copy.get_config() == layer.get_config()
    x = np.random.default_rng(0).random((2, 3, 5)).astype(np.float32)
    layer(x)
    copy(x)
    copy.set_weights(layer.get_weights())
    np.testing.assert_array_equal(copy(x), layer(x))


def test_defaults_follow_keras():
    lstm = layers.LSTM(3)
    config = lstm.get_config()
    assert (config["activation"], config["recurrent_activation"], config["unit_forget_bias"]) == ("tanh", "sigmoid", True)
    assert config["recurrent_initializer"]["class_name"] == "orthogonal"
    lstm.build_for((None, 4, 2))
    np.testing.assert_array_equal(lstm.bias.value, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])  # unit_forget_bias
    u = lstm.recurrent_kernel.value
    np.testing.assert_allclose(u @ u.T, np.eye(3), atol=1e-5)  # orthogonal rows
    assert layers.GRU(3).get_config()["reset_after"] is True


@pytest.mark.parametrize("arguments, message", [
    ({"units": 0}, "units must be a positive integer"),
    ({"units": 3, "dropout": 1.0}, "dropout must be a number in \\[0, 1\\)"),
    ({"units": 3, "return_sequences": "yes"}, "return_sequences must be True or False"),
    ({"units": 3, "stateful": True}, "stateful=True is not supported"),
    ({"units": 3, "activation": "nonsense"}, "nonsense"),
])
def test_constructor_errors_name_the_argument(arguments, message):
    with pytest.raises((ValueError, TypeError), match=message):
        layers.LSTM(**arguments)


def test_input_of_the_wrong_rank_is_named():
    with pytest.raises(ValueError, match='LSTM "lstm_rank".*\\(batch, timesteps, features\\)'):
        layers.LSTM(3, name="lstm_rank")(np.zeros((2, 5), np.float32))


def test_save_load_resumes_training_exactly(tmp_path):
    """glassnet's file keeps the weights, the optimizer state and the layers' dropout streams."""
    rng = np.random.default_rng(0)
    x, y = rng.integers(1, 20, (64, 7)), rng.integers(0, 2, 64)

    def model():
        keras.utils.set_random_seed(4)
        built = keras.Sequential([keras.Input((7,), dtype="int32"), layers.Embedding(20, 6, mask_zero=True),
                                  layers.Bidirectional(layers.LSTM(5, return_sequences=True, dropout=0.2,
                                                                   recurrent_dropout=0.2)),
                                  layers.GRU(4, dropout=0.1), layers.Dense(1, activation="sigmoid")])
        built.compile(optimizer="adam", loss="binary_crossentropy")
        return built

    straight = model()
    straight.fit(x, y, epochs=2, batch_size=16, verbose=0)
    resumed = model()
    resumed.fit(x, y, epochs=1, batch_size=16, verbose=0)
    resumed.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), resumed.predict(x, verbose=0))
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0)
    for a, b in zip(loaded.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_fused_gate_kernels_agree_with_the_numpy_code(kind, monkeypatch):
    """The numba kernels (engine/recurrent_kernels.py) against the NumPy reference, in float32:
    forward and every gradient to 1e-5 relative, float32 rounding through 12 steps."""
    from glassnet.engine import kernels, recurrent_kernels
    if recurrent_kernels.get("lstm_gates") is None:
        pytest.skip("fused kernels are off (GLASSNET_FUSED_KERNELS=0) or numba is missing: nothing to compare")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 12, 5)).astype(np.float32)
    mask = rng.random((8, 12)) > 0.2
    grads = [rng.standard_normal((8, 12, 6)).astype(np.float32)] + \
        [rng.standard_normal((8, 6)).astype(np.float32)] * (2 if kind == "LSTM" else 1)

    def run():
        keras.utils.set_random_seed(1)
        layer = getattr(layers, kind)(6, return_sequences=True, return_state=True)
        outputs = layer(x, mask=mask)
        layer.forward(x, training=True, mask=mask)
        d_x = layer.backward(grads)
        return outputs + [d_x] + [p.grad.copy() for p in layer.weights]

    fused = run()
    monkeypatch.setattr(kernels, "is_enabled", lambda: False)
    monkeypatch.setitem(kernels._state, "enabled", False)
    reference = run()
    for a, b in zip(fused, reference):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_initial_state_from_an_encoder_trains_through_both():
    """Keras's sequence-to-sequence idiom: decoder(x, initial_state=[h, c]) of an encoder's
    states; the gradient reaches the encoder through the states (finite differences, float64)."""
    from glassnet.testing import check_gradients
    source, target = keras.Input((5, 3)), keras.Input((4, 2))
    _, h, c = layers.LSTM(3, return_state=True)(source)
    decoded = layers.LSTM(3, return_sequences=True)(target, initial_state=[h, c])
    _, state = layers.GRU(2, return_state=True, go_backwards=True)(source)
    carried = layers.GRU(2)(target, initial_state=state)
    model = keras.Model([source, target], layers.Dense(1)(layers.Concatenate()([layers.Flatten()(decoded), carried])))
    rng = np.random.default_rng(0)
    x = [rng.standard_normal((3, 5, 3)), rng.standard_normal((3, 4, 2))]
    result = check_gradients(model, x, rng.standard_normal((3, 1)), loss="mse")
    assert result.ok, result.errors


def test_initial_state_on_arrays_and_its_errors():
    x = np.random.default_rng(0).random((2, 4, 3)).astype(np.float32)
    layer = layers.LSTM(5)
    start = [np.full((2, 5), 0.5, np.float32), np.zeros((2, 5), np.float32)]
    assert not np.allclose(layer(x, initial_state=start), layer(x))
    np.testing.assert_allclose(layer(x, initial_state=[np.zeros((2, 5))] * 2), layer(x), atol=1e-7)
    with pytest.raises(ValueError, match='LSTM "lstm_states": initial_state must be 2 tensor\\(s\\) \\(h, c\\), received 1'):
        layers.LSTM(5, name="lstm_states")(x, initial_state=start[0])
    with pytest.raises(ValueError, match="initial_state must be 1 array\\(s\\) of shape \\(2, 5\\)"):
        layers.GRU(5)(x, initial_state=np.zeros((2, 4)))


def test_a_layer_built_on_arrays_joins_a_model_of_another_length():
    """As in Keras, a recurrent layer is not tied to the number of steps it first saw."""
    first = layers.LSTM(3, return_sequences=True)
    first(np.zeros((2, 7, 5), np.float32))
    model = keras.Sequential([keras.Input((None, 5)), first, layers.GRU(2)])
    assert model.predict(np.zeros((4, 3, 5)), verbose=0).shape == (4, 2)
    with pytest.raises(ValueError, match='Layer "lstm.*" was built for input shape \\(None, 7, 5\\) but receives '
                                         '\\(None, 4, 6\\)'):
        keras.Sequential([keras.Input((4, 6)), first])


@pytest.mark.parametrize("name", ["tagger_floats", "tagger_masked_ids"])
def test_a_label_per_step_matches_keras(name):
    """sparse_categorical_crossentropy and accuracy on (batch, steps) labels, as Keras computes them
    (evaluate, one Adam step); with a mask, Keras leaves the masked steps out of both."""
    from recurrent_layers import TAGS, tagger
    from tests.layers.keras_recurrent_golden import TAGGERS
    model, kind = tagger(keras)[name]
    set_pattern_weights(model)
    x = model_input(kind)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    np.testing.assert_allclose(model.evaluate(x, TAGS, verbose=0), TAGGERS[name]["evaluate"], atol=TOLERANCE)
    assert float(np.ravel(model.train_on_batch(x, TAGS))[0]) == pytest.approx(TAGGERS[name]["loss"], abs=TOLERANCE)
    np.testing.assert_allclose(model.predict(x, verbose=0).ravel(), TAGGERS[name]["output_after_step"], atol=TOLERANCE)


def test_the_sequence_to_sequence_recipe_matches_keras():
    """Keras's character-level translation recipe, small: encoder states start a decoder,
    categorical_crossentropy on one-hot (batch, steps, tokens) targets, inputs given as a list
    to evaluate (in batches of 2) and train_on_batch; numbers from Keras 3.15.1."""
    from recurrent_layers import translator, translator_data
    from tests.layers.keras_recurrent_golden import TAGGERS
    model = translator(keras)
    set_pattern_weights(model)
    x, targets = translator_data()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    expected = TAGGERS["translator"]
    np.testing.assert_allclose(model.evaluate(x, targets, verbose=0, batch_size=2), expected["evaluate"], atol=TOLERANCE)
    assert float(np.ravel(model.train_on_batch(x, targets))[0]) == pytest.approx(expected["loss"], abs=TOLERANCE)
    np.testing.assert_allclose(model.predict(x, verbose=0).ravel(), expected["output_after_step"], atol=TOLERANCE)


def test_the_recipe_s_inference_models_reuse_the_trained_layers():
    """The recipe's inference half: an encoder model from model.input[0] to the encoder's states,
    a decoder model calling the trained decoder LSTM and Dense again on new Inputs; decoding step
    by step gives the trained model's teacher-forced outputs."""
    from recurrent_layers import translator, translator_data
    model = translator(keras)
    set_pattern_weights(model)
    (source, target), _ = translator_data()
    encoder_lstm, decoder_lstm, dense = model.layers[2], model.layers[3], model.layers[4]
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "InputLayer", "LSTM", "LSTM", "Dense"]
    _, h, c = encoder_lstm.output
    encoder_model = keras.Model(model.input[0], [h, c])
    state_inputs = [keras.Input((4,)), keras.Input((4,))]
    decoded, h_out, c_out = decoder_lstm(model.input[1], initial_state=state_inputs)
    decoder_model = keras.Model([model.input[1]] + state_inputs, [dense(decoded), h_out, c_out])
    states = encoder_model.predict(source, verbose=0)
    steps = []
    for t in range(target.shape[1]):
        probabilities, *states = decoder_model.predict([target[:, t:t + 1]] + states, verbose=0)
        steps.append(probabilities[:, 0])
    np.testing.assert_allclose(np.stack(steps, axis=1), model.predict([source, target], verbose=0), atol=1e-6)
