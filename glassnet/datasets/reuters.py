"""Reuters newswires, as Keras ships them: 11,228 texts as sequences of word indices, labelled
with one of 46 topics. See word_sequences for the encoding."""

from __future__ import annotations

import numbers

import numpy as np

from .keras_files import download_options, locate_keras_file, read_word_index
from .npz import read_npz
from .registry import REUTERS
from .word_sequences import (Ragged, cap_vocabulary, check_encoding_arguments, default_num_words, shift_and_mark,
                             shorter_than, shuffled)

LABEL_NAMES = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee",
               "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx",
               "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock",
               "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
               "dlr", "gas", "silver", "wpi", "hog", "lead")


def _check_test_split(test_split) -> None:
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real):
        raise TypeError(f"reuters.load_data: test_split must be a number in [0, 1], received "
                        f"{type(test_split).__name__} {test_split!r:.80}.")
    if not 0 <= test_split <= 1:
        raise ValueError(f"reuters.load_data: test_split must be in [0, 1], received {test_split!r}.")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)) as ``keras.datasets.reuters.load_data``: x are object
    arrays of lists of word indices, y int64 topic labels 0..45 (names: get_label_names()); for
    the same arguments the same arrays as Keras.

    The texts are shuffled, encoded (see glassnet.datasets.word_sequences) and then split: the
    first ``int(n * (1 - test_split))`` train, the rest test, where n counts the texts kept by
    ``maxlen``. The other arguments are as in glassnet.datasets.imdb.load_data.
    """
    options = download_options("reuters.load_data", kwargs)
    check_encoding_arguments("reuters.load_data", num_words, skip_top, maxlen, seed, start_char, oov_char,
                             index_from)
    _check_test_split(test_split)
    file = locate_keras_file(REUTERS, "data", path, **options)
    arrays = read_npz(file, ("x", "y"))
    texts, labels = arrays["x"], arrays["y"]
    if labels.ndim != 1 or len(texts) != len(labels):
        raise ValueError(f"{file}: x holds {len(texts)} texts but y has shape {labels.shape}; expected one label "
                         "per text.")
    texts, labels = shuffled(np.random.RandomState(seed), texts, labels)
    sequences = shift_and_mark(Ragged.from_lists(texts, f"{file}:x"), start_char, index_from)
    keep = shorter_than(maxlen, sequences)
    sequences, labels = sequences.select(keep), labels[keep]
    sequences = cap_vocabulary(sequences, default_num_words(num_words, sequences), skip_top, oov_char)
    count = int(len(labels) * (1 - test_split))
    train, test = sequences.split(count)
    return (train.to_object_array(), labels[:count]), (test.to_object_array(), labels[count:])


def get_word_index(path="reuters_word_index.json", **kwargs) -> dict:
    """{word: rank} as ``keras.datasets.reuters.get_word_index``: rank 1 is the most frequent
    word; in load_data's sequences word ``w`` is ``word_index[w] + index_from``."""
    options = download_options("reuters.get_word_index", kwargs)
    return read_word_index(locate_keras_file(REUTERS, "word_index", path, **options))


def get_label_names() -> tuple:
    """The 46 topic names, indexed by label, as ``keras.datasets.reuters.get_label_names``."""
    return LABEL_NAMES
