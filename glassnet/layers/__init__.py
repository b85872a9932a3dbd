"""Layers, by family: core (Dense, Activation, Dropout, InputLayer) and reshaping."""

from .activation import Activation
from .base import Layer, Parameter
from .dense import Dense
from .dropout import Dropout
from .input_layer import Input, InputLayer
from .reshaping import Flatten, Reshape

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer", "Parameter",
           "Reshape"]
