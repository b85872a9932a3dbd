"""The progress bar: in place in a terminal, one plain line per epoch otherwise, verbose 0/1/2."""

import io
import re

import numpy as np

import glassnet as keras
from glassnet import layers
from glassnet.callbacks.progbar import Progbar, format_time_per_step, format_value


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def fit(verbose, capsys, epochs=2):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((100, 3)), rng.integers(0, 2, 100)
    m = keras.Sequential([layers.Dense(2, activation="softmax", input_shape=(3,))])
    m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    m.fit(x, y, epochs=epochs, batch_size=10, verbose=verbose, validation_data=(x, y))
    return capsys.readouterr().out


LINE = re.compile(r"^10/10 ━{20} \d+s \d+(us|ms)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}"
                  r" - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$")


def test_verbose_1_without_terminal_prints_one_line_per_epoch(capsys):
    lines = fit(1, capsys).splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert LINE.match(lines[1]), lines[1]
    assert "\r" not in "".join(lines) and "\x1b" not in "".join(lines)


def test_verbose_2_prints_a_short_line(capsys):
    lines = fit(2, capsys).splitlines()
    assert re.match(r"^10/10 - \d+s - \d+(us|ms)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy",
                    lines[1]), lines[1]


def test_verbose_0_prints_nothing(capsys):
    assert fit(0, capsys) == ""


def test_terminal_bar_redraws_in_place():
    stream = FakeTerminal()
    bar = Progbar(4, verbose=1, stream=stream, interval=0)
    for step in range(1, 5):
        bar.update(step, {"loss": 0.5})
    bar.update(4, {"loss": 0.25}, final=True)
    text = stream.getvalue()
    assert text.count("\r") == 5 and text.endswith("\n")
    assert "\x1b[32m" in text  # the done part is green
    assert "\r\x1b[1m1/4\x1b[0m " in text and "loss: 0.2500" in text


def test_number_formats_follow_keras():
    assert format_value(0.123456) == "0.1235"
    assert format_value(0.0000123) == "1.2300e-05"
    assert format_time_per_step(0.0021) == "2ms/step"
    assert format_time_per_step(0.0000421) == "42us/step"
    assert format_time_per_step(1.6) == "2s/step"
