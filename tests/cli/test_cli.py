"""The command line: train, evaluate, summary, predict, and its errors (one line, exit status 2)."""

import struct
import zlib

import numpy as np
import pytest

import glassnet as keras
from glassnet.cli import main
from glassnet.utils.images import ImageError, read_png, to_model_input

pytest.importorskip("sklearn", reason="the CLI tests train on scikit-learn's digits (pip install scikit-learn)")


def write_png(path, pixels, filter_type=0):
    """A minimal PNG encoder (grey or RGB, 8-bit) applying one filter type to every row."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    height, width, channels = pixels.shape
    rows, previous = [], np.zeros(width * channels, dtype=np.int32)
    for row in pixels.reshape(height, -1).astype(np.int32):
        left = np.concatenate([np.zeros(channels, np.int32), row[:-channels]])
        upper_left = np.concatenate([np.zeros(channels, np.int32), previous[:-channels]])
        if filter_type == 0:
            predictor = 0
        elif filter_type == 1:
            predictor = left
        elif filter_type == 2:
            predictor = previous
        elif filter_type == 3:
            predictor = (left + previous) // 2
        else:
            estimate = left + previous - upper_left
            choices = np.stack([left, previous, upper_left])
            distances = np.abs(estimate - choices)
            predictor = choices[np.argmin(distances, axis=0), np.arange(row.size)]
        rows.append(bytes([filter_type]) + ((row - predictor) & 0xFF).astype(np.uint8).tobytes())
        previous = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    colour = {1: 0, 3: 2}[channels]
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    path.write_bytes(png)


@pytest.mark.parametrize("filter_type", [0, 1, 2, 3, 4])
def test_png_reader_undoes_every_filter(tmp_path, filter_type):
    pixels = np.random.default_rng(filter_type).integers(0, 256, (7, 9, 3))
    write_png(tmp_path / "x.png", pixels, filter_type)
    np.testing.assert_array_equal(read_png(tmp_path / "x.png"), pixels)


def test_images_are_fitted_to_the_model_input():
    drawing = np.full((56, 40, 3), 255, dtype=np.uint8)  # black strokes on white paper
    drawing[10:46, 18:22] = 0
    sample = to_model_input(drawing, (28, 28, 1))
    assert sample.shape == (28, 28, 1) and sample.max() <= 1
    assert sample[14, 14, 0] > 0.9 and sample[0, 0, 0] < 0.1  # inverted to white on black
    assert to_model_input(drawing, (784,)).shape == (784,)
    with pytest.raises(ImageError, match=r"input shape \(10,\) is not an image"):
        to_model_input(drawing, (10,))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    assert main(["train", "--data", "digits", "--model", "mlp", "--epochs", "3", "--out", str(folder)]) == 0
    return folder


def test_train_writes_a_complete_run_directory(run_dir):
    names = {p.name for p in run_dir.iterdir()}
    assert {"model.glassnet", "config.json", "history.csv", "report.md"} <= names
    report = (run_dir / "report.md").read_text()
    accuracy = float(report.split("Test accuracy: ")[1].split()[0])
    assert accuracy > 0.85
    assert len((run_dir / "history.csv").read_text().splitlines()) == 4


def test_evaluate_summary_and_predict(run_dir, tmp_path, capsys):
    capsys.readouterr()
    assert main(["evaluate", str(run_dir / "model.glassnet"), "--data", "digits"]) == 0
    out = capsys.readouterr().out
    assert "Test accuracy:" in out and "Confusion matrix" in out
    assert main(["summary", str(run_dir / "model.glassnet")]) == 0
    assert "Total params" in capsys.readouterr().out
    (_, _), (x_test, y_test) = keras.datasets.digits.load_data()
    write_png(tmp_path / "digit.png", np.kron(x_test[0] * 255 / 16, np.ones((4, 4))).astype(np.uint8))
    assert main(["predict", str(run_dir / "model.glassnet"), str(tmp_path / "digit.png")]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(str(tmp_path / "digit.png")) and line.count("class ") == 3


def test_errors_are_one_line_with_status_2(run_dir, tmp_path, capsys):
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--data", "digits", "--epochz", "3"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().startswith("glassnet: error: unrecognized arguments: --epochz")
    assert main(["summary", str(tmp_path / "missing.glassnet")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No model file" in err
    (tmp_path / "notes.png").write_text("not an image")
    assert main(["predict", str(run_dir / "model.glassnet"), str(tmp_path / "notes.png")]) == 2
    assert f"{tmp_path / 'notes.png'}: not an image file" in capsys.readouterr().err


def test_ctrl_c_saves_the_model(tmp_path, monkeypatch):
    def interrupted_fit(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.Sequential, "fit", interrupted_fit)
    assert main(["train", "--data", "digits", "--epochs", "1", "--out", str(tmp_path)]) == 130
    assert keras.models.load_model(tmp_path / "model.glassnet").count_params() > 0
