"""Recurrent layers: SimpleRNN, LSTM, GRU (base.py holds the loop over time they share)."""

from .base import Recurrent
from .gru import GRU
from .lstm import LSTM
from .simple_rnn import SimpleRNN

__all__ = ["GRU", "LSTM", "Recurrent", "SimpleRNN"]
