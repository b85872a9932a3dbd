"""Models: ``Sequential`` (a stack of layers) on the ``Model`` training loop."""

from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]
