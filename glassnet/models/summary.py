"""``model.summary()``: the table of layers, output shapes and parameter counts, drawn as
Keras 3 draws it."""

from __future__ import annotations

from ..layers.base import _shape_text

COLUMNS = (("Layer (type)", 31, "left"), ("Output Shape", 22, "left"), ("Param #", 13, "right"))


def readable_size(num_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} GB"


def _row(cells, widths, left, middle, right):
    parts = []
    for cell, (_, width, align) in zip(cells, widths):
        text = cell.ljust(width) if align == "left" else cell.rjust(width)
        parts.append(f" {text} ")
    return left + middle.join(parts) + right


def _rule(widths, left, fill, middle, right):
    return left + middle.join(fill * (width + 2) for _, width, _ in widths) + right


def print_summary(model, line_length=None, print_fn=None) -> None:
    print_fn = print_fn or print
    columns = COLUMNS
    lines = [f'Model: "{model.name}"',
             _rule(columns, "┏", "━", "┳", "┓"),
             _row([c[0] for c in columns], columns, "┃", "┃", "┃"),
             _rule(columns, "┡", "━", "╇", "┩")]
    layers = model.layers
    for index, layer in enumerate(layers):
        name = f"{layer.name} ({type(layer).__name__})"
        if len(name) > columns[0][1]:
            name = name[:columns[0][1] - 1] + "…"
        lines.append(_row([name, _shape_text(layer.output_shape), f"{layer.count_params():,}"], columns,
                          "│", "│", "│"))
        if index < len(layers) - 1:
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
