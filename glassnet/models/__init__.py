"""Models: ``Sequential`` (a stack of layers), functional ``Model(inputs, outputs)`` and
subclassed models, on the ``Model`` training loop; cloning, JSON and loading."""

from .cloning import clone_model
from .functional import Functional
from .model import Model
from .sequential import Sequential


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """Load a model saved with ``model.save(filepath)`` (see glassnet.saving)."""
    from ..saving import load_model as _load_model
    from ..utils.validation import check_path
    return _load_model(check_path(filepath, "filepath", "load_model()"), custom_objects, compile, safe_mode)


def model_from_json(json_string, custom_objects=None):
    """The model (architecture only: new weights, not compiled) that ``model.to_json()`` wrote."""
    from ..saving.json_config import model_from_json as _model_from_json
    return _model_from_json(json_string, custom_objects)


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True, **kwargs):
    """``model.save(filepath)``, as ``keras.models.save_model``."""
    model.save(filepath, include_optimizer=include_optimizer)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]
