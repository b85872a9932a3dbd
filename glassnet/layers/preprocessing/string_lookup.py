"""StringLookup: strings to vocabulary indices (or back, with ``invert=True``)."""

from __future__ import annotations

import numpy as np

from .index_lookup import IndexLookup
from .text_tokenization import as_text_array


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary, as ``keras.layers.StringLookup``.

    Args:
        max_tokens: the largest vocabulary, special tokens included (None: no limit).
        num_oov_indices: indices for out-of-vocabulary strings (1 by default). With more than
            one, a string goes to bucket ``FarmHash64(utf8) % num_oov_indices`` (with ``salt``:
            SipHash-2-4 keyed by the salt), the same bucket as in Keras; with 0, an unknown
            string is an error.
        mask_token: a string that means "no token": index 0 in "int" mode, dropped otherwise.
        oov_token: the token ``get_vocabulary`` and ``invert=True`` show for OOV indices.
        vocabulary: a list or 1-D array of strings, or a file of one per line; else ``adapt``.
        idf_weights: with ``output_mode="tf_idf"`` and a vocabulary, one weight per entry.
        invert: map indices back to strings.
        output_mode: "int" (default), "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: encodings have ``max_tokens`` entries, whatever the vocabulary size.
        salt: an int or a pair of ints: hash OOV strings with SipHash under this key.

    Input: strings (or bytes) of any shape; with ``invert``, integer indices.
    Output: "int": int64 indices, the input's shape. "one_hot": ``(..., depth)`` (a trailing
    axis of 1 replaced). "multi_hot", "count", "tf_idf": the last axis (one sample's tokens)
    replaced by ``depth`` counts; float32.
    """

    takes_strings = property(lambda self: not self.invert)
    takes_indices = property(lambda self: self.invert)

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, pad_to_max_tokens, sparse, salt, name=name, **kwargs)

    def _tokens_of(self, values) -> np.ndarray:
        return as_text_array(values, self.encoding, self._owner)

    def _token_array(self, tokens, shape) -> np.ndarray:
        return np.array(tokens, dtype=str).reshape(shape) if tokens else np.zeros(shape, dtype=str)

    def _sort_key(self, token):
        return token.encode("utf-8")  # TensorFlow compares the UTF-8 bytes

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding}
