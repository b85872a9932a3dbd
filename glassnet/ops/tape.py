"""The tape: what one forward pass computed, replayed backwards for the gradients.

micrograd does this for scalars; here each entry is an array operation. While a tape is
active (``with Tape():``), every op that touches a ``Tensor`` or a trainable ``Parameter``
records ``(function, ctx, inputs, output)``; ``ctx`` holds what that call's backward needs
(tinygrad's ``save_for_backward``), on the call, never on the function. ``backward`` walks the
entries in reverse and applies the chain rule, summing the gradients of a value used twice:

    forward   y = f(a, b)          record (f, ctx, [a, b], y)
    backward  g_a += df/da^T g_y,  g_b += df/db^T g_y      for entries in reverse order

A layer call recorded on the tape (a sublayer inside a subclassed model's ``call``) is one
entry whose backward is the layer's own ``backward``.
"""

from __future__ import annotations

import threading

import numpy as np

_active = threading.local()


def current_tape() -> "Tape | None":
    stack = getattr(_active, "stack", None)
    return stack[-1] if stack else None


class Context:
    """What one op call keeps for its backward: ``ctx.saved`` and any attributes it sets."""

    def __init__(self):
        self.saved = ()

    def save(self, *arrays):
        self.saved = arrays


class Tensor:
    """An array recorded on a tape. Arithmetic on it records further ops; ``.numpy()`` (or
    ``np.asarray``) gives the array."""

    __slots__ = ("value", "tape", "_keras_mask")
    __array_ufunc__ = None  # numpy operators defer to ours, so `array + tensor` is recorded too

    def __init__(self, value, tape: "Tape"):
        self.value = value
        self.tape = tape
        self._keras_mask = None  # set by a masking layer (layers/masking_support.py)

    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype)
    ndim = property(lambda self: self.value.ndim)

    def __len__(self):
        return len(self.value)

    def numpy(self) -> np.ndarray:
        return self.value

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __repr__(self) -> str:
        return f"<Tensor shape={self.value.shape} dtype={self.value.dtype}>"


class Tape:
    """The entries of one forward pass (see the module docstring)."""

    def __init__(self, training: bool = True, contexts=None):
        self.training = training
        self.entries: list = []
        self.contexts = contexts  # a model's pool of layer-call contexts, reused step to step
        self.layer_calls = 0
        self.losses: list = []    # add_loss tensors: each gets dL/dloss = 1 in backward

    def __enter__(self):
        if not hasattr(_active, "stack"):
            _active.stack = []
        _active.stack.append(self)
        return self

    def __exit__(self, *exc):
        _active.stack.pop()

    def watch(self, value) -> Tensor:
        """A leaf: an input whose gradient is wanted."""
        return Tensor(np.asarray(value), self)

    def tracks(self, value) -> bool:
        from ..layers.base import Parameter
        return (isinstance(value, Tensor) and value.tape is self) or (isinstance(value, Parameter) and value.trainable)

    def record(self, backward, ctx, inputs, output):
        self.entries.append((backward, ctx, inputs, output))

    def record_layer_call(self, backward, inputs, output, layer):
        """A layer's call: its backward also reports the layer's weight gradients."""
        ctx = Context()
        ctx.weight_grads = []
        ctx.layer = layer
        self.record(backward, ctx, inputs, output)

    def next_layer_context(self):
        """The context for the next layer call on this tape: the pooled one at this position
        when the owner keeps a pool (its scratch arrays are reused), else a new one."""
        from ..layers.base import CallContext
        index = self.layer_calls
        self.layer_calls += 1
        if self.contexts is None:
            return CallContext()
        while len(self.contexts) <= index:
            self.contexts.append(CallContext())
        return self.contexts[index]

    def backward(self, outputs, grads) -> dict:
        """Gradients {id(value): dL/dvalue} of every tracked input and Parameter, given
        dL/doutput for each of ``outputs``; a loss added with ``add_loss`` adds to L itself."""
        totals: dict = {}
        outputs = list(outputs) + self.losses
        grads = list(grads) + [np.ones_like(loss.value) for loss in self.losses]
        for output, grad in zip(outputs, grads):
            if isinstance(output, Tensor) or self.tracks(output):
                _accumulate(totals, output, grad)
        for backward, ctx, inputs, output in reversed(self.entries):
            if isinstance(output, tuple):
                grad = [totals.pop(id(o), None) for o in output]
                if all(g is None for g in grad):
                    continue
                grad = [np.zeros_like(o.value) if g is None else g for g, o in zip(grad, output)]
            else:
                grad = totals.pop(id(output), None)
                if grad is None:
                    continue
            input_grads = backward(ctx, grad)
            weight_grads = getattr(ctx, "weight_grads", None)
            if weight_grads:
                for parameter, weight_grad in weight_grads:
                    _accumulate(totals, parameter, weight_grad)
                weight_grads.clear()
            for value, input_grad in zip(inputs, input_grads):
                if input_grad is not None and self.tracks(value):
                    _accumulate(totals, value, unbroadcast(np.asarray(input_grad), np.shape(_array(value))))
        return totals


class collecting_losses:  # noqa: N801 (used as a context manager, like contextlib's)
    """The values given to ``add_loss`` while the block runs (one forward pass of a model),
    as a list of floats that the model adds to its loss. A class, not a generator: it runs on
    every training step."""

    __slots__ = ("added",)

    def __enter__(self) -> list:
        stack = _active.__dict__.setdefault("loss_lists", [])
        self.added = []
        stack.append(self.added)
        return self.added

    def __exit__(self, *exc) -> None:
        _active.loss_lists.pop()


def add_loss(loss) -> None:
    """Keras's ``add_loss``: ``loss`` (summed when it is an array) joins the model's loss. Made
    with ops inside ``call`` while training, it is a tape's tensor and its gradient flows back."""
    from .function import value_of
    tape = current_tape()
    if tape is not None and isinstance(loss, Tensor) and loss.tape is tape:
        tape.losses.append(loss)
    lists = getattr(_active, "loss_lists", None)
    if lists:
        lists[-1].append(float(np.sum(value_of(loss))))


def _array(value):
    return value.value if hasattr(value, "value") else value


def _accumulate(totals: dict, value, grad) -> None:
    key = id(value)
    previous = totals.get(key)
    totals[key] = grad if previous is None else previous + grad


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if grad.shape == tuple(shape):
        return grad
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad.reshape(shape)
