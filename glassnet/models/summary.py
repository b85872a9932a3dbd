"""``model.summary()``: the table of layers, output shapes and parameter counts, drawn as
Keras 3 draws it."""

from __future__ import annotations

from ..layers.base import _shape_text

COLUMNS = (("Layer (type)", 31, "left"), ("Output Shape", 22, "left"), ("Param #", 13, "right"))
# A graph that is not a chain gets a fourth column, naming what feeds each layer.
GRAPH_COLUMNS = (("Layer (type)", 19, "left"), ("Output Shape", 17, "left"), ("Param #", 10, "right"),
                 ("Connected to", 17, "left"))


def readable_size(num_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} GB"


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken at spaces; a word too long is cut with "…".
    Leading spaces (a nested layer's indent) are kept."""
    stripped = text.lstrip(" ")
    if stripped != text:
        indent = text[:len(text) - len(stripped)]
        lines = _wrap(stripped, width - len(indent))
        return [indent + lines[0]] + lines[1:]
    lines, line = [], ""
    for word in text.split(" "):
        if len(word) > width:
            word = word[:width - 1] + "…"
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def _rows(cells, widths, left, middle, right) -> list[str]:
    """One table row, as many lines tall as its most wrapped cell."""
    wrapped = [_wrap(cell, width) for cell, (_, width, _) in zip(cells, widths)]
    lines = []
    for index in range(max(len(w) for w in wrapped)):
        parts = []
        for cell_lines, (_, width, align) in zip(wrapped, widths):
            text = cell_lines[index] if index < len(cell_lines) else ""
            parts.append(f" {text.ljust(width) if align == 'left' else text.rjust(width)} ")
        lines.append(left + middle.join(parts) + right)
    return lines


def _rule(widths, left, fill, middle, right):
    return left + middle.join(fill * (width + 2) for _, width, _ in widths) + right


def _connections(model):
    """For a functional model that is not a chain: {id(layer): "a[0][0], b[0][0]"} and each
    layer's output shape (its last call's); None for a chain, which Keras draws without them."""
    from ..layers.input_layer import InputLayer
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return None
    previous = model._inputs[0] if len(model._inputs) == 1 else None
    chain = len(model._outputs) == 1 and len({id(n.layer) for n in nodes}) == len(nodes)
    for node in nodes:
        chain = chain and len(node.inputs) == 1 and node.inputs[0] is previous
        previous = node.outputs[0] if len(node.outputs) == 1 else None
    if chain:
        return None
    from .functional_config import _node_indices
    indices = _node_indices(model)
    connected, shapes = {}, {}
    for layer in model.layers:
        calls = [n for n in layer._inbound_nodes if id(n) in indices]
        if isinstance(layer, InputLayer) or not calls:
            connected[id(layer)] = "-"
        else:
            connected[id(layer)] = ", ".join(f"{t.node.layer.name}[{indices[id(t.node)]}][{t.index}]"
                                             for n in calls for t in n.inputs)
        outputs = calls[-1].outputs if calls else layer._inbound_nodes[0].outputs
        shapes[id(layer)] = (_shape_text(outputs[0].shape) if len(outputs) == 1 else
                             "[" + ", ".join(_shape_text(t.shape) for t in outputs) + "]")
    return connected, shapes


def _expanded(layers, depth=0) -> list:
    """(layer, depth) for each layer, each nested model followed by its own layers one level deeper."""
    rows = []
    for layer in layers:
        rows.append((layer, depth))
        if getattr(layer, "is_nested_model", False):
            rows += _expanded(layer.model.layers, depth + 1)
    return rows


def print_summary(model, line_length=None, print_fn=None, expand_nested: bool = False) -> None:
    print_fn = print_fn or print
    graph = _connections(model)
    columns = COLUMNS if graph is None else GRAPH_COLUMNS
    lines = [f'Model: "{model.name}"',
             _rule(columns, "┏", "━", "┳", "┓"),
             *_rows([c[0] for c in columns], columns, "┃", "┃", "┃"),
             _rule(columns, "┡", "━", "╇", "┩")]
    rows = _expanded(model.layers) if expand_nested else [(layer, 0) for layer in model.layers]
    for index, (layer, depth) in enumerate(rows):
        indent = "   " * depth + "└ " if depth else ""
        cells = [f"{indent}{layer.name} ({getattr(layer, 'class_name', type(layer).__name__)})",
                 _shape_text(layer.output_shape), f"{layer.count_params():,}"]
        if graph is not None:
            connected, shapes = graph
            cells[1] = shapes.get(id(layer), cells[1])
            cells.append(connected.get(id(layer), ""))
        lines += _rows(cells, columns, "│", "│", "│")
        if index < len(rows) - 1:
            lines.append(_rule(columns, "├", "─", "┼", "┤"))
    lines.append(_rule(columns, "└", "─", "┴", "┘"))
    trainable = sum(p.value.size for p in model.trainable_weights)
    non_trainable = sum(p.value.size for p in model.non_trainable_weights)
    itemsize = model.dtype.itemsize
    optimizer = model.optimizer
    optimizer_count = optimizer_bytes = 0
    if optimizer is not None and optimizer.slots:
        # Keras counts the step counter (int64) and the learning rate among the optimizer's
        # variables, and the optimizer's variables in the total.
        slot_values = sum(slot.size for slot in optimizer.slots)
        optimizer_count, optimizer_bytes = slot_values + 2, slot_values * itemsize + 8 + 4
    total = trainable + non_trainable + optimizer_count
    total_bytes = (trainable + non_trainable) * itemsize + optimizer_bytes
    lines.append(f" Total params: {total:,} ({readable_size(total_bytes)})")
    lines.append(f" Trainable params: {trainable:,} ({readable_size(trainable * itemsize)})")
    lines.append(f" Non-trainable params: {non_trainable:,} ({readable_size(non_trainable * itemsize)})")
    if optimizer_count:
        lines.append(f" Optimizer params: {optimizer_count:,} ({readable_size(optimizer_bytes)})")
    for line in lines:
        print_fn(line)
