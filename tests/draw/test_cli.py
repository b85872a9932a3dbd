"""``glassnet draw`` as a person runs it, and ``glassnet train --watch``."""

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

import glassnet as keras
from glassnet.cli import main
from glassnet.draw import LiveHistory, TrainingLog

from .conftest import pad_png, running_server


def test_glassnet_draw_serves_the_page_until_ctrl_c(digit_model_path):
    process = subprocess.Popen([sys.executable, "-m", "glassnet", "draw", str(digit_model_path), "--port", "0",
                                "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        match = re.search(r"\((10) classes\) at (http://127\.0\.0\.1:\d+/)", first)
        assert match, first
        assert "--host 0.0.0.0" in process.stdout.readline()
        url = match.group(2)
        with urllib.request.urlopen(url + "api/model", timeout=30) as response:
            assert json.loads(response.read())["classes"] == list("0123456789")
        request = urllib.request.Request(url + "api/predict", data=pad_png([((140, 50), (140, 230))]),
                                         headers={"Content-Type": "image/png"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["top"][0]["class"] == "1"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0 and "stopped" in err and "Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_glassnet_draw_errors_are_one_line(digit_model_path, tmp_path, capsys):
    assert main(["draw", str(tmp_path / "absent.glassnet"), "--no-browser"]) == 2
    assert "absent.glassnet" in capsys.readouterr().err
    assert main(["draw", str(digit_model_path), "--port", "70000", "--no-browser"]) == 2
    assert "--port must be between 0 and 65535, received 70000" in capsys.readouterr().err
    assert main(["draw", str(digit_model_path), "--classes", "letters", "--no-browser"]) == 2
    assert "gives 26 class names, but the model has 10 outputs" in capsys.readouterr().err
    flat = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2, activation="softmax")])
    flat.save(tmp_path / "flat.glassnet")
    assert main(["draw", str(tmp_path / "flat.glassnet"), "--no-browser"]) == 2
    assert "is not an image" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["draw", str(digit_model_path), "--port", str(port), "--no-browser"]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_live_history_feeds_the_history_api_epoch_by_epoch():
    log = TrainingLog("mlp on noise")
    seen = []

    class Peek(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            with urllib.request.urlopen(url + "/api/history", timeout=30) as response:
                seen.append(json.loads(response.read()))

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    with running_server(training_log=log) as url:
        history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[LiveHistory(log), Peek()])
        with urllib.request.urlopen(url + "/api/history", timeout=30) as response:
            final = json.loads(response.read())
    assert [len(state["history"]["loss"]) for state in seen] == [1, 2, 3]
    assert [state["done"] for state in seen] == [False, False, False] and final["done"] is True
    assert final["epochs"] == 3 and final["title"] == "mlp on noise"
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(final["history"][key], history.history[key], rtol=1e-6)


def test_train_watch_prints_the_page_and_writes_class_names(tmp_path, capsys):
    pytest.importorskip("sklearn", reason="glassnet train --data digits needs scikit-learn (pip install scikit-learn)")
    out = tmp_path / "run"
    assert main(["train", "--data", "digits", "--epochs", "2", "--watch", "--no-browser", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    match = re.search(r"Watch the training curves at (http://127\.0\.0\.1:\d+/train)", printed)
    assert match, printed
    assert json.loads((out / "classes.json").read_text()) == list("0123456789")
    with pytest.raises(urllib.error.URLError):  # the page's server stops with the command
        urllib.request.urlopen(match.group(1), timeout=5)
