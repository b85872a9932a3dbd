"""Sequential: a plain stack of layers, each feeding the next."""

from __future__ import annotations

import numpy as np

from ..engine import fusion, graph, kernels
from ..layers.base import Layer, _shape_text
from ..layers.input_layer import InputLayer
from ..layers.serialization import serialize
from .model import Model
from .summary import print_summary


class Sequential(Model):
    """``Sequential([Dense(128, activation="relu", input_shape=(784,)), Dense(10, activation="softmax")])``

    The model is built (its weights created) as soon as the input shape is known: from the
    first layer's ``input_shape``/``input_dim``, an ``Input``/``InputLayer``, ``build()``, or
    the first batch of data given to fit/evaluate/predict.
    """

    _adjusts_input_rank = True

    def __init__(self, layers=None, name: str | None = None, trainable: bool = True):
        super().__init__(name=name)
        self._layers: list[Layer] = []
        self.trainable = trainable
        self._input_layer: InputLayer | None = None
        self._chain = {}  # input_grads -> (key, GraphPlan) of the layers as they are
        self.built = False
        self.input_shape = self.output_shape = None
        if isinstance(layers, (Layer, Model, graph.KerasTensor, type)) or (
                layers is not None and not isinstance(layers, (list, tuple))):
            what = (f"the class {layers.__name__}" if isinstance(layers, type) else
                    f"{type(layers).__name__} {layers!r:.60}")
            raise TypeError(f'Sequential "{self.name}": layers must be a list of layers, received {what}; write '
                            "Sequential([layer, ...]), or Sequential() and then model.add(layer).")
        for layer in layers or []:
            self.add(layer)

    # -- structure -----------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The layers, without the InputLayer (as Keras lists them)."""
        return list(self._layers)

    @property
    def output_layer(self) -> Layer:
        return self._layers[-1]

    def add(self, layer: Layer) -> None:
        if isinstance(layer, graph.KerasTensor) and isinstance(getattr(layer.node, "layer", None), InputLayer):
            layer = layer.node.layer  # Sequential([Input(shape=...), ...])
        if isinstance(layer, Model):
            layer = layer._as_layer()  # a model as a layer, sharing its weights
        if isinstance(layer, type) and issubclass(layer, (Layer, Model)):
            raise TypeError(f'Sequential "{self.name}": add() takes a layer object, received the class '
                            f"{layer.__name__}: write {layer.__name__}(...) with its arguments.")
        if not isinstance(layer, Layer):
            raise TypeError(f'Sequential "{self.name}": add() takes a layer, received {type(layer).__name__} '
                            f"{layer!r:.60}.")
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(f'Sequential "{self.name}": an InputLayer/Input must come first, before any layer.')
            self._input_layer = layer
            self._build_from(layer.shape)
            return
        if any(existing is layer for existing in self._layers):
            raise ValueError(f'Sequential "{self.name}": layer "{layer.name}" was added twice.')
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(f'Sequential "{self.name}": the name "{layer.name}" is already the name of a layer in '
                             "this model; layer names must be unique: pass another name= to the new layer.")
        self._layers.append(layer)
        if self.built:
            self.output_shape = self._build_layer(layer, self.output_shape)
        elif len(self._layers) == 1 and self._input_layer is None and layer._declared_input_shape is not None:
            self._build_from(layer._declared_input_shape)

    def pop(self) -> Layer:
        if not self._layers:
            raise ValueError(f'Sequential "{self.name}" has no layers to pop.')
        layer = self._layers.pop()
        self.output_shape = self._layers[-1].output_shape if self._layers else self.input_shape
        return layer

    # -- building ------------------------------------------------------------------------------
    def _build_layer(self, layer: Layer, input_shape: tuple) -> tuple:
        """Build ``layer`` for ``input_shape`` (or check that a built one takes it); its output shape."""
        if layer.built:
            try:
                layer.check_input_shape(input_shape)  # a recurrent layer takes any number of steps, ...
            except ValueError:
                raise ValueError(f'Layer "{layer.name}" was built for input shape {_shape_text(layer.input_shape)} '
                                 f"but receives {_shape_text(input_shape)} in this model.") from None
            if tuple(input_shape) == tuple(layer.input_shape):
                return layer.output_shape
            return layer.compute_output_shape(input_shape)
        from ..saving.archive import ModelFileError
        try:
            return layer.build_for(input_shape)
        except ModelFileError:
            raise  # a file being loaded is at fault, not the model being built
        except ValueError as error:
            raise ValueError(f'Sequential "{self.name}", layer "{layer.name}" ({type(layer).__name__}): '
                             f"{error}") from None

    def _build_from(self, input_shape: tuple) -> None:
        input_shape = (None,) + tuple(input_shape[1:])
        self.input_shape = input_shape
        if not self._layers:
            self.built = self._input_layer is not None
            self.output_shape = input_shape
            return
        shape = input_shape
        for layer in self._layers:
            shape = self._build_layer(layer, shape)
        self.output_shape = shape
        self.built = True

    def build(self, input_shape=None) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, e.g. (None, 784))."""
        if input_shape is None:
            if self.built:
                return
            raise ValueError(f'Sequential "{self.name}".build() needs an input shape, e.g. build((None, 784)).')
        from ..utils.validation import check_shape
        self._build_from(check_shape(input_shape, "input_shape", f'Sequential "{self.name}".build()'))

    def _check_input(self, shape: tuple, argument: str) -> None:
        expected = self.input_shape
        if len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected[1:], shape[1:])):
            return
        first = self._layers[0] if self._layers else self._input_layer
        raise ValueError(
            f"{argument} has shape {_shape_text(shape)}, but model \"{self.name}\" expects input of shape "
            f"{_shape_text(expected)} (its first layer \"{first.name}\" was built for "
            f"{_shape_text(expected)}).{_shape_hint(shape, expected, argument)}")

    def _flat_parameters(self):
        flat = super()._flat_parameters()
        self._plan().refresh()  # which layers need a backward pass, as `trainable` is now
        return flat

    # -- passes --------------------------------------------------------------------------------
    def _plan(self, input_grads: bool = False) -> graph.GraphPlan:
        """The chain's plan (engine/graph.py), made again when the layers or the fusion
        settings change. Backward stops at the first layer with trainable weights: nothing below
        needs a gradient; with ``input_grads`` (the model as a layer of another) it reaches the input."""
        key = (tuple(map(id, self._layers)), fusion._state["enabled"], fusion._state["direct"], kernels.is_enabled())
        cached = self._chain.get(input_grads)
        if cached is None or cached[0] != key:
            if not self._layers:
                raise ValueError(f'Sequential "{self.name}" has no layers; add some with model.add(...).')
            cached = self._chain[input_grads] = (key, graph.chain_plan(self._layers, input_grads))
        return cached[1]

    def _forward(self, x, training: bool):
        """Run the layers in order; a pair that engine/fusion.py knows runs as one step."""
        return self._plan().forward([x], training)[0]

    def _backward(self, grad, grad_is_preactivation: bool = False) -> None:
        """Back-propagate dL/d(output) (or dL/d(logits)) down to the first layer with weights."""
        self._plan().backward([grad], [grad_is_preactivation])

    # -- inspection ----------------------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested: bool = False,
                **kwargs) -> None:
        """Print the layers, their output shapes and parameter counts as Keras does."""
        self._require_built("summary()")
        print_summary(self, line_length=line_length, print_fn=print_fn, expand_nested=expand_nested)

    def get_config(self) -> dict:
        layers = []
        if self._input_layer is not None:
            layers.append({"class_name": "InputLayer", "config": self._input_layer.get_config()})
        layers += [serialize(layer) for layer in self._layers]
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        from ..layers.serialization import deserialize
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise ValueError("Sequential.from_config takes the dict that get_config() returns, with a list under "
                             f"'layers', received {config!r:.80}.")
        model = cls(name=config.get("name"))
        for spec in config["layers"]:
            model.add(deserialize(spec, custom_objects))
        return model


def _shape_hint(shape: tuple, expected: tuple, argument: str) -> str:
    """How to fix the commonest mismatches: channels-first images, images given to a model of
    flat vectors. (A missing channel axis of 1 is added before the check, as Keras does.)"""
    rest, want = tuple(shape[1:]), tuple(expected[1:])
    if len(want) == 3 and len(rest) == 3 and rest[0] == want[2] and rest[1:] == want[:2]:
        return (f" {argument} looks channels-first (channels, height, width); glassnet, like Keras, expects "
                f"channels last: {argument} = np.transpose({argument}, (0, 2, 3, 1)).")
    if None not in want and int(np.prod(rest)) == int(np.prod(want)) and len(rest) != len(want):
        flatten = " or put a Flatten() layer first" if len(want) == 1 else ""
        return f" The sizes agree: reshape {argument} to {_shape_text((shape[0],) + want)}{flatten}."
    return ""
