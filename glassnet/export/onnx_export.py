"""``to_onnx(model, path)``: a glassnet Sequential or functional model as an ONNX graph (opset 17).

onnx is an optional dependency (``pip install onnx``; ``onnxruntime`` to run the file). The graph
keeps glassnet's channels-last layout: convolutions and pooling are wrapped in transposes to
ONNX's channels-first and back. Dropout layers become identities (the graph is for inference).
A functional model's nodes are written in the order they run, each reading the ONNX names of
the tensors its layer was called on; merge layers become ONNX's variadic Sum, Mean, Max, Min,
Concat, or an Einsum for Dot. Embedding and the recurrent layers: onnx_sequences.py.
"""

from __future__ import annotations

import numpy as np

from ..layers import conv_utils
from ..saving.atomic import atomic_write
from . import onnx_sequences

OPSET = 17


def _onnx():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        raise ImportError("glassnet.export.to_onnx needs onnx: pip install onnx (and onnxruntime to run it)") from None
    return onnx, helper, numpy_helper


class _Graph:
    """Collects nodes and initializers, handing out fresh tensor names."""

    def __init__(self, helper, numpy_helper):
        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes, self.initializers, self.count = [], [], 0
        self.masked = set()  # the names of tensors that carry a Keras mask (onnx_sequences.py)

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def constant(self, array, hint: str) -> str:
        name = self.name(hint)
        self.initializers.append(self.numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type: str, inputs, hint: str | None = None, **attributes) -> str:
        output = self.name(hint or op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [output], **attributes))
        return output


def _activation(graph, x, activation):
    name = activation.name
    if name == "linear":
        return x
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus"}
    if name in simple:
        return graph.op(simple[name], [x])
    if name == "softmax":
        return graph.op("Softmax", [x], axis=activation.axis)
    if name == "leaky_relu":
        return graph.op("LeakyRelu", [x], alpha=activation.negative_slope)
    if name == "elu":
        return graph.op("Elu", [x], alpha=activation.alpha)
    if name == "selu":
        return graph.op("Selu", [x], alpha=activation.alpha, gamma=activation.scale)
    if name == "silu":
        return graph.op("Mul", [x, graph.op("Sigmoid", [x])])
    if name == "gelu":
        half = graph.constant(np.float32(0.5), "half")
        one = graph.constant(np.float32(1.0), "one")
        if activation.approximate:
            inner = graph.op("Mul", [graph.op("Add", [x, graph.op("Mul", [graph.constant(np.float32(0.044715), "c"),
                                                                       graph.op("Pow", [x, graph.constant(np.float32(3), "three")])])]),
                                     graph.constant(np.float32(np.sqrt(2 / np.pi)), "c")])
            cdf = graph.op("Mul", [half, graph.op("Add", [one, graph.op("Tanh", [inner])])])
        else:
            scaled = graph.op("Div", [x, graph.constant(np.float32(np.sqrt(2)), "sqrt2")])
            cdf = graph.op("Mul", [half, graph.op("Add", [one, graph.op("Erf", [scaled])])])
        return graph.op("Mul", [x, cdf])
    raise ValueError(f"to_onnx: the activation {name!r} has no ONNX translation.")


def _nchw(graph, x):
    return graph.op("Transpose", [x], perm=[0, 3, 1, 2])


def _nhwc(graph, x):
    return graph.op("Transpose", [x], perm=[0, 2, 3, 1])


def _spatial_pads(layer, window, strides, dilation):
    if layer.padding == "valid":
        return [0, 0, 0, 0]
    (top, bottom), (left, right) = conv_utils.pad_amounts(layer.input_shape, window, strides, dilation, "same")
    return [top, left, bottom, right]


def _conv2d(graph, x, layer):
    kernel = layer.kernel.value.reshape(layer.kernel_size + layer.kernel.value.shape[-2:])  # (kh, kw, C, F)
    inputs = [_nchw(graph, x), graph.constant(kernel.transpose(3, 2, 0, 1), "kernel")]
    if layer.use_bias:
        inputs.append(graph.constant(layer.bias.value, "bias"))
    y = graph.op("Conv", inputs, kernel_shape=list(layer.kernel_size), strides=list(layer.strides),
                 dilations=list(layer.dilation_rate),
                 pads=_spatial_pads(layer, layer.kernel_size, layer.strides, layer.dilation_rate))
    return _nhwc(graph, y)


def _conv1d(graph, x, layer):
    kernel = layer.kernel.value  # (k, C, F)
    inputs = [graph.op("Transpose", [x], perm=[0, 2, 1]), graph.constant(kernel.transpose(2, 1, 0), "kernel")]
    if layer.use_bias:
        inputs.append(graph.constant(layer.bias.value, "bias"))
    pads = [0, 0]
    if layer.padding == "same":
        pads = list(conv_utils.same_padding(layer.input_shape[1], layer.kernel_size[1], layer.strides[1],
                                            layer.dilation_rate[1]))
    elif layer.padding == "causal":  # zeros before the first step only
        pads = [(layer.kernel_size[1] - 1) * layer.dilation_rate[1], 0]
    y = graph.op("Conv", inputs, kernel_shape=[layer.kernel_size[1]], strides=[layer.strides[1]],
                 dilations=[layer.dilation_rate[1]], pads=pads)
    return graph.op("Transpose", [y], perm=[0, 2, 1])


def _depthwise(graph, x, layer):
    """DepthwiseConv2D/1D as one ONNX Conv with group = channels (output channel c*m + k reads
    input channel c only); SeparableConv2D/1D adds the 1x1 pointwise Conv after it."""
    rank, separable = layer.rank, hasattr(layer, "pointwise_kernel")
    window, strides, dilation = (list(v[2 - rank:]) for v in (layer.kernel_size, layer.strides, layer.dilation_rate))
    kernel = layer.kernel.value  # (*window, C, m)
    channels = kernel.shape[-2] * kernel.shape[-1]
    weight = kernel.reshape(tuple(window) + (channels,)).transpose((rank,) + tuple(range(rank)))[:, None]
    pads = [0] * (2 * rank)
    if layer.padding == "same":
        amounts = [conv_utils.same_padding(layer.input_shape[1 + axis], window[axis], strides[axis], dilation[axis])
                   for axis in range(rank)]
        pads = [before for before, _ in amounts] + [after for _, after in amounts]
    inputs = [graph.op("Transpose", [x], perm=[0, rank + 1] + list(range(1, rank + 1))),
              graph.constant(weight, "depthwise_kernel")]
    if layer.use_bias and not separable:
        inputs.append(graph.constant(layer.bias.value, "bias"))
    y = graph.op("Conv", inputs, kernel_shape=window, strides=strides, dilations=dilation, pads=pads,
                 group=kernel.shape[-2])
    if separable:
        pointwise = layer.pointwise_kernel.value.reshape(channels, -1).T.reshape((-1, channels) + (1,) * rank)
        inputs = [y, graph.constant(pointwise, "pointwise_kernel")]
        if layer.use_bias:
            inputs.append(graph.constant(layer.bias.value, "bias"))
        y = graph.op("Conv", inputs, kernel_shape=[1] * rank)
    return graph.op("Transpose", [y], perm=[0] + list(range(2, rank + 2)) + [1])


def _layer(graph, x, layer):
    """The ONNX name of ``layer``'s output on ``x``, keeping track of which tensors carry masks."""
    if getattr(layer, "is_nested_model", False):  # a model inside another: its layers, inline
        return _model_outputs(graph, layer.model, [x])[0]
    masked = x in graph.masked
    if masked and onnx_sequences.reads_mask(layer):
        raise ValueError(f"to_onnx: layer {layer.name!r} ({type(layer).__name__}) reads a mask (from "
                         "Embedding(mask_zero=True) or Masking), which ONNX cannot carry; export a model without "
                         "masking (e.g. mask_zero=False).")
    y = _translate(graph, x, layer)
    if onnx_sequences.makes_mask(layer) or (masked and layer.supports_masking and layer.compute_mask(None, True) is not None):
        graph.masked.add(y)
    return y


def _translate(graph, x, layer):
    kind = type(layer).__name__
    if kind == "Dense":
        y = graph.op("MatMul", [x, graph.constant(layer.kernel.value, "kernel")])
        if layer.use_bias:
            y = graph.op("Add", [y, graph.constant(layer.bias.value, "bias")])
        return _activation(graph, y, layer.activation)
    if kind in ("Activation", "LeakyReLU", "ReLU", "Softmax"):
        return _activation(graph, x, layer.activation)
    if kind in ("Dropout", "SpatialDropout2D", "InputLayer"):
        return x
    if kind == "Flatten":
        return graph.op("Flatten", [x], axis=1)
    if kind == "Reshape":
        return graph.op("Reshape", [x, graph.constant(np.array((0,) + layer.output_shape[1:], np.int64), "shape")])
    if kind == "Conv2D":
        return _activation(graph, _conv2d(graph, x, layer), layer.activation)
    if kind == "Conv1D":
        return _activation(graph, _conv1d(graph, x, layer), layer.activation)
    if kind in ("DepthwiseConv2D", "DepthwiseConv1D", "SeparableConv2D", "SeparableConv1D"):
        return _activation(graph, _depthwise(graph, x, layer), layer.activation)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        attributes = {"kernel_shape": list(layer.pool_size), "strides": list(layer.strides),
                      "pads": _spatial_pads(layer, layer.pool_size, layer.strides, (1, 1))}
        if kind == "AveragePooling2D":
            attributes["count_include_pad"] = 0
        op = "MaxPool" if kind == "MaxPooling2D" else "AveragePool"
        return _nhwc(graph, graph.op(op, [_nchw(graph, x)], **attributes))
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        op = "ReduceMean" if kind == "GlobalAveragePooling2D" else "ReduceMax"
        return graph.op(op, [x], axes=[1, 2], keepdims=int(layer.keepdims))
    if kind == "BatchNormalization":
        scale = 1.0 / np.sqrt(layer.moving_variance.value + layer.epsilon)
        if layer.scale:
            scale = scale * layer.gamma.value
        shift = -layer.moving_mean.value * scale
        if layer.center:
            shift = shift + layer.beta.value
        y = graph.op("Mul", [x, graph.constant(scale.astype(np.float32), "scale")])
        return graph.op("Add", [y, graph.constant(shift.astype(np.float32), "shift")])
    if kind == "ZeroPadding2D":
        (top, bottom), (left, right) = layer.padding
        pads = np.array([0, top, left, 0, 0, bottom, right, 0], np.int64)
        return graph.op("Pad", [x, graph.constant(pads, "pads")])
    if kind == "UpSampling2D":
        scales = np.array([1.0, layer.size[0], layer.size[1], 1.0], np.float32)
        return graph.op("Resize", [x, "", graph.constant(scales, "scales")], mode="nearest",
                        coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    y = onnx_sequences.sequence_layer(graph, x, layer, _layer)
    if y is not None:
        return y
    raise ValueError(f"to_onnx: no ONNX translation for layer {layer.name!r} ({kind}).")


_VARIADIC = {"Add": "Sum", "Average": "Mean", "Maximum": "Max", "Minimum": "Min"}


def _merge(graph, xs, layer):
    """A merge layer over the ONNX tensors ``xs``."""
    kind = type(layer).__name__
    if kind in _VARIADIC:
        return graph.op(_VARIADIC[kind], xs)
    if kind == "Subtract":
        return graph.op("Sub", xs)
    if kind == "Multiply":
        y = xs[0]
        for x in xs[1:]:
            y = graph.op("Mul", [y, x])
        return y
    if kind == "Concatenate":
        return graph.op("Concat", xs, axis=layer.axis)
    if kind == "Dot":
        shapes = layer.input_shape
        axes = layer._axes(shapes)
        if layer.normalize:
            tiny = graph.constant(np.float32(1e-12), "eps")
            xs = [graph.op("Div", [x, graph.op("Sqrt", [graph.op("Add", [graph.op(
                "ReduceSum", [graph.op("Mul", [x, x]), graph.constant(np.array([axis], np.int64), "axes")], keepdims=1),
                tiny])])]) for x, axis in zip(xs, axes)]
        y = graph.op("Einsum", xs, equation=layer._subscripts(len(shapes[0]), len(shapes[1]), *axes))
        if len(shapes[0]) == len(shapes[1]) == 2:  # (batch,) becomes (batch, 1), as the layer gives
            y = graph.op("Unsqueeze", [y, graph.constant(np.array([1], np.int64), "axes")])
        return y
    raise ValueError(f"to_onnx: no ONNX translation for layer {layer.name!r} ({kind}).")


def _graph_outputs(graph, model, input_names):
    """Translate a functional model node by node; the ONNX names of its outputs."""
    from ..layers.core import Lambda, OpLayer
    names = {id(tensor): name for tensor, name in zip(model.inputs, input_names)}
    for node in model._nodes:
        layer = node.layer
        if isinstance(layer, (Lambda, OpLayer)):
            raise ValueError(f"to_onnx: layer {layer.name!r} ({type(layer).__name__}) runs Python code, which has no "
                             "ONNX translation; write it with glassnet's layers to export the model.")
        xs = [names[id(t)] for t in node.inputs]
        if node.list_input and hasattr(layer, "state_names"):
            raise ValueError(f"to_onnx: layer {layer.name!r} ({type(layer).__name__}) starts from given states "
                             "(initial_state=); export a model whose recurrent layers start from zeros.")
        y = _merge(graph, xs, layer) if node.list_input else _layer(graph, xs[0], layer)
        if node.list_input and any(x in graph.masked for x in xs):
            graph.masked.add(y)
        names[id(node.outputs[0])] = y
    return [names[id(t)] for t in model.outputs]


def _model_outputs(graph, model, input_names):
    """The ONNX names of a Sequential or functional model's outputs, given its inputs' names."""
    from ..models import Functional, Sequential
    if isinstance(model, Sequential):
        x = input_names[0]
        for layer in model.layers:
            x = _layer(graph, x, layer)
        return [x]
    if isinstance(model, Functional):
        return _graph_outputs(graph, model, input_names)
    raise ValueError(f'to_onnx: model "{model.name}" is a subclass of Model, whose call() is Python code; '
                     "export a Sequential or functional (Model(inputs, outputs)) model.")


def to_onnx(model, path, opset: int = OPSET):
    """Write ``model`` (built) as an ONNX file at ``path``; returns the onnx ModelProto.
    A model with one input and one output reads ``input`` (with a free batch axis) and writes
    ``output``; a functional model with several uses its input and output names."""
    from ..models import Sequential
    onnx, helper, numpy_helper = _onnx()
    model._require_built("to_onnx()")
    graph = _Graph(helper, numpy_helper)
    if isinstance(model, Sequential):
        input_shapes, output_shapes = [model.input_shape], [model.output_shape]
    else:
        input_shapes, output_shapes = [t.shape for t in model.inputs], [t.shape for t in model.outputs]
    input_names = ["input"] if len(input_shapes) == 1 else list(model.input_names)
    outputs = _model_outputs(graph, model, input_names)
    output_names = ["output"] if len(outputs) == 1 else list(model.output_names)
    for source, name in zip(outputs, output_names):
        graph.nodes.append(helper.make_node("Identity", [source], [name]))
    to_dims = lambda shape: ["batch"] + [d if d is not None else f"d{i}" for i, d in enumerate(shape[1:])]  # noqa: E731
    value_info = lambda name, shape: helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, to_dims(shape))  # noqa: E731
    proto = helper.make_model(
        helper.make_graph(graph.nodes, model.name, [value_info(n, s) for n, s in zip(input_names, input_shapes)],
                          [value_info(n, s) for n, s in zip(output_names, output_shapes)], graph.initializers),
        opset_imports=[helper.make_opsetid("", opset)], producer_name="glassnet")
    proto.ir_version = min(proto.ir_version, 9)
    onnx.checker.check_model(proto)
    with atomic_write(path) as stream:
        stream.write(proto.SerializeToString())
    return proto
