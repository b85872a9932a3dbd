"""``keras.preprocessing.sequence``: the same pad_sequences as ``glassnet.utils.pad_sequences``."""

from ..utils.sequence import pad_sequences

__all__ = ["pad_sequences"]
