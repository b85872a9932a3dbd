"""``layers.serialize(layer)`` and ``layers.deserialize(config, custom_objects)``: a layer as
``{"class_name": ..., "config": layer.get_config()}`` and back. A class is found through the
registry (glassnet.saving.registry): glassnet's exported layers, registered classes and
``custom_objects``, never imported from a name in a file."""

from __future__ import annotations

_MODELS = ("Sequential", "Functional")  # a model nested in another is written as itself


def builtin_layers() -> dict:
    """glassnet's layer classes by name: the Layer subclasses ``glassnet.layers`` exports."""
    from .. import layers as layers_module
    from .base import Layer
    table = {}
    for name in layers_module.__all__:
        value = getattr(layers_module, name)
        if isinstance(value, type) and issubclass(value, Layer) and value is not Layer:
            table[name] = value
    return table


def serialize(layer) -> dict:
    from ..saving.registry import described
    return described(layer, layer.get_config(), class_name=getattr(layer, "class_name", None))


def layer_class(class_name: str, custom_objects: dict | None = None, registered_name: str | None = None):
    from ..saving.registry import resolve
    from .base import Layer
    return resolve("layer", class_name, builtin_layers(), Layer, registered_name, custom_objects)


def deserialize(config: dict, custom_objects: dict | None = None):
    from ..saving.registry import rebuild
    from .base import Layer
    if isinstance(config, dict) and config.get("class_name") in _MODELS and not config.get("registered_name"):
        from .. import models  # a nested model, used as a layer
        model_class = models.Sequential if config["class_name"] == "Sequential" else models.Functional
        return model_class.from_config(dict(config["config"]), custom_objects)._as_layer()
    return rebuild("layer", config, builtin_layers(), Layer, custom_objects)
