"""A functional model as a config, and back, in Keras 3's layout.

    {"name": ..., "trainable": true,
     "layers": [{"class_name": "Dense", "config": {...}, "name": "dense",
                 "inbound_nodes": [{"args": [<tensor>], "kwargs": {}}]}, ...],
     "input_layers": [["input", 0, 0]], "output_layers": [["dense", 0, 0]]}

A ``<tensor>`` is ``{"class_name": "__keras_tensor__", "config": {"shape", "dtype",
"keras_history": [layer name, node index, tensor index]}}``: the ``tensor index``-th output of
the layer's ``node index``-th call. A layer given a list (Add, Concatenate) has the list as its
first argument. glassnet's own files and Keras's ``.keras`` files share this layout and differ
only in how one layer is written (``layer_entry`` / ``make_layer``).
"""

from __future__ import annotations


def _node_indices(model) -> dict:
    """id(node) -> its index among the calls of its layer that belong to ``model``."""
    nodes = [t.node for t in model.inputs] + list(model._nodes)
    count: dict = {}
    indices = {}
    for node in nodes:
        key = id(node.layer)
        indices[id(node)] = count.get(key, 0)
        count[key] = indices[id(node)] + 1
    return indices


def graph_config(model, layer_entry) -> dict:
    """The config of functional ``model``; ``layer_entry(layer)`` gives a layer's class and config."""
    from ..layers.core import Lambda, OpLayer
    from ..layers.input_layer import InputLayer
    indices = _node_indices(model)

    def history(tensor):
        return [tensor.node.layer.name, indices[id(tensor.node)], tensor.index]

    def tensor_config(tensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(tensor.shape), "dtype": tensor.dtype.name, "keras_history": history(tensor)}}

    layers = []
    for layer in model.layers:
        if isinstance(layer, (OpLayer, Lambda)):
            what = f'the op "{layer.name}"' if isinstance(layer, OpLayer) else f'the Lambda layer "{layer.name}"'
            raise ValueError(f'Model "{model.name}" cannot be saved: {what} holds Python code, which a model file '
                             "does not carry. Write it as a Layer subclass with call() (and get_config()), and pass "
                             "it in custom_objects= when loading.")
        calls = [] if isinstance(layer, InputLayer) else [n for n in layer._inbound_nodes if id(n) in indices]
        entry = dict(layer_entry(layer))
        entry["name"] = layer.name
        entry["inbound_nodes"] = [node_arguments(layer, node, tensor_config) for node in calls]
        layers.append(entry)

    def structure(tensors, kind, keys):
        if kind == "dict":
            return {key: history(t) for key, t in zip(keys, tensors)}
        if kind == "single":
            return history(tensors[0])
        return [history(t) for t in tensors]

    return {"name": model.name, "trainable": True, "layers": layers,
            "input_layers": structure(model._inputs, model._input_kind, model.input_names),
            "output_layers": structure(model._outputs, model._output_kind, model.output_names)}


def _history_of(value, where: str):
    if (isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"):
        value = value["config"]["keras_history"]
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)):
        raise ValueError(f"{where}: expected a tensor reference [layer name, node index, tensor index], "
                         f"received {value!r}")
    return value[0], int(value[1]), int(value[2])


def _is_reference(value) -> bool:
    """Whether ``value`` is one tensor reference: a keras_history triple or a __keras_tensor__."""
    if isinstance(value, dict):
        return value.get("class_name") == "__keras_tensor__"
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[1], int)


def _references(value) -> set:
    """The layer names a node's argument structure refers to."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return {value["config"]["keras_history"][0]}
        return set().union(*(_references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        if len(value) == 3 and isinstance(value[0], str) and isinstance(value[1], int):
            return {value[0]}
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def without_mask_makers(config: dict) -> list:
    """The config's layers less those that only compute masks: Keras records the mask an
    Embedding(mask_zero=True) makes as ops of its own (a ``NotEqual`` node, sometimes followed by
    a ``ConvertToTensor``) passed to later layers as ``mask=``; glassnet's layers make and pass
    masks themselves. A layer goes when every use of its output is as a ``mask=`` or by a layer
    that goes."""
    layers = config["layers"]
    outputs = _references(config.get("output_layers"))
    uses = {}  # layer name -> [(consumer name, whether as mask=)]
    for entry in layers:
        for node in entry.get("inbound_nodes", []):
            kwargs = node.get("kwargs", {})
            plain = _references(node.get("args", [])) | _references({k: v for k, v in kwargs.items() if k != "mask"})
            for name in plain:
                uses.setdefault(name, []).append((entry.get("name"), False))
            for name in _references(kwargs.get("mask")):
                uses.setdefault(name, []).append((entry.get("name"), True))
    dropped, changed = set(), True
    while changed:
        changed = False
        for name, consumers in uses.items():
            if name in dropped or name in outputs:
                continue
            if any(as_mask or consumer in dropped for consumer, as_mask in consumers) and \
                    all(as_mask or consumer in dropped for consumer, as_mask in consumers):
                dropped.add(name)
                changed = True
    return [entry for entry in layers if entry.get("name") not in dropped]


def node_arguments(layer, node, tensor_config) -> dict:
    """One call of ``layer`` as Keras writes it: ``{"args": [x] or [[x1, x2]], "kwargs": {}}``; a
    layer called with keywords (a recurrent layer's initial_state, attention's key and options)
    says how with ``keras_call``."""
    if hasattr(layer, "keras_call"):
        return layer.keras_call(node.inputs, tensor_config)
    if node.list_input:
        return {"args": [[tensor_config(t) for t in node.inputs]], "kwargs": {}}
    return {"args": [tensor_config(node.inputs[0])], "kwargs": {}}


def model_from_graph_config(config: dict, make_layer):
    """A Functional model from ``config``: each layer made by ``make_layer(entry)``, then called
    on the tensors its ``inbound_nodes`` name, in an order where every call's inputs exist."""
    from .functional import Functional
    made, outputs, pending = {}, {}, []
    for entry in without_mask_makers(config):
        layer = make_layer(entry)
        name = entry.get("name", layer.name)
        made[name] = layer
        if type(layer).__name__ == "InputLayer":
            outputs[(name, 0)] = layer._inbound_nodes[0].outputs
        for index, node in enumerate(entry.get("inbound_nodes", [])):
            pending.append((name, index, node))

    def tensor(reference, where):
        name, node_index, tensor_index = _history_of(reference, where)
        found = outputs.get((name, node_index))
        return None if found is None else found[tensor_index]

    def resolve(value, where):
        """A call's argument: the tensor (or list of tensors) it names, or the value itself."""
        if _is_reference(value):
            return tensor(value, where)
        if isinstance(value, list) and value and all(_is_reference(v) for v in value):
            return [tensor(v, where) for v in value]
        return value

    while pending:
        waiting = []
        for name, index, node in pending:
            where = f'layer "{name}", call {index}'
            args, kwargs = node["args"], node.get("kwargs", {})
            options = {key: value for key, value in kwargs.items() if key != "mask"}  # masks are glassnet's own
            if len(args) > 1 or options:  # several arguments or keywords (initial_state, key, ...): call(*a, **kw)
                resolved_args = [resolve(a, where) for a in args]
                resolved_kwargs = {key: resolve(value, where) for key, value in options.items()}
                found = resolved_args + list(resolved_kwargs.values())
                if any(v is None or isinstance(v, list) and any(t is None for t in v) for v in found):
                    waiting.append((name, index, node))
                    continue
                result = made[name](*resolved_args, **resolved_kwargs)
                outputs[(name, index)] = result if isinstance(result, list) else [result]
                continue
            list_input = isinstance(args[0], list)
            references = args[0] if list_input else [args[0]]
            inputs = [tensor(r, where) for r in references]
            if any(t is None for t in inputs):
                waiting.append((name, index, node))
                continue
            result = made[name](inputs if list_input else inputs[0])
            outputs[(name, index)] = result if isinstance(result, list) else [result]
        if len(waiting) == len(pending):
            names = sorted({name for name, _, _ in waiting})
            raise ValueError(f"The model config calls layers {names} on tensors that no layer makes.")
        pending = waiting

    def structure(value, what):
        if isinstance(value, dict):
            return {key: tensor(v, what) for key, v in value.items()}
        if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
            return [tensor(v, what) for v in value]
        return tensor(value, what)

    inputs = structure(config["input_layers"], "input_layers")
    model_outputs = structure(config["output_layers"], "output_layers")
    return Functional(inputs, model_outputs, name=config.get("name"))
