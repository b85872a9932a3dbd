"""LSTM: Long Short-Term Memory (Hochreiter and Schmidhuber, 1997)."""

from __future__ import annotations

import numpy as np

from ... import activations as activations_module
from ... import initializers as initializers_module
from ...engine import recurrent_kernels
from ...utils.validation import check_bool
from .base import Recurrent, activation_argument, uses_fused_gates


class _ForgetBiasOnes(initializers_module.Initializer):
    """The bias with the forget gate's quarter set to one (``unit_forget_bias``), so that at
    first the cell keeps what it holds; the other quarters come from ``bias_initializer``."""

    def __init__(self, base, units: int):
        self.base, self.units = base, units

    def __call__(self, shape, dtype="float32"):
        u = self.units
        return np.concatenate([self.base((u,), dtype), np.ones((u,), dtype), self.base((2 * u,), dtype)])


def _halves(units: int, dtype) -> np.ndarray:
    """The row [1/2 (i, f), 1 (c), 1/2 (o)]: the gates' tanh arguments, sigma(x) = (1 + tanh(x/2))/2."""
    return np.repeat(np.array([0.5, 0.5, 1.0, 0.5], dtype), units)


def _shifts(units: int, dtype) -> np.ndarray:
    """The row [1/2 (i, f), 0 (c), 1/2 (o)]: with ``_halves``, a gate is shift + half tanh(half x)."""
    return np.repeat(np.array([0.5, 0.5, 0.0, 0.5], dtype), units)


class LSTM(Recurrent):
    """Long Short-Term Memory: a cell state c carried beside h, changed only through gates.

    With sigma the ``recurrent_activation`` (sigmoid) and f the ``activation`` (tanh), and the
    four gates side by side in W, U and b in Keras's order (i, f, c, o):

        i_t = sigma(x_t W_i + h_{t-1} U_i + b_i)     input gate
        f_t = sigma(x_t W_f + h_{t-1} U_f + b_f)     forget gate
        g_t = f(x_t W_c + h_{t-1} U_c + b_c)         candidate
        o_t = sigma(x_t W_o + h_{t-1} U_o + b_o)     output gate
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * f(c_t)

    Args: ``units``, ``recurrent_activation``, ``unit_forget_bias`` (forget-gate bias starts
    at 1) and the options every recurrent layer takes (layers/recurrent/base.py).
    Output: as SimpleRNN's; ``return_state`` adds the last h and c.
    Weights: kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,).

    Backward at step t, from dh = dL/dh_t and dc = dL/dc_t (from step t+1):
        do = dh * f(c_t),    dc += dh * o_t * f'(c_t)
        di = dc * g_t,   df = dc * c_{t-1},   dg = dc * i_t,   dL/dc_{t-1} = dc * f_t
        each gate's pre-activation gradient is its gradient times its activation's slope,
        dL/dh_{t-1} = [dz_i dz_f dz_c dz_o] U^T.
    """

    gate_count = 4
    state_count = 2

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 unit_forget_bias: bool = True, use_cudnn="auto", implementation: int = 2, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activation_argument(recurrent_activation, "recurrent_activation",
                                                        f'LSTM "{self.name}"')
        self.unit_forget_bias = check_bool(unit_forget_bias, "unit_forget_bias", f'LSTM "{self.name}"')
        self.use_cudnn = use_cudnn  # accepted for Keras's sake; there is no cuDNN here

    def make_bias_initializer(self):
        return _ForgetBiasOnes(self.bias_initializer, self.units) if self.unit_forget_bias else self.bias_initializer

    def _fused(self) -> bool:
        return uses_fused_gates(self) and recurrent_kernels.get("lstm_gates") is not None

    def add_input_bias(self, projected):
        if not self._fused():  # the fused step adds it with the step's other terms
            super().add_input_bias(projected)

    def begin(self, projected, history):
        timesteps, batch, width = projected.shape
        fused = self._fused()
        cache = {"z": projected, "c": history[1], "fused": fused,
                 "gates": self.scratch("gates", projected.shape, projected.dtype),
                 "f_c": self.scratch("f_c", (timesteps, batch, self.units), projected.dtype)}
        if fused:
            cache.update({name: recurrent_kernels.get(name) for name in ("lstm_arguments", "lstm_gates", "lstm_backward")})
            cache["halves"] = _halves(self.units, projected.dtype)
            cache["bias"] = self.bias.value if self.use_bias else np.zeros(width, projected.dtype)
            cache["kernel_t"] = np.ascontiguousarray(self.recurrent_kernel.value.T)
            state = (batch, self.units)
            cache["squashed"] = self.scratch("squashed", (batch, width), projected.dtype)
            # backward's dL/dc_{t-1} and dL/dh_{t-1}: two buffers each, used in turn
            cache["dc"] = (self.scratch("dc0", state, projected.dtype), self.scratch("dc1", state, projected.dtype))
            cache["dh"] = (self.scratch("dh0", state, projected.dtype), self.scratch("dh1", state, projected.dtype))
        return cache

    def forward_sequence(self, inputs_and_states, history, h_in_all, step_mask, recurrent_keep):
        """Every step in one kernel call per slice of the batch, the slices side by side
        (engine/recurrent_kernels.py, engine/threads.py), where the gates are the fused ones."""
        forward = recurrent_kernels.get("lstm_sequence_forward") if self._fused() else None
        if forward is None:
            return None
        batch, dtype = inputs_and_states.shape[1], inputs_and_states.dtype
        timesteps, width = h_in_all.shape[0], 4 * self.units
        cache = {"sequence": True, "c": history[1], "h_in": h_in_all,
                 "gates": self.scratch("gates", (timesteps, batch, width), dtype),
                 "f_c": self.scratch("f_c", (timesteps, batch, self.units), dtype)}
        bias = self.bias.value.astype(dtype, copy=False) if self.use_bias else np.zeros(width, dtype)
        self.run_sequence_forward(forward, (bias, _halves(self.units, dtype), _shifts(self.units, dtype), history[1],
                                            cache["gates"], cache["f_c"], self.scratch("squashed", (batch, width), dtype)),
                                  inputs_and_states, h_in_all, step_mask, recurrent_keep)
        return cache

    def backward_sequence(self, cache, d_states, d_sequence, inputs_and_states, input_keep, step_mask,
                          recurrent_keep, need_input_grad):
        batch, dtype = inputs_and_states.shape[1], inputs_and_states.dtype
        dh, dc = d_states
        cell = (dc, cache["gates"], cache["f_c"], cache["c"], self.scratch("d_z", (batch, 4 * self.units), dtype))
        return self.run_sequence_backward(recurrent_kernels.get("lstm_sequence_backward"), cell, dh, d_sequence,
                                          inputs_and_states, cache["h_in"], input_keep, step_mask, recurrent_keep,
                                          need_input_grad)

    def step(self, cache, t, states, h_in, new_states):
        u = self.units
        z, gates = cache["z"][t], cache["gates"][t]
        h, c = new_states
        if cache["fused"]:                            # the same maths in fewer passes (engine/recurrent_kernels.py)
            squashed = np.dot(h_in, self.recurrent_kernel.value, out=cache["squashed"])
            cache["lstm_arguments"](squashed, z, cache["bias"], cache["halves"])
            cache["lstm_gates"](np.tanh(squashed, out=squashed), states[1], gates, c)
            np.multiply(gates[:, 3 * u:], np.tanh(c, out=cache["f_c"][t]), out=h)
            return
        z += h_in @ self.recurrent_kernel.value
        gates[:, :2 * u] = self.recurrent_activation.forward(z[:, :2 * u])   # i, f
        gates[:, 2 * u:3 * u] = self.activation.forward(z[:, 2 * u:3 * u])   # g
        gates[:, 3 * u:] = self.recurrent_activation.forward(z[:, 3 * u:])   # o
        i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:3 * u], gates[:, 3 * u:]
        c[...] = f * states[1] + i * g
        f_c = cache["f_c"][t]
        f_c[...] = self.activation.forward(c)
        h[...] = o * f_c

    def step_backward(self, cache, t, d_states, d_projected, d_recurrent):
        u = self.units
        dh, dc = d_states
        z, gates, f_c = cache["z"][t], cache["gates"][t], cache["f_c"][t]
        c_previous, c = cache["c"][t], cache["c"][t + 1]
        if cache["fused"]:
            dc_previous = cache["dc"][t & 1]
            cache["lstm_backward"](dh, dc, gates, f_c, c_previous, d_projected, dc_previous)
            dh_previous = np.dot(d_projected, cache["kernel_t"], out=cache["dh"][t & 1])
            return dh_previous, [None, dc_previous]
        i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:3 * u], gates[:, 3 * u:]
        dc = dc + self.activation.backward(c, f_c, dh * o)
        d_gates = np.concatenate([dc * g, dc * c_previous, dc * i, dh * f_c], axis=1)
        d_projected[:, :2 * u] = self.recurrent_activation.backward(z[:, :2 * u], gates[:, :2 * u], d_gates[:, :2 * u])
        d_projected[:, 2 * u:3 * u] = self.activation.backward(z[:, 2 * u:3 * u], g, d_gates[:, 2 * u:3 * u])
        d_projected[:, 3 * u:] = self.recurrent_activation.backward(z[:, 3 * u:], o, d_gates[:, 3 * u:])
        return d_projected @ self.recurrent_kernel.value.T, [None, dc * f]

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations_module.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
