"""The machinery around the layers' maths: flat parameter storage, data handling, compiled
kernels and the layer pairs a model runs as one step (fusion)."""

from .parameters import FlatParameters

__all__ = ["FlatParameters"]
