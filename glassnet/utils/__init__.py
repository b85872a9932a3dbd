"""Helpers with ``keras.utils`` names."""

from .numerical import normalize, to_categorical
from .random import set_random_seed

__all__ = ["normalize", "set_random_seed", "to_categorical"]
