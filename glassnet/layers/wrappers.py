"""Wrappers: a layer applied at every time step (TimeDistributed), and a recurrent layer run
both ways along the sequence (Bidirectional)."""

from __future__ import annotations

import numpy as np

from ..utils.validation import check_choice
from .base import Layer, _shape_text


def _check_layer(layer, owner: str, argument: str = "layer") -> Layer:
    if not isinstance(layer, Layer):
        raise TypeError(f"{owner}: {argument} must be a layer instance, e.g. {owner.split()[0]}(layers.LSTM(32)); "
                        f"received {type(layer).__name__}.")
    return layer


class TimeDistributed(Layer):
    """Apply ``layer`` to each time step: ``y[:, t] = layer(x[:, t])`` with one set of weights.

    Input shape: ``(batch, timesteps, ...)``; output shape: ``(batch, timesteps) + layer's
    output shape without its batch axis``. Computed as one call of ``layer`` on the
    ``batch * timesteps`` steps side by side, so backward is the layer's own, reshaped.
    """

    supports_masking = True
    makes_masks = False

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = _check_layer(layer, f'TimeDistributed "{self.name}"')

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f'TimeDistributed "{self.name}" expects input of at least 3 axes (batch, timesteps, '
                             f"...), received shape {_shape_text(input_shape)}.")
        self.layer.build_for((None,) + tuple(input_shape[2:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None,) + tuple(input_shape[2:]))
        return tuple(input_shape[:2]) + tuple(inner[1:])

    def forward(self, x, training=False):
        n, t = x.shape[:2]
        y = self.layer.forward(x.reshape((n * t,) + x.shape[2:]), training=training)
        self._saved = x.shape
        return y.reshape((n, t) + y.shape[1:])

    def backward(self, grad_output, need_input_grad=True):
        shape = self._saved
        n, t = grad_output.shape[:2]
        grad = self.layer.backward(grad_output.reshape((n * t,) + grad_output.shape[2:]), need_input_grad)
        return None if grad is None else grad.reshape(shape)

    def get_config(self):
        from .serialization import serialize
        return {**super().get_config(), "layer": serialize(self.layer)}

    @property
    def keras_sublayers(self):
        """(group in a .keras file, config key, layer) of the wrapped layer."""
        return (("layer", "layer", self.layer),)

    @classmethod
    def from_config(cls, config):
        return super().from_config(_wrapped_from_config(config, ("layer",)))


def _wrapped_from_config(config: dict, keys) -> dict:
    """``config`` with the layers under ``keys`` rebuilt from their serialized form."""
    from .serialization import deserialize
    config = dict(config)
    for key in keys:
        if isinstance(config.get(key), dict):
            config[key] = deserialize(config[key])
    return config


_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Run a recurrent ``layer`` forwards and a copy of it backwards over the sequence, and
    merge the two outputs: ``y = merge(forward(x), reverse(backward(x)))``.

    Args:
        layer: a recurrent layer (``LSTM(64)``); Bidirectional makes two fresh copies of it
            from its config, ``forward_<name>`` and ``backward_<name>`` (``go_backwards`` flipped).
        merge_mode: ``"concat"`` (default; features doubled), ``"sum"``, ``"mul"``, ``"ave"``, or
            ``None`` (a list of both outputs).
        backward_layer: the backward layer, instead of a copy of ``layer``.

    With ``return_sequences`` the backward layer's sequence is reversed back into time order
    before merging, so both halves of ``y[:, t]`` describe step t. With ``return_state`` the
    output is ``[y, *forward states, *backward states]``. Masks reach both layers; as in
    Keras, a returned sequence carries the input's mask on.

    Backward: the merge's gradient is split between the halves (concat: the two slices; sum,
    ave: the same, halved for ave; mul: dy * the other half), each half runs its own backward,
    and dx is their sum.
    """

    supports_masking = True
    makes_masks = False

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        owner = f'Bidirectional "{self.name}"'
        layer = _check_layer(layer, owner)
        if not hasattr(layer, "go_backwards") or not hasattr(layer, "return_sequences"):
            raise TypeError(f"{owner}: layer must be a recurrent layer (SimpleRNN, LSTM, GRU), received "
                            f"{type(layer).__name__}.")
        self.merge_mode = check_choice(merge_mode, _MERGE_MODES, "merge_mode", owner)
        self.forward_layer = _copy(layer, name=f"forward_{_without(layer.name, 'forward_')}")
        if backward_layer is None:
            self.backward_layer = _copy(layer, name=f"backward_{_without(layer.name, 'backward_')}",
                                        go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = _check_layer(backward_layer, owner, "backward_layer")
        for attribute in ("go_backwards",):
            if getattr(self.forward_layer, attribute) == getattr(self.backward_layer, attribute):
                raise ValueError(f"{owner}: the forward and backward layers must differ in go_backwards, both have "
                                 f"go_backwards={getattr(self.forward_layer, attribute)}.")
        for attribute in ("return_sequences", "return_state"):
            if getattr(self.forward_layer, attribute) != getattr(self.backward_layer, attribute):
                raise ValueError(f"{owner}: the forward and backward layers must agree on {attribute}; received "
                                 f"{getattr(self.forward_layer, attribute)} and "
                                 f"{getattr(self.backward_layer, attribute)}.")
        for half in (self.forward_layer, self.backward_layer):
            if hasattr(half, "zero_output_for_mask"):  # as Keras: masked steps of a returned sequence are zeros
                half.zero_output_for_mask = half.return_sequences
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self._initial_weights = weights

    def build(self, input_shape):
        self.forward_layer.build_for(input_shape)
        self.backward_layer.build_for(input_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (None if shape[-1] is None else 2 * shape[-1],)
        outputs = [tuple(shape), tuple(shape)] if self.merge_mode is None else [tuple(shape)]
        outputs += states + states
        return outputs if len(outputs) > 1 else outputs[0]

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            masks += [None] * (2 * self.forward_layer.state_count)
        return masks if len(masks) > 1 else masks[0]

    def forward(self, x, training=False, mask=None):
        options = {} if mask is None else {"mask": mask}
        y_forward = self.forward_layer.forward(x, training=training, **options)
        y_backward = self.backward_layer.forward(x, training=training, **options)
        states = []
        if self.return_state:
            states = list(y_forward[1:]) + list(y_backward[1:])
            y_forward, y_backward = y_forward[0], y_backward[0]
        if self.return_sequences:
            y_backward = y_backward[:, ::-1]
        self._saved = (y_forward, y_backward)
        merged = self._merge(y_forward, y_backward)
        outputs = (list(merged) if self.merge_mode is None else [merged]) + states
        return outputs if len(outputs) > 1 else outputs[0]

    def _merge(self, a, b):
        mode = self.merge_mode
        if mode == "concat":
            return np.concatenate([a, b], axis=-1)
        if mode == "sum":
            return a + b
        if mode == "ave":
            return (a + b) / 2
        if mode == "mul":
            return a * b
        return (a, b)

    def _split(self, grads):
        """dL/d(forward half), dL/d(backward half) from the gradients of the outputs."""
        y_forward, y_backward = self._saved
        mode = self.merge_mode
        if mode is None:
            return grads[0], grads[1], grads[2:]
        g, rest = grads[0], grads[1:]
        if g is None:
            return None, None, rest
        if mode == "concat":
            units = y_forward.shape[-1]
            return g[..., :units], g[..., units:], rest
        if mode == "sum":
            return g, g, rest
        if mode == "ave":
            return g / 2, g / 2, rest
        return g * y_backward, g * y_forward, rest

    def backward(self, grad_output, need_input_grad=True):
        grads = list(grad_output) if isinstance(grad_output, (list, tuple)) else [grad_output]
        g_forward, g_backward, state_grads = self._split(grads)
        if self.return_sequences and g_backward is not None:
            g_backward = g_backward[:, ::-1]
        half_states = len(state_grads) // 2
        total = None
        for half, g, g_states in ((self.forward_layer, g_forward, state_grads[:half_states]),
                                  (self.backward_layer, g_backward, state_grads[half_states:])):
            if g is None and all(s is None for s in g_states):
                continue
            if g is None:
                g = np.zeros_like(self._saved[0])
            grad = half.backward([g] + list(g_states) if self.return_state else g, need_input_grad)
            total = grad if total is None else total + grad
        return total if need_input_grad else None

    def get_config(self):
        from .serialization import serialize
        return {**super().get_config(), "merge_mode": self.merge_mode, "layer": serialize(self.forward_layer),
                "backward_layer": serialize(self.backward_layer)}

    @property
    def keras_sublayers(self):
        return (("forward_layer", "layer", self.forward_layer), ("backward_layer", "backward_layer", self.backward_layer))

    @classmethod
    def from_config(cls, config):
        return super().from_config(_wrapped_from_config(config, ("layer", "backward_layer")))


def _without(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def _copy(layer, **changes):
    """A fresh layer of ``layer``'s class and config, with ``changes`` to the config."""
    return type(layer).from_config({**layer.get_config(), **changes})
