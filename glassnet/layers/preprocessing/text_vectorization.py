"""TextVectorization: raw strings to token indices or token-count vectors."""

from __future__ import annotations

import numpy as np

from ...utils.validation import is_int
from ..base import Layer
from . import text_tokenization as tokenization
from .index_lookup import check_output_mode
from .string_lookup import StringLookup


class TextVectorization(Layer):
    """Turns strings into sequences of vocabulary indices or into vectors of token counts, as
    ``keras.layers.TextVectorization``: standardize each string, split it into tokens, form
    n-grams, look the tokens up in a vocabulary learnt by ``adapt`` (or given).

    Args:
        max_tokens: the largest vocabulary, the padding "" and OOV "[UNK]" tokens included.
        standardize: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation", None,
            or a callable that takes a NumPy array of str and returns one of the same shape.
            Lower-casing and punctuation stripping act on ASCII only, as in TensorFlow.
        split: "whitespace" (default; ASCII whitespace), "character", None (the whole string is
            one token), or a callable taking a 1-D array of str and returning one sequence of
            tokens per string.
        ngrams: None, an int n (all n-grams of widths 1..n) or a tuple of widths.
        output_mode: "int" (default), "multi_hot", "count" or "tf_idf".
        output_sequence_length: in "int" mode, cut or pad (with 0) every sequence to this length;
            None pads to the longest sequence of the batch.
        pad_to_max_tokens: encodings have ``max_tokens`` entries, whatever the vocabulary size.
        vocabulary, idf_weights: a vocabulary (and, for "tf_idf", its IDF weights) instead of ``adapt``.

    Input: strings of shape ``(batch,)`` or ``(batch, 1)`` (or one string).
    Output: "int": int64 ``(batch, sequence length)``, 0 for padding and 1 for unknown tokens.
    Other modes: float32 ``(batch, depth)`` with ``depth = vocabulary_size()`` (or ``max_tokens``
    with ``pad_to_max_tokens``): "multi_hot" 1 where a token occurs, "count" its count,
    "tf_idf" count x IDF weight (IDF = log(1 + documents / (1 + documents holding the token)),
    the OOV entry the mean of the others).
    """

    takes_strings = True  # its input stays text (layers/calling.as_input_array)
    single_input = True  # a list of strings is one input (layers/calling.call_on_arrays)

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        owner = self._owner = f'TextVectorization "{self.name}"'
        if not (standardize is None or callable(standardize) or standardize in tokenization.STANDARDIZE_MODES):
            raise ValueError(f"{owner}: standardize must be one of {tokenization.STANDARDIZE_MODES}, None or a "
                             f"callable; received standardize={standardize!r}.")
        if not (split is None or callable(split) or split in tokenization.SPLIT_MODES):
            raise ValueError(f"{owner}: split must be one of {tokenization.SPLIT_MODES}, None or a callable; "
                             f"received split={split!r}.")
        output_mode = check_output_mode(output_mode, owner)
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)  # a config read back from JSON
        if not (ngrams is None or is_int(ngrams) and ngrams >= 1
                or isinstance(ngrams, tuple) and ngrams and all(is_int(n) and n >= 1 for n in ngrams)):
            raise ValueError(f"{owner}: ngrams must be None, a positive integer or a tuple of them; "
                             f"received ngrams={ngrams!r}.")
        if output_mode == "int" and not (output_sequence_length is None or is_int(output_sequence_length)
                                         and output_sequence_length >= 1):
            raise ValueError(f"{owner}: output_sequence_length must be None or a positive integer; "
                             f"received output_sequence_length={output_sequence_length!r}.")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"{owner}: output_sequence_length is used only with output_mode='int'; received "
                             f"output_sequence_length={output_sequence_length!r} with output_mode={output_mode!r}.")
        if ragged:
            raise ValueError(f"{owner}: ragged=True needs TensorFlow's ragged tensors, which glassnet does not have; "
                             "use output_sequence_length or the padded output.")
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._ngram_widths = tuple(range(1, ngrams + 1)) if is_int(ngrams) else ngrams
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.encoding = encoding
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
                                          sparse=sparse, encoding=encoding, has_input_vocabulary=has_input_vocabulary,
                                          name=f"{self.name}_lookup")

    # -- vocabulary ---------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learn the vocabulary from ``data``: strings (a list, or an array of shape ``(n,)`` or
        ``(n, 1)``), or an iterable of batches of them (``steps`` batches at most). The most
        frequent tokens come first; equal counts put the larger token (by UTF-8 bytes) first."""
        if isinstance(data, (list, tuple, np.ndarray, str, bytes)):
            batches = [data]
        else:
            batches = (batch for i, batch in enumerate(data) if steps is None or i < steps)
        self._lookup_layer._adapt_rows(row for batch in batches for row in self._token_rows(batch))

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The tokens in index order: "" (padding, in "int" mode) and "[UNK]" first unless
        ``include_special_tokens`` is False."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replace the vocabulary (a list of tokens, or a file of one per line); "tf_idf" needs
        ``idf_weights`` of the same length."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def vocabulary_size(self) -> int:
        """The number of indices, the padding and OOV indices included."""
        return self._lookup_layer.vocabulary_size()

    # -- calling ------------------------------------------------------------------------------
    def _token_rows(self, values) -> list[list[str]]:
        """One list of tokens (n-grams included) per string of ``values``."""
        texts = tokenization.as_text_array(values, self.encoding, self._owner)
        if texts.ndim == 0:
            texts = texts.reshape(1)
        texts = tokenization.standardize(texts, self.standardize)
        if texts.ndim == 2 and texts.shape[1] == 1:
            texts = texts[:, 0]
        elif texts.ndim != 1:
            raise ValueError(f"{self._owner} takes strings of shape (batch,) or (batch, 1); received shape "
                             f"{texts.shape}.")
        rows = tokenization.split(texts, self.split, self._owner)
        if self._ngram_widths is not None:
            rows = [tokenization.ngrams(row, self._ngram_widths) for row in rows]
        return rows

    def forward(self, x, training=False):
        self._saved = None
        scalar = np.ndim(x) == 0
        rows = self._token_rows(x)
        lookup = self._lookup_layer
        if self.output_mode == "tf_idf" and lookup._idf_weights is None:
            raise RuntimeError(f"{self._owner}: output_mode='tf_idf' needs IDF weights: call adapt(data) or "
                               "set_vocabulary(vocabulary, idf_weights) first.")
        width = self.output_sequence_length if self.output_mode == "int" else None
        if width is None:
            width = max((len(row) for row in rows), default=0)
        ids = lookup.lookup([t for row in rows for t in row[:width]])
        padding = 0 if self.output_mode == "int" else -1  # -1 counts nowhere in an encoding
        indices = np.full((len(rows), width), padding, np.int64)
        lengths = np.array([min(len(row), width) for row in rows], dtype=np.int64)
        indices[np.arange(width) < lengths[:, None]] = ids
        output = indices if self.output_mode == "int" else lookup.encode(indices)
        return output[0] if scalar else output

    def backward(self, grad_output, need_input_grad=True):
        return None  # strings have no gradient

    def check_input_shape(self, shape: tuple) -> None:
        """One string, ``(batch,)`` or ``(batch, 1)``: checked when the strings are read."""

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[:1] or (None,)
        if self.output_mode == "int":
            return batch + (self.output_sequence_length,)
        lookup = self._lookup_layer
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else (lookup.vocabulary_size() if
                                                                      lookup._vocabulary_set else None)
        return batch + (depth,)

    # -- configuration ------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's arguments, with the vocabulary (and IDF weights) so a saved model carries them."""
        lookup = self._lookup_layer
        config = super().get_config()
        config.update({"max_tokens": lookup.max_tokens, "standardize": _function_config(self.standardize),
                       "split": _function_config(self.split),
                       "ngrams": list(self.ngrams) if isinstance(self.ngrams, tuple) else self.ngrams,
                       "output_mode": self.output_mode, "output_sequence_length": self.output_sequence_length,
                       "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": False, "ragged": False,
                       "encoding": self.encoding})
        config.update(lookup._vocabulary_config())
        return config

    @classmethod
    def from_config(cls, config: dict) -> "TextVectorization":
        config = dict(config)
        for key in ("standardize", "split"):
            if isinstance(config.get(key), dict):
                from ...saving.registry import deserialize_keras_object
                config[key] = deserialize_keras_object(config[key])
        return super().from_config(config)



def _function_config(value):
    """A built-in mode as its name; a callable as a registered object (it must be registered
    with ``glassnet.saving.register_keras_serializable`` to be saved)."""
    if value is None or isinstance(value, str):
        return value
    from ...saving.registry import serialize_keras_object
    return serialize_keras_object(value)
