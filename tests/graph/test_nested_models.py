"""Models as layers (the start of issue 22): a model inside a Sequential or called on symbolic
tensors shares its weights, trains through the outer model, passes its input gradient on, and
freezes as Keras's transfer-learning guide freezes a base model."""

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.testing import check_gradients


def images(n=96):
    rng = np.random.default_rng(0)
    x = rng.random((n, 8, 8, 1), dtype=np.float32)
    return x, x.reshape(n, -1)[:, :3].argmax(axis=1)


def base_model():
    return keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"), layers.BatchNormalization(),
                             layers.Flatten(), layers.Dense(16, activation="relu")], name="base")


def test_the_transfer_learning_recipe_freezes_then_fine_tunes_the_base():
    keras.utils.set_random_seed(0)
    base = base_model()
    x, y = images()
    base.trainable = False
    inputs = keras.Input((8, 8, 1))
    outputs = layers.Dense(3, activation="softmax")(layers.Dropout(0.2)(base(inputs, training=False)))
    model = keras.Model(inputs, outputs)
    assert (len(model.trainable_weights), len(model.non_trainable_weights)) == (2, 8)  # as Keras counts them
    frozen = [w.copy() for w in base.get_weights()]
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    for before, after in zip(frozen, base.get_weights()):  # kernel, bias, and BatchNorm's moving statistics
        np.testing.assert_array_equal(before, after)
    base.trainable = True
    model.compile(keras.optimizers.Adam(1e-4), "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert len(model.trainable_weights) == 2 + 6
    model.fit(x, y, epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(frozen, base.get_weights()))
    text = io.StringIO()
    with redirect_stdout(text):
        model.summary()
    assert "base (Sequential)" in text.getvalue()


def test_a_model_in_a_sequential_shares_its_weights():
    keras.utils.set_random_seed(1)
    base = base_model()
    stacked = keras.Sequential([base, layers.Dense(3), layers.Softmax()])
    x, y = images()
    stacked.compile("adam", "sparse_categorical_crossentropy")
    stacked.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose(stacked.predict(x, verbose=0),
                               stacked.layers[2](stacked.layers[1](base.predict(x, verbose=0))), atol=1e-6)
    assert stacked.get_layer("base").layers[0] is base.layers[0]


def test_gradients_pass_through_nested_models():
    rng = np.random.default_rng(2)
    inner = keras.Sequential([keras.Input((5,)), layers.Dense(4, activation="tanh")])
    outer = keras.Sequential([layers.Dense(5, input_shape=(3,)), inner, layers.Dense(2)])  # a layer below the model
    outer.compile("sgd", "mse")
    result = check_gradients(outer, rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))
    assert result.ok, result.errors

    encoder_input = keras.Input((6,))
    encoder = keras.Model(encoder_input, layers.Dense(3, activation="tanh")(encoder_input), name="encoder")
    decoder_input = keras.Input((3,))
    decoder = keras.Model(decoder_input, layers.Dense(6)(decoder_input), name="decoder")
    autoencoder_input = keras.Input((6,))
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name="autoencoder")
    autoencoder.compile("sgd", "mse")
    x = rng.normal(size=(4, 6))
    result = check_gradients(autoencoder, x, x)
    assert result.ok, result.errors

    class Head(keras.Model):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.encoder(inputs))

    head = Head()
    head.compile("sgd", "mse")
    head.build((None, 6))
    result = check_gradients(head, x, rng.normal(size=(4, 1)), training=True)  # a subclassed model tapes in training
    assert result.ok, result.errors


def test_nested_models_save_and_load_in_glassnets_format(tmp_path):
    keras.utils.set_random_seed(3)
    base = base_model()
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, layers.Dense(3, activation="softmax")(layers.Dropout(0.3)(base(inputs))))
    twice = keras.Sequential([keras.Sequential([model], name="wrapper"), layers.Dense(2)])  # two levels deep
    x, y = images()
    for m in (model, twice):
        m.compile("adam", "sparse_categorical_crossentropy")
        m.fit(x, y % 2 if m is twice else y, epochs=1, verbose=0)
        m.save(tmp_path / f"{m.name}.glassnet")
        loaded = keras.models.load_model(tmp_path / f"{m.name}.glassnet")
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), m.predict(x, verbose=0))
        assert [l.name for l in loaded.layers] == [l.name for l in m.layers]
        resumed, straight = loaded.fit(x, y % 2 if m is twice else y, epochs=1, verbose=0).history, \
            m.fit(x, y % 2 if m is twice else y, epochs=1, verbose=0).history
        assert resumed == straight  # weights, optimizer state and streams came back


def test_what_nesting_cannot_do_yet_is_said_clearly():
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(4)], name="inner")
    inputs = keras.Input((4,))
    with pytest.raises(NotImplementedError, match='"inner" is called at 2 places'):
        keras.Model(inputs, layers.Add()([inner(inputs), inner(inputs)])).predict(np.ones((1, 4)), verbose=0)



def test_a_nested_model_saves_to_keras_files_as_keras_nests_it(tmp_path):
    """Keras 3 writes a nested model as its own config and its weights under
    layers/<model key>/layers/<layer key>/vars (tools/keras_reference/graph_models.py's
    nested_models goes through real Keras in test_keras_interchange)."""
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(4)], name="inner")
    outer = keras.Sequential([inner, layers.Dense(1)])
    outer.save(tmp_path / "outer.keras")
    loaded = keras.models.load_model(tmp_path / "outer.keras")
    x = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), outer.predict(x, verbose=0))
    import h5py
    import zipfile
    with zipfile.ZipFile(tmp_path / "outer.keras") as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as store:
        assert "layers/sequential/layers/dense/vars/0" in store and "layers/dense/vars/1" in store
