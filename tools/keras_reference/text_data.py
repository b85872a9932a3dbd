"""Reference outputs of Keras 3's imdb / reuters loaders and pad_sequences, on small files in
Keras's layout, for tests/datasets/test_text_datasets.py and tests/utils/test_pad_sequences.py.
Run with a Python that has Keras 3 (the pinned numbers came from Keras 3.15.1, JAX backend):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/text_data.py

It writes the fixture files (write_imdb_npz, write_reuters_npz) to a temporary folder, points
Keras's loaders at them (their get_file is replaced by one returning the fixture, since the
fixture's hash is not the published one) and prints each case's result as Python literals,
which the tests pin. The tests import the fixtures and cases from this module; Keras is
imported only in main.
"""

import os
import pprint
import sys
import tempfile

import numpy as np

# Word ranks as in the published files (1 = most frequent word), ragged, no empty review.
IMDB_ARRAYS = {
    "x_train": [[1, 14, 2, 9], [5, 3], [1, 1, 7, 12, 4, 6], [2], [11, 3, 8], [13, 1, 2, 5, 10], [4, 4]],
    "y_train": [1, 0, 0, 1, 1, 0, 1],
    "x_test": [[3, 15, 1], [6], [2, 9, 14, 1, 7, 3, 5], [8, 8], [12, 1, 3]],
    "y_test": [0, 1, 1, 0, 1],
}

REUTERS_ARRAYS = {
    "x": [[1, 2, 3], [4, 1, 9, 2, 2], [7], [12, 1, 5, 6], [3, 3, 18, 1, 2, 4, 8], [10, 2],
          [1, 16, 4, 2, 1, 9], [5, 11], [2, 1, 13, 17], [6, 1, 3, 20, 2, 1, 4, 7]],
    "y": [3, 4, 3, 19, 1, 45, 3, 4, 11, 0],
}

WORD_INDEX = {"the": 1, "and": 2, "a": 3, "of": 4, "film": 5, "café": 6}

IMDB_CASES = {
    "defaults": {},
    "num_words": {"num_words": 10},
    "num_words_skip_top": {"num_words": 12, "skip_top": 5},
    "maxlen": {"maxlen": 5},
    "no_start_char": {"start_char": None},
    "no_start_no_shift": {"start_char": None, "index_from": 0, "num_words": 9},
    "drop_oov": {"num_words": 10, "skip_top": 2, "oov_char": None},
    "other_seed_and_chars": {"seed": 7, "start_char": 9, "oov_char": 0, "index_from": 1, "num_words": 12},
}

REUTERS_CASES = {
    "defaults": {},
    "test_split": {"test_split": 0.35},
    "maxlen_num_words_skip_top": {"maxlen": 6, "num_words": 12, "skip_top": 2},
    "drop_oov": {"num_words": 10, "oov_char": None, "seed": 1},
    "no_test": {"test_split": 0.0, "start_char": None},
}

PAD_SEQUENCES = [[1], [2, 3], [4, 5, 6, 7], [], [8, 9, 10]]
PAD_CASES = {
    "defaults": (PAD_SEQUENCES, {}),
    "maxlen_3": (PAD_SEQUENCES, {"maxlen": 3}),
    "post_padding": (PAD_SEQUENCES, {"maxlen": 3, "padding": "post"}),
    "post_truncating": (PAD_SEQUENCES, {"maxlen": 3, "truncating": "post"}),
    "post_both": (PAD_SEQUENCES, {"maxlen": 3, "padding": "post", "truncating": "post"}),
    "longer_maxlen_value": (PAD_SEQUENCES, {"maxlen": 6, "value": -1}),
    "float32": ([[0.5, 1.25], [2.75]], {"dtype": "float32", "value": 0.5}),
    "int32_casts_floats": ([[0.5, 1.75], [-2.75]], {}),
    "object_strings": ([["a", "bc"], ["d"], []], {"dtype": object, "value": "<pad>"}),
    "str_dtype": ([["ab", "c"], ["d"]], {"dtype": "<U3", "value": "x", "padding": "post"}),
    "steps_of_shape_2": ([[[1, 2], [3, 4]], [[5, 6]]], {"maxlen": 3}),
    "tuples_and_arrays": (([1, 2], (3,), np.array([4, 5, 6])), {"maxlen": 2, "dtype": "int64"}),
    "all_empty": ([[], []], {"maxlen": 2}),
    "no_sequences": ([], {"maxlen": 4}),
}


def object_array(lists) -> np.ndarray:
    """A 1-D object array of Python lists, as in Keras's files (never 2-D, whatever the lengths)."""
    array = np.empty(len(lists), dtype=object)
    for index, items in enumerate(lists):
        array[index] = list(items)
    return array


def write_imdb_npz(path) -> None:
    """IMDB_ARRAYS in imdb.npz's layout: x_train, y_train, x_test, y_test (x object, y int64)."""
    np.savez(path, x_train=object_array(IMDB_ARRAYS["x_train"]), y_train=np.array(IMDB_ARRAYS["y_train"], np.int64),
             x_test=object_array(IMDB_ARRAYS["x_test"]), y_test=np.array(IMDB_ARRAYS["y_test"], np.int64))


def write_reuters_npz(path) -> None:
    """REUTERS_ARRAYS in reuters.npz's layout: x (object), y (int64)."""
    np.savez(path, x=object_array(REUTERS_ARRAYS["x"]), y=np.array(REUTERS_ARRAYS["y"], np.int64))


def as_literal(split) -> tuple:
    """(x, y) as ([lists], [labels], y's dtype name)."""
    x, y = split
    return [list(map(int, items)) for items in x], np.asarray(y).tolist(), str(np.asarray(y).dtype)


def run_loader(module, fixture_path, kwargs):
    real_get_file = module.get_file
    module.get_file = lambda *args, **kw: fixture_path
    try:
        train, test = module.load_data(**kwargs)
    finally:
        module.get_file = real_get_file
    return {"train": as_literal(train), "test": as_literal(test), "x_dtype": str(train[0].dtype),
            "x_shape": list(train[0].shape)}


def main():
    import keras
    from keras.src.datasets import imdb, reuters
    from keras.src.utils import sequence_utils

    with tempfile.TemporaryDirectory() as folder:
        imdb_path, reuters_path = os.path.join(folder, "imdb.npz"), os.path.join(folder, "reuters.npz")
        write_imdb_npz(imdb_path)
        write_reuters_npz(reuters_path)
        results = {
            "imdb": {name: run_loader(imdb, imdb_path, kwargs) for name, kwargs in IMDB_CASES.items()},
            "reuters": {name: run_loader(reuters, reuters_path, kwargs) for name, kwargs in REUTERS_CASES.items()},
            "pad_sequences": {},
        }
    for name, (sequences, kwargs) in PAD_CASES.items():
        padded = sequence_utils.pad_sequences(sequences, **kwargs)
        results["pad_sequences"][name] = (padded.tolist(), str(padded.dtype), list(padded.shape))
    print(f"# Keras {keras.__version__} ({keras.backend.backend()} backend), numpy {np.__version__}")
    pprint.pprint(results, width=118, sort_dicts=False, compact=True, stream=sys.stdout)


if __name__ == "__main__":
    main()
