"""SimpleRNN: h_t = f(x_t W + h_{t-1} U + b)."""

from __future__ import annotations

import numpy as np

from ... import activations as activations_module
from ...engine import recurrent_kernels, threads
from .base import Recurrent, kernel_mask, or_empty, split_with_shares


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
        arguments = (inputs_and_states, np.ascontiguousarray(self.kernel.value, dtype),   # (float64 input: float64 maths)
                     np.ascontiguousarray(self.recurrent_kernel.value, dtype), bias,
                     self.scratch("z", (batch, u), dtype), kernel_mask(step_mask, h_in_all.shape[0], batch),
                     or_empty(recurrent_keep, 2, dtype), or_empty(None if recurrent_keep is None else h_in_all, 3, dtype))
        threads.split_rows(lambda start, stop: forward(*arguments, start, stop), batch)
        return {"sequence": True, "h_in": h_in_all}

    def backward_sequence(self, cache, d_states, d_sequence, inputs_and_states, input_keep, step_mask,
                          recurrent_keep, need_input_grad):
        backward = recurrent_kernels.get("rnn_sequence_backward")
        steps_and_one, batch, stride = inputs_and_states.shape
        timesteps, dtype, u = steps_and_one - 1, inputs_and_states.dtype, self.units
        features = stride - u
        if d_sequence is not None:
            d_sequence = np.ascontiguousarray(d_sequence.transpose(1, 0, 2), dtype)      # (N, T, units)
        d_x = np.empty((batch, timesteps, features), dtype) if need_input_grad else None
        arguments = (or_empty(d_sequence, 3, dtype), d_states[0], inputs_and_states,
                     np.ascontiguousarray(self.kernel.value.T, dtype), np.ascontiguousarray(self.recurrent_kernel.value.T, dtype),
                     self.scratch("d_z", (batch, u), dtype), kernel_mask(step_mask, timesteps, batch),
                     or_empty(recurrent_keep, 2, dtype), or_empty(None if recurrent_keep is None else cache["h_in"], 3, dtype),
                     self.scratch("d_h_in", (batch, u), dtype), or_empty(d_x, 3, dtype), self.go_backwards)
        self.kernel.grad[...], self.recurrent_kernel.grad[...], bias = split_with_shares(
            backward, arguments, batch, [(features, u), (u, u), (u,)], dtype)
        if self.use_bias:
            self.bias.grad[...] = bias
        if d_x is not None and input_keep is not None:
            d_x *= input_keep[:, None, :]
        return d_x

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
