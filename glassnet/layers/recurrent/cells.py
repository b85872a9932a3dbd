"""SimpleRNNCell, LSTMCell, GRUCell: Keras's recurrent cells, as the settings of one step.

In glassnet a cell holds no weights and runs nothing by itself: ``RNN(cell)`` (rnn.py) turns
it into the layer that runs the same step over a sequence (SimpleRNN, LSTM, GRU), whose
weights and numbers are Keras's for ``RNN(cell)``. A cell is a Layer so that it serializes
like one (``{"class_name": "LSTMCell", "config": {...}}``, Keras's own form).
"""

from __future__ import annotations

from ... import activations as activations_module
from ...utils.validation import check_bool
from ..base import Layer
from .base import activation_argument, step_settings, step_settings_config
from .gru import GRU
from .lstm import LSTM
from .simple_rnn import SimpleRNN


class RecurrentCell(Layer):
    """The settings every cell shares (Keras 3's names and defaults): units, activation,
    use_bias, kernel/recurrent/bias initializers and regularizers, dropout, recurrent_dropout,
    seed; constraints only as None. ``layer_class`` is the layer that runs the cell."""

    layer_class: type = SimpleRNN
    states_per_step = 1                      # h; an LSTM's cell carries (h, c)

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.__dict__.update(step_settings(
            f'{type(self).__name__} "{self.name}"', units=units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed))

    @property
    def state_size(self):
        """The size of each state the cell carries: ``units`` (h), or ``[units, units]`` (h, c)."""
        return self.units if self.states_per_step == 1 else [self.units] * self.states_per_step

    @property
    def output_size(self) -> int:
        return self.units

    def layer_arguments(self) -> dict:
        """The cell's settings as arguments of ``layer_class`` (objects, not their configs)."""
        return {"units": self.units, "activation": self.activation, "use_bias": self.use_bias,
                "kernel_initializer": self.kernel_initializer, "recurrent_initializer": self.recurrent_initializer,
                "bias_initializer": self.bias_initializer, "kernel_regularizer": self.kernel_regularizer,
                "recurrent_regularizer": self.recurrent_regularizer, "bias_regularizer": self.bias_regularizer,
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}

    def call(self, inputs, training=None):
        raise NotImplementedError(
            f'{type(self).__name__} "{self.name}" is not called on its own in glassnet; wrap it in a layer: '
            f"keras.layers.RNN({type(self).__name__}(...)), or use {self.layer_class.__name__}(...) directly.")

    def get_config(self) -> dict:
        config = {**super().get_config(), **step_settings_config(self)}
        config.pop("batch_input_shape", None)
        return config


class SimpleRNNCell(RecurrentCell):
    """One step of SimpleRNN: h_t = activation(x_t W + h_{t-1} U + b); state_size = units."""


class LSTMCell(RecurrentCell):
    """One step of LSTM (layers/recurrent/lstm.py): adds ``recurrent_activation`` ("sigmoid")
    and ``unit_forget_bias`` (True); carries (h, c), so state_size = [units, units]."""

    layer_class = LSTM
    states_per_step = 2

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 unit_forget_bias: bool = True, implementation: int = 2, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activation_argument(recurrent_activation, "recurrent_activation",
                                                        f'LSTMCell "{self.name}"')
        self.unit_forget_bias = check_bool(unit_forget_bias, "unit_forget_bias", f'LSTMCell "{self.name}"')

    def layer_arguments(self):
        return {**super().layer_arguments(), "recurrent_activation": self.recurrent_activation,
                "unit_forget_bias": self.unit_forget_bias}

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations_module.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(RecurrentCell):
    """One step of GRU (layers/recurrent/gru.py): adds ``recurrent_activation`` ("sigmoid")
    and ``reset_after`` (True, Keras 3's default); state_size = units."""

    layer_class = GRU

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 reset_after: bool = True, implementation: int = 2, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activation_argument(recurrent_activation, "recurrent_activation",
                                                        f'GRUCell "{self.name}"')
        self.reset_after = check_bool(reset_after, "reset_after", f'GRUCell "{self.name}"')

    def layer_arguments(self):
        return {**super().layer_arguments(), "recurrent_activation": self.recurrent_activation,
                "reset_after": self.reset_after}

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations_module.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


BUILTIN_CELLS = (SimpleRNNCell, LSTMCell, GRUCell)
