"""Saving and loading models: a safe zip of JSON and .npy arrays, written atomically, and the
registry through which a file's class names find their classes."""

from .archive import ModelFileError
from .model_io import load_model, load_weights, restore_training_state, save_model, save_weights
from .registry import (CustomObjectScope, custom_object_scope, deserialize_keras_object, get_custom_objects,
                       get_registered_name, get_registered_object, register_keras_serializable,
                       serialize_keras_object)

__all__ = ["CustomObjectScope", "ModelFileError", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "get_registered_name", "get_registered_object", "load_model", "load_weights",
           "register_keras_serializable", "restore_training_state", "save_model", "save_weights",
           "serialize_keras_object"]
