"""SimpleRNNCell, LSTMCell, GRUCell and RNN(cell) against Keras 3.

The pinned numbers were printed by Keras 3.15.1 on JAX (tools/keras_reference/rnn_cell_file.py,
which also wrote tests/saving/files/keras_rnn_cells.keras): RNN(cell) on the input
pattern((2, 4, 3), 0) with weight i set to pattern(shape, 1 + i).
"""

import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from rnn_cell_file import FILE_INPUT, FORWARD_CASES  # noqa: E402
from new_layers import pattern  # noqa: E402

KERAS_FILE = Path(__file__).resolve().parents[1] / "saving" / "files" / "keras_rnn_cells.keras"
KERAS_FILE_PREDICTIONS = [[-0.09447988122701645, 0.0766543373465538], [-0.10976741462945938, 0.07838783413171768]]
# Keras's outputs for FORWARD_CASES: [output] or [output, h, c].
KERAS_OUTPUTS = {
    "simple_rnn_cell": [[[[0.39850881695747375, 0.6709671020507812, -0.5758624076843262],
                          [-0.718094527721405, -0.17850640416145325, 0.9135586619377136],
                          [-0.6459205150604248, 0.5136215686798096, 0.8797087073326111],
                          [-0.7527474164962769, 0.721492350101471, 0.2049667090177536]],
                         [[-0.8038414120674133, 0.35835739970207214, -0.25954917073249817],
                          [0.0512208491563797, -0.5884431004524231, 0.5056637525558472],
                          [-0.6659950613975525, 0.9850004315376282, -0.8512241840362549],
                          [0.8645802140235901, -0.005666433367878199, 0.49416282773017883]]]],
    "lstm_cell": [[[0.11565103381872177, -0.27428004145622253], [0.005928835831582546, 0.16622455418109894]],
                  [[0.11565103381872177, -0.27428004145622253], [0.005928835831582546, 0.16622455418109894]],
                  [[0.20999254286289215, -0.46370911598205566], [0.030178876593708992, 0.37161514163017273]]],
    "gru_cell": [[[[0.10506530851125717, 0.016178568825125694], [0.8196783065795898, -0.20352935791015625],
                   [0.8912732601165771, -0.37124189734458923], [0.509645938873291, -0.18470296263694763]],
                  [[0.5030239820480347, -0.059048209339380264], [0.5753122568130493, -0.13935036957263947],
                   [0.11869671940803528, -0.035053178668022156], [0.05417186766862869, 0.021088480949401855]]]],
    "gru_cell_reset_before": [[[0.16944313049316406, -0.21412745118141174],
                               [0.4239389896392822, 0.006501276511698961]]],
}


@pytest.mark.parametrize("name", sorted(FORWARD_CASES))
def test_rnn_of_a_cell_computes_what_keras_computes(name):
    cell_class, cell_args, rnn_args = FORWARD_CASES[name]
    x = pattern((2, 4, 3), 0)
    layer = layers.RNN(getattr(layers, cell_class)(**cell_args), **rnn_args)
    layer(x)  # builds it
    layer.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(layer.get_weights())])
    outputs = layer(x)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == len(KERAS_OUTPUTS[name])
    for output, expected in zip(outputs, KERAS_OUTPUTS[name]):
        np.testing.assert_allclose(output, expected, atol=2e-6)


@pytest.mark.parametrize("cell, layer_class, weight_shapes", [
    (layers.SimpleRNNCell(4), layers.SimpleRNN, [(3, 4), (4, 4), (4,)]),
    (layers.LSTMCell(4), layers.LSTM, [(3, 16), (4, 16), (16,)]),
    (layers.GRUCell(4), layers.GRU, [(3, 12), (4, 12), (2, 12)]),
    (layers.GRUCell(4, reset_after=False, use_bias=False), layers.GRU, [(3, 12), (4, 12)]),
])
def test_rnn_of_a_cell_is_the_layer_with_the_cells_settings(cell, layer_class, weight_shapes):
    layer = layers.RNN(cell, return_sequences=True, go_backwards=True)
    assert type(layer) is layer_class and isinstance(layer, layers.RNN) and layer.name.startswith("rnn")
    assert layer.return_sequences and layer.go_backwards and layer.units == cell.units
    model = keras.Sequential([keras.Input((5, 3)), layer])
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"][:len(weight_shapes)]
    assert [w.shape for w in layer.weights] == weight_shapes
    assert model.count_params() == sum(int(np.prod(s)) for s in weight_shapes)  # Keras: 128 for RNN(LSTMCell(4))


def test_every_recurrent_layer_is_an_rnn_as_in_keras():
    for layer in (layers.SimpleRNN(2), layers.LSTM(2), layers.GRU(2)):
        assert isinstance(layer, layers.RNN)
    assert issubclass(layers.LSTM, layers.RNN) and issubclass(layers.RNN, layers.Layer)
    assert not isinstance(layers.Dense(2), layers.RNN) and not isinstance(layers.LSTMCell(2), layers.RNN)


def test_cells_have_keras_defaults_sizes_and_round_trip_their_configs():
    lstm, gru, simple = layers.LSTMCell(3), layers.GRUCell(3), layers.SimpleRNNCell(3)
    assert (lstm.state_size, gru.state_size, simple.state_size) == ([3, 3], 3, 3)
    assert lstm.output_size == gru.output_size == simple.output_size == 3
    assert lstm.unit_forget_bias and gru.reset_after and lstm.recurrent_dropout == 0.0 and gru.seed is None
    for cell in (layers.SimpleRNNCell(2, activation="relu", use_bias=False, dropout=0.25, seed=3),
                 layers.LSTMCell(2, recurrent_activation="hard_sigmoid", unit_forget_bias=False,
                                 kernel_regularizer="l2", recurrent_dropout=0.5),
                 layers.GRUCell(2, reset_after=False, bias_initializer="ones", name="my_cell")):
        config = cell.get_config()
        rebuilt = type(cell).from_config(json.loads(json.dumps(config)))
        assert rebuilt.get_config() == config
        assert layers.deserialize(layers.serialize(cell)).get_config() == config


def test_rnn_refuses_stacked_cells_and_cells_of_ones_own():
    with pytest.raises(ValueError, match=r"list of cells \(LSTMCell, GRUCell.*LSTM\(units, return_sequences=True\)"):
        layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)])

    class MyCell(layers.Layer):
        state_size = 2

    with pytest.raises(ValueError, match="cells .*SimpleRNNCell, LSTMCell, GRUCell.*received an instance of MyCell"):
        layers.RNN(MyCell())
    with pytest.raises(ValueError, match="received the class LSTMCell itself"):
        layers.RNN(layers.LSTMCell)
    with pytest.raises(ValueError, match='LSTMCell "c": kernel_constraint .* expected None'):
        layers.LSTMCell(2, kernel_constraint="non_neg", name="c")
    with pytest.raises(ValueError, match="units"):
        layers.GRUCell(0)
    with pytest.raises(ValueError, match='GRUCell "g": recurrent_activation'):
        layers.GRUCell(2, recurrent_activation="no_such_function", name="g")
    with pytest.raises(NotImplementedError, match=r"RNN\(LSTMCell"):
        layers.LSTMCell(2)(np.zeros((1, 3), np.float32))


def test_keras_config_of_an_rnn_builds_the_layer():
    config = {"name": "rnn_x", "return_sequences": True, "cell": layers.serialize(layers.GRUCell(3, reset_after=False))}
    layer = layers.deserialize({"class_name": "RNN", "config": config})
    assert type(layer) is layers.GRU and layer.name == "rnn_x" and not layer.reset_after and layer.return_sequences
    stacked = {"class_name": "StackedRNNCells", "config": {"cells": [{"class_name": "LSTMCell"}] * 2}}
    with pytest.raises(ValueError, match=r'RNN "rnn_y": a list of cells \(LSTMCell, LSTMCell'):
        layers.deserialize({"class_name": "RNN", "config": {"name": "rnn_y", "cell": stacked}})


@pytest.mark.parametrize("suffix", [".glassnet", ".keras"])
def test_a_model_with_rnn_of_a_cell_saves_and_loads(tmp_path, suffix):
    if suffix == ".keras":
        pytest.importorskip("h5py", reason=".keras files need h5py (pip install h5py)")
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4, 3)), layers.RNN(layers.LSTMCell(4), return_sequences=True),
                              layers.RNN(layers.GRUCell(2)), layers.Dense(1)])
    x = pattern((2, 4, 3), 2)
    path = tmp_path / f"model{suffix}"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == ["LSTM", "GRU", "Dense"]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_keras_file_with_rnn_cells_loads_and_predicts_as_keras():
    pytest.importorskip("h5py", reason=".keras files need h5py (pip install h5py)")
    with zipfile.ZipFile(KERAS_FILE) as archive:
        written = json.loads(archive.read("config.json"))["config"]["layers"]
    assert [(s["class_name"], s["config"].get("cell", {}).get("class_name")) for s in written[1:]] == [
        ("RNN", "SimpleRNNCell"), ("RNN", "GRUCell"), ("RNN", "LSTMCell"), ("Dense", None)]
    model = keras.models.load_model(KERAS_FILE)
    assert [type(layer).__name__ for layer in model.layers] == ["SimpleRNN", "GRU", "LSTM", "Dense"]
    np.testing.assert_allclose(model.predict(FILE_INPUT, verbose=0), KERAS_FILE_PREDICTIONS, atol=1e-6)
