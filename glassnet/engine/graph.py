"""The layer graph: symbolic tensors, nodes, and the plan that runs them.

Calling a layer on a symbolic ``KerasTensor`` (from ``glassnet.Input``) runs no maths: it
builds the layer for the input shape, records a ``Node`` (layer, input tensors, output
tensors) and returns symbolic outputs of the inferred shape. ``Model(inputs, outputs)`` walks
the nodes back from the outputs and orders them once (``order_nodes``). A ``GraphPlan`` then
runs them, and a Sequential model is the chain case of the same plan:

    forward    values[input] = x;  for each step in order:   values[out] = step.forward(values[in])
    backward   grads[output] = dL/dy;  for each step reversed: grads[in] += step.backward(grads[out])

Each value has a slot; a value read by several layers gets the sum of their gradients (the
multivariate chain rule). A layer called at several places (shared weights) keeps what each
call saved in a ``CallContext`` of that call, and adds up its weight gradients.
"""

from __future__ import annotations

import threading

import numpy as np

from ..layers import masking_support
from ..layers.base import CallContext, Layer, _shape_text


class KerasTensor:
    """A symbolic tensor: a shape (batch axis ``None``), a dtype, and the node that made it."""

    def __init__(self, shape, dtype="float32", node=None, index: int = 0, name: str | None = None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.node, self.index, self.name = node, index, name

    ndim = property(lambda self: len(self.shape))

    def __repr__(self) -> str:
        return f"<KerasTensor shape={_shape_text(self.shape)}, dtype={self.dtype.name}, name={self.name}>"

    def __array__(self, *args, **kwargs):
        raise TypeError(f"{self!r} is symbolic: it has a shape but no values. It describes a model's input; "
                        "build a model with glassnet.Model(inputs, outputs) and call predict() on data.")

    def __len__(self):
        raise TypeError(f"{self!r} is symbolic and has no length; use .shape")

    def __hash__(self):
        return id(self)


class Node:
    """One call of ``layer`` on symbolic ``inputs``; ``list_input`` when it was given a list."""

    def __init__(self, layer: Layer, inputs: list, outputs: list, list_input: bool):
        self.layer, self.inputs, self.outputs, self.list_input = layer, inputs, outputs, list_input

    @property
    def parents(self) -> list:
        return [t.node for t in self.inputs]


def flatten_structure(value) -> list:
    if isinstance(value, dict):
        return [v for item in value.values() for v in flatten_structure(item)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in flatten_structure(item)]
    return [value]


def order_nodes(inputs: list, outputs: list) -> list:
    """The nodes between ``inputs`` and ``outputs`` in an order where every node comes after
    the nodes it reads (depth-first, post-order). Raises a clear error for an output that does
    not depend on the inputs, or an input of the graph missing from ``inputs``."""
    from ..layers.input_layer import InputLayer
    input_ids = {id(t) for t in inputs}
    ordered, done, active = [], set(), set()

    def visit(tensor, path):
        if id(tensor) in input_ids:
            return
        node = tensor.node
        if node is None or isinstance(node.layer, InputLayer):
            name = node.layer.name if node is not None else tensor.name
            raise ValueError(
                f"Graph disconnected: {path} needs the input \"{name}\" ({_shape_text(tensor.shape)}), which is not "
                f"among the model's inputs ({', '.join(t.name or '?' for t in inputs)}). Pass it in "
                "Model(inputs=[...]).")
        if id(node) in done:
            return
        if id(node) in active:
            raise ValueError(f'The graph has a cycle through layer "{node.layer.name}".')
        active.add(id(node))
        for parent in node.inputs:
            visit(parent, f'layer "{node.layer.name}"')
        active.discard(id(node))
        done.add(id(node))
        ordered.append(node)

    for output in outputs:
        if not isinstance(output, KerasTensor):
            raise TypeError(f"Model outputs must be symbolic tensors (the result of calling layers on "
                            f"glassnet.Input(...)), received {type(output).__name__}.")
        visit(output, f'output "{output.name}"')
    return ordered


def keras_layer_order(outputs: list) -> list:
    """The layers of a graph in the order Keras 3 lists them (``model.layers``, and so the order
    of ``get_weights`` and of the weights in a ``.keras`` file): by decreasing depth, a layer's
    depth being the longest path from it to an output, ties in the order a depth-first walk
    from the outputs first meets them."""
    first_seen, post_order, finished = {}, [], set()

    def visit(tensor):
        node = tensor.node
        if id(node) in finished:
            return
        first_seen.setdefault(id(node.layer), len(first_seen))
        for parent in node.inputs:
            visit(parent)
        finished.add(id(node))
        post_order.append(node)

    for output in outputs:
        visit(output)
    in_graph = {id(node) for node in post_order}
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        layers[id(node.layer)] = node.layer
        for parent in node.parents:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    return sorted(layers.values(), key=lambda layer: (-layer_depth[id(layer)], first_seen[id(layer)]))


class Step:
    """One step of a plan: ``run`` (a layer, or a fused pair) reading slots ``inputs`` and
    writing slots ``outputs``."""

    __slots__ = ("run", "layers", "inputs", "outputs", "list_input", "need_input_grad", "runs_backward")

    def __init__(self, run, layers, inputs, outputs, list_input):
        self.run, self.layers = run, layers
        self.inputs, self.outputs, self.list_input = tuple(inputs), tuple(outputs), list_input
        self.need_input_grad = self.runs_backward = True


class InContext:
    """A call of a shared layer: forward and backward run in this call's own context (one per
    thread, as a layer's own)."""

    def __init__(self, layer: Layer):
        self.layer, self._contexts = layer, threading.local()

    @property
    def context(self) -> CallContext:
        context = getattr(self._contexts, "context", None)
        if context is None:
            context = self._contexts.context = CallContext()
        return context

    def forward(self, x, training=False, **kwargs):
        layer = self.layer
        own, layer._context = layer._context, self.context
        try:
            return layer.forward(x, training=training, **kwargs)
        finally:
            layer._context = own

    def backward(self, grad, need_input_grad=True, **kwargs):
        layer = self.layer
        own, layer._context = layer._context, self.context
        try:
            return _backward_adding_weight_grads(layer, grad, need_input_grad, **kwargs)
        finally:
            layer._context = own


def _backward_adding_weight_grads(layer, grad, need_input_grad, **kwargs):
    """A layer's backward writes its weight gradients; a shared layer's calls add theirs up
    (the plan zeroes them before backward)."""
    parameters = layer.trainable_weights
    before = [p.grad.copy() for p in parameters]
    result = layer.backward(grad, need_input_grad, **kwargs)
    for parameter, previous in zip(parameters, before):
        parameter.grad += previous
    return result


class GraphPlan:
    """Runs ``specs`` = [(layer, input slots, output slots, list_input), ...] in order, with
    ``input_slots`` given and ``output_slots`` returned. Conv2D(relu)+MaxPooling2D pairs whose
    intermediate value nothing else reads run as one fused step (engine/fusion.py)."""

    def __init__(self, specs, input_slots, output_slots, slot_count, input_grads: bool = False):
        from . import fusion
        self.input_slots, self.output_slots, self.slot_count = list(input_slots), list(output_slots), slot_count
        self.input_grads = input_grads  # a model used as a layer passes dL/d(input) on
        calls = {}
        for layer, *_ in specs:
            calls[id(layer)] = calls.get(id(layer), 0) + 1
        self.shared = [layer for layer, *_ in specs if calls[id(layer)] > 1]
        for layer in self.shared:
            if getattr(layer, "is_nested_model", False):
                raise NotImplementedError(
                    f'The model "{layer.name}" is called at {calls[id(layer)]} places in one graph; glassnet runs a '
                    "nested model at one place only. Call its layers at each place, or use two models.")
        readers = {}
        for _, inputs, _, _ in specs:
            for slot in inputs:
                readers[slot] = readers.get(slot, 0) + 1
        self.readers = readers
        outputs = set(output_slots)
        steps, index = [], 0
        while index < len(specs):
            layer, inputs, outs, list_input = specs[index]
            if index + 1 < len(specs) and calls[id(layer)] == 1 and not list_input:
                above, above_inputs, above_outs, above_list = specs[index + 1]
                if (calls[id(above)] == 1 and tuple(above_inputs) == tuple(outs) and readers.get(outs[0]) == 1
                        and outs[0] not in outputs and not above_list):
                    pair = fusion.pair_step(layer, above)
                    if pair is not None:
                        steps.append(Step(pair, (layer, above), inputs, above_outs, False))
                        index += 2
                        continue
            run = layer
            if calls[id(layer)] > 1:
                run = InContext(layer)
            steps.append(Step(run, (layer,), inputs, outs, list_input))
            index += 1
        self.steps = steps
        # Masks travel beside the values only where some layer may make one (layers/masking_support.py).
        self.carries_masks = any(masking_support.may_make_mask(layer) for layer, *_ in specs)
        self._last = threading.local()  # each thread's last forward's output masks
        self.refresh()

    def refresh(self) -> None:
        """Which steps need a backward pass, and which an input gradient: a value needs a
        gradient when trainable weights lie at or below it (computed again before each fit,
        since ``trainable`` may have changed)."""
        needs = [False] * self.slot_count
        if self.input_grads:
            for slot in self.input_slots:
                needs[slot] = True
        for step in self.steps:
            has_weights = any(layer.trainable_weights for layer in step.layers)
            step.need_input_grad = any(needs[s] for s in step.inputs)
            step.runs_backward = has_weights or step.need_input_grad
            for slot in step.outputs:
                needs[slot] = step.runs_backward
        self.trainable_below = needs

    def forward(self, xs, training: bool):
        if self.carries_masks:
            outputs, self._last.masks = self.forward_with_masks(xs, training)
            return outputs
        values = [None] * self.slot_count
        for slot, x in zip(self.input_slots, xs):
            values[slot] = x
        for step in self.steps:
            if step.list_input:
                y = step.run.forward([values[s] for s in step.inputs], training=training)
            else:
                y = step.run.forward(values[step.inputs[0]], training=training)
            if len(step.outputs) == 1:
                values[step.outputs[0]] = y
            else:
                for slot, value in zip(step.outputs, y):
                    values[slot] = value
        return [values[s] for s in self.output_slots]

    def forward_with_masks(self, xs, training: bool, input_masks=None):
        """``forward``, carrying each value's mask: a step's layer gets its input's mask as
        ``mask=`` when its forward takes one, and its output's mask is its ``compute_mask``.
        Returns the outputs and their masks."""
        values, masks = [None] * self.slot_count, [None] * self.slot_count
        for i, (slot, x) in enumerate(zip(self.input_slots, xs)):
            values[slot] = x
            masks[slot] = None if input_masks is None else input_masks[i]
        for step in self.steps:
            layer = step.layers[0] if len(step.layers) == 1 else None  # a fused pair drops masks
            if step.list_input:
                x = [values[s] for s in step.inputs]
                mask = [masks[s] for s in step.inputs]
                mask = mask if any(m is not None for m in mask) else None
            else:
                x, mask = values[step.inputs[0]], masks[step.inputs[0]]
            if mask is not None and layer is not None and masking_support.forward_takes_mask(layer):
                y = step.run.forward(x, training=training, mask=mask)
            else:
                y = step.run.forward(x, training=training)
            out_mask = None if layer is None else masking_support.output_mask(layer, x, mask)
            if len(step.outputs) == 1:
                values[step.outputs[0]] = y
                masks[step.outputs[0]] = out_mask[0] if isinstance(out_mask, (list, tuple)) else out_mask
            else:
                out_masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] + [None] * len(y)
                for slot, value, value_mask in zip(step.outputs, y, out_masks):
                    values[slot], masks[slot] = value, value_mask
        return [values[s] for s in self.output_slots], [masks[s] for s in self.output_slots]

    def output_masks(self) -> list | None:
        """The masks of the outputs of this thread's last ``forward`` (None where none), or None
        when no layer of the plan makes masks."""
        return getattr(self._last, "masks", None) if self.carries_masks else None

    def backward(self, output_grads, preactivation=None) -> None:
        """Fill every trainable weight's gradient from dL/d(output) for each output; where
        ``preactivation[i]`` the gradient is dL/dz of that output layer (a fused softmax or
        sigmoid with its loss)."""
        for layer in self.shared:
            for parameter in layer.trainable_weights:
                parameter.grad[...] = 0
        grads = [None] * self.slot_count
        fused = {}
        for i, (slot, grad) in enumerate(zip(self.output_slots, output_grads)):
            if grad is None:
                continue
            if preactivation is not None and preactivation[i]:
                fused[slot] = grad
            else:
                _accumulate(grads, slot, grad)
        for step in reversed(self.steps):
            if not step.runs_backward:
                continue
            out = step.outputs[0]
            if out in fused:
                input_grad = step.run.backward(fused.pop(out), step.need_input_grad, grad_is_preactivation=True)
            elif len(step.outputs) == 1:
                if grads[out] is None:
                    continue
                input_grad = step.run.backward(grads[out], step.need_input_grad)
            else:
                if all(grads[s] is None for s in step.outputs):
                    continue
                input_grad = step.run.backward([grads[s] for s in step.outputs], step.need_input_grad)
            if not step.need_input_grad or input_grad is None:
                continue
            if step.list_input:
                for slot, grad in zip(step.inputs, input_grad):
                    if grad is not None and self.trainable_below[slot]:
                        _accumulate(grads, slot, grad)
            elif self.trainable_below[step.inputs[0]]:
                _accumulate(grads, step.inputs[0], input_grad)
        if self.input_grads:
            return [grads[slot] for slot in self.input_slots]
        return None

    def can_fuse_output(self, index: int) -> bool:
        """Whether output ``index``'s layer may take dL/dz directly: its value is read by no
        other layer, and the layer is called only there."""
        slot = self.output_slots[index]
        step = next((s for s in self.steps if slot in s.outputs), None)
        return (step is not None and self.readers.get(slot, 0) == 0 and len(step.outputs) == 1
                and not isinstance(step.run, InContext) and self.output_slots.count(slot) == 1)

    def output_layer(self, index: int):
        slot = self.output_slots[index]
        step = next((s for s in self.steps if slot in s.outputs), None)
        return None if step is None else step.layers[-1]


def _accumulate(grads: list, slot: int, grad) -> None:
    # A new array, never in place: either gradient may be a layer's scratch array.
    grads[slot] = grad if grads[slot] is None else grads[slot] + grad


def plan_from_nodes(nodes: list, inputs: list, outputs: list, input_grads: bool = False) -> GraphPlan:
    slots = {}

    def slot_of(tensor):
        return slots.setdefault(id(tensor), len(slots))

    input_slots = [slot_of(t) for t in inputs]
    specs = []
    for node in nodes:
        specs.append((node.layer, [slot_of(t) for t in node.inputs], [slot_of(t) for t in node.outputs],
                      node.list_input))
    output_slots = [slot_of(t) for t in outputs]
    return GraphPlan(specs, input_slots, output_slots, len(slots), input_grads)


def chain_plan(layers: list, input_grads: bool = False) -> GraphPlan:
    """The plan of a Sequential model: layer i reads slot i and writes slot i + 1."""
    specs = [(layer, [i], [i + 1], False) for i, layer in enumerate(layers)]
    return GraphPlan(specs, [0], [len(layers)], len(layers) + 1, input_grads)


def op_node(function, args, options):
    """An op (glassnet.ops) applied to symbolic tensors: a node of an ``OpLayer``."""
    from ..layers.core import OpLayer
    layer = OpLayer(function, args, options)
    tensors = [a for a in args if isinstance(a, KerasTensor)]
    return layer(tensors if len(tensors) > 1 else tensors[0])
