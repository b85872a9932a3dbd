"""``models.clone_model``: the same architecture with new layers (and so new weights), as Keras.

Each layer is copied by ``clone_function(layer)``, by default
``type(layer).from_config(layer.get_config())``: same configuration, freshly initialised
weights. A Sequential model is rebuilt as a Sequential of the copies; a functional model by
replaying its graph node by node on the copies (a layer shared by two calls stays shared; ops,
which Keras does not count as layers, are reused as they are, and so is a Lambda layer unless
a clone_function is given); a
subclassed model by ``from_config(get_config())``. Nothing is compiled.
"""

from __future__ import annotations


def _default_clone(layer):
    if getattr(layer, "is_nested_model", False):
        return clone_model(layer.model)._as_layer()
    return type(layer).from_config(layer.get_config())


def _copy(layer, clone_function):
    from ..layers.core import Lambda, OpLayer
    if isinstance(layer, OpLayer) or (isinstance(layer, Lambda) and clone_function is _default_clone):
        return layer  # no weights, and code that cannot travel through a config (Keras's ops are no layers)
    copy = clone_function(layer)
    from ..layers.base import Layer
    from .model import Model
    if isinstance(copy, Model):
        copy = copy._as_layer()
    if not isinstance(copy, Layer):
        raise TypeError(f"clone_model: clone_function must return a layer, it returned {copy!r} for layer "
                        f'"{layer.name}".')
    return copy


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive: bool = False,
                **kwargs):
    """A new model of ``model``'s architecture: new layers, new weights, not compiled."""
    from ..engine.graph import KerasTensor
    from .functional import Functional
    from .model import Model
    from .sequential import Sequential
    if not isinstance(model, Model):
        raise TypeError(f"clone_model expects a Model, received {type(model).__name__}")
    if call_function is not None or kwargs:
        unsupported = ["call_function"] * (call_function is not None) + sorted(kwargs)
        raise ValueError(f"clone_model: {', '.join(unsupported)} is not supported by glassnet.")
    clone_function = clone_function or _default_clone
    if isinstance(model, Sequential):
        if input_tensors is not None:
            raise ValueError("clone_model: input_tensors is supported for functional models only; a Sequential "
                             "model is cloned with its own input shape.")
        clone = Sequential([_copy(layer, clone_function) for layer in model.layers], name=model.name)
        if model.built and not clone.built:
            clone.build(model.input_shape)
        return clone
    if not isinstance(model, Functional):
        if input_tensors is not None or clone_function is not _default_clone:
            raise ValueError(f'clone_model: "{model.name}" is a subclassed model ({type(model).__name__}); it is '
                             "cloned through from_config(get_config()), without clone_function or input_tensors.")
        clone = type(model).from_config(model.get_config())
        if model.built and not clone.built:
            clone.build(model.input_shape)
        return clone

    if input_tensors is None:
        new_inputs = [_fresh_input(tensor) for tensor in model._inputs]
    else:
        new_inputs = list(input_tensors) if isinstance(input_tensors, (list, tuple)) else [input_tensors]
        if len(new_inputs) != len(model._inputs) or not all(isinstance(t, KerasTensor) for t in new_inputs):
            raise ValueError(f'clone_model: input_tensors must be {len(model._inputs)} symbolic tensor(s) '
                             f'(glassnet.Input) for the inputs of "{model.name}", received {input_tensors!r}')
    tensors = {id(old): new for old, new in zip(model._inputs, new_inputs)}
    copies: dict = {}
    for node in model._nodes:
        layer = node.layer
        if id(layer) not in copies:
            copies[id(layer)] = _copy(layer, clone_function)
        inputs = [tensors[id(t)] for t in node.inputs]
        result = copies[id(layer)](inputs if node.list_input else inputs[0])
        for old, new in zip(node.outputs, result if isinstance(result, list) else [result]):
            tensors[id(old)] = new
    outputs = [tensors[id(t)] for t in model._outputs]
    return Functional(_structured(new_inputs, model._input_kind, model.input_names),
                      _structured(outputs, model._output_kind, model.output_names), name=model.name)


def _fresh_input(tensor):
    layer = tensor.node.layer
    return type(layer).from_config(layer.get_config())._inbound_nodes[0].outputs[0]


def _structured(tensors, kind, names):
    if kind == "dict":
        return dict(zip(names, tensors))
    return tensors[0] if kind == "single" else tensors
