"""IMDB movie reviews, as Keras ships them: 25,000 training and 25,000 test reviews as sequences
of word indices, labelled 1 (positive) or 0 (negative). See word_sequences for the encoding."""

from __future__ import annotations

import numpy as np

from .keras_files import download_options, locate_keras_file, read_word_index
from .npz import read_npz
from .registry import IMDB
from .word_sequences import (Ragged, cap_vocabulary, check_encoding_arguments, default_num_words, shift_and_mark,
                             shorter_than, shuffled)

_ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def _checked_pair(arrays: dict, split: str, where) -> tuple[np.ndarray, np.ndarray]:
    reviews, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
    if labels.ndim != 1 or len(reviews) != len(labels):
        raise ValueError(f"{where}: x_{split} holds {len(reviews)} reviews but y_{split} has shape {labels.shape}; "
                         "expected one label per review.")
    return reviews, labels


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)) as ``keras.datasets.imdb.load_data``: x are object
    arrays of 25,000 lists of word indices, y int64 arrays of 0/1, for the same arguments the
    same arrays as Keras (same shuffle, same encoding: see glassnet.datasets.word_sequences).

    Args:
        path: Keras's file name ("imdb.npz": found in glassnet's data folders or downloaded), an
            existing .npz file, or a folder to search first (see glassnet.datasets.keras_files).
        num_words: keep the indices below it, the rest become ``oov_char``; None: the largest index.
        skip_top: indices below it become ``oov_char`` too.
        maxlen: keep only the reviews shorter than it (after ``start_char`` is added); None: all.
        seed: of the shuffle (``np.random.RandomState(seed)``).
        start_char: put in front of every review; None: nothing.
        oov_char: what replaced indices become; None: they are dropped.
        index_from: added to every word rank of the file (ranks start at 1).
        **kwargs: glassnet's download options: download (False forbids it), mirrors, timeout, progress.
    """
    options = download_options("imdb.load_data", kwargs)
    check_encoding_arguments("imdb.load_data", num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    file = locate_keras_file(IMDB, "data", path, **options)
    arrays = read_npz(file, _ARRAYS)
    rng = np.random.RandomState(seed)
    x_train, y_train = shuffled(rng, *_checked_pair(arrays, "train", file))
    x_test, y_test = shuffled(rng, *_checked_pair(arrays, "test", file))
    train = shift_and_mark(Ragged.from_lists(x_train, f"{file}:x_train"), start_char, index_from)
    test = shift_and_mark(Ragged.from_lists(x_test, f"{file}:x_test"), start_char, index_from)
    keep_train, keep_test = shorter_than(maxlen, train), shorter_than(maxlen, test)
    if maxlen and not (keep_train.any() and keep_test.any()):
        emptied = "training" if not keep_train.any() else "test"
        raise ValueError(f"imdb.load_data: no review is shorter than maxlen={maxlen} in the {emptied} set, so none "
                         "would be kept; increase maxlen.")
    train, y_train = train.select(keep_train), y_train[keep_train]
    test, y_test = test.select(keep_test), y_test[keep_test]
    # The vocabulary is capped over both splits at once, as Keras does.
    both = train.concatenate(test)
    both = cap_vocabulary(both, default_num_words(num_words, both), skip_top, oov_char)
    train, test = both.split(len(train.lengths))
    return (train.to_object_array(), y_train), (test.to_object_array(), y_test)


def get_word_index(path="imdb_word_index.json", **kwargs) -> dict:
    """{word: rank} as ``keras.datasets.imdb.get_word_index``: rank 1 is the most frequent word;
    in load_data's sequences word ``w`` is ``word_index[w] + index_from``. ``path`` and the
    download options are as in load_data."""
    options = download_options("imdb.get_word_index", kwargs)
    return read_word_index(locate_keras_file(IMDB, "word_index", path, **options))
