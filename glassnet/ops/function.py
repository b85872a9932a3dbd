"""An op is a ``Function``: ``forward(ctx, *arrays, **options)`` and ``backward(ctx, grad)``
side by side. ``apply`` runs one on whatever it is given:

- NumPy arrays (or numbers, Parameters) and no tape: computes at once, returns an array;
- a ``Tensor`` of the active tape, or a trainable Parameter while a tape is active: computes,
  records the call on the tape, returns a ``Tensor``;
- a symbolic ``KerasTensor`` (building a functional model): adds an op node to the graph and
  returns the node's symbolic output.
"""

from __future__ import annotations

import numpy as np

from .tape import Context, Tensor, current_tape


class Function:
    """Base of every op. ``differentiable = False`` for ops whose result carries no gradient
    (argmax, comparisons, casts to integers)."""

    differentiable = True

    @staticmethod
    def forward(ctx, *arrays, **options):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        """One gradient per positional input of forward (None where there is none)."""
        raise NotImplementedError


def value_of(x):
    """The array behind a Tensor or Parameter; anything else as it is."""
    from ..layers.base import Parameter
    if isinstance(x, Tensor):
        return x.value
    if isinstance(x, Parameter):
        return x.value
    return x


def apply(function: type[Function], *args, **options):
    from ..engine.graph import KerasTensor, op_node
    if any(isinstance(a, KerasTensor) for a in args):
        return op_node(function, args, options)
    ctx = Context()
    output = function.forward(ctx, *[value_of(a) for a in args], **options)
    tape = current_tape()
    if tape is None or not function.differentiable or not any(tape.tracks(a) for a in args):
        return output
    if isinstance(output, (tuple, list)):
        output = tuple(Tensor(o, tape) for o in output)
    else:
        output = Tensor(output, tape)
    tape.record(function.backward, ctx, args, output)
    return output
