"""TextVectorization, StringLookup and IntegerLookup: vocabularies, outputs, OOV hashing and
errors against Keras on TensorFlow; text through Sequential and functional models; saving.

Keras's numbers are in keras_text_golden.py, written by tools/keras_reference/text_preprocessing.py
with Keras 3.15.1 on TensorFlow 2.21.0 from that script's cases.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.layers.preprocessing import hashing

from tests.layers.keras_text_golden import CASES, ERRORS, HASH_FAST, HASH_STRONG

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from text_preprocessing import CASES as CASE_SPECS  # noqa: E402
from text_preprocessing import CORPUS, ERROR_CASES, TEXTS, hash_strings, run_case, run_error_case  # noqa: E402


# -- against Keras ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CASE_SPECS))
def test_case_matches_keras(name):
    got, expected = run_case(keras, *CASE_SPECS[name]), CASES[name]
    assert got["vocabulary"] == expected["vocabulary"]
    assert got["vocabulary_size"] == expected["vocabulary_size"]
    assert got["shape"] == expected["shape"]
    if np.asarray(expected["output"]).dtype.kind == "f":
        np.testing.assert_allclose(got["output"], expected["output"], rtol=1e-6, atol=1e-6)
    else:
        assert got["output"] == expected["output"]


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_error_class_matches_keras(name):
    assert run_error_case(keras, *ERROR_CASES[name]) == ERRORS[name]


def test_fingerprint64_matches_tensorflow_to_hash_bucket_fast():
    data = hash_strings()
    for buckets, expected in HASH_FAST.items():
        assert [hashing.hash_bucket(s, int(buckets)) for s in data] == expected, buckets


def test_siphash_matches_tensorflow_to_hash_bucket_strong():
    data = hash_strings()
    for key, expected in HASH_STRONG.items():
        salt = tuple(int(k) for k in key.strip("[]").split(","))
        assert [hashing.hash_bucket(s, 2 ** 63 - 1, salt) for s in data] == expected, key


def test_vocabulary_order_frequency_then_larger_utf8_bytes_first():
    lookup = layers.StringLookup()
    lookup.adapt(["b", "a", "é", "z", "É", "a", "b"])
    assert lookup.get_vocabulary() == ["[UNK]", "b", "a", "é", "É", "z"]
    integers = layers.IntegerLookup()
    integers.adapt([3, -5, 10, 3, 7])
    assert integers.get_vocabulary(include_special_tokens=False) == [3, 10, 7, -5]


def test_standardize_acts_on_ascii_only_as_tensorflow():
    vectorizer = layers.TextVectorization(split=None)
    vectorizer.adapt(["ÉCOLE “Quoted” — Straße!"])
    assert vectorizer.get_vocabulary(include_special_tokens=False) == ["École “quoted” — straße"]


# -- outputs --------------------------------------------------------------------------------------
def test_output_dtypes_int_and_float():
    vectorizer = layers.TextVectorization()
    vectorizer.adapt(CORPUS)
    assert vectorizer(TEXTS).dtype == np.int64
    for mode in ("multi_hot", "count", "tf_idf"):
        encoder = layers.TextVectorization(output_mode=mode)
        encoder.adapt(CORPUS)
        assert encoder(TEXTS).dtype == np.float32
        assert encoder(TEXTS).shape == (len(TEXTS), encoder.vocabulary_size())


def test_one_string_and_lists_are_one_input():
    vectorizer = layers.TextVectorization(output_sequence_length=4)
    vectorizer.adapt(["a b c"])
    np.testing.assert_array_equal(vectorizer("c a"), [2, 4, 0, 0])
    np.testing.assert_array_equal(vectorizer(["c a", "b"]), [[2, 4, 0, 0], [3, 0, 0, 0]])
    np.testing.assert_array_equal(vectorizer([b"c a"]), [[2, 4, 0, 0]])
    lookup = layers.StringLookup(vocabulary=["x", "y"])
    np.testing.assert_array_equal(lookup(["y", "x", "q"]), [2, 1, 0])


def test_callable_standardize_and_split():
    vectorizer = layers.TextVectorization(standardize=lambda texts: np.char.upper(texts),
                                          split=lambda texts: [t.split(",") for t in texts])
    vectorizer.adapt(["a,b", "b,c", "b"])
    assert vectorizer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    np.testing.assert_array_equal(vectorizer(["c,a,z"]), [[3, 4, 1]])


def test_adapt_from_batches_with_steps():
    vectorizer = layers.TextVectorization()
    vectorizer.adapt(iter([np.array(["a a"]), np.array(["b"]), np.array(["c c c"])]), steps=2)
    assert vectorizer.get_vocabulary() == ["", "[UNK]", "a", "b"]


def test_set_vocabulary_from_file(tmp_path):
    path = tmp_path / "vocabulary.txt"
    path.write_text("cat\ndog\n", encoding="utf-8")
    vectorizer = layers.TextVectorization()
    vectorizer.set_vocabulary(str(path))
    np.testing.assert_array_equal(vectorizer(["dog cat bird"]), [[3, 2, 1]])


def test_num_oov_indices_zero_rejects_unknown_tokens():
    lookup = layers.StringLookup(vocabulary=["a"], num_oov_indices=0)
    np.testing.assert_array_equal(lookup(["a"]), [0])
    with pytest.raises(ValueError, match=r"num_oov_indices=0.*'b'"):
        lookup(["a", "b"])


def test_errors_name_the_layer_argument_and_value():
    with pytest.raises(ValueError, match=r'TextVectorization "tv".*output_mode.*received output_mode=\'bag\''):
        layers.TextVectorization(output_mode="bag", name="tv")
    with pytest.raises(RuntimeError, match=r'TextVectorization "idf".*adapt'):
        layers.TextVectorization(output_mode="tf_idf", name="idf")(["a"])
    with pytest.raises(ValueError, match=r"repeats the token\(s\) \['a'\]"):
        layers.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"shape \(batch,\) or \(batch, 1\); received shape \(1, 2\)"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="ragged=True"):
        layers.TextVectorization(ragged=True)


# -- in models ------------------------------------------------------------------------------------
TRAIN_TEXTS = np.array(["good movie", "great film, loved it", "bad movie", "awful film", "loved it",
                        "terrible, bad", "great great", "awful awful"])
TRAIN_LABELS = np.array([1, 1, 0, 0, 1, 0, 1, 0])


def sentiment_model(vectorizer):
    return keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorizer, layers.Embedding(20, 8),
                             layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])


def test_sequential_on_text_trains_to_full_accuracy():
    keras.utils.set_random_seed(0)
    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(TRAIN_TEXTS)
    model = sentiment_model(vectorizer)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(TRAIN_TEXTS, TRAIN_LABELS, epochs=40, batch_size=4, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    predictions = model.predict(TRAIN_TEXTS, verbose=0)
    assert ((predictions[:, 0] > 0.5) == TRAIN_LABELS).all()
    assert model.predict(["good film"], verbose=0).shape == (1, 1)
    assert model.evaluate(TRAIN_TEXTS[:, None], TRAIN_LABELS, verbose=0)[1] == 1.0
    vocabulary = vectorizer.get_vocabulary()
    np.testing.assert_array_equal(vectorizer(["loved it"]), [[vocabulary.index(w) for w in ("loved", "it", "", "")]])


class _NoBackward(layers.TextVectorization):
    def backward(self, grad_output, need_input_grad=True):
        raise AssertionError("the engine asked the text layer for an input gradient")


def test_engine_never_asks_the_text_layer_for_a_gradient():
    vectorizer = _NoBackward(output_sequence_length=3)
    vectorizer.adapt(TRAIN_TEXTS)
    model = sentiment_model(vectorizer)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(TRAIN_TEXTS, TRAIN_LABELS, epochs=1, verbose=0)


def test_sequential_without_input_and_functional_on_text():
    vectorizer = layers.TextVectorization(output_mode="multi_hot")
    vectorizer.adapt(TRAIN_TEXTS)
    model = keras.Sequential([vectorizer, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(TRAIN_TEXTS, TRAIN_LABELS, epochs=1, verbose=0)
    assert model.predict(TRAIN_TEXTS[:3], verbose=0).shape == (3, 1)
    inputs = keras.Input(shape=(1,), dtype="string")
    outputs = layers.Dense(2, activation="softmax")(vectorizer(inputs))
    functional = keras.Model(inputs, outputs)
    functional.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    functional.fit(TRAIN_TEXTS, TRAIN_LABELS, epochs=1, verbose=0)
    assert functional.predict(["bad"], verbose=0).shape == (1, 2)


def test_strings_into_a_numeric_layer_are_a_clear_error():
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), layers.Dense(1)])
    with pytest.raises(TypeError, match=r'first layer "\w+" \(Dense\) takes numbers; put a TextVectorization'):
        model.predict(TRAIN_TEXTS, verbose=0)
    with pytest.raises(TypeError, match=r"\(Dense\) takes numbers, but received the string tensor"):
        layers.Dense(2)(keras.Input(shape=(1,), dtype="string"))
    with pytest.raises(TypeError, match="put a TextVectorization or StringLookup layer before it"):
        layers.Dense(2)(np.array([["a"]]))
    numeric = keras.Sequential([layers.Dense(1, input_shape=(1,))])
    with pytest.raises(TypeError, match="must hold numbers"):
        numeric.predict(TRAIN_TEXTS[:, None], verbose=0)


# -- saving ---------------------------------------------------------------------------------------
def test_save_and_load_restores_the_vocabulary(tmp_path):
    keras.utils.set_random_seed(1)
    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=4, ngrams=(1, 2))
    vectorizer.adapt(TRAIN_TEXTS)
    model = sentiment_model(vectorizer)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(TRAIN_TEXTS, TRAIN_LABELS, epochs=2, verbose=0)
    path = tmp_path / "text.glassnet"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(TRAIN_TEXTS, verbose=0), model.predict(TRAIN_TEXTS, verbose=0))
    restored = loaded.layers[0]
    assert restored.get_vocabulary() == vectorizer.get_vocabulary()
    assert restored.get_config()["ngrams"] == [1, 2]
    restored.adapt(["new words only"])  # an adapted vocabulary stays adaptable after loading
    assert restored.get_vocabulary(include_special_tokens=False) == ["words only", "words", "only", "new words", "new"]
    loaded.fit(TRAIN_TEXTS, TRAIN_LABELS, epochs=1, verbose=0)


@pytest.mark.parametrize("name", ["tv_tf_idf", "tv_tf_idf_padded", "tv_set_vocabulary_tf_idf_with_oov",
                                  "sl_mask", "sl_oov_3_salt_pair_mask", "sl_invert_mask", "il_mask",
                                  "il_oov_4_farmhash_salt", "tv_ngrams_1_3_count"])
def test_config_round_trip_keeps_outputs(name):
    class_name, kwargs, source, inputs = CASE_SPECS[name]
    layer = getattr(layers, class_name)(**kwargs)
    if source is not None and source[0] == "adapt":
        layer.adapt(source[1])
    elif source is not None:
        layer.set_vocabulary(source[1], idf_weights=source[2])
    copy = layers.deserialize(layers.serialize(layer))
    assert copy.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_array_equal(copy(np.array(inputs)), layer(np.array(inputs)))


def test_functional_model_with_a_text_input_and_a_numeric_input(tmp_path):
    vectorizer = layers.TextVectorization(output_sequence_length=3)
    vectorizer.adapt(TRAIN_TEXTS)
    text, numbers = keras.Input(shape=(1,), dtype="string"), keras.Input(shape=(2,))
    pooled = layers.GlobalAveragePooling1D()(layers.Embedding(20, 4)(vectorizer(text)))
    model = keras.Model([text, numbers], layers.Dense(1)(layers.Concatenate()([pooled, numbers])))
    model.compile(optimizer="adam", loss="mse")
    extra = np.ones((len(TRAIN_TEXTS), 2), np.float32)
    model.fit([TRAIN_TEXTS, extra], TRAIN_LABELS, epochs=1, verbose=0)
    model.save(tmp_path / "two_inputs.glassnet")
    loaded = keras.models.load_model(tmp_path / "two_inputs.glassnet")
    np.testing.assert_array_equal(loaded.predict([TRAIN_TEXTS[:, None], extra], verbose=0),
                                  model.predict([TRAIN_TEXTS, extra], verbose=0))


def test_a_vectorizer_called_on_a_flat_batch_then_joins_a_string_model():
    """vectorizer(texts) on a (n,) batch first, then after Input(shape=(1,), dtype="string"):
    the layer takes (n,) and (n, 1) alike, as Keras's does."""
    texts = np.array(["good movie", "bad movie", "great film", "awful film"])
    vectorizer = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorizer.adapt(texts)
    assert vectorizer(texts).shape == (4, 5)
    model = keras.Sequential([keras.Input((1,), dtype="string"), vectorizer, keras.layers.Embedding(20, 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
    np.testing.assert_array_equal(model.layers[0](texts[:, None]), vectorizer(texts))
    assert model.predict(texts, verbose=0).shape == (4, 1)


def test_a_subclassed_model_reads_text_through_its_vectorizer():
    """Keras's subclassing idiom with text: call() starts with a TextVectorization layer; the
    model is built on the first strings it sees (text has no zeros) and trains on strings."""
    texts = np.array(["good movie", "bad movie", "great film", "awful film"] * 4)
    labels = np.array([1, 0, 1, 0] * 4)

    class TextModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.vectorizer = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
            self.vectorizer.adapt(texts)
            self.embedding = keras.layers.Embedding(20, 8, mask_zero=True)
            self.lstm = keras.layers.LSTM(4)
            self.classifier = keras.layers.Dense(1, activation="sigmoid")

        def call(self, inputs):
            return self.classifier(self.lstm(self.embedding(self.vectorizer(inputs))))

    keras.utils.set_random_seed(0)
    model = TextModel()
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(texts, labels, epochs=10, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    good, awful = model.predict(np.array(["good film", "awful movie"]), verbose=0).ravel()
    assert good > 0.5 > awful
