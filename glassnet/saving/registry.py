"""The one registry through which every name read from a config becomes a class.

A saved model names its layers, losses, metrics, optimizer, schedule, initializers,
regularizers and activations by strings. Each string is looked up, in this order, in

1. the ``custom_objects`` given to the call (``load_model(path, custom_objects={...})``),
2. the ``custom_object_scope`` blocks active in this thread, innermost first,
3. the classes registered with ``@register_keras_serializable`` (or put into
   ``get_custom_objects()``), by their registered name ``"package>Name"``,
4. glassnet's own classes of that kind: an explicit table per kind, never a module attribute.

Nothing is ever imported from a name in a file. The names follow Keras 3: a registered class
``Scale`` in package ``"mypkg"`` is written with ``"registered_name": "mypkg>Scale"``; a
built-in class with ``"registered_name": None``.
"""

from __future__ import annotations

import contextlib
import threading

_CUSTOM_OBJECTS: dict[str, object] = {}   # "package>Name" (or a plain name a user put in) -> object
_REGISTERED_NAMES: dict[object, str] = {}  # object -> "package>Name"
_scopes = threading.local()


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: register a class or function under ``"package>name"`` (``name`` defaults to
    the object's ``__name__``), so that files naming it load without ``custom_objects``."""
    if not isinstance(package, str) or not package:
        raise ValueError(f"register_keras_serializable: package must be a non-empty string, received {package!r}")

    def decorate(obj):
        object_name = name if name is not None else getattr(obj, "__name__", None)
        if not object_name:
            raise ValueError(f"register_keras_serializable: {obj!r} has no __name__; pass name=...")
        registered_name = f"{package}>{object_name}"
        _CUSTOM_OBJECTS[registered_name] = obj
        _REGISTERED_NAMES[obj] = registered_name
        return obj

    return decorate


def get_registered_name(obj) -> str:
    """``"package>Name"`` for a registered object, else its ``__name__`` (as Keras)."""
    return _REGISTERED_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def registered_name_or_none(obj) -> str | None:
    """What a config's ``"registered_name"`` holds: the registered name, or None for anything else."""
    return _REGISTERED_NAMES.get(obj)


def get_custom_objects() -> dict:
    """The global table of registered objects; adding ``{"Name": cls}`` to it registers ``cls``."""
    return _CUSTOM_OBJECTS


def _active_scopes() -> list:
    if not hasattr(_scopes, "stack"):
        _scopes.stack = []
    return _scopes.stack


@contextlib.contextmanager
def custom_object_scope(*custom_objects: dict | None):
    """``with custom_object_scope({"Scale": Scale}):`` every load inside the block (in this
    thread) finds ``Scale`` as if it were registered."""
    merged = {}
    for table in custom_objects:
        if table is None:
            continue
        if not isinstance(table, dict):
            raise TypeError(f"custom_object_scope takes dicts of name -> class, received {table!r}")
        merged.update(table)
    stack = _active_scopes()
    stack.append(merged)
    try:
        yield merged
    finally:
        stack.pop()


CustomObjectScope = custom_object_scope


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """The object registered (or in scope) under ``name``, else ``module_objects[name]``, else None."""
    for table in _lookup_tables(custom_objects):
        if name in table:
            return table[name]
    return (module_objects or {}).get(name)


def _lookup_tables(custom_objects):
    return [custom_objects or {}, *reversed(_active_scopes()), _CUSTOM_OBJECTS]


def resolve(kind: str, class_name, builtins: dict, base: type | tuple | None = None,
            registered_name: str | None = None, custom_objects: dict | None = None):
    """The class a config names as a ``kind`` (``"layer"``, ``"loss"``, ...): user tables first,
    then ``builtins`` (glassnet's own classes of that kind). ``base`` is what the class must
    subclass. Raises ValueError naming the class and the decorator that registers it."""
    if not isinstance(class_name, str):
        raise ValueError(f"A {kind} in the config has class_name {class_name!r}; expected a class name string.")
    found = None
    for table in _lookup_tables(custom_objects):
        found = next((table[key] for key in (registered_name, class_name) if key and key in table), None)
        if found is not None:
            break
    if found is None:
        found = builtins.get(class_name)
    if found is None:
        raise unknown_class_error(kind, class_name, builtins)
    if base is not None and not (isinstance(found, type) and issubclass(found, base)):
        expected = base.__name__ if isinstance(base, type) else " or ".join(b.__name__ for b in base)
        raise UnknownClassError(f"The config names {class_name!r} as a {kind}, but what that name finds, {found!r}, "
                         f"is not a subclass of {expected}.")
    return found


class UnknownClassError(ValueError):
    """A config names a class that no table holds (or one of the wrong kind)."""


def unknown_class_error(kind: str, class_name: str, builtins: dict) -> ValueError:
    import difflib
    close = difflib.get_close_matches(class_name, sorted(builtins), n=1)
    hint = f" (glassnet has {close[0]!r})" if close else ""
    known = [name for name in builtins if name[:1].isupper()] or list(builtins)  # class names, or snake-case names
    return UnknownClassError(
        f"Unknown {kind} class {class_name!r}{hint}. If it is a class of your own, register it where it is "
        f"defined with the decorator @glassnet.saving.register_keras_serializable(package=\"my_package\") "
        f"above `class {class_name}`, or pass custom_objects={{{class_name!r}: {class_name}}} when loading. "
        f"glassnet's known {kind} classes: {', '.join(sorted(known))}.")


def described(obj, config: dict, class_name: str | None = None) -> dict:
    """``{"class_name", "config"}`` of ``obj``, with ``"registered_name"`` when its class is registered."""
    description = {"class_name": class_name or type(obj).__name__, "config": config}
    registered = registered_name_or_none(type(obj))
    if registered:
        description["registered_name"] = registered
    return description


def rebuild(kind: str, config, builtins: dict, base, custom_objects: dict | None = None):
    """The object a ``described`` config stands for: its class resolved, then
    ``cls.from_config(config["config"])`` (or ``cls(**config["config"])``)."""
    if not isinstance(config, dict) or not isinstance(config.get("config") or {}, dict):
        raise ValueError(f"A {kind} config is a dict with 'class_name' and 'config', received {config!r}")
    cls = resolve(kind, config.get("class_name"), builtins, base, config.get("registered_name"), custom_objects)
    inner = dict(config.get("config") or {})
    try:
        return cls.from_config(inner) if hasattr(cls, "from_config") else cls(**inner)
    except TypeError as error:
        raise TypeError(f"The {kind} {config['class_name']!r} could not be rebuilt from its config {sorted(inner)} "
                        f"({error}). A class whose constructor takes other arguments defines get_config() "
                        "returning them.") from None


def serialize_keras_object(obj):
    """A JSON-able description of ``obj``: primitives as they are, lists and dicts element by
    element, anything with ``get_config`` as ``{"module", "class_name", "config", "registered_name"}``."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    kind, serialized = _kind_of(obj)
    if serialized is not None:
        registered = registered_name_or_none(type(obj))  # Keras writes no module for a class of the user's
        if not isinstance(serialized, dict):
            return serialized
        return {"module": None if registered else _MODULES[kind], **serialized, "registered_name": registered}
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no get_config().")
    return {"module": None, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": registered_name_or_none(type(obj))}


def deserialize_keras_object(config, custom_objects: dict | None = None, module_objects: dict | None = None):
    """The object a ``serialize_keras_object`` description stands for."""
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(item, custom_objects, module_objects) for item in config]
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        return config if found is None else found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize_keras_object expects a dict with 'class_name' and 'config', received {config!r}")
    class_name, registered_name = config["class_name"], config.get("registered_name")
    with custom_object_scope(custom_objects):
        for kind, (builtins, base) in _kinds().items():
            if _MODULES[kind] == config.get("module") or (registered_name is None and class_name in builtins):
                return _module_of(kind).deserialize(config)
        cls = resolve("object", class_name, module_objects or {}, None, registered_name)
        inner = config.get("config", {})
        return cls.from_config(inner) if hasattr(cls, "from_config") else cls(**inner)


_MODULES = {"layer": "keras.layers", "loss": "keras.losses", "optimizer": "keras.optimizers",
            "schedule": "keras.optimizers.schedules", "initializer": "keras.initializers",
            "regularizer": "keras.regularizers", "metric": "keras.metrics"}


def _kinds() -> dict:
    """kind -> (glassnet's classes of that kind, their base class)."""
    from .. import initializers, losses, metrics, optimizers, regularizers
    from ..layers.serialization import builtin_layers
    from ..layers.base import Layer
    from ..optimizers import schedules
    return {"layer": (builtin_layers(), Layer), "loss": (losses.builtin_classes(), losses.Loss),
            "optimizer": (optimizers.builtin_classes(), optimizers.Optimizer),
            "schedule": (schedules.builtin_classes(), schedules.LearningRateSchedule),
            "initializer": (initializers.builtin_classes(), initializers.Initializer),
            "regularizer": (regularizers.builtin_classes(), regularizers.Regularizer),
            "metric": (metrics.builtin_classes(), metrics.Metric)}


def _kind_of(obj):
    """(kind, serialized) for an object of one of glassnet's kinds, else (None, None)."""
    for kind, (builtins, base) in _kinds().items():
        if isinstance(obj, base):
            return kind, _module_of(kind).serialize(obj)
    return None, None


def _module_of(kind: str):
    """The module whose ``serialize`` / ``deserialize`` handle ``kind``."""
    from .. import initializers, layers, losses, metrics, optimizers, regularizers
    from ..optimizers import schedules
    return {"layer": layers, "loss": losses, "optimizer": optimizers, "schedule": schedules,
            "initializer": initializers, "regularizer": regularizers, "metric": metrics}[kind]
