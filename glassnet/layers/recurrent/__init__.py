"""Recurrent layers: SimpleRNN, LSTM, GRU (base.py holds the loop over time they share); the
cells SimpleRNNCell, LSTMCell, GRUCell and RNN(cell), which runs one as its layer."""

from .base import Recurrent
from .cells import GRUCell, LSTMCell, SimpleRNNCell
from .gru import GRU
from .lstm import LSTM
from .rnn import RNN
from .simple_rnn import SimpleRNN

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "Recurrent", "SimpleRNN", "SimpleRNNCell"]
