"""Held-out style programs on sequences reach Keras's accuracy: an Embedding averaged
(GlobalAveragePooling1D), a stacked LSTM then GRU, and a Bidirectional SimpleRNN, each trained
as tools/keras_reference/sequence_accuracy.py trains it in Keras, on the same data. KERAS holds
the test accuracies that script printed (Keras 3.15.1, JAX backend, seeds 0, 1, 2).
"""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from sequence_accuracy import MODELS, SEEDS, accuracy  # noqa: E402

KERAS = {"embedding_average": [0.852, 0.854, 0.875], "stacked_lstm_gru": [0.97, 0.974, 0.992],
         "bidirectional_simple_rnn": [0.952, 0.925, 0.975]}
# The seeds' shuffles and initial weights differ between the frameworks; over three seeds the
# means of either move by about a point (glassnet measured 0.870, 0.979, 0.984 when written).
MARGIN = 0.02


@pytest.mark.parametrize("name", list(MODELS))
def test_reaches_keras_accuracy(name):
    mean = np.mean([accuracy(keras, name, seed) for seed in SEEDS])
    assert mean >= np.mean(KERAS[name]) - MARGIN, f"{name}: glassnet {mean:.4f}, Keras {np.mean(KERAS[name]):.4f}"
