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


def test_keras_transformer_text_classifier_runs_unchanged():
    """Keras's 'text classification with Transformer' program, small: a TransformerBlock layer
    holding MultiHeadAttention, a Sequential feed-forward block, LayerNormalization and Dropout,
    and a token-and-position Embedding layer written with ops. Parameter counts as Keras counts
    them (the feed-forward Sequential's weights included), and every part trains."""
    from glassnet import layers, ops

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1, self.dropout2 = layers.Dropout(rate), layers.Dropout(rate)

        def call(self, inputs, training=False):
            attended = self.dropout1(self.att(inputs, inputs), training=training)
            out1 = self.layernorm1(inputs + attended)
            return self.layernorm2(out1 + self.dropout2(self.ffn(out1), training=training))

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            positions = self.pos_emb(ops.arange(start=0, stop=ops.shape(x)[-1], step=1))
            return self.token_emb(x) + positions

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 200, (64, 20))
    y = (x[:, :5] < 50).any(axis=1).astype(int)
    inputs = layers.Input(shape=(20,))
    embedding, block = TokenAndPositionEmbedding(20, 200, 16), TransformerBlock(16, 2, 16)
    hidden = layers.Dropout(0.1)(layers.GlobalAveragePooling1D()(block(embedding(inputs))))
    outputs = layers.Dense(2, activation="softmax")(layers.Dense(20, activation="relu")(hidden))
    model = keras.Model(inputs, outputs)
    # Keras 3.15.1 counts 3,520 and 2,768 for these two layers (by hand: 200*16 + 20*16; q, k, v
    # 3 * (16*2*16 + 2*16), output 2*16*16 + 16, feed-forward 2 * (16*16 + 16), norms 2 * 32)
    assert (embedding.count_params(), block.count_params()) == (3520, 2768)
    before = [w.copy() for w in block.ffn.get_weights()] + [block.att.get_weights()[0].copy()]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    after = block.ffn.get_weights() + [block.att.get_weights()[0]]
    assert all(not np.allclose(a, b) for a, b in zip(before, after))


def test_a_sequential_held_by_a_subclassed_model_is_tracked(tmp_path):
    class Outer(keras.Model):
        def __init__(self):
            super().__init__()
            self.base = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(3)])
            self.head = keras.layers.Dense(1)

        def call(self, x):
            return self.head(self.base(x))

    model = Outer()
    model.compile("adam", "mse")
    x, y = np.random.default_rng(0).random((8, 5)), np.random.default_rng(1).random((8, 1))
    model.fit(x, y, verbose=0)
    assert model.count_params() == (5 * 4 + 4) + (4 * 3 + 3) + (3 + 1)
    before = model.base.get_weights()[0].copy()
    model.fit(x, y, verbose=0)
    assert not np.allclose(before, model.base.get_weights()[0])
