"""The text steps of TextVectorization, on Python strings: standardize, split, n-grams.

They reproduce what Keras (on TensorFlow) does, as measured with TensorFlow 2.21:

- ``lower`` lower-cases ASCII letters only: "ÉCOLE" becomes "École", "Straße" stays;
- ``strip_punctuation`` removes the 32 ASCII punctuation characters
  ``!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~`` and nothing else (typographic quotes, dashes and
  ellipses stay);
- ``whitespace`` splits on runs of the six ASCII whitespace characters (space, tab, newline,
  vertical tab, form feed, carriage return) and drops empty pieces; a no-break space does not
  split;
- ``character`` splits into Unicode code points;
- n-grams of each width, in the order the widths are given, join tokens with one space; a text
  shorter than a width has no n-gram of that width.
"""

from __future__ import annotations

import re
import string

import numpy as np

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_ASCII_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_ASCII_WHITESPACE_RUNS = re.compile("[^ \t\n\v\f\r]+")


def as_text_array(values, encoding: str, owner: str) -> np.ndarray:
    """``values`` (strings, bytes, nested lists or an array of them) as an array of ``str``."""
    array = np.asarray(values, dtype=object if isinstance(values, (list, tuple)) else None)
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S":
        return np.vectorize(lambda b: b.decode(encoding), otypes=[str])(array) if array.size else array.astype(str)
    if array.dtype == object:
        def text(value):
            if isinstance(value, bytes):
                return value.decode(encoding)
            if isinstance(value, str):
                return value
            raise TypeError(f"{owner} takes strings, received an element of type {type(value).__name__} "
                            f"({value!r}).")
        return np.vectorize(text, otypes=[str])(array) if array.size else array.astype(str)
    raise TypeError(f"{owner} takes strings, received an array of dtype {array.dtype}.")


def standardize(texts: np.ndarray, mode) -> np.ndarray:
    """Apply ``mode`` (one of STANDARDIZE_MODES, a callable on an array of str, or None)."""
    if mode is None:
        return texts
    if callable(mode):
        return np.asarray(mode(texts)).astype(str)
    flat = texts.reshape(-1).tolist()
    if mode in ("lower", "lower_and_strip_punctuation"):
        flat = [t.translate(_ASCII_LOWER) for t in flat]
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        flat = [_ASCII_PUNCTUATION.sub("", t) for t in flat]
    return np.array(flat, dtype=str).reshape(texts.shape) if flat else texts


def split(texts: np.ndarray, mode, owner: str) -> list[list[str]]:
    """One list of tokens per text of the 1-D array ``texts``. ``mode`` is one of SPLIT_MODES,
    a callable that takes the array and returns one sequence of tokens per text, or None (each
    text is one token)."""
    flat = texts.tolist()
    if mode is None:
        return [[t] for t in flat]
    if mode == "whitespace":
        return [t.split() if _splits_as_str_split(t) else _ASCII_WHITESPACE_RUNS.findall(t) for t in flat]
    if mode == "character":
        return [list(t) for t in flat]
    rows = mode(texts)
    rows = rows.tolist() if isinstance(rows, np.ndarray) else list(rows)
    if len(rows) != len(flat):
        raise ValueError(f"{owner}: the split callable must return one sequence of tokens per string; it received "
                         f"{len(flat)} strings and returned {len(rows)} sequences.")
    return [[t.decode() if isinstance(t, bytes) else str(t) for t in row] for row in rows]


def _splits_as_str_split(text: str) -> bool:
    """Whether ``str.split()`` (several times faster than the regular expression) splits ``text``
    the same way: ASCII text without the separators \x1c-\x1f, which it also splits on."""
    return text.isascii() and "\x1c" not in text and "\x1d" not in text and "\x1e" not in text \
        and "\x1f" not in text


def ngrams(tokens: list[str], widths: tuple[int, ...]) -> list[str]:
    """All n-grams of ``tokens`` for each width in ``widths``, widths in the order given."""
    grams = []
    for width in widths:
        grams += [" ".join(tokens[i:i + width]) for i in range(len(tokens) - width + 1)]
    return grams
