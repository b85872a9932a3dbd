"""The machinery around the layers' maths: flat parameter storage and data handling."""

from .parameters import FlatParameters

__all__ = ["FlatParameters"]
