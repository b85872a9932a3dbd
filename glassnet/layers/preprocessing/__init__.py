"""Preprocessing layers. Text and categories: TextVectorization, StringLookup, IntegerLookup
(NumPy and the standard library only; the OOV hashes in hashing.py match TensorFlow's).
Numbers and images: Normalization, Rescaling, Discretization, CategoryEncoding, Resizing,
CenterCrop, and the random augmentations (active only while training) RandomFlip,
RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness, RandomCrop.
Hashing hashes strings or integers into bins with the same FarmHash64/SipHash."""

from .category_encoding import CategoryEncoding
from .discretization import Discretization
from .hashing_layer import Hashing
from .image_resizing import CenterCrop, Resizing
from .integer_lookup import IntegerLookup
from .normalization import Normalization
from .random_affine import RandomRotation, RandomTranslation, RandomZoom
from .random_color import RandomBrightness, RandomContrast
from .random_crop import RandomCrop
from .random_flip import RandomFlip
from .rescaling import Rescaling
from .string_lookup import StringLookup
from .text_vectorization import TextVectorization

__all__ = ["Hashing", "RandomCrop",
           "CategoryEncoding", "CenterCrop", "Discretization", "IntegerLookup", "Normalization", "RandomBrightness",
           "RandomContrast", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "Rescaling", "Resizing",
           "StringLookup", "TextVectorization"]
