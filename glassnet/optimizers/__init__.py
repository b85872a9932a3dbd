"""Optimizers with Keras's names, defaults and numerics; ``get("adam")`` resolves strings."""

from ..utils.suggest import unknown_name_error
from . import schedules
from .adam import Adam, AdamW
from .base import Optimizer
from .others import Adagrad, Nadam, RMSprop
from .sgd import SGD

_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad, "nadam": Nadam}


def get(identifier) -> Optimizer:
    """An optimizer from a name ("adam"), a class, or an instance (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME:
            raise unknown_name_error("optimizer", identifier, _BY_NAME)
        return _BY_NAME[key]()
    raise TypeError(f"optimizer must be a name such as 'adam' or an Optimizer, received {identifier!r}")


def serialize(optimizer: Optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config) -> Optimizer:
    classes = {cls.__name__: cls for cls in _BY_NAME.values()}
    cls = classes.get(config["class_name"])
    if cls is None:
        raise unknown_name_error("optimizer", config["class_name"], classes)
    return cls.from_config(config.get("config", {}))


__all__ = ["SGD", "Adam", "AdamW", "Adagrad", "Nadam", "Optimizer", "RMSprop", "get", "schedules"]
