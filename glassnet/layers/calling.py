"""What ``Layer.__call__`` does with each kind of input: symbolic tensors (a functional graph
node), a tape's tensors (a recorded call), or arrays."""

from __future__ import annotations

import numpy as np

from .base import CallContext, _shape_text


def is_symbolic(value) -> bool:
    from ..engine.graph import KerasTensor
    return isinstance(value, KerasTensor)


def as_input_array(value, layer) -> np.ndarray:
    from ..ops.function import value_of
    value = value_of(value)
    try:
        x = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f'Layer "{layer.name}" ({type(layer).__name__}) takes an array, a nested list or a symbolic '
                        f"tensor (glassnet.Input), received {type(value).__name__} ({error}).") from None
    if x.dtype == object or x.dtype.kind in "USV":
        if getattr(layer, "takes_strings", False) and x.dtype.kind != "V":
            return x  # text stays text (layers/preprocessing)
        text = " (text: put a TextVectorization or StringLookup layer before it)" if x.dtype.kind in "US" else ""
        raise TypeError(f'Layer "{layer.name}" ({type(layer).__name__}) takes an array of numbers or a symbolic '
                        f"tensor (glassnet.Input), received {type(value).__name__}"
                        f"{' of dtype ' + str(x.dtype) if isinstance(value, np.ndarray) else ''}{text}.")
    if x.dtype.kind != "f" and not getattr(layer, "takes_indices", False):
        x = x.astype(layer.dtype)
    return x


def call_symbolic(layer, inputs):
    """Build ``layer`` for the inputs' shapes, record a Node, return its symbolic output(s)."""
    from ..engine.graph import KerasTensor, Node
    from ..saving.archive import ModelFileError
    list_input = isinstance(inputs, (list, tuple))
    tensors = list(inputs) if list_input else [inputs]
    for tensor in tensors:
        if not is_symbolic(tensor):
            raise TypeError(f'Layer "{layer.name}" was called on a mix of symbolic tensors and '
                            f"{type(tensor).__name__}; in a functional model every input must come from "
                            "glassnet.Input or another layer.")
    for tensor in tensors:
        if tensor.dtype == object and not getattr(layer, "takes_strings", False):
            raise TypeError(f'Layer "{layer.name}" ({type(layer).__name__}) takes numbers, but received the string '
                            f'tensor "{tensor.name}"; put a TextVectorization or StringLookup layer between them.')
    shapes = [t.shape for t in tensors] if list_input else tensors[0].shape
    try:
        if not layer.built:
            layer.build_for(list(shapes) if list_input else shapes)
        elif not list_input:
            layer.check_input_shape(shapes)
        output_shape = layer.compute_output_shape(list(shapes) if list_input else shapes)
    except ModelFileError:
        raise  # a file being loaded is at fault, not the call
    except ValueError as error:
        message = str(error)
        if layer.name not in message:
            received = ", ".join(_shape_text(s) for s in shapes) if list_input else _shape_text(shapes)
            message = f'Layer "{layer.name}" ({type(layer).__name__}) cannot take inputs of shape {received}: {message}'
        raise ValueError(message) from None
    node = Node(layer, tensors, [], list_input)
    several = isinstance(output_shape, list)
    shapes_out = output_shape if several else [output_shape]
    name = layer.name if not layer._inbound_nodes else f"{layer.name}_{len(layer._inbound_nodes)}"
    node.outputs = [KerasTensor(s, layer.dtype, node, i, name if i == 0 else f"{name}_{i}")
                    for i, s in enumerate(shapes_out)]
    layer._inbound_nodes.append(node)
    return node.outputs if several else node.outputs[0]


def _run_forward(layer, values, training, mask):
    """``layer.forward`` with the call's mask when it takes one; and the output's mask."""
    from .masking_support import forward_takes_mask, output_mask
    if mask is not None and forward_takes_mask(layer):
        output = layer.forward(values, training=training, mask=mask)
    else:
        output = layer.forward(values, training=training)
    return output, output_mask(layer, values, mask)


def _with_masks(output, out_mask):
    from .masking_support import attach_mask
    if out_mask is None:
        return output
    if isinstance(output, (list, tuple)):
        masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] + [None] * (len(output) - 1)
        return type(output)(attach_mask(o, m) for o, m in zip(output, masks))
    return attach_mask(output, out_mask)


def call_on_arrays(layer, inputs, training, mask=None):
    """Build on first use, check the shape, compute; a mask comes from ``mask=`` or from the
    input (``_keras_mask``), and the output carries its own (layers/masking_support.py)."""
    from .masking_support import mask_of
    mask = mask_of(inputs) if mask is None else mask
    if isinstance(inputs, (list, tuple)) and not getattr(layer, "single_input", False):
        x = [as_input_array(v, layer) for v in inputs]
        if not layer.built:
            layer.build_for([(None,) + v.shape[1:] for v in x])
    else:
        x = as_input_array(inputs, layer)
        if not layer.built:
            layer.build_for((None,) + x.shape[1:])
        layer.check_input_shape(x.shape)
    if mask is None and not layer.supports_masking:
        return layer.forward(x, training=training)
    return _with_masks(*_run_forward(layer, x, training, mask))


def call_on_tape(layer, inputs, tape, training, mask=None):
    """Run ``layer`` on the values of a tape's tensors in a context of this call and record
    one entry whose backward is the layer's backward (with its weight gradients added to the
    tape's totals, so a layer called twice gets the sum)."""
    from ..ops.tape import Tensor
    from .masking_support import mask_of
    mask = mask_of(inputs) if mask is None else mask
    list_input = isinstance(inputs, (list, tuple)) and not getattr(layer, "single_input", False)
    values = [as_input_array(v, layer) for v in inputs] if list_input else as_input_array(inputs, layer)
    if not layer.built:
        layer.build_for([(None,) + v.shape[1:] for v in values] if list_input else (None,) + values.shape[1:])
    context = tape.next_layer_context()
    own, layer._context = layer._context, context
    try:
        output, out_mask = _run_forward(layer, values, training, mask)
    finally:
        layer._context = own
    result = tuple(Tensor(o, tape) for o in output) if isinstance(output, (list, tuple)) else Tensor(output, tape)
    result = _with_masks(result, out_mask)
    arguments = tuple(inputs) if list_input else (inputs,)

    def backward(ctx, grad):
        own, layer._context = layer._context, context
        try:
            input_grad = layer.backward(grad, need_input_grad=True)
        finally:
            layer._context = own
        for parameter in layer.trainable_weights:
            ctx.weight_grads.append((parameter, parameter.grad.copy()))
        return tuple(input_grad) if list_input else (input_grad,)

    tape.record_layer_call(backward, arguments, result, layer)
    return list(result) if isinstance(result, tuple) and list_input else result


__all__ = ["CallContext", "as_input_array", "call_on_arrays", "call_on_tape", "call_symbolic", "is_symbolic"]
