"""Each plot function returns a figure and writes a non-empty PNG of the expected size."""

import struct

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="glassnet.plot needs matplotlib (pip install 'glassnet[plot]')")

import glassnet as keras  # noqa: E402
from glassnet import plot  # noqa: E402


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_training_curves(tmp_path):
    history = {"loss": [1.0, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.1, 0.7, 0.5],
               "val_accuracy": [0.4, 0.6, 0.75]}
    figure = plot.training_curves(history, path=tmp_path / "curves.png")
    assert len(figure.axes) == 2
    assert png_size(tmp_path / "curves.png") == (1000, 400)
    with pytest.raises(ValueError, match="history is empty"):
        plot.training_curves({})


def test_image_grid_and_predictions(tmp_path):
    images = np.random.default_rng(0).integers(0, 255, (10, 28, 28)).astype(np.uint8)
    plot.image_grid(images, labels=np.arange(10), columns=5, path=tmp_path / "grid.png")
    assert png_size(tmp_path / "grid.png") == (650, 300)
    probabilities = np.random.default_rng(1).dirichlet(np.ones(10), size=3)
    plot.predictions(images, probabilities, labels=[0, 1, 2], count=3, path=tmp_path / "pred.png")
    assert png_size(tmp_path / "pred.png") == (700, 660)
    with pytest.raises(ValueError, match="cannot show flat rows of 10 values"):
        plot.image_grid(np.zeros((2, 10)))


def test_confusion_matrix_counts(tmp_path):
    figure = plot.confusion_matrix([0, 1, 1, 2], keras.utils.to_categorical([0, 1, 2, 2], 3), path=tmp_path / "cm.png")
    np.testing.assert_array_equal(figure.counts, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    assert png_size(tmp_path / "cm.png") == (280, 280)
