"""SimpleRNN: h_t = f(x_t W + h_{t-1} U + b)."""

from __future__ import annotations

import numpy as np

from ... import activations as activations_module
from ...engine import recurrent_kernels
from .base import Recurrent


class SimpleRNN(Recurrent):
    """The plain recurrent layer, one matrix product of the input and one of the state per step:

        z_t = x_t W + h_{t-1} U + b,    h_t = f(z_t)    (f = ``activation``, tanh by default)

    Args: ``units`` and the options every recurrent layer takes (layers/recurrent/base.py):
    activation, use_bias, kernel/recurrent/bias initializers ("glorot_uniform", "orthogonal",
    "zeros") and regularizers, dropout, recurrent_dropout, seed, return_sequences,
    return_state, go_backwards.

    Input: (batch, timesteps, features). Output: (batch, units), or (batch, timesteps, units)
    with ``return_sequences``; with ``return_state`` also the last h.
    Weights: kernel W (features, units), recurrent_kernel U (units, units), bias b (units,).

    Backward at step t, from g = dL/dh_t: dz_t = g f'(z_t), dL/dh_{t-1} = dz_t U^T.
    """

    def forward_sequence(self, inputs_and_states, history, h_in_all, step_mask, recurrent_keep):
        """Every step in one kernel call per slice of the batch, the slices side by side
        (engine/recurrent_kernels.py, engine/threads.py), for the default tanh."""
        dtype = inputs_and_states.dtype
        fused = type(self.activation) is activations_module.Tanh and dtype in (np.float32, np.float64)
        forward = recurrent_kernels.get("rnn_sequence_forward") if fused else None
        if forward is None:
            return None
        batch, u = inputs_and_states.shape[1], self.units
        bias = self.bias.value.astype(dtype, copy=False) if self.use_bias else np.zeros(u, dtype)
        self.run_sequence_forward(forward, (bias, self.scratch("z", (batch, u), dtype)), inputs_and_states, h_in_all,
                                  step_mask, recurrent_keep)
        return {"sequence": True, "h_in": h_in_all}

    def backward_sequence(self, cache, d_states, d_sequence, inputs_and_states, input_keep, step_mask,
                          recurrent_keep, need_input_grad):
        batch, dtype = inputs_and_states.shape[1], inputs_and_states.dtype
        return self.run_sequence_backward(recurrent_kernels.get("rnn_sequence_backward"),
                                          (self.scratch("d_z", (batch, self.units), dtype),), d_states[0], d_sequence,
                                          inputs_and_states, cache["h_in"], input_keep, step_mask, recurrent_keep,
                                          need_input_grad)

    def begin(self, projected, history):
        return {"z": projected, "h": history[0]}

    def step(self, cache, t, states, h_in, new_states):
        z = cache["z"][t]
        z += h_in @ self.recurrent_kernel.value
        new_states[0][...] = self.activation.forward(z)

    def step_backward(self, cache, t, d_states, d_projected, d_recurrent):
        z, h = cache["z"][t], cache["h"][t + 1]
        d_projected[...] = self.activation.backward(z, h, d_states[0])
        return d_projected @ self.recurrent_kernel.value.T, [None]
