"""Reference numbers for TextVectorization, StringLookup and IntegerLookup (and the OOV hashes
behind them) from real Keras 3 on TensorFlow, written to tests/layers/keras_text_golden.py. These
layers need TensorFlow in Keras, so run with a Python that has tensorflow and keras:

    KERAS_BACKEND=tensorflow /path/to/tf-venv/bin/python tools/keras_reference/text_preprocessing.py

Each case is a layer class, its constructor arguments, what it learns its vocabulary from
(``adapt`` data, or ``set_vocabulary`` arguments) and the inputs it is called on. The test
rebuilds the same cases from this module (Keras and TensorFlow are imported only in main).
"""

import datetime
import os
import pprint
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_text_golden.py")

# Ties in frequency, punctuation (ASCII and typographic), non-ASCII letters in both cases, upper case.
CORPUS = ["The cat sat on the mat.", "the dog sat; the DOG ran!", "A cat, a dog & a bird?",
          "École: ÉCOLE école — naïve café…", "it's the cat's toy", "Straße ΣΑΣ σας x-ray e-mail",
          "b a", "a b", "tab\tseparated\nlines  and\u00a0nbsp"]
TEXTS = ["the cat sat", "a dog & an unknown bird!", "", "ÉCOLE café naïve", "mat mat mat the the"]
TEXTS_2D = [[t] for t in TEXTS]

# Tokens for StringLookup: ties, unicode, the empty string.
TOKENS = [["a", "b", "c", "a"], ["b", "é", "É", "zz"], ["c", "c", "", "ü"], ["a", "b", "ü", "z"]]
LOOKUP_INPUTS = [["a", "b", "zz", "unknown"], ["", "é", "É", "new"], ["c", "ü", "x", "y"]]
UNKNOWN_STRINGS = ["x", "y", "unknown", "new", "[UNK]", "hello world", "École", "ΣΑΣ", "0", "-1",
                   "a much longer string that takes the long hash path of more than sixty-four bytes ....."]
INTEGERS = [[3, 3, 1, 1], [2, 7, 7, 7], [-5, 0, 2, 1], [9, 8, 7, 3]]
INTEGER_INPUTS = [[3, 1, 7, 100], [0, -5, -6, 12345], [2, 8, 9, 42]]

# name: (class name, constructor arguments, vocabulary source, inputs). The vocabulary source is
# ("adapt", data) or ("set_vocabulary", vocabulary, idf_weights) or None (given as an argument).
CASES = {
    "tv_int": ("TextVectorization", {}, ("adapt", CORPUS), TEXTS),
    "tv_int_2d": ("TextVectorization", {}, ("adapt", CORPUS), TEXTS_2D),
    "tv_sequence_short": ("TextVectorization", {"output_sequence_length": 3}, ("adapt", CORPUS), TEXTS),
    "tv_sequence_long": ("TextVectorization", {"output_sequence_length": 8}, ("adapt", CORPUS), TEXTS),
    "tv_max_tokens": ("TextVectorization", {"max_tokens": 6}, ("adapt", CORPUS), TEXTS),
    "tv_multi_hot": ("TextVectorization", {"output_mode": "multi_hot"}, ("adapt", CORPUS), TEXTS),
    "tv_count": ("TextVectorization", {"output_mode": "count"}, ("adapt", CORPUS), TEXTS),
    "tv_tf_idf": ("TextVectorization", {"output_mode": "tf_idf"}, ("adapt", CORPUS), TEXTS),
    "tv_count_padded": ("TextVectorization", {"output_mode": "count", "max_tokens": 40, "pad_to_max_tokens": True},
                        ("adapt", CORPUS), TEXTS),
    "tv_tf_idf_padded": ("TextVectorization", {"output_mode": "tf_idf", "max_tokens": 40, "pad_to_max_tokens": True},
                         ("adapt", CORPUS), TEXTS),
    "tv_ngrams_2": ("TextVectorization", {"ngrams": 2}, ("adapt", CORPUS), TEXTS),
    "tv_ngrams_1_3_count": ("TextVectorization", {"ngrams": (1, 3), "output_mode": "count"}, ("adapt", CORPUS),
                            TEXTS),
    "tv_lower_characters": ("TextVectorization", {"standardize": "lower", "split": "character"},
                            ("adapt", CORPUS), TEXTS),
    "tv_strip_punctuation": ("TextVectorization", {"standardize": "strip_punctuation"}, ("adapt", CORPUS), TEXTS),
    "tv_no_standardize_no_split": ("TextVectorization", {"standardize": None, "split": None},
                                   ("adapt", CORPUS + TEXTS[:2]), TEXTS_2D),
    "tv_vocabulary_argument": ("TextVectorization", {"vocabulary": ["cat", "the", "dog", "sat"]}, None, TEXTS),
    "tv_set_vocabulary_tf_idf": ("TextVectorization", {"output_mode": "tf_idf"},
                                 ("set_vocabulary", ["cat", "the", "dog", "sat"], [1.5, 0.5, 1.0, 2.0]), TEXTS),
    "tv_set_vocabulary_tf_idf_with_oov": ("TextVectorization", {"output_mode": "tf_idf"},
                                          ("set_vocabulary", ["[UNK]", "cat", "mat"], [0.25, 1.0, 3.0]), TEXTS),
    "sl_adapt": ("StringLookup", {}, ("adapt", TOKENS), LOOKUP_INPUTS),
    "sl_adapt_max_tokens": ("StringLookup", {"max_tokens": 4}, ("adapt", TOKENS), LOOKUP_INPUTS),
    "sl_mask": ("StringLookup", {"mask_token": ""}, ("adapt", TOKENS), LOOKUP_INPUTS),
    "sl_oov_2": ("StringLookup", {"num_oov_indices": 2, "vocabulary": ["a", "b", "c"]}, None, [UNKNOWN_STRINGS]),
    "sl_oov_5_salt": ("StringLookup", {"num_oov_indices": 5, "salt": 1234, "vocabulary": ["a", "b"]}, None,
                      [UNKNOWN_STRINGS]),
    "sl_oov_3_salt_pair_mask": ("StringLookup", {"num_oov_indices": 3, "salt": (7, 11), "mask_token": "",
                                                 "vocabulary": ["a", "b"]}, None, [UNKNOWN_STRINGS + [""]]),
    "sl_invert": ("StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True}, None, [[0, 1, 2, 3, 4, 9]]),
    "sl_invert_mask": ("StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True, "mask_token": "[MASK]",
                                        "num_oov_indices": 2}, None, [[0, 1, 2, 3, 4, 5, 6, 9]]),
    "sl_one_hot": ("StringLookup", {"vocabulary": ["a", "b", "c"], "output_mode": "one_hot"}, None,
                   ["a", "c", "zz", "b"]),
    "sl_one_hot_column": ("StringLookup", {"vocabulary": ["a", "b", "c"], "output_mode": "one_hot"}, None,
                          [["a"], ["c"], ["zz"]]),
    "sl_multi_hot_mask": ("StringLookup", {"output_mode": "multi_hot", "mask_token": ""}, ("adapt", TOKENS),
                          LOOKUP_INPUTS),
    "sl_count": ("StringLookup", {"output_mode": "count"}, ("adapt", TOKENS), LOOKUP_INPUTS),
    "sl_tf_idf": ("StringLookup", {"output_mode": "tf_idf"}, ("adapt", TOKENS), LOOKUP_INPUTS),
    "il_adapt": ("IntegerLookup", {}, ("adapt", INTEGERS), INTEGER_INPUTS),
    "il_mask": ("IntegerLookup", {"mask_token": 0}, ("adapt", INTEGERS), INTEGER_INPUTS),
    "il_oov_2_floormod": ("IntegerLookup", {"num_oov_indices": 2, "vocabulary": [1, 2, 3]}, None, INTEGER_INPUTS),
    "il_oov_3_farmhash": ("IntegerLookup", {"num_oov_indices": 3, "oov_method": "farmhash",
                                            "vocabulary": [1, 2, 3]}, None, INTEGER_INPUTS),
    "il_oov_4_farmhash_salt": ("IntegerLookup", {"num_oov_indices": 4, "oov_method": "farmhash", "salt": 99,
                                                 "vocabulary": [1, 2, 3]}, None, INTEGER_INPUTS),
    "il_invert": ("IntegerLookup", {"vocabulary": [10, 20, 30], "invert": True, "mask_token": 0}, None,
                  [[0, 1, 2, 3, 4, 7]]),
    "il_one_hot": ("IntegerLookup", {"vocabulary": [10, 20, 30], "output_mode": "one_hot"}, None, [10, 30, 5]),
    "il_count": ("IntegerLookup", {"output_mode": "count"}, ("adapt", INTEGERS), INTEGER_INPUTS),
}

# name: (class name, constructor arguments, what is done after construction): the class of
# the error Keras raises.
ERROR_CASES = {
    "bad_output_mode": ("TextVectorization", {"output_mode": "bag_of_words"}, None),
    "bad_standardize": ("TextVectorization", {"standardize": "upper"}, None),
    "bad_split": ("TextVectorization", {"split": "comma"}, None),
    "sequence_length_with_multi_hot": ("TextVectorization", {"output_mode": "multi_hot",
                                                             "output_sequence_length": 4}, None),
    "tf_idf_call_before_adapt": ("TextVectorization", {"output_mode": "tf_idf"}, "call"),
    "multi_hot_call_before_adapt": ("TextVectorization", {"output_mode": "multi_hot"}, "call"),
    "tf_idf_vocabulary_without_idf": ("TextVectorization", {"output_mode": "tf_idf", "vocabulary": ["a", "b"]},
                                      None),
    "idf_weights_in_int_mode": ("StringLookup", {"vocabulary": ["a", "b"], "idf_weights": [1.0, 2.0]}, None),
    "invert_with_multi_hot": ("StringLookup", {"invert": True, "output_mode": "multi_hot"}, None),
    "max_tokens_one": ("StringLookup", {"max_tokens": 1}, None),
    "negative_num_oov_indices": ("StringLookup", {"num_oov_indices": -1}, None),
    "repeated_vocabulary": ("StringLookup", {"vocabulary": ["a", "b", "a"]}, None),
    "vocabulary_over_max_tokens": ("StringLookup", {"vocabulary": ["a", "b", "c"], "max_tokens": 3}, None),
    "pad_to_max_tokens_without_max_tokens": ("StringLookup", {"pad_to_max_tokens": True}, None),
    "adapt_with_fixed_vocabulary": ("StringLookup", {"vocabulary": ["a", "b"]}, "adapt"),
    "integer_salt_with_floormod": ("IntegerLookup", {"salt": 3}, None),
}


def hash_strings():
    """Byte strings of every length from 0 to 140 and a few long ones (3 of each), for the
    OOV hashes; random bytes from a fixed seed, then some UTF-8 text."""
    rng = np.random.RandomState(15)
    strings = [rng.randint(0, 256, size=n, dtype=np.uint8).tobytes()
               for n in list(range(141)) + [191, 192, 193, 255, 256, 257, 1000] for _ in range(3)]
    return strings + [s.encode("utf-8") for s in UNKNOWN_STRINGS + ["[UNK]", "é", "a b"]]


HASH_BUCKETS = (2 ** 63 - 1, 1000003, 7)   # the largest bucket count TF allows shows 63 bits of the hash
SIPHASH_KEYS = ((0, 0), (1234, 1234), (7, 11), (2 ** 63 - 1, 12345678901234567))


def _plain(value):
    """A layer's output as nested lists of Python numbers or str."""
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind == "S":
        return np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else str(b), otypes=[object])(
            array).tolist()
    return array.tolist()


def run_case(keras, class_name, kwargs, source, inputs):
    layer = getattr(keras.layers, class_name)(**kwargs)
    if source is not None and source[0] == "adapt":
        layer.adapt(source[1])
    elif source is not None:
        layer.set_vocabulary(source[1], idf_weights=source[2])
    output = np.asarray(layer(np.array(inputs)))
    return {"vocabulary": [str(t) if isinstance(t, str) else int(t) for t in layer.get_vocabulary()],
            "vocabulary_size": int(layer.vocabulary_size()), "shape": list(output.shape),
            "output": _plain(output)}


def run_error_case(keras, class_name, kwargs, action):
    try:
        layer = getattr(keras.layers, class_name)(**kwargs)
        if action == "call":
            layer(np.array(TEXTS))
        elif action == "adapt":
            layer.adapt(np.array(["a", "c"]))
    except Exception as error:  # noqa: BLE001 - the class of whatever Keras raises is the result
        return type(error).__name__
    return None


def main():
    import keras
    import tensorflow as tf
    cases = {name: run_case(keras, *case) for name, case in CASES.items()}
    errors = {name: run_error_case(keras, *case) for name, case in ERROR_CASES.items()}
    strings = hash_strings()
    fast = {str(n): tf.strings.to_hash_bucket_fast(strings, n).numpy().tolist() for n in HASH_BUCKETS}
    strong = {str(list(key)): tf.strings.to_hash_bucket_strong(strings, HASH_BUCKETS[0], key=list(key)).numpy()
              .tolist() for key in SIPHASH_KEYS}
    header = (f'"""Reference numbers from Keras {keras.__version__} on TensorFlow {tf.__version__} (CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/text_preprocessing.py. Regenerate with that script; "
              'do not edit by hand."""\n\n')
    with open(OUT, "w", encoding="utf-8") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\nTENSORFLOW_VERSION = {tf.__version__!r}\n\n")
        stream.write("CASES = " + pprint.pformat(cases, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("ERRORS = " + pprint.pformat(errors, width=110, sort_dicts=False) + "\n\n")
        stream.write("# tf.strings.to_hash_bucket_fast(hash_strings(), n) for each n\n")
        stream.write("HASH_FAST = " + pprint.pformat(fast, width=110, compact=True) + "\n\n")
        stream.write("# tf.strings.to_hash_bucket_strong(hash_strings(), 2**63 - 1, key) for each key\n")
        stream.write("HASH_STRONG = " + pprint.pformat(strong, width=110, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
