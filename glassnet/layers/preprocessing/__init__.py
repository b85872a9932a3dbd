"""Preprocessing layers for text and categories: TextVectorization, StringLookup, IntegerLookup
(NumPy and the standard library only; the OOV hashes in hashing.py match TensorFlow's)."""

from .integer_lookup import IntegerLookup
from .string_lookup import StringLookup
from .text_vectorization import TextVectorization

__all__ = ["IntegerLookup", "StringLookup", "TextVectorization"]
