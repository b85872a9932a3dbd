"""IntegerLookup: integers to vocabulary indices (or back, with ``invert=True``)."""

from __future__ import annotations

import numpy as np

from .index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integers to integer indices through a vocabulary, as ``keras.layers.IntegerLookup``.

    Args are StringLookup's (see there), with integer tokens: ``oov_token`` defaults to -1 and
    ``vocabulary_dtype`` must be "int64". With ``num_oov_indices > 1`` an unknown integer goes
    to OOV bucket ``value mod num_oov_indices`` (``oov_method="floormod"``, the default), or is
    hashed as its decimal text (``oov_method="farmhash"``, the only method that takes a ``salt``).

    Input: integers of any shape; with ``invert``, indices. Output: as StringLookup's.
    """

    takes_indices = True  # its input stays integer (layers/calling.as_input_array)

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        owner = f'IntegerLookup "{name}"' if name else "IntegerLookup"
        if vocabulary_dtype != "int64":
            raise ValueError(f"{owner}: vocabulary_dtype must be 'int64'; "
                             f"received vocabulary_dtype={vocabulary_dtype!r}.")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{owner}: oov_method must be 'floormod' or 'farmhash'; "
                             f"received oov_method={oov_method!r}.")
        if salt is not None and oov_method != "farmhash":
            raise ValueError(f"{owner}: salt is used only with oov_method='farmhash'; "
                             f"received oov_method={oov_method!r}.")
        self.vocabulary_dtype = "int64"
        self.oov_method = oov_method
        super().__init__(max_tokens, num_oov_indices, None if mask_token is None else int(mask_token),
                         None if oov_token is None else int(oov_token), vocabulary, idf_weights, invert, output_mode,
                         pad_to_max_tokens, sparse, salt, name=name, **kwargs)

    def _tokens_of(self, values) -> np.ndarray:
        array = np.asarray(values)
        if array.dtype.kind not in "iub" and not (array.dtype.kind == "f" and np.all(array == np.round(array))):
            raise TypeError(f"{self._owner} takes integers, received an array of dtype {array.dtype}.")
        return array.astype(np.int64)

    def _token_array(self, tokens, shape) -> np.ndarray:
        return np.array(tokens, dtype=np.int64).reshape(shape)

    def _oov_buckets(self, tokens: np.ndarray) -> np.ndarray:
        if self.oov_method == "floormod":
            return np.mod(tokens, self.num_oov_indices)
        return super()._oov_buckets(tokens)

    def get_config(self):
        return {**super().get_config(), "vocabulary_dtype": "int64", "oov_method": self.oov_method}
