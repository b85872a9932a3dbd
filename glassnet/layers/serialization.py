"""``layers.serialize(layer)`` and ``layers.deserialize(config, custom_objects)``: a layer as
``{"class_name": ..., "config": layer.get_config()}`` and back. A class is found among
glassnet's layers or in ``custom_objects``, never imported from a name in a file."""

from __future__ import annotations


_MODELS = ("Sequential", "Functional")  # a model nested in another is written as itself


def serialize(layer) -> dict:
    return {"class_name": getattr(layer, "class_name", type(layer).__name__), "config": layer.get_config()}


def layer_class(class_name: str, custom_objects: dict | None = None):
    from .. import layers as layers_module
    from .base import Layer
    found = (custom_objects or {}).get(class_name) or getattr(layers_module, class_name, None)
    if not (isinstance(found, type) and issubclass(found, Layer)):
        known = ", ".join(sorted(n for n in layers_module.__all__
                                 if n[0].isupper() and n not in ("Input", "Layer", "Parameter")))
        raise ValueError(f"Unknown layer class {class_name!r} in the model config. A layer of your own is passed "
                         f"when loading: load_model(path, custom_objects={{{class_name!r}: {class_name}}}). "
                         f"glassnet's known layers: {known}.")
    return found


def deserialize(config: dict, custom_objects: dict | None = None):
    if config["class_name"] in _MODELS:  # a nested model: rebuilt, then used as a layer
        from .. import models
        model = getattr(models, config["class_name"]).from_config(dict(config["config"]), custom_objects)
        return model._as_layer()
    cls = layer_class(config["class_name"], custom_objects)
    try:
        return cls.from_config(dict(config["config"]))
    except TypeError as error:
        raise TypeError(f"{config['class_name']}.from_config could not rebuild the layer from its config "
                        f"{sorted(config['config'])} ({error}). A layer whose constructor takes other "
                        "arguments defines get_config() returning them.") from None
