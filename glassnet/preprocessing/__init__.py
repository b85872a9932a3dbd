"""Keras's ``keras.preprocessing`` namespace: ``sequence.pad_sequences``."""

from . import sequence

__all__ = ["sequence"]
