"""ONNX translations of the sequence layers: Embedding (Gather), SimpleRNN, LSTM and GRU
(ONNX's RNN, LSTM and GRU, time first: transposed in and out), Bidirectional,
TimeDistributed and the 1-D global poolings.

Weights change layout only: ONNX keeps a gate's weights as rows, (gates * units, features),
where Keras keeps them as columns; ONNX's LSTM orders the gates (i, o, f, c) where Keras has
(i, f, c, o); a GRU's (z, r, h) and ``linear_before_reset`` are Keras's order and
``reset_after``. ONNX has no masks: a recurrent layer or a pooling reached by one (from
Embedding(mask_zero=True) or Masking) is refused by name, and so are initial states and
``return_state``.
"""

from __future__ import annotations

import numpy as np

_ACTIVATIONS = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu", "hard_sigmoid": "HardSigmoid"}


def _activation_names(layer, names):
    translated = []
    for name in names:
        if name not in _ACTIVATIONS:
            raise ValueError(f"to_onnx: layer {layer.name!r} ({type(layer).__name__}) uses the activation {name!r}, "
                             "which ONNX's recurrent operators do not have (they take tanh, sigmoid, relu, hard_sigmoid).")
        translated.append(_ACTIVATIONS[name])
    return translated


def _activation_attributes(layer, names) -> dict:
    """ONNX's ``activations`` (and HardSigmoid's alpha and beta: Keras 3's x / 6 + 1/2)."""
    attributes = {"activations": _activation_names(layer, names)}
    hard = [name == "HardSigmoid" for name in attributes["activations"]]
    if any(hard):
        attributes["activation_alpha"] = [1 / 6 if h else 0.0 for h in hard]
        attributes["activation_beta"] = [0.5 if h else 0.0 for h in hard]
    return attributes


def _lstm_rows(matrix, units):
    """Keras's (.., 4 units) in (i, f, c, o) as ONNX's rows (4 units, ..) in (i, o, f, c)."""
    i, f, c, o = np.split(matrix, 4, axis=-1)
    return np.concatenate([i, o, f, c], axis=-1).T


def _recurrent(graph, x, layer, direction: str):
    """One recurrent layer as one ONNX node, read in ``direction``; its output in glassnet's
    layout: (batch, steps, units) in the order the layer read them, or (batch, units)."""
    kind, units = type(layer).__name__, layer.units
    kernel, recurrent = layer.kernel.value, layer.recurrent_kernel.value
    if kind == "LSTM":
        op, w, r = "LSTM", _lstm_rows(kernel, units), _lstm_rows(recurrent, units)
        bias = _lstm_rows(layer.bias.value[None], units)[:, 0] if layer.use_bias else np.zeros(4 * units)
        bias = np.concatenate([bias, np.zeros(4 * units)])
        names = [layer.recurrent_activation.name, layer.activation.name, layer.activation.name]
        extra = {}
    elif kind == "GRU":
        op, w, r = "GRU", kernel.T, recurrent.T
        if not layer.use_bias:
            bias = np.zeros(6 * units)
        elif layer.reset_after:
            bias = np.concatenate([layer.bias.value[0], layer.bias.value[1]])
        else:
            bias = np.concatenate([layer.bias.value, np.zeros(3 * units)])
        names = [layer.recurrent_activation.name, layer.activation.name]
        extra = {"linear_before_reset": int(layer.reset_after)}
    else:
        op, w, r = "RNN", kernel.T, recurrent.T
        bias = np.concatenate([layer.bias.value if layer.use_bias else np.zeros(units), np.zeros(units)])
        names = [layer.activation.name]
        extra = {}
    constant = lambda array, hint: graph.constant(np.asarray(array, np.float32)[None], hint)  # noqa: E731
    outputs = [graph.name("sequence"), graph.name("last")]
    time_first = graph.op("Transpose", [x], perm=[1, 0, 2])  # onnxruntime runs only layout 0: (steps, batch, ..)
    graph.nodes.append(graph.helper.make_node(
        op, [time_first, constant(w, "W"), constant(r, "R"), constant(bias, "B")],
        outputs + ([graph.name("cell")] if op == "LSTM" else []),
        hidden_size=units, direction=direction, **_activation_attributes(layer, names), **extra))
    sequence, last = outputs                                 # (steps, 1, batch, units), (1, batch, units)
    if not layer.return_sequences:
        return graph.op("Squeeze", [last, graph.constant(np.array([0], np.int64), "axes")])
    y = graph.op("Squeeze", [sequence, graph.constant(np.array([1], np.int64), "axes")])
    y = graph.op("Transpose", [y], perm=[1, 0, 2])
    if direction == "reverse":  # Keras returns the steps in the order it read them
        y = _reversed_steps(graph, y)
    return y


def _reversed_steps(graph, x):
    big = np.iinfo(np.int64)
    return graph.op("Slice", [x, graph.constant(np.array([-1], np.int64), "starts"),
                              graph.constant(np.array([big.min], np.int64), "ends"),
                              graph.constant(np.array([1], np.int64), "axes"),
                              graph.constant(np.array([-1], np.int64), "steps")])


def _check_states(layer):
    if getattr(layer, "return_state", False):
        raise ValueError(f"to_onnx: layer {layer.name!r} ({type(layer).__name__}) returns its states "
                         "(return_state=True); export a model that uses only its output.")


def _bidirectional(graph, x, layer):
    forward, backward = layer.forward_layer, layer.backward_layer
    _check_states(forward)
    a = _recurrent(graph, x, forward, "reverse" if forward.go_backwards else "forward")
    b = _recurrent(graph, x, backward, "reverse" if backward.go_backwards else "forward")
    if layer.return_sequences:
        b = _reversed_steps(graph, b)  # back into time order, as Bidirectional merges them
    mode = layer.merge_mode
    if mode == "concat":
        return graph.op("Concat", [a, b], axis=-1)
    if mode == "sum":
        return graph.op("Add", [a, b])
    if mode == "mul":
        return graph.op("Mul", [a, b])
    if mode == "ave":
        return graph.op("Mul", [graph.op("Add", [a, b]), graph.constant(np.float32(0.5), "half")])
    raise ValueError(f"to_onnx: layer {layer.name!r} (Bidirectional) with merge_mode=None has two outputs; "
                     "export it with a merge mode.")


def sequence_layer(graph, x, layer, translate):
    """The ONNX name of ``layer``'s output, or None when it is not a sequence layer.
    ``translate(graph, x, layer)`` translates an inner layer (TimeDistributed's)."""
    kind = type(layer).__name__
    if kind == "Embedding":
        ids = graph.op("Cast", [x], to=7)  # int64
        return graph.op("Gather", [graph.constant(layer.embeddings.value, "embeddings"), ids], axis=0)
    if kind in ("SimpleRNN", "LSTM", "GRU"):
        _check_states(layer)
        return _recurrent(graph, x, layer, "reverse" if layer.go_backwards else "forward")
    if kind == "Bidirectional":
        return _bidirectional(graph, x, layer)
    if kind == "TimeDistributed" and type(layer.layer).__name__ in ("Dense", "Activation", "Dropout"):
        return translate(graph, x, layer.layer)  # these act on the last axis at every step alike
    if kind in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        op = "ReduceMean" if kind == "GlobalAveragePooling1D" else "ReduceMax"
        return graph.op(op, [x], axes=[1], keepdims=int(layer.keepdims))
    return None


def reads_mask(layer) -> bool:
    """Whether ``layer`` computes with the mask it is given (and so cannot be exported with one)."""
    from ..layers.masking_support import forward_takes_mask
    inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None)
    return forward_takes_mask(layer) or (inner is not None and forward_takes_mask(inner))


def makes_mask(layer) -> bool:
    return bool(getattr(layer, "mask_zero", False)) or type(layer).__name__ == "Masking"
