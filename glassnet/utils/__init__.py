"""Helpers with ``keras.utils`` names."""

from .image_utils import array_to_img, img_to_array, load_img, save_img
from .naming import clear_session
from .numerical import normalize, to_categorical
from .plot_model import plot_model
from .py_dataset import PyDataset, Sequence
from .dataset_utils import image_dataset_from_directory, split_dataset
from .random import set_random_seed
from .sequence import pad_sequences

# keras.utils also carries the registry's functions; they live in glassnet.saving.registry and
# are imported on first use, since glassnet.saving imports the layers that import this package.
_FROM_REGISTRY = ("CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
                  "get_registered_name", "get_registered_object", "register_keras_serializable",
                  "serialize_keras_object")


def __getattr__(name):
    if name in _FROM_REGISTRY:
        from ..saving import registry
        return getattr(registry, name)
    raise AttributeError(f"module 'glassnet.utils' has no attribute {name!r}")


__all__ = ["PyDataset", "Sequence", "array_to_img", "clear_session", "image_dataset_from_directory", "img_to_array", "load_img", "normalize", "pad_sequences", "plot_model", "save_img", "set_random_seed", "split_dataset",
           "to_categorical", *_FROM_REGISTRY]
