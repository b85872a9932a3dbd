"""Models: ``Sequential`` (a stack of layers) on the ``Model`` training loop."""

from .functional import Functional
from .model import Model
from .sequential import Sequential


def load_model(filepath, custom_objects=None, compile: bool = True):
    """Load a model saved with ``model.save(filepath)`` (see glassnet.saving)."""
    from ..saving import load_model as _load_model
    return _load_model(filepath, custom_objects, compile)


__all__ = ["Functional", "Model", "Sequential", "load_model"]
