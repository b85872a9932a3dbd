"""Optimizers with Keras's names, defaults and numerics; ``get("adam")`` resolves strings."""

from ..utils.suggest import unknown_name_error
from . import schedules
from .adafactor import Adafactor
from .adam import Adam, Adamax, AdamW
from .base import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .others import Adadelta, Adagrad, Nadam, RMSprop
from .sgd import SGD

_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad, "nadam": Nadam,
            "adamax": Adamax, "adadelta": Adadelta, "adafactor": Adafactor, "ftrl": Ftrl, "lion": Lion}


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


def builtin_classes() -> dict:
    return {cls.__name__: cls for cls in _BY_NAME.values()}


def serialize(optimizer: Optimizer) -> dict:
    from ..saving.registry import described
    return described(optimizer, optimizer.get_config())


def deserialize(config, custom_objects: dict | None = None) -> Optimizer:
    if isinstance(config, str):
        return get(config)
    from ..saving.registry import rebuild
    return rebuild("optimizer", config, builtin_classes(), Optimizer, custom_objects)


__all__ = ["SGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion", "Nadam",
           "Optimizer", "RMSprop", "get", "schedules", "serialize", "deserialize"]
