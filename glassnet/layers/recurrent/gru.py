"""GRU: the Gated Recurrent Unit (Cho et al., 2014)."""

from __future__ import annotations

import numpy as np

from ... import activations as activations_module
from ...engine import recurrent_kernels
from ...utils.validation import check_bool
from ..base import column_sums
from .base import Recurrent, activation_argument, uses_fused_gates


class GRU(Recurrent):
    """Gated Recurrent Unit: h is mixed, by an update gate z, with a candidate computed through
    a reset gate r. With sigma the ``recurrent_activation`` (sigmoid), f the ``activation``
    (tanh), gates side by side in Keras's order (z, r, h):

        z_t = sigma(x_t W_z + b_z + h_{t-1} U_z + b'_z)       update gate
        r_t = sigma(x_t W_r + b_r + h_{t-1} U_r + b'_r)       reset gate
        n_t = f(x_t W_h + b_h + r_t * (h_{t-1} U_h + b'_h))   candidate (reset_after=True)
        n_t = f(x_t W_h + b_h + (r_t * h_{t-1}) U_h)          candidate (reset_after=False)
        h_t = z_t * h_{t-1} + (1 - z_t) * n_t

    Args: ``units``, ``recurrent_activation``, ``reset_after`` (Keras 3's default True: the
    reset gate is applied after the product with U, and the bias has two rows, b for the input
    and b' for the recurrent product) and the options every recurrent layer takes.
    Weights: kernel (features, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units)
    with reset_after, else (3 units,).

    Backward at step t, from dh = dL/dh_t:
        dz = dh * (h_{t-1} - n_t),  dn = dh * (1 - z_t),  dL/dh_{t-1} gets dh * z_t directly
        da = dn * f'(.)  (the candidate's pre-activation),  dr = da * (h_{t-1} U_h + b'_h)
        the recurrent product's gradient is [dz sigma', dr sigma', da * r_t], and through U it
        adds to dL/dh_{t-1} (reset_after=False: da U_h^T reaches r_t * h_{t-1} instead).
    """

    gate_count = 3

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 reset_after: bool = True, use_cudnn="auto", implementation: int = 2, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activation_argument(recurrent_activation, "recurrent_activation",
                                                        f'GRU "{self.name}"')
        self.reset_after = check_bool(reset_after, "reset_after", f'GRU "{self.name}"')
        self.separate_recurrent_gradient = self.reset_after
        self.use_cudnn = use_cudnn  # accepted for Keras's sake; there is no cuDNN here

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def add_input_bias(self, projected):
        if self.use_bias:
            projected += self.bias.value[0] if self.reset_after else self.bias.value

    def begin(self, projected, history):
        timesteps, batch, _ = projected.shape
        shape = (timesteps, batch, self.units)
        fused = self.reset_after and uses_fused_gates(self)
        return {"a": projected, "h": history[0],
                "gates_kernel": fused and recurrent_kernels.get("gru_gates"),
                "backward_kernel": fused and recurrent_kernels.get("gru_backward"),
                "gates": self.scratch("gates", (timesteps, batch, 2 * self.units), projected.dtype),
                "n": self.scratch("n", shape, projected.dtype),
                # reset_after: h_in U + b' (the candidate's share); else r * h_in
                "inner": self.scratch("inner", projected.shape if self.reset_after else shape, projected.dtype)}

    def forward_sequence(self, inputs_and_states, history, h_in_all, step_mask, recurrent_keep):
        """Every step in one kernel call per slice of the batch, the slices side by side
        (engine/recurrent_kernels.py, engine/threads.py), with reset_after and the fused gates."""
        fused = self.reset_after and uses_fused_gates(self)
        forward = recurrent_kernels.get("gru_sequence_forward") if fused else None
        if forward is None:
            return None
        batch, dtype, u = inputs_and_states.shape[1], inputs_and_states.dtype, self.units
        timesteps = h_in_all.shape[0]
        cache = {"sequence": True, "h_in": h_in_all,
                 "gates": self.scratch("gates", (timesteps, batch, 2 * u), dtype),
                 "n": self.scratch("n", (timesteps, batch, u), dtype),
                 "inner": self.scratch("inner", (timesteps, batch, u), dtype)}
        bias = self.bias.value.astype(dtype, copy=False) if self.use_bias else np.zeros((2, 3 * u), dtype)
        self.run_sequence_forward(forward, (bias[0], bias[1], cache["gates"], cache["n"], cache["inner"],
                                            self.scratch("a", (batch, 3 * u), dtype),
                                            self.scratch("squashed", (batch, 3 * u), dtype)),
                                  inputs_and_states, h_in_all, step_mask, recurrent_keep)
        return cache

    def backward_sequence(self, cache, d_states, d_sequence, inputs_and_states, input_keep, step_mask,
                          recurrent_keep, need_input_grad):
        batch, dtype, u = inputs_and_states.shape[1], inputs_and_states.dtype, self.units
        cell = (cache["gates"], cache["n"], cache["inner"], self.scratch("d_a", (batch, 3 * u), dtype),
                self.scratch("d_inner", (batch, 3 * u), dtype))
        return self.run_sequence_backward(recurrent_kernels.get("gru_sequence_backward"), cell, d_states[0], d_sequence,
                                          inputs_and_states, cache["h_in"], input_keep, step_mask, recurrent_keep,
                                          need_input_grad)

    def step(self, cache, t, states, h_in, new_states):
        u = self.units
        h = new_states[0]
        a, gates, n, inner = cache["a"][t], cache["gates"][t], cache["n"][t], cache["inner"][t]
        kernel = self.recurrent_kernel.value
        if self.reset_after:
            np.dot(h_in, kernel, out=inner)  # np.dot: a little less overhead than np.matmul for one small product
            if self.use_bias:
                inner += self.bias.value[1]
            if cache["gates_kernel"]:                 # the same maths in fewer passes (engine/recurrent_kernels.py)
                squashed = np.add(a[:, :2 * u], inner[:, :2 * u], out=self.scratch("squashed", gates.shape, a.dtype))
                squashed *= a.dtype.type(0.5)
                cache["gates_kernel"](np.tanh(squashed, out=squashed), a, inner, gates)
                np.tanh(a[:, 2 * u:], out=n)
                np.multiply(np.subtract(states[0], n, out=h), gates[:, :u], out=h)   # h = n + z (h_prev - n)
                h += n
                return
            a[:, :2 * u] += inner[:, :2 * u]
        else:
            a[:, :2 * u] += h_in @ kernel[:, :2 * u]
        gates[...] = self.recurrent_activation.forward(a[:, :2 * u])
        z, r = gates[:, :u], gates[:, u:]
        if self.reset_after:
            a[:, 2 * u:] += r * inner[:, 2 * u:]
        else:
            np.multiply(r, h_in, out=inner)
            a[:, 2 * u:] += inner @ kernel[:, 2 * u:]
        n[...] = self.activation.forward(a[:, 2 * u:])
        h[...] = z * states[0] + (1 - z) * n

    def step_backward(self, cache, t, d_states, d_projected, d_recurrent):
        u = self.units
        dh = d_states[0]
        a, gates, n, inner = cache["a"][t], cache["gates"][t], cache["n"][t], cache["inner"][t]
        z, r = gates[:, :u], gates[:, u:]
        h_previous = cache["h"][t]
        kernel = self.recurrent_kernel.value
        if cache["backward_kernel"]:
            direct = np.empty_like(dh)
            cache["backward_kernel"](dh, gates, n, inner, h_previous, d_projected, d_recurrent, direct)
            return d_recurrent @ kernel.T, [direct]
        d_a = self.activation.backward(a[:, 2 * u:], n, dh * (1 - z))
        d_projected[:, 2 * u:] = d_a
        if self.reset_after:
            d_r = d_a * inner[:, 2 * u:]
        else:
            d_reset_h = d_a @ kernel[:, 2 * u:].T           # dL/d(r * h_in)
            d_r = d_reset_h * cache["h_in"][t]
        d_gates = np.concatenate([dh * (h_previous - n), d_r], axis=1)
        d_projected[:, :2 * u] = self.recurrent_activation.backward(a[:, :2 * u], gates, d_gates)
        if self.reset_after:
            d_recurrent[:, :2 * u] = d_projected[:, :2 * u]
            np.multiply(d_a, r, out=d_recurrent[:, 2 * u:])
            d_h_in = d_recurrent @ kernel.T
        else:
            d_h_in = d_projected[:, :2 * u] @ kernel[:, :2 * u].T + d_reset_h * r
        return d_h_in, [dh * z]

    def recurrent_kernel_gradient(self, cache, h_in, d_recurrent):
        if self.reset_after:
            return super().recurrent_kernel_gradient(cache, h_in, d_recurrent)
        u = self.units
        reset_h = cache["inner"].reshape(-1, u)             # r * h_in at every step
        np.matmul(h_in.T, d_recurrent[:, :2 * u], out=self.recurrent_kernel.grad[:, :2 * u])
        np.matmul(reset_h.T, d_recurrent[:, 2 * u:], out=self.recurrent_kernel.grad[:, 2 * u:])

    def bias_gradient(self, d_projected, d_recurrent):
        if not self.reset_after:
            return super().bias_gradient(d_projected, d_recurrent)
        column_sums(d_projected, out=self.bias.grad[0])
        column_sums(d_recurrent, out=self.bias.grad[1])

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations_module.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}
