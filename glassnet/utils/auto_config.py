"""The config of a user's layer or model that defines ``__init__`` but no ``get_config``.

Keras 3 saves such a class when its constructor was called with plain values (numbers,
strings, booleans, None, and lists or dicts of them): the arguments are recorded when the
object is made, and ``from_config`` calls the constructor with them again. Anything else
(an array, a layer, a function) is not recorded, and saving asks for a ``get_config``.
"""

from __future__ import annotations

import inspect

_PLAIN = (bool, int, float, str, type(None))


def _is_plain(value) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def is_users_class(cls) -> bool:
    return not cls.__module__.startswith("glassnet.")


def own_methods(cls) -> set:
    """The methods defined by ``cls`` or a user's class between it and glassnet's."""
    names = set()
    for klass in cls.__mro__:
        if not is_users_class(klass) or klass is object:
            break
        names |= set(vars(klass))
    return names


def needs_recorded_config(cls, base_get_config) -> bool:
    """A user's class with its own ``__init__`` and no ``get_config`` of its own: its config is
    the recorded constructor arguments."""
    return is_users_class(cls) and cls.get_config is base_get_config and "__init__" in own_methods(cls)


def record_arguments(instance, args: tuple, kwargs: dict) -> None:
    """Keep ``instance``'s constructor arguments by name, when they are all plain values."""
    try:
        bound = inspect.signature(type(instance).__init__).bind(instance, *args, **kwargs)
    except (TypeError, ValueError):
        return  # the constructor will raise its own, clearer error
    arguments = {}
    for position, (name, value) in enumerate(bound.arguments.items()):
        parameter = bound.signature.parameters[name]
        if position == 0:
            continue  # self
        if parameter.kind is parameter.VAR_KEYWORD:
            arguments.update(value)
        elif parameter.kind is parameter.VAR_POSITIONAL:
            if value:
                return  # *args cannot be given back by name
        else:
            arguments[name] = list(value) if isinstance(value, tuple) else value
    if _is_plain(arguments):
        instance.__dict__["_constructor_arguments"] = arguments


def config_from_arguments(instance, base: dict) -> dict:
    """``base`` (name, trainable, ...) with the recorded constructor arguments, keeping only the
    keys the constructor accepts; raises a clear error when nothing was recorded."""
    arguments = instance.__dict__.get("_constructor_arguments")
    cls = type(instance)
    if arguments is None:
        raise NotImplementedError(
            f"{cls.__name__} cannot be saved: its constructor took values that are not plain numbers, strings or "
            f"lists of them. Define {cls.__name__}.get_config() returning the arguments to rebuild it (and "
            "from_config(cls, config) if they need converting).")
    parameters = inspect.signature(cls.__init__).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    config = {key: value for key, value in base.items() if takes_any or key in parameters}
    config.update(arguments)
    return config
