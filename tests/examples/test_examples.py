"""The example programs run end to end (on small slices), and the main job reaches its target."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_mnist(n, seed):
    """Images whose mean brightness in one of ten bands gives the label: learnable, tiny."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n).astype(np.uint8)
    x = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
    for label in range(10):
        x[y == label, label * 2:label * 2 + 4, :] = 255
    return x, y


def test_digits_main_job_reaches_095_within_20_epochs():
    pytest.importorskip("sklearn", reason="the digits job needs scikit-learn (pip install scikit-learn)")
    example = load_example("digits_mlp")
    (x_train, y_train), (x_test, y_test) = example.load_digits_split()
    _, accuracy = example.train(x_train, y_train, x_test, y_test, epochs=20, verbose=0)
    assert accuracy >= 0.95


def test_binary_dataframe_example_runs_on_a_dataframe():
    example = load_example("binary_dataframe")
    model, history = example.main(samples=200, epochs=3, verbose=0)
    assert len(history.history["accuracy"]) == 3
    assert model.predict(example.make_frame(5)[["feature_1", "feature_2"]], verbose=0).shape == (5, 1)


@pytest.mark.parametrize("variant", ["small", "wide", "flat"])
def test_mnist_mlp_variants_learn_on_a_slice(variant):
    example = load_example("mnist_mlp")
    x_train, y_train = fake_mnist(600, 0)
    x_test, y_test = fake_mnist(200, 1)
    model, history, accuracy, first = example.run(variant, x_train, y_train, x_test, y_test, epochs=3, verbose=0)
    assert accuracy > 0.5
    assert 0 <= first < 10
    units = {"small": 32, "wide": 512, "flat": 128}[variant]
    assert model.layers[-2].units == units
