"""glassnet: neural networks from scratch on NumPy, behind the Keras API.

    import glassnet as keras
    model = keras.Sequential([keras.layers.Dense(10, activation="softmax", input_shape=(784,))])

Subpackages mirror Keras: layers, models, optimizers, losses, metrics, activations,
initializers, regularizers, callbacks, utils, datasets; plus testing (gradient checks) and config.
"""

import importlib

from . import (activations, callbacks, config, engine, initializers, layers, losses, metrics, models, ops,
               optimizers, random, regularizers, testing, utils)
from .layers import Input
from .models import Model, Sequential

__version__ = "0.1.0"

# Imported on first use, so that ``import glassnet`` stays light.
_LAZY_SUBMODULES = ("datasets", "cli", "plot", "saving", "export", "preprocessing", "backend", "distribution",
                    "integrations", "draw")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


__all__ = ["Input", "Model", "Sequential", "ops", "activations", "callbacks", "config", "initializers", "layers", "losses",
           "metrics", "models", "optimizers", "random", "regularizers", "testing", "utils", "datasets"]
