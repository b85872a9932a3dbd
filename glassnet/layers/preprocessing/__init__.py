"""Preprocessing layers. Text and categories: TextVectorization, StringLookup, IntegerLookup
(NumPy and the standard library only; the OOV hashes in hashing.py match TensorFlow's).
Numbers and images: Normalization, Rescaling, Discretization, CategoryEncoding, Resizing,
CenterCrop, and the random augmentations (active only while training) RandomFlip,
RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness."""

from .category_encoding import CategoryEncoding
from .discretization import Discretization
from .image_resizing import CenterCrop, Resizing
from .integer_lookup import IntegerLookup
from .normalization import Normalization
from .random_affine import RandomRotation, RandomTranslation, RandomZoom
from .random_color import RandomBrightness, RandomContrast
from .random_flip import RandomFlip
from .rescaling import Rescaling
from .string_lookup import StringLookup
from .text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "CenterCrop", "Discretization", "IntegerLookup", "Normalization", "RandomBrightness",
           "RandomContrast", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling", "Resizing",
           "StringLookup", "TextVectorization"]
