"""Merge layers: several inputs of one shape in, one output.

    Add       y = x1 + x2 + ...          dL/dx_i = g
    Subtract  y = x1 - x2                dL/dx1 = g, dL/dx2 = -g
    Multiply  y = x1 * x2 * ...          dL/dx_i = g * prod_{j != i} x_j
    Average   y = (x1 + ... + xn) / n    dL/dx_i = g / n
    Maximum   y = max_i x_i              dL/dx_i = g where x_i is the (first) maximum, else 0
    Minimum   likewise with the minimum
    Concatenate(axis)                    dL/dx_i = the slice of g that x_i filled
    Dot(axes)  y = sum over axes of x1 * x2 (per sample)
"""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_bool
from .base import Layer, _shape_text


class Merge(Layer):
    """Base: checks that it gets a list of at least ``min_inputs`` inputs of one shape."""

    min_inputs, max_inputs = 2, None
    makes_masks = False  # it only combines its inputs' masks

    def _check_inputs(self, shapes):
        if not isinstance(shapes, list) or len(shapes) < self.min_inputs or (
                self.max_inputs and len(shapes) > self.max_inputs):
            count = f"exactly {self.max_inputs}" if self.max_inputs == self.min_inputs else f"at least {self.min_inputs}"
            raise ValueError(f'{type(self).__name__} layer "{self.name}" takes a list of {count} inputs, '
                             f"received {'a single input' if not isinstance(shapes, list) else len(shapes)}.")

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        rests = [tuple(s[1:]) for s in input_shape]
        if any(len(r) != len(rests[0]) or any(a is not None and b is not None and a != b and 1 not in (a, b)
                                              for a, b in zip(r, rests[0])) for r in rests):
            raise ValueError(f'{type(self).__name__} layer "{self.name}" needs inputs of one shape, received '
                             f"{', '.join(_shape_text(s) for s in input_shape)}.")
        rest = tuple(max((r[i] for r in rests if r[i] is not None), default=None) for i in range(len(rests[0])))
        return (input_shape[0][0],) + rest

    def check_input_shape(self, shape):
        pass

    def compute_mask(self, inputs, mask=None):
        """A step is real where it is real in every masked input (Keras's rule)."""
        masks = [m for m in (mask or []) if m is not None]
        return np.logical_and.reduce(masks) if masks else None

    def _unbroadcast(self, grads, xs):
        from ..ops.tape import unbroadcast
        return [unbroadcast(g, x.shape) for g, x in zip(grads, xs)]


class Add(Merge):
    def forward(self, xs, training=False):
        self._saved = xs
        total = xs[0] + xs[1]
        for x in xs[2:]:
            total = total + x
        return total

    def backward(self, grad_output, need_input_grad=True):
        return self._unbroadcast([grad_output] * len(self._saved), self._saved) if need_input_grad else None


class Subtract(Merge):
    max_inputs = 2

    def forward(self, xs, training=False):
        self._saved = xs
        return xs[0] - xs[1]

    def backward(self, grad_output, need_input_grad=True):
        return self._unbroadcast([grad_output, -grad_output], self._saved) if need_input_grad else None


class Multiply(Merge):
    def forward(self, xs, training=False):
        self._saved = xs
        product = xs[0] * xs[1]
        for x in xs[2:]:
            product = product * x
        return product

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        xs = self._saved
        grads = []
        for i in range(len(xs)):
            others = grad_output
            for j, x in enumerate(xs):
                if j != i:
                    others = others * x
            grads.append(others)
        return self._unbroadcast(grads, xs)


class Average(Add):
    def forward(self, xs, training=False):
        return super().forward(xs) / len(xs)

    def backward(self, grad_output, need_input_grad=True):
        return super().backward(grad_output / len(self._saved), need_input_grad)


class Maximum(Merge):
    pick = staticmethod(np.argmax)

    def forward(self, xs, training=False):
        stacked = np.stack(np.broadcast_arrays(*xs))
        winner = self.pick(stacked, axis=0)
        self._saved = (winner, xs)
        return np.take_along_axis(stacked, winner[None], axis=0)[0]

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        winner, xs = self._saved
        return self._unbroadcast([grad_output * (winner == i) for i in range(len(xs))], xs)


class Minimum(Maximum):
    pick = staticmethod(np.argmin)


class Concatenate(Merge):
    """``Concatenate(axis=-1)``: inputs of one shape except along ``axis``."""

    min_inputs = 1

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f'Concatenate "{self.name}": axis must be an integer, received {axis!r}')
        self.axis = int(axis)

    def compute_mask(self, inputs, mask=None):
        """Keras's rule: the inputs' masks (all-true for one without), each widened to its
        input's shape, are concatenated along ``axis``, and a step is real where any is."""
        if mask is None or all(m is None for m in mask):
            return None
        widened = []
        for x, m in zip(inputs, mask):
            m = np.ones(np.shape(x), bool) if m is None else m
            widened.append(np.broadcast_to(m[..., None], np.shape(x)) if m.ndim < np.ndim(x) else m)
        return np.any(np.concatenate(widened, axis=self.axis), axis=-1)

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        rank = len(input_shape[0])
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or axis == 0 or any(len(s) != rank for s in input_shape):
            raise ValueError(f'Concatenate layer "{self.name}" (axis={self.axis}) needs inputs of one rank with a '
                             f"feature axis {self.axis}, received {', '.join(_shape_text(s) for s in input_shape)}.")
        for i in range(1, rank):
            if i != axis and len({s[i] for s in input_shape if s[i] is not None}) > 1:
                raise ValueError(f'Concatenate layer "{self.name}" needs inputs that match except on the '
                                 f"concatenation axis ({self.axis}), received "
                                 f"{', '.join(_shape_text(s) for s in input_shape)}.")
        sizes = [s[axis] for s in input_shape]
        shape = list(input_shape[0])
        shape[axis] = None if None in sizes else sum(sizes)
        return tuple(shape)

    def forward(self, xs, training=False):
        self._saved = [x.shape[self.axis] for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        return np.split(grad_output, np.cumsum(self._saved)[:-1], axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """``Dot(axes)``: per sample, the sum of x1 * x2 over ``axes`` (an int, or one per input);
    ``normalize=True`` takes the cosine similarity. Inputs (batch, n) give (batch, 1)."""

    min_inputs = max_inputs = 2

    def __init__(self, axes, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes if isinstance(axes, (int, np.integer)) else tuple(axes)
        self.normalize = check_bool(normalize, "normalize", f'Dot "{self.name}"')

    def _axes(self, shapes):
        axes = (self.axes, self.axes) if isinstance(self.axes, (int, np.integer)) else self.axes
        for axis, shape in zip(axes, shapes):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:  # 0 is the batch axis
                raise ValueError(f'Dot layer "{self.name}": axes={self.axes!r} names axis {axis}, which an input of '
                                 f"shape {_shape_text(shape)} does not have (its axes after the batch axis are 1 to "
                                 f"{len(shape) - 1}, or -1 to -{len(shape) - 1}).")
        return [a % len(s) for a, s in zip(axes, shapes)]

    def compute_output_shape(self, input_shape):
        self._check_inputs(input_shape)
        a, b = input_shape
        axis_a, axis_b = self._axes(input_shape)
        if a[axis_a] is not None and b[axis_b] is not None and a[axis_a] != b[axis_b]:
            raise ValueError(f'Dot layer "{self.name}" multiplies axis {axis_a} of {_shape_text(a)} with axis {axis_b} '
                             f"of {_shape_text(b)}: their sizes differ.")
        rest = [d for i, d in enumerate(a) if i not in (0, axis_a)] + [d for i, d in enumerate(b) if i not in (0, axis_b)]
        return (a[0],) + (tuple(rest) if rest else (1,))

    def forward(self, xs, training=False):
        from .. import ops
        from ..ops.tape import Tape
        tape = Tape()
        watched = [tape.watch(x) for x in xs]
        with tape:
            a, b = watched
            axis_a, axis_b = self._axes([x.shape for x in xs])
            if self.normalize:
                a = a / ops.sqrt(ops.sum(a * a, axis=axis_a, keepdims=True) + 1e-12)
                b = b / ops.sqrt(ops.sum(b * b, axis=axis_b, keepdims=True) + 1e-12)
            y = ops.einsum(self._subscripts(xs[0].ndim, xs[1].ndim, axis_a, axis_b), a, b)
            if y.ndim == 1:
                y = ops.expand_dims(y, -1)
        self._saved = (tape, watched, y)
        return y.value

    @staticmethod
    def _subscripts(rank_a, rank_b, axis_a, axis_b):
        letters = iter("bcdefghijklmnopqrstuvwxyz")
        a = ["a"] + [next(letters) for _ in range(rank_a - 1)]
        b = ["a"] + [next(letters) for _ in range(rank_b - 1)]
        b[axis_b] = a[axis_a]
        out = "a" + "".join(c for i, c in enumerate(a) if i not in (0, axis_a)) + "".join(
            c for i, c in enumerate(b) if i not in (0, axis_b))
        return "".join(a) + "," + "".join(b) + "->" + out

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        tape, watched, y = self._saved
        totals = tape.backward([y], [grad_output])
        return [totals.get(id(w), np.zeros_like(w.value)) for w in watched]

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs): return Add(**kwargs)(inputs)
def subtract(inputs, **kwargs): return Subtract(**kwargs)(inputs)
def multiply(inputs, **kwargs): return Multiply(**kwargs)(inputs)
def average(inputs, **kwargs): return Average(**kwargs)(inputs)
def maximum(inputs, **kwargs): return Maximum(**kwargs)(inputs)
def minimum(inputs, **kwargs): return Minimum(**kwargs)(inputs)
def concatenate(inputs, axis=-1, **kwargs): return Concatenate(axis=axis, **kwargs)(inputs)
def dot(inputs, axes=-1, normalize=False, **kwargs): return Dot(axes, normalize, **kwargs)(inputs)
