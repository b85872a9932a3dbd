"""IndexLookup: the vocabulary and lookup shared by StringLookup, IntegerLookup and
TextVectorization. It has no weights: its state is the vocabulary (and the IDF weights in
``"tf_idf"`` mode), written into its config so a saved model carries it.

Indices, as in Keras: with ``output_mode="int"`` and a ``mask_token``, index 0 is the mask; then
``num_oov_indices`` out-of-vocabulary indices; then the vocabulary. In the other modes the mask
takes no index (masked inputs are dropped).
"""

from __future__ import annotations

import collections
import itertools
import math

import numpy as np

from ..base import Layer
from . import hashing
from .vocabulary_encoding import encode_counts, encode_one_hot

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_MODE_ALIASES = {"binary": "multi_hot", "tf-idf": "tf_idf"}


def check_output_mode(output_mode, owner: str, allowed=OUTPUT_MODES) -> str:
    output_mode = _MODE_ALIASES.get(output_mode, output_mode)
    if output_mode not in allowed:
        raise ValueError(f"{owner}: output_mode must be one of {', '.join(repr(m) for m in allowed)}; "
                         f"received output_mode={output_mode!r}.")
    return output_mode


class IndexLookup(Layer):
    """Maps tokens to indices (or indices back to tokens with ``invert=True``); see
    StringLookup and IntegerLookup for the arguments. Subclasses say how tokens are read
    (``_tokens_of``), written (``_token_array``), sorted and hashed."""

    single_input = True  # a list given to it is one input (of tokens), not several inputs

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary=None, idf_weights=None,
                 invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False, salt=None, **kwargs):
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("vocabulary_size", None)  # Keras writes it in its configs; the vocabulary says it here
        super().__init__(**kwargs)
        owner = self._owner = f'{type(self).__name__} "{self.name}"'
        if max_tokens is not None and (not isinstance(max_tokens, (int, np.integer)) or max_tokens <= 1):
            raise ValueError(f"{owner}: max_tokens must be None or an integer greater than 1; "
                             f"received max_tokens={max_tokens!r}.")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{owner}: pad_to_max_tokens=True needs max_tokens to be set; received max_tokens=None.")
        if not isinstance(num_oov_indices, (int, np.integer)) or num_oov_indices < 0:
            raise ValueError(f"{owner}: num_oov_indices must be an integer >= 0; "
                             f"received num_oov_indices={num_oov_indices!r}.")
        output_mode = check_output_mode(output_mode, owner)
        if invert and output_mode != "int":
            raise ValueError(f"{owner}: invert=True needs output_mode='int'; received output_mode={output_mode!r}.")
        if sparse:
            raise ValueError(f"{owner}: sparse=True needs TensorFlow's sparse tensors, which glassnet does not have; "
                             "received sparse=True.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{owner}: idf_weights are used only with output_mode='tf_idf'; received "
                             f"output_mode={output_mode!r} with idf_weights.")
        if output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{owner}: with output_mode='tf_idf', a vocabulary needs its idf_weights too; "
                             "received vocabulary without idf_weights.")
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = False
        self.salt = self._check_salt(salt)
        self._has_input_vocabulary = bool(has_input_vocabulary)
        self._tokens: list = []           # the learned or given vocabulary, without the special tokens
        self._index: dict = {}            # token -> its index
        self._idf_weights = None          # float32 array of length depth, in "tf_idf" mode
        self._vocabulary_set = False
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- what subclasses define ---------------------------------------------------------------
    def _tokens_of(self, values) -> np.ndarray:
        """``values`` as an array of tokens (str for strings, int64 for integers)."""
        raise NotImplementedError

    def _token_array(self, tokens: list, shape) -> np.ndarray:
        """Tokens (inverted lookups) as an array of ``shape``."""
        raise NotImplementedError

    def _sort_key(self, token):
        """Keras breaks ties in frequency by the tokens themselves, the larger first."""
        return token

    def _oov_buckets(self, tokens: np.ndarray) -> np.ndarray:
        """Which of the ``num_oov_indices`` OOV indices each (unknown) token goes to."""
        salt = None if self.salt is None else tuple(self.salt)
        return np.array([hashing.hash_bucket(str(t).encode("utf-8"), self.num_oov_indices, salt) for t in tokens],
                        dtype=np.int64)

    def _check_salt(self, salt):
        if salt is None:
            return None
        if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
            return [int(salt), int(salt)]
        if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(isinstance(s, (int, np.integer)) for s in salt):
            return [int(s) for s in salt]
        raise ValueError(f"{self._owner}: salt must be an integer or a pair of integers (the key of the SipHash "
                         f"that spreads OOV tokens); received salt={salt!r}.")

    # -- indices -------------------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices: mask and OOV indices included."""
        return self._token_start_index() + len(self._tokens)

    def _depth(self) -> int:
        """The length of an encoded (non-"int") output."""
        if self.pad_to_max_tokens:
            return self.max_tokens
        if not self._vocabulary_set:
            raise RuntimeError(f"{self._owner}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False, "
                               "the vocabulary must be set before the layer is called: pass vocabulary=..., or "
                               "call adapt(data) first.")
        return self.vocabulary_size()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The tokens in index order (the special tokens first unless ``include_special_tokens``
        is False)."""
        if not include_special_tokens:
            return list(self._tokens)
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices + self._tokens

    # -- setting the vocabulary ----------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replace the vocabulary: a list, tuple or 1-D array of tokens (the special tokens may
        lead it, in order), or the path of a text file of one token per line. With
        ``output_mode="tf_idf"`` give ``idf_weights`` of the same length."""
        owner = self._owner
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{owner}: with output_mode='tf_idf', set_vocabulary needs idf_weights; received none.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{owner}: idf_weights are used only with output_mode='tf_idf'; received them with "
                             f"output_mode={self.output_mode!r}.")
        if isinstance(vocabulary, str):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{owner}: output_mode='tf_idf' cannot read its vocabulary from a file; pass a list.")
            with open(vocabulary, encoding="utf-8") as file:
                vocabulary = file.read().splitlines()
            while vocabulary and vocabulary[-1] == "":
                vocabulary.pop()
        tokens = self._tokens_of(vocabulary).reshape(-1).tolist() if len(vocabulary) else []
        if not tokens:
            raise ValueError(f"{owner}: cannot set an empty vocabulary.")
        special = self.get_vocabulary()[:self._token_start_index()]
        has_special = tokens[:len(special)] == special
        if has_special:
            tokens = tokens[len(special):]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{owner}: the vocabulary repeats the token(s) {repeated}; each token may appear once.")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"{owner}: the mask token {self.mask_token!r} is in the vocabulary at index "
                             f"{tokens.index(self.mask_token) + (len(special) if has_special else 0)}; leave the "
                             f"special tokens out, or put them first in this order: {special}.")
        if self.invert and self.oov_token is not None and self.oov_token in tokens:
            raise ValueError(f"{owner}: the OOV token {self.oov_token!r} is in the vocabulary; leave the special "
                             f"tokens out, or put them first in this order: {special}.")
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{owner}: the vocabulary has {size} entries with the special tokens, more than "
                             f"max_tokens={self.max_tokens}.")
        if idf_weights is not None:
            weights = np.asarray(idf_weights, dtype=np.float64)
            if weights.ndim != 1 or len(weights) != len(vocabulary):
                raise ValueError(f"{owner}: idf_weights must be a 1-D list with one weight per vocabulary entry "
                                 f"({len(vocabulary)}); received shape {weights.shape}.")
            front = [] if has_special else [np.mean(weights)] * self._token_start_index()
            weights = np.concatenate([front, weights])
            self._idf_weights = self._padded(weights)
        self._set_tokens(tokens)

    def _set_tokens(self, tokens: list) -> None:
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._index = {t: start + i for i, t in enumerate(self._tokens)}
        self._vocabulary_set = True

    def _padded(self, weights) -> np.ndarray:
        if self.pad_to_max_tokens:
            weights = np.concatenate([weights, np.zeros(self.max_tokens - len(weights))])
        return np.asarray(weights, dtype=np.float32)

    # -- adapt --------------------------------------------------------------------------------
    def adapt(self, data, steps=None) -> None:
        """Learn the vocabulary from ``data``: an array or list of tokens (each element of a 1-D
        array is one document), or an iterable of such batches (``steps`` of them at most).
        Tokens are sorted by frequency, the most frequent first; ties put the larger token first."""
        self._adapt_rows(self._rows_of(data, steps))

    def _rows_of(self, data, steps):
        """The documents of ``data``: each a 1-D array of tokens."""
        if isinstance(data, (list, tuple, np.ndarray)) or np.isscalar(data):
            tokens = self._tokens_of(data)
            yield from (tokens.reshape(-1, 1) if tokens.ndim <= 1 else tokens.reshape(len(tokens), -1))
            return
        for i, batch in enumerate(data):
            if steps is not None and i >= steps:
                break
            tokens = self._tokens_of(batch)
            yield from ([tokens.reshape(-1)] if tokens.ndim <= 1 else tokens.reshape(len(tokens), -1))

    def _adapt_rows(self, rows) -> None:
        """Count the tokens of ``rows`` (one sequence of tokens per document) and set the
        vocabulary to the most frequent ones."""
        if self._has_input_vocabulary:
            raise ValueError(f"{self._owner}: cannot adapt a layer made with a fixed vocabulary (vocabulary=...).")
        counts, documents, n_documents = collections.Counter(), collections.Counter(), 0
        for row in rows:
            row = row.tolist() if isinstance(row, np.ndarray) else list(row)
            counts.update(row)
            if self.output_mode == "tf_idf":
                documents.update(set(row))
                n_documents += 1
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(special, None)
        if not counts:
            if not self._vocabulary_set:
                self._set_tokens([])
            return
        # Frequency first, then the token itself, both descending: Keras's order.
        ordered = sorted(counts, key=lambda t: (counts[t], self._sort_key(t)), reverse=True)
        if self.max_tokens is not None:
            ordered = ordered[:max(self.max_tokens - self._token_start_index(), 0)]
        if self.output_mode == "tf_idf":
            idf = np.array([math.log(1 + n_documents / (1 + documents[t])) for t in ordered], dtype=np.float32)
            front = np.full(self._token_start_index(), idf.mean() if len(idf) else 0.0, dtype=np.float32)
            self._idf_weights = self._padded(np.concatenate([front, idf]))
        self._set_tokens(ordered)

    # -- calling ------------------------------------------------------------------------------
    def lookup(self, tokens) -> np.ndarray:
        """int64 indices of tokens (an array, same shape; or a list, 1-D). Masked tokens get 0 in
        "int" mode and -1 (dropped) in the others."""
        shape = tokens.shape if isinstance(tokens, np.ndarray) else (len(tokens),)
        flat = tokens.reshape(-1).tolist() if isinstance(tokens, np.ndarray) else list(tokens)
        indices = np.fromiter(map(self._index.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
        positions = np.flatnonzero(indices < 0)
        if len(positions):
            unknown = list(dict.fromkeys(flat[i] for i in positions))  # each unknown token once, in order
            index_of = dict(zip(unknown, self._unknown_indices(unknown)))
            indices[positions] = [index_of[flat[i]] for i in positions]
        return indices.reshape(shape)

    def _unknown_indices(self, unknown: list) -> list:
        """The indices of tokens not in the vocabulary: the mask's, or an OOV index."""
        is_mask = [self.mask_token is not None and t == self.mask_token for t in unknown]
        oov = [t for t, masked in zip(unknown, is_mask) if not masked]
        if oov and self.num_oov_indices == 0:
            raise ValueError(f"{self._owner}: with num_oov_indices=0 every input must be in the vocabulary; "
                             f"received the out-of-vocabulary value(s) {oov[:10]}. Set num_oov_indices=1 to map "
                             "them to an OOV index.")
        start = self._oov_start_index()
        if self.num_oov_indices > 1 and oov:
            buckets = iter((start + self._oov_buckets(np.array(oov))).tolist())
        else:
            buckets = iter([start] * len(oov))
        mask_index = 0 if self.output_mode == "int" else -1
        return [mask_index if masked else next(buckets) for masked in is_mask]

    def invert_lookup(self, indices: np.ndarray) -> np.ndarray:
        """The tokens of an array of indices; indices of no token give the OOV token."""
        vocabulary = self.get_vocabulary()
        ids = np.asarray(indices).astype(np.int64)
        known = (ids >= 0) & (ids < len(vocabulary))
        tokens = [vocabulary[i] if ok else self.oov_token for i, ok in zip(ids.reshape(-1).tolist(),
                                                                           known.reshape(-1).tolist())]
        return self._token_array(tokens, ids.shape)

    def encode(self, indices: np.ndarray) -> np.ndarray:
        """The output of a non-"int" mode from ``indices`` (-1 where masked): float32."""
        depth = self._depth()
        if self.output_mode == "one_hot":
            return encode_one_hot(indices, depth)
        counts = encode_counts(indices, depth, binary=self.output_mode == "multi_hot")
        if self.output_mode == "tf_idf":
            counts *= self._idf_weights
        return counts

    def forward(self, x, training=False):
        """Tokens -> indices (``"int"``, int64, same shape) or encodings (float32, last axis
        replaced by the vocabulary size); with ``invert``, indices -> tokens."""
        self._saved = None
        if self.invert:
            return self.invert_lookup(np.asarray(x))
        if self.output_mode == "tf_idf" and self._idf_weights is None:
            raise RuntimeError(f"{self._owner}: output_mode='tf_idf' needs IDF weights: call adapt(data) or "
                               "set_vocabulary(vocabulary, idf_weights) first.")
        indices = self.lookup(self._tokens_of(x))
        return indices if self.output_mode == "int" else self.encode(indices)

    def backward(self, grad_output, need_input_grad=True):
        return None  # tokens and indices have no gradient

    def check_input_shape(self, shape: tuple) -> None:
        """Any shape: a lookup works element by element."""

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else (self.vocabulary_size() if self._vocabulary_set
                                                                  else None)
        if self.output_mode == "one_hot":
            return (input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape) + (depth,)
        return input_shape[:-1] + (depth,)

    # -- configuration ------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's arguments, with the vocabulary (and IDF weights) in it so that a saved model
        carries them."""
        config = super().get_config()
        config.update({"invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                       "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
                       "sparse": False, "pad_to_max_tokens": self.pad_to_max_tokens, "salt": self.salt})
        config.update(self._vocabulary_config())
        return config

    def _vocabulary_config(self) -> dict:
        if not self._vocabulary_set:
            return {"vocabulary": None, "idf_weights": None, "vocabulary_size": None}
        vocabulary = self.get_vocabulary()
        idf = None if self._idf_weights is None else self._idf_weights[:len(vocabulary)].tolist()
        return {"vocabulary": vocabulary, "idf_weights": idf, "vocabulary_size": len(vocabulary),
                "has_input_vocabulary": self._has_input_vocabulary}
