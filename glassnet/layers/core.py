"""Lambda, Identity, and OpLayer (an op of glassnet.ops used in a functional graph)."""

from __future__ import annotations

import numpy as np

from .base import Layer


def _infer_output_shape(run, input_shape):
    """The output shape of ``run`` on inputs of ``input_shape`` (one shape or a list), found by
    running it on zeros twice, with unknown sizes as 2 and then 3: the axes whose size follows
    are unknown (None) in the output."""
    several = isinstance(input_shape, list)
    shapes = input_shape if several else [input_shape]
    results = []
    for size in (2, 3):
        arrays = [np.zeros([size if d is None else d for d in s], np.float32) for s in shapes]
        out = run(arrays if several else arrays[0])
        results.append([np.shape(o) for o in out] if isinstance(out, (list, tuple)) else np.shape(out))
    first, second = results

    def merge(a, b):
        return tuple(None if x != y else x for x, y in zip(a, b))

    return [merge(a, b) for a, b in zip(first, second)] if isinstance(first, list) else merge(first, second)


class OpLayer(Layer):
    """``function`` of glassnet.ops applied to symbolic tensors: its forward and backward are the
    op's own, with the op's context kept on the call."""

    def __init__(self, function, args, options, **kwargs):
        from ..engine.graph import KerasTensor
        from ..utils.naming import to_snake_case
        super().__init__(name=kwargs.pop("name", None) or _op_name(to_snake_case(function.__name__)), **kwargs)
        self.function, self.options = function, dict(options)
        self.template = [None if isinstance(a, KerasTensor) else a for a in args]
        self.slots = [i for i, a in enumerate(args) if isinstance(a, KerasTensor)]

    def _arguments(self, xs):
        xs = xs if isinstance(xs, list) else [xs]
        arguments = list(self.template)
        for slot, x in zip(self.slots, xs):
            arguments[slot] = x
        return arguments

    def compute_output_shape(self, input_shape):
        from ..ops.tape import Context
        return _infer_output_shape(lambda xs: self.function.forward(Context(), *self._arguments(xs), **self.options),
                                   input_shape)

    def forward(self, x, training=False):
        from ..ops.tape import Context
        ctx = Context()
        self._saved = (ctx, [np.shape(v) for v in (x if isinstance(x, list) else [x])])
        return self.function.forward(ctx, *self._arguments(x), **self.options)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad or not self.function.differentiable:
            return None
        from ..ops.tape import unbroadcast
        ctx, shapes = self._saved
        grads = self.function.backward(ctx, grad_output)
        result = [unbroadcast(np.asarray(grads[slot]), shape) for slot, shape in zip(self.slots, shapes)]
        return result if len(self.slots) > 1 else result[0]


def _op_name(base):
    from ..utils.naming import unique_name
    return unique_name(base)


class Lambda(Layer):
    """``Lambda(function)``: a layer that applies ``function`` (written with glassnet.ops or NumPy)
    to its input. Its backward comes from the tape, so the function must use glassnet.ops (or
    operators on its input) for gradients to flow. ``output_shape`` is found by running the
    function when not given."""

    supports_masking = True  # passes its input's mask on, as in Keras

    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f'Lambda "{self.name}": function must be callable, received {function!r}')
        self.function, self.arguments = function, dict(arguments or {})
        self._output_shape = None if output_shape is None else tuple(output_shape)

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is not None:
            return (input_shape[0] if not isinstance(input_shape, list) else None,) + self._output_shape
        from ..ops.tape import Tape
        def run(x):
            with Tape(training=False):
                return _plain(self.function(x, **self.arguments))
        return _infer_output_shape(run, input_shape)

    def get_config(self):
        raise ValueError(f'Lambda "{self.name}" holds Python code, which glassnet does not save (a file that runs '
                         "code is unsafe to open). Write a Layer subclass with call() and get_config() instead.")


def _plain(value):
    from ..ops.function import value_of
    if isinstance(value, (list, tuple)):
        return [np.asarray(value_of(v)) for v in value]
    return np.asarray(value_of(value))


class Identity(Layer):
    """Returns its input unchanged; backward passes the gradient through."""

    supports_masking = True  # passes its input's mask on, as in Keras

    def forward(self, x, training=False):
        return x

    def backward(self, grad_output, need_input_grad=True):
        return grad_output if need_input_grad else None
