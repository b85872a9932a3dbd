"""What every recurrent layer (SimpleRNN, LSTM, GRU) shares: the loop over time, masks,
dropout, the states it returns, and backpropagation through time.

A recurrent layer reads a sequence ``x`` of shape (batch, timesteps, features) one step at a
time, carrying states (``h``, and for an LSTM also ``c``) of shape (batch, units) from step to
step. Each step is the layer's cell (``step``), a few lines of maths in each subclass:

    projected_t = x_t W + b                    (every step's at once: one big matrix product)
    h_t, ... = cell(projected_t, h_{t-1}, ...)  (h_{t-1} U inside: one small product per step)

Backward walks the steps in reverse (``step_backward``), carrying dL/dh_t (and dL/dc_t) back
to step t-1, and keeps each step's dL/dprojected_t and dL/d(h_{t-1} U). The weight gradients
are then three large products over all steps at once:

    dW = sum_t x_t^T dprojected_t,   dU = sum_t h_{t-1}^T d(h U)_t,   dx_t = dprojected_t W^T

Time runs along the first axis inside the layer, (timesteps, batch, ...), so that one step's
arrays are blocks of rows; each step's input x_t and state h_{t-1} sit side by side in one array,
so that dW and dU come from one product.

Masks (``Embedding(mask_zero=True)``, ``Masking``): at a masked step of a sample the states are
carried over unchanged, and so is the output (or it is zero, with ``zero_output_for_mask``);
the gradient then passes straight through that step to the one before.

Dropout (training only): one mask over the features of ``x`` and one over those of ``h``,
drawn once per batch and kept for every step, as Keras does. The layer draws from a random
stream of its own (saved with the model).

The above is the reference, in NumPy. With the default activations the layers run the same
maths in compiled kernels instead (``forward_sequence``, ``backward_sequence``;
engine/recurrent_kernels.py): the whole loop in one call per slice of the batch, the slices
side by side on the cores, dx_t and the weights' gradients made inside the loop.
"""

from __future__ import annotations

import numpy as np

from ... import activations as activations_module
from ... import initializers as initializers_module
from ... import regularizers as regularizers_module
from ...engine import threads
from ...engine.threads import one_blas_thread
from ...utils import random as grandom
from ...utils.validation import check_bool, check_int, check_number, check_positive_int
from ..base import Layer, _shape_text, column_sums


def activation_argument(value, argument: str, owner: str):
    """The activation ``value`` names; an error that names ``owner`` and ``argument`` otherwise."""
    try:
        return activations_module.get(value)
    except (ValueError, TypeError) as error:
        raise type(error)(f"{owner}: {argument}: {error}") from None


def step_settings(owner: str, units, activation, use_bias, kernel_initializer, recurrent_initializer,
                  bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                  kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed) -> dict:
    """The settings of one step that a recurrent layer and its cell (cells.py) share, checked
    and resolved: {attribute: value}. Constraints are accepted only as None."""
    for argument, value in (("kernel_constraint", kernel_constraint), ("recurrent_constraint", recurrent_constraint),
                            ("bias_constraint", bias_constraint)):
        if value is not None:
            raise ValueError(f"{owner}: {argument} is not supported by glassnet yet; expected None, received {value!r}.")
    return {"units": check_positive_int(units, "units", owner),
            "activation": activation_argument(activation, "activation", owner),
            "use_bias": check_bool(use_bias, "use_bias", owner),
            "kernel_initializer": initializers_module.get(kernel_initializer),
            "recurrent_initializer": initializers_module.get(recurrent_initializer),
            "bias_initializer": initializers_module.get(bias_initializer),
            "kernel_regularizer": regularizers_module.get(kernel_regularizer),
            "recurrent_regularizer": regularizers_module.get(recurrent_regularizer),
            "bias_regularizer": regularizers_module.get(bias_regularizer),
            "dropout": check_number(dropout, "dropout", owner, 0, 1, high_open=True),
            "recurrent_dropout": check_number(recurrent_dropout, "recurrent_dropout", owner, 0, 1, high_open=True),
            "seed": check_int(seed, "seed", owner, minimum=0, allow_none=True)}


def step_settings_config(owner) -> dict:
    """The config of ``step_settings``: what a recurrent layer and its cell write alike."""
    return {"units": owner.units, "activation": activations_module.serialize(owner.activation),
            "use_bias": owner.use_bias,
            "kernel_initializer": initializers_module.serialize(owner.kernel_initializer),
            "recurrent_initializer": initializers_module.serialize(owner.recurrent_initializer),
            "bias_initializer": initializers_module.serialize(owner.bias_initializer),
            "kernel_regularizer": regularizers_module.serialize(owner.kernel_regularizer),
            "recurrent_regularizer": regularizers_module.serialize(owner.recurrent_regularizer),
            "bias_regularizer": regularizers_module.serialize(owner.bias_regularizer),
            "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None,
            "dropout": owner.dropout, "recurrent_dropout": owner.recurrent_dropout, "seed": owner.seed}


def uses_fused_gates(layer) -> bool:
    """Whether ``layer``'s gates are the ones the fused kernels compute: sigmoid gates and a
    tanh candidate, in float32 or float64."""
    return (type(layer.recurrent_activation) is activations_module.Sigmoid
            and type(layer.activation) is activations_module.Tanh
            and layer.kernel.value.dtype in (np.float32, np.float64))


def _or_empty(array, ndim: int, dtype) -> np.ndarray:
    """``array``, or an empty one of ``ndim`` dimensions: the sequence kernels' "not given"."""
    return np.empty((0,) * ndim, dtype) if array is None else array


def _kernel_mask(step_mask, timesteps: int, batch: int) -> np.ndarray:
    """The (T, N) step mask a sequence kernel takes (empty for none)."""
    return np.empty((0, 0), bool) if step_mask is None else step_mask.reshape(timesteps, batch)


class Recurrent(Layer):
    """Base class of SimpleRNN, LSTM and GRU (see the module docstring).

    A subclass sets ``gate_count`` (kernel of shape (features, gate_count * units)) and
    ``state_count``, and writes the cell: ``begin``, ``step`` and ``step_backward`` (the
    reference, step by step in NumPy); it may also run the whole loop in compiled kernels,
    ``forward_sequence`` and ``backward_sequence``.
    """

    gate_count = 1
    state_count = 1            # h only; an LSTM has (h, c)

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, zero_output_for_mask: bool = False, **kwargs):
        super().__init__(**kwargs)
        owner = f'{type(self).__name__} "{self.name}"'
        if activity_regularizer is not None:
            raise ValueError(f"{owner}: activity_regularizer is not supported by glassnet yet; received "
                             f"{activity_regularizer!r}.")
        self.__dict__.update(step_settings(
            owner, units=units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed))
        self.return_sequences = check_bool(return_sequences, "return_sequences", owner)
        self.return_state = check_bool(return_state, "return_state", owner)
        self.go_backwards = check_bool(go_backwards, "go_backwards", owner)
        if check_bool(stateful, "stateful", owner):
            raise ValueError(f"{owner}: stateful=True is not supported by glassnet; every batch starts from zero "
                             "states (pass initial_state= to start elsewhere).")
        self.stateful = False
        self.unroll = check_bool(unroll, "unroll", owner)  # the loop is the same either way here
        self.zero_output_for_mask = check_bool(zero_output_for_mask, "zero_output_for_mask", owner)
        self._rng = grandom.new_stream(seed)  # its dropout masks are its own (utils/random.py)
        self.kernel = self.recurrent_kernel = self.bias = None

    # -- calling with initial states ---------------------------------------------------------
    def __call__(self, inputs, initial_state=None, training=None, **kwargs):
        """``layer(x)``, or ``layer(x, initial_state=[h, c])`` as in Keras (an encoder's states
        starting a decoder): the states then travel as further inputs, ``[x, h, c]``, and
        receive their gradients."""
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != self.state_count:
                raise ValueError(f'{type(self).__name__} "{self.name}": initial_state must be {self.state_count} '
                                 f"tensor(s) ({', '.join(self.state_names)}), received {len(states)}.")
            inputs = [inputs] + states
        return super().__call__(inputs, training=training, **kwargs)

    @property
    def state_names(self) -> tuple:
        return ("h", "c")[:self.state_count]

    # -- as Keras files hold it -----------------------------------------------------------------
    @property
    def keras_weight_groups(self):
        """In a .keras file the weights sit in the layer's cell: ``<layer>/cell/vars``."""
        return (("cell", self.weights),)

    def keras_call(self, inputs, tensor_config) -> dict:
        """One call in a saved graph, as Keras writes it: the initial states, if any, as the
        ``initial_state`` keyword (one tensor, or a list of two for an LSTM)."""
        if len(inputs) == 1:
            return {"args": [tensor_config(inputs[0])], "kwargs": {}}
        states = [tensor_config(t) for t in inputs[1:]]
        return {"args": [tensor_config(inputs[0])], "kwargs": {"initial_state": states if len(states) > 1 else states[0]}}

    def keras_build_config(self) -> dict:
        if not isinstance(self.input_shape, list):
            return {"input_shape": list(self.input_shape)}
        states = [list(shape) for shape in self.input_shape[1:]]
        return {"shapes_dict": {"sequences_shape": list(self.input_shape[0]),
                                "initial_state_shape": states if len(states) > 1 else states[0]}}

    def check_input_shape(self, shape: tuple) -> None:
        """Any number of steps: only the rank and the features must fit."""
        expected = self.input_shape[0] if isinstance(self.input_shape, list) else self.input_shape
        if len(shape) != 3 or shape[-1] != expected[-1]:
            raise ValueError(f'Input to layer "{self.name}" ({type(self).__name__}) is incompatible: expected '
                             f"shape (batch, timesteps, {expected[-1]}), received {_shape_text(shape)}.")

    # -- weights and shapes -------------------------------------------------------------------
    def build(self, input_shape):
        if isinstance(input_shape, list):                  # [x, *initial states]
            input_shape = input_shape[0]
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects input of shape (batch, timesteps, '
                             f"features) with a known number of features, received {_shape_text(input_shape)}.")
        width = self.gate_count * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], width), self.kernel_initializer,
                                      self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                self.recurrent_initializer, self.recurrent_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", self.bias_shape(), self.make_bias_initializer(),
                                        self.bias_regularizer)

    def bias_shape(self) -> tuple:
        return (self.gate_count * self.units,)

    def make_bias_initializer(self):
        return self.bias_initializer

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        batch, timesteps = input_shape[0], input_shape[1]
        output = (batch, timesteps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    supports_masking = True
    makes_masks = False

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):                         # [x's mask, the states' (none)]
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * self.state_count if self.return_state else output_mask

    # -- the cell, written by each subclass ----------------------------------------------------
    #: False where the gradient of h_in U differs from that of the projected input (GRU with
    #: reset_after): step_backward then fills d_recurrent too.
    separate_recurrent_gradient = False

    def begin(self, projected: np.ndarray, history: list) -> dict:
        """The per-step arrays ``step`` fills and ``step_backward`` reads. ``projected`` holds
        x_t W + b for every step, (timesteps, batch, gate_count * units); ``history`` each
        state before and after every step, (timesteps + 1, batch, units)."""
        raise NotImplementedError

    def step(self, cache: dict, t: int, states: list, h_in: np.ndarray, new_states: list) -> None:
        """Step ``t``: writes the new states (h first) into ``new_states`` from the previous
        ``states`` and ``h_in`` (h_{t-1} after recurrent dropout: the h that meets U)."""
        raise NotImplementedError

    def step_backward(self, cache: dict, t: int, d_states: list, d_projected: np.ndarray,
                      d_recurrent: np.ndarray) -> tuple:
        """From dL/d(new states) of step ``t``: writes dL/dprojected_t into ``d_projected`` (and
        dL/d(h_in U)_t into ``d_recurrent`` where it differs), returns dL/dh_in and the list of
        dL/d(previous states) other than through h_in (None for none)."""
        raise NotImplementedError

    def recurrent_kernel_gradient(self, cache: dict, h_in: np.ndarray, d_recurrent: np.ndarray) -> None:
        """dU = sum_t h_in_t^T d(h_in U)_t, over all steps at once (arrays of (steps * batch, ...))."""
        np.matmul(h_in.T, d_recurrent, out=self.recurrent_kernel.grad)

    def bias_gradient(self, d_projected: np.ndarray, d_recurrent: np.ndarray) -> None:
        column_sums(d_projected, out=self.bias.grad)

    # -- forward ------------------------------------------------------------------------------
    def forward(self, x, training=False, mask=None):
        given_states = isinstance(x, list)
        initial_state = None
        if given_states:                                   # [x, *states]: called as layer(x, initial_state=...)
            x, initial_state = x[0], x[1:]
            mask = mask[0] if isinstance(mask, list) else mask
        x = np.asarray(x)
        if x.ndim != 3:
            raise ValueError(f'{type(self).__name__} "{self.name}" expects input of shape (batch, timesteps, '
                             f"features), received {_shape_text(x.shape)}.")
        batch, timesteps, features = x.shape
        dtype = np.result_type(x.dtype, self.kernel.value.dtype)
        order = slice(None, None, -1) if self.go_backwards else slice(None)
        # x_t and h_t side by side, (timesteps + 1, batch, features + units): backward then gets
        # dW and dU from one product over [x_t h_{t-1}] (see _weight_gradients)
        inputs_and_states = self.scratch("inputs_and_states", (timesteps + 1, batch, features + self.units), dtype)
        steps = inputs_and_states[:timesteps, :, :features]
        steps[...] = x.transpose(1, 0, 2)[order]          # time first, in the order the layer reads
        step_mask = None
        if mask is not None:
            step_mask = np.ascontiguousarray(np.asarray(mask, bool).T[order])[:, :, None]  # (T, N, 1)
        input_keep = self._dropout_mask((batch, features), self.dropout, dtype) if training else None
        recurrent_keep = self._dropout_mask((batch, self.units), self.recurrent_dropout, dtype) if training else None
        if input_keep is not None:
            steps *= input_keep

        states = self._initial_states(initial_state, batch, dtype)
        # each state before and after every step: h beside the inputs, the others (an LSTM's c) apart
        history = [inputs_and_states[:, :, features:]]
        history += [self.scratch(f"state{i}", (timesteps + 1, batch, self.units), dtype) for i in range(1, self.state_count)]
        for record, state in zip(history, states):
            record[0] = state
        # h_in_t, the h that meets U: h_{t-1} itself, or a copy with recurrent dropout applied
        h_in_all = history[0][:-1] if recurrent_keep is None else \
            self.scratch("h_in", (timesteps, batch, self.units), dtype)  # filled step by step
        cache = self.forward_sequence(inputs_and_states, history, h_in_all, step_mask, recurrent_keep)
        if cache is None:
            width = self.gate_count * self.units
            projected = self.scratch("projected", (timesteps, batch, width), dtype)
            np.matmul(steps.reshape(-1, features), self.kernel.value, out=projected.reshape(-1, width))
            self.add_input_bias(projected)
            cache = self.begin(projected, history)
            cache["h_in"] = h_in_all
            self._forward_steps(cache, history, h_in_all, step_mask, recurrent_keep)
        self._saved = (x.shape, inputs_and_states, step_mask, input_keep, recurrent_keep, history, h_in_all, cache,
                       given_states)
        return self._outputs(history, step_mask)

    def forward_sequence(self, inputs_and_states: np.ndarray, history: list, h_in_all: np.ndarray, step_mask,
                         recurrent_keep) -> dict | None:
        """Runs every step in compiled kernels where the layer has them (LSTM, GRU, SimpleRNN):
        fills ``history`` (h inside ``inputs_and_states``) and ``h_in_all`` as the steps would, and
        returns what its ``backward_sequence`` needs; None to have the steps run one by one."""
        return None

    def run_sequence_forward(self, kernel, cell_arguments: tuple, inputs_and_states, h_in_all, step_mask,
                             recurrent_keep) -> None:
        """Runs a forward sequence kernel (engine/recurrent_kernels.py) over slices of the batch
        side by side: its cell's own arguments, then those every cell takes."""
        dtype, batch = inputs_and_states.dtype, inputs_and_states.shape[1]
        arguments = cell_arguments + (
            inputs_and_states, np.ascontiguousarray(self.kernel.value, dtype),   # (float64 input: float64 maths)
            np.ascontiguousarray(self.recurrent_kernel.value, dtype), _kernel_mask(step_mask, h_in_all.shape[0], batch),
            _or_empty(recurrent_keep, 2, dtype), _or_empty(None if recurrent_keep is None else h_in_all, 3, dtype))
        threads.split_rows(lambda start, stop: kernel(*arguments, start, stop), batch)

    def run_sequence_backward(self, kernel, cell_arguments: tuple, dh, d_sequence, inputs_and_states, h_in_all,
                              input_keep, step_mask, recurrent_keep, need_input_grad: bool):
        """Runs a backward sequence kernel over slices of the batch side by side, each slice
        adding up its own share of dW, dU and db; the shares are added in the slices' order, so
        that a run is repeatable. Fills the weights' gradients and returns dL/dx (or None)."""
        steps_and_one, batch, stride = inputs_and_states.shape
        timesteps, dtype, features = steps_and_one - 1, inputs_and_states.dtype, stride - self.units
        if d_sequence is not None:
            d_sequence = np.ascontiguousarray(d_sequence.transpose(1, 0, 2), dtype)      # (N, T, units)
        d_x = np.empty((batch, timesteps, features), dtype) if need_input_grad else None
        arguments = cell_arguments + (
            _or_empty(d_sequence, 3, dtype), dh, inputs_and_states, np.ascontiguousarray(self.kernel.value.T, dtype),
            np.ascontiguousarray(self.recurrent_kernel.value.T, dtype), _kernel_mask(step_mask, timesteps, batch),
            _or_empty(recurrent_keep, 2, dtype), _or_empty(None if recurrent_keep is None else h_in_all, 3, dtype),
            self.scratch("d_h_in", (batch, self.units), dtype), _or_empty(d_x, 3, dtype), self.go_backwards)
        share_shapes = [self.kernel.shape, self.recurrent_kernel.shape, self.bias_shape()]
        shares = {}

        def rows(start, stop):
            own = [np.zeros(shape, dtype) for shape in share_shapes]
            kernel(*arguments, *own, start, stop)
            shares[start] = own
        threads.split_rows(rows, batch)
        in_order = [shares[start] for start in sorted(shares)]
        gradients = [self.kernel.grad, self.recurrent_kernel.grad] + ([self.bias.grad] if self.use_bias else [])
        for i, gradient in enumerate(gradients):
            gradient[...] = np.add.reduce([own[i] for own in in_order])
        if d_x is not None and input_keep is not None:
            d_x *= input_keep[:, None, :]
        return d_x

    def _forward_steps(self, cache, history, h_in_all, step_mask, recurrent_keep) -> None:
        timesteps, batch, _ = h_in_all.shape
        with one_blas_thread(batch * self.units * self.gate_count * self.units):   # the loop's products are small
            for t in range(timesteps):
                if recurrent_keep is not None:
                    np.multiply(history[0][t], recurrent_keep, out=h_in_all[t])
                self.step(cache, t, [record[t] for record in history], h_in_all[t],
                          [record[t + 1] for record in history])
                if step_mask is not None:                    # a sample whose step is masked off keeps its states
                    for record in history:
                        np.copyto(record[t + 1], record[t], where=~step_mask[t])

    def add_input_bias(self, projected: np.ndarray) -> None:
        if self.use_bias:
            projected += self.bias.value

    def _outputs(self, history, step_mask):
        h = history[0][1:]                                  # (T, N, units): h after each step
        if self.return_sequences:
            sequence = h * step_mask if (self.zero_output_for_mask and step_mask is not None) else h
            output = np.ascontiguousarray(sequence.transpose(1, 0, 2))
        else:
            output = h[-1].copy()
        if not self.return_state:
            return output
        return [output] + [record[-1].copy() for record in history]

    def _initial_states(self, initial_state, batch: int, dtype) -> list:
        if initial_state is None:
            return [np.zeros((batch, self.units), dtype) for _ in range(self.state_count)]
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(given) != self.state_count or any(np.shape(s) != (batch, self.units) for s in given):
            raise ValueError(f'{type(self).__name__} "{self.name}": initial_state must be {self.state_count} '
                             f"array(s) of shape ({batch}, {self.units}), received shapes "
                             f"{[np.shape(s) for s in given]}.")
        return [np.asarray(s, dtype) for s in given]

    def _dropout_mask(self, shape, rate: float, dtype):
        """A kept-and-rescaled mask (0 or 1 / (1 - rate)) over ``shape``, or None without dropout."""
        if rate == 0:
            return None
        keep = self._rng.random(shape, dtype=np.float32) >= rate
        return keep.astype(dtype) / dtype.type(1 - rate)

    # -- backward -----------------------------------------------------------------------------
    def backward(self, grad_output, need_input_grad=True):
        (x_shape, inputs_and_states, step_mask, input_keep, recurrent_keep, history, h_in_all, cache,
         given_states) = self._saved
        steps = inputs_and_states[:-1, :, :x_shape[-1]]
        batch, timesteps, features = x_shape
        grads = list(grad_output) if self.return_state else [grad_output]
        d_output, d_final_states = grads[0], grads[1:]
        dtype = steps.dtype
        d_states = [np.zeros((batch, self.units), dtype) for _ in range(self.state_count)]
        for d_state, given in zip(d_states, d_final_states):
            if given is not None:
                d_state += given
        d_sequence = None
        if d_output is not None:
            if self.return_sequences:
                d_sequence = d_output.transpose(1, 0, 2)      # (T, N, units), a view
                if self.zero_output_for_mask and step_mask is not None:
                    d_sequence = d_sequence * step_mask
            else:
                d_states[0] += d_output

        if cache.get("sequence"):
            d_x = self.backward_sequence(cache, d_states, d_sequence, inputs_and_states, input_keep, step_mask,
                                         recurrent_keep, need_input_grad)
        else:
            width = self.gate_count * self.units
            d_projected = self.scratch("d_projected", (timesteps, batch, width), dtype)
            d_recurrent = self.scratch("d_recurrent", (timesteps, batch, width), dtype) \
                if self.separate_recurrent_gradient else d_projected
            with one_blas_thread(batch * self.units * width):
                for t in range(timesteps - 1, -1, -1):
                    if d_sequence is not None:
                        d_states[0] += d_sequence[t]
                    d_states = self._backward_step(cache, t, d_states, d_projected[t], d_recurrent[t], recurrent_keep,
                                                   None if step_mask is None else step_mask[t])
            flat_d_projected = d_projected.reshape(-1, width)
            self._weight_gradients(cache, inputs_and_states, flat_d_projected, h_in_all, d_recurrent, recurrent_keep)
            if self.use_bias:
                self.bias_gradient(flat_d_projected, d_recurrent.reshape(-1, width))
            d_x = self._input_gradient(d_projected, steps, input_keep) if need_input_grad else None
        if not need_input_grad:
            return None
        return [d_x] + d_states if given_states else d_x   # dL/dx, then dL/d(each initial state)

    def backward_sequence(self, cache: dict, d_states: list, d_sequence, inputs_and_states: np.ndarray,
                          input_keep, step_mask, recurrent_keep, need_input_grad: bool):
        """Backward for a ``cache`` of ``forward_sequence``: makes ``d_states`` dL/d(initial
        states) in place (given dL/d(final states)), fills the weights' gradients, and returns
        dL/dx (None unless ``need_input_grad``). ``d_sequence`` (T, N, units) is dL/dh_t from
        the output, or None."""
        raise NotImplementedError

    def _weight_gradients(self, cache, inputs_and_states, flat_d_projected, h_in_all, d_recurrent, recurrent_keep):
        """dW = sum_t x_t^T dprojected_t and dU = sum_t h_{t-1}^T d(h U)_t. Where d(h U) is
        dprojected (SimpleRNN, LSTM) and h_{t-1} met U as it is (no recurrent dropout), both
        come from one product, dprojected^T [x_t h_{t-1}] over all steps, which reads
        dprojected once instead of twice (3.0 ms against 4.0 for an LSTM of 64 units, batch
        64, 100 steps)."""
        features, width = self.kernel.shape[0], flat_d_projected.shape[-1]
        if (not self.separate_recurrent_gradient and recurrent_keep is None
                and type(self).recurrent_kernel_gradient is Recurrent.recurrent_kernel_gradient):
            both = np.matmul(flat_d_projected.T, inputs_and_states[:-1].reshape(-1, features + self.units))
            self.kernel.grad[...] = both[:, :features].T
            self.recurrent_kernel.grad[...] = both[:, features:].T
            return
        np.matmul(inputs_and_states[:-1, :, :features].reshape(-1, features).T, flat_d_projected, out=self.kernel.grad)
        self.recurrent_kernel_gradient(cache, h_in_all.reshape(-1, self.units), d_recurrent.reshape(-1, width))

    def _input_gradient(self, d_projected, steps, input_keep):
        """dL/dx = dprojected W^T at every step (times the dropout mask), back in (batch, time) order."""
        timesteps, batch, features = steps.shape
        flat_d_projected = d_projected.reshape(timesteps * batch, -1)
        d_steps = np.matmul(flat_d_projected, self.kernel.value.T).reshape(timesteps, batch, features)
        if input_keep is not None:
            d_steps *= input_keep
        order = slice(None, None, -1) if self.go_backwards else slice(None)
        return np.ascontiguousarray(d_steps[order].transpose(1, 0, 2))

    def _backward_step(self, cache, t, d_states, d_projected, d_recurrent, recurrent_keep, keep) -> list:
        """dL/d(states before step t) from dL/d(states after it); where the step is masked off
        the gradient passes straight through."""
        carried = None
        if keep is not None:
            carried = [np.where(keep, 0, d) for d in d_states]
            d_states = [np.where(keep, d, 0) for d in d_states]
        d_h_in, direct = self.step_backward(cache, t, d_states, d_projected, d_recurrent)
        d_h = d_h_in * recurrent_keep if recurrent_keep is not None else d_h_in
        d_states = [d_h if direct[0] is None else d_h + direct[0]] + \
            [np.zeros_like(d_h) if d is None else d for d in direct[1:]]
        if carried is not None:
            d_states = [d + c for d, c in zip(d_states, carried)]
        return d_states

    # -- configuration ------------------------------------------------------------------------
    def get_config(self):
        return {**super().get_config(), **step_settings_config(self), "activity_regularizer": None,
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}
