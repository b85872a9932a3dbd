"""``RNN(cell)``: Keras's cell-based recurrent layer, for glassnet's three built-in cells.

``RNN(LSTMCell(4), return_sequences=True)`` returns the layer that runs that cell over a
sequence, ``LSTM(4, return_sequences=True)`` with the cell's settings: the same weights
(kernel, recurrent_kernel, bias), numbers, masks, states and saving. Only its default name
follows Keras's for ``RNN`` ("rnn", "rnn_1", ...). As in Keras, where LSTM, GRU and SimpleRNN
subclass RNN, ``isinstance(layer, RNN)`` holds for every recurrent layer.
"""

from __future__ import annotations

from ...utils.naming import unique_name
from ..base import Layer
from .base import Recurrent
from .cells import BUILTIN_CELLS

_SUPPORTED = ", ".join(cell.__name__ for cell in BUILTIN_CELLS)
_STACK_INSTEAD = ("stack the layers instead, e.g. LSTM(units, return_sequences=True) followed by LSTM(units) "
                  "(or RNN(LSTMCell(units), return_sequences=True) followed by RNN(LSTMCell(units)))")


class _AnyRecurrentLayer(type):
    """RNN's metaclass: every recurrent layer (a Recurrent subclass) counts as an RNN."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Recurrent) or type.__instancecheck__(cls, instance)

    def __subclasscheck__(cls, subclass) -> bool:
        return (isinstance(subclass, type) and issubclass(subclass, Recurrent)) or type.__subclasscheck__(cls, subclass)


def stacked_cells_error(owner: str, names: list) -> ValueError:
    """The error for a list of cells (Keras's StackedRNNCells), naming them."""
    return ValueError(f"{owner}: a list of cells ({', '.join(names)}; Keras's stacked cells) is not supported by "
                      f"glassnet, which runs one cell ({_SUPPORTED}); {_STACK_INSTEAD}.")


def check_cell(cell, owner: str = "RNN"):
    """``cell`` if it is one of glassnet's built-in cells, else a ValueError saying what is supported."""
    if isinstance(cell, (list, tuple)):
        raise stacked_cells_error(owner, [type(c).__name__ for c in cell])
    if type(cell) not in BUILTIN_CELLS:
        what = "None" if cell is None else f"an instance of {type(cell).__name__}"
        if isinstance(cell, type):
            what = f"the class {cell.__name__} itself (a cell is passed as an instance, e.g. LSTMCell(units))"
        raise ValueError(f"{owner}: glassnet runs only its built-in cells ({_SUPPORTED}), received {what}. A cell "
                         "class of your own (or a subclass of a built-in cell) is not supported: write the "
                         "recurrence as a layer with build() and call(), or use SimpleRNN, LSTM or GRU; for "
                         f"several cells, {_STACK_INSTEAD}.")
    return cell


class RNN(Layer, metaclass=_AnyRecurrentLayer):
    """``RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
    stateful=False, unroll=False, zero_output_for_mask=False, **kwargs)``: the layer that runs
    ``cell`` (SimpleRNNCell, LSTMCell or GRUCell) over inputs of shape (batch, timesteps,
    features); returns a SimpleRNN, LSTM or GRU (see the module docstring)."""

    def __new__(cls, cell=None, return_sequences: bool = False, return_state: bool = False,
                go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                zero_output_for_mask: bool = False, **kwargs):
        if cls is not RNN:
            raise TypeError(f"{cls.__name__}: subclassing RNN is not supported by glassnet (RNN(cell) returns a "
                            "SimpleRNN, LSTM or GRU); subclass one of those, or Layer.")
        cell = check_cell(cell)
        if kwargs.get("name") is None:
            kwargs["name"] = unique_name("rnn")
        return cell.layer_class(**cell.layer_arguments(), return_sequences=return_sequences,
                                return_state=return_state, go_backwards=go_backwards, stateful=stateful,
                                unroll=unroll, zero_output_for_mask=zero_output_for_mask, **kwargs)

    @classmethod
    def from_config(cls, config: dict):
        """From Keras's config of an RNN: ``{"cell": {"class_name": "LSTMCell", ...}, ...}``
        (the cell as a config or as a cell)."""
        config = dict(config)
        owner = f'RNN "{config.get("name", "rnn")}"'
        cell = config.get("cell")
        if isinstance(cell, dict) and cell.get("class_name") == "StackedRNNCells":
            cells = (cell.get("config") or {}).get("cells") or []
            raise stacked_cells_error(owner, [str(c.get("class_name")) if isinstance(c, dict) else type(c).__name__
                                              for c in cells])
        if isinstance(cell, dict):
            from ..serialization import deserialize
            cell = deserialize(cell)
        config["cell"] = check_cell(cell, owner)
        return super().from_config(config)

