"""``model.to_json()`` and ``models.model_from_json(text)``: a model's architecture, without
weights, as the JSON Keras writes, so that either library reads the other's."""

from __future__ import annotations

import json

from .registry import described, resolve


def model_to_json(model, **kwargs) -> str:
    """Sequential and functional models in Keras's layout (the ``config.json`` of a ``.keras``
    file); a subclassed model as its class (registered name) and ``get_config()``."""
    from ..models import Functional, Sequential
    from .keras_format import keras_model_config
    if isinstance(model, (Sequential, Functional)):
        config = keras_model_config(model)
    else:
        config = {"module": None, **described(model, model.get_config())}
        config.setdefault("registered_name", None)
    return json.dumps(config, **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """The (unweighted, uncompiled) model that ``json_string`` describes."""
    from ..models import Functional, Model, Sequential
    from .keras_format import model_from_keras_config
    from .registry import custom_object_scope
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"model_from_json: the text is not JSON ({error}).") from None
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) or "config" not in config:
        raise ValueError("model_from_json: the JSON does not describe a model (expected an object with "
                         f"'class_name' and 'config'), received {str(json_string)[:80]!r}")
    with custom_object_scope(custom_objects):
        registered = config.get("registered_name")
        builtins = {"Sequential": Sequential, "Functional": Functional}
        cls = resolve("model", config["class_name"], builtins, Model,
                      None if registered in builtins else registered, custom_objects)
        if cls in (Sequential, Functional):
            return model_from_keras_config(config, "the JSON model", custom_objects, require_built=False)
        return cls.from_config(config["config"])
