"""Keras's encoding of word-index sequences (imdb, reuters): shuffle, shift, mark the start,
drop long sequences, cap the vocabulary.

The published files hold each text as a list of word ranks (1 = the most frequent word). Keras
returns them changed, in this order, and so does glassnet:

1. shuffled with ``np.random.RandomState(seed).shuffle`` of the indices (imdb: train, then test,
   from one generator);
2. every rank plus ``index_from``, and ``start_char`` put in front (when it is not None);
3. with ``maxlen``, only sequences strictly shorter than ``maxlen`` kept (with their labels);
4. with ``num_words`` (default: the largest index present, so that one index itself becomes
   out of vocabulary, as in Keras), every index outside [skip_top, num_words) replaced by
   ``oov_char``, or dropped when ``oov_char`` is None;
5. returned as object arrays of Python lists (``np.array(lists, dtype=object)``: a 2-D object
   array when all lists happen to have one length, as Keras's).

The sequences are worked on as one flat int64 array and their lengths, not list by list.
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass

import numpy as np


@dataclass
class Ragged:
    """Sequences of ints as one flat array ``values`` and the ``lengths`` that cut it up."""

    values: np.ndarray
    lengths: np.ndarray

    @classmethod
    def from_lists(cls, sequences, where: str) -> Ragged:
        try:
            lengths = np.fromiter((len(sequence) for sequence in sequences), np.int64, len(sequences))
            values = np.fromiter(itertools.chain.from_iterable(sequences), np.int64, int(lengths.sum()))
        except (TypeError, ValueError, OverflowError) as error:
            raise ValueError(f"{where}: expected sequences of word indices (lists of ints), but reading them "
                             f"failed ({error}).") from None
        return cls(values, lengths)

    def starts(self) -> np.ndarray:
        return np.cumsum(self.lengths) - self.lengths

    def select(self, keep: np.ndarray) -> Ragged:
        """The sequences where the boolean ``keep`` (one per sequence) is True."""
        return Ragged(self.values[np.repeat(keep, self.lengths)], self.lengths[keep])

    def concatenate(self, other: Ragged) -> Ragged:
        return Ragged(np.concatenate([self.values, other.values]), np.concatenate([self.lengths, other.lengths]))

    def split(self, count: int) -> tuple[Ragged, Ragged]:
        """The first ``count`` sequences and the rest."""
        cut = int(self.lengths[:count].sum())
        return Ragged(self.values[:cut], self.lengths[:count]), Ragged(self.values[cut:], self.lengths[count:])

    def to_object_array(self) -> np.ndarray:
        flat = self.values.tolist()
        bounds = np.cumsum(self.lengths).tolist()
        lists = [flat[start:stop] for start, stop in zip([0] + bounds[:-1], bounds)]
        return np.array(lists, dtype=object)


def check_int(function: str, argument: str, value, allow_none: bool = False, minimum: int | None = None) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        expected = "an int or None" if allow_none else "an int"
        raise TypeError(f"{function}: {argument} must be {expected}, received {type(value).__name__} {value!r:.80}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{function}: {argument} must be >= {minimum}, received {value}.")


def check_encoding_arguments(function: str, num_words, skip_top, maxlen, seed, start_char, oov_char,
                             index_from) -> None:
    """TypeError or ValueError naming the first argument that is not what Keras's loaders take."""
    check_int(function, "num_words", num_words, allow_none=True, minimum=0)
    check_int(function, "skip_top", skip_top, minimum=0)
    check_int(function, "maxlen", maxlen, allow_none=True, minimum=0)
    check_int(function, "seed", seed, allow_none=True)
    check_int(function, "start_char", start_char, allow_none=True, minimum=0)
    check_int(function, "oov_char", oov_char, allow_none=True, minimum=0)
    check_int(function, "index_from", index_from, minimum=0)


def shuffled(rng: np.random.RandomState, sequences: np.ndarray, labels: np.ndarray) -> tuple:
    """``sequences`` and ``labels`` in the order ``rng.shuffle`` puts their indices in."""
    order = np.arange(len(sequences))
    rng.shuffle(order)
    return sequences[order], labels[order]


def shift_and_mark(sequences: Ragged, start_char, index_from: int) -> Ragged:
    """Each index plus ``index_from``, then ``start_char`` in front of each sequence unless None."""
    values = sequences.values + index_from
    if start_char is None:
        return Ragged(values, sequences.lengths)
    return Ragged(np.insert(values, sequences.starts(), start_char), sequences.lengths + 1)


def shorter_than(maxlen, sequences: Ragged) -> np.ndarray:
    """Which sequences Keras keeps for ``maxlen``: all when it is None or 0, else those strictly shorter."""
    if not maxlen:
        return np.ones(len(sequences.lengths), dtype=bool)
    return sequences.lengths < maxlen


def default_num_words(num_words, sequences: Ragged) -> int:
    """``num_words``, or (None or 0) the largest index in ``sequences``."""
    if num_words:
        return num_words
    return int(sequences.values.max()) if sequences.values.size else 0


def cap_vocabulary(sequences: Ragged, num_words: int, skip_top: int, oov_char) -> Ragged:
    """Indices outside [skip_top, num_words) become ``oov_char``, or are dropped when it is None."""
    values = sequences.values
    in_vocabulary = (values >= skip_top) & (values < num_words)
    if oov_char is not None:
        return Ragged(np.where(in_vocabulary, values, oov_char), sequences.lengths)
    owner = np.repeat(np.arange(len(sequences.lengths)), sequences.lengths)
    lengths = np.bincount(owner[in_vocabulary], minlength=len(sequences.lengths)).astype(np.int64)
    return Ragged(values[in_vocabulary], lengths)
