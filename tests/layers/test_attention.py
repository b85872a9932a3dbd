"""MultiHeadAttention against Keras 3.15.1 (tools/keras_reference/attention.py wrote
keras_attention_golden.py: predictions on fixed weights, one Adam step, for self- and
cross-attention, an explicit attention_mask, a causal mask and Embedding(mask_zero) padding
masks) and against finite differences; shapes, options, errors, saving."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet.layers.attention import MultiHeadAttention
from glassnet.testing import check_gradients

from tests.layers.keras_attention_golden import MODELS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from attention import TARGETS, attention_models, set_pattern_weights  # noqa: E402

TOLERANCE = 2e-5  # float32 through softmax and four products, and one Adam step


@pytest.mark.parametrize("name", list(MODELS))
def test_matches_keras_forward_and_one_adam_step(name):
    model, inputs = attention_models(keras)[name]
    expected = MODELS[name]
    assert model.count_params() == expected["count_params"]
    set_pattern_weights(model)
    np.testing.assert_allclose(model.predict(inputs, verbose=0).ravel(), expected["output"], atol=TOLERANCE)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    loss = model.train_on_batch(inputs, TARGETS[:len(inputs[0])])
    assert float(np.ravel(loss)[0]) == pytest.approx(expected["loss"], abs=TOLERANCE)
    np.testing.assert_allclose(model.predict(inputs, verbose=0).ravel(), expected["output_after_step"], atol=TOLERANCE)


@pytest.mark.parametrize("options", [{}, {"use_causal_mask": True}, {"value_dim": 5}])
def test_gradients_by_finite_differences(options):
    keras.utils.set_random_seed(0)
    causal = options.pop("use_causal_mask", False)
    x = keras.Input((4, 3))
    attended = MultiHeadAttention(2, 2, **options)(x, x, use_causal_mask=causal)
    model = keras.Model(x, keras.layers.Dense(1)(keras.layers.Flatten()(attended)))
    rng = np.random.default_rng(1)
    result = check_gradients(model, rng.standard_normal((3, 4, 3)), rng.standard_normal((3, 1)), loss="mse")
    assert result.ok, result.errors


def test_shapes_scores_and_causality():
    rng = np.random.default_rng(0)
    x, y = rng.random((2, 4, 6)).astype(np.float32), rng.random((2, 3, 5)).astype(np.float32)
    output, scores = MultiHeadAttention(2, 3, value_dim=4)(x, y, return_attention_scores=True)
    assert output.shape == (2, 4, 6) and scores.shape == (2, 2, 4, 3)
    np.testing.assert_allclose(scores.sum(axis=-1), 1, rtol=1e-6)
    layer = MultiHeadAttention(1, 2)
    _, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(scores[:, 0], 1) < 1e-6)  # no weight on later steps
    changed = x.copy()
    changed[:, 3] += 1
    before, _ = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    after, _ = layer(changed, changed, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_allclose(before[:, :3], after[:, :3], rtol=1e-6)


def test_saves_and_loads_in_both_formats(tmp_path):
    inputs = keras.Input((4, 6))
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling1D()(MultiHeadAttention(2, 3)(inputs, inputs)))
    x = np.random.default_rng(0).random((2, 4, 6)).astype(np.float32)
    for suffix in ("glassnet", "keras"):
        model.save(tmp_path / f"m.{suffix}")
        loaded = keras.models.load_model(tmp_path / f"m.{suffix}", custom_objects={"MultiHeadAttention": MultiHeadAttention})
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_errors_name_the_layer_and_argument():
    with pytest.raises(ValueError, match='MultiHeadAttention "mha": num_heads must be a positive integer'):
        MultiHeadAttention(0, 3, name="mha")
    with pytest.raises(TypeError, match="mha\\(query, value\\)"):
        MultiHeadAttention(2, 3)(np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="attention_axes other than the steps axis"):
        MultiHeadAttention(2, 3, attention_axes=(2,))
