"""examples/ray_sweep.py in a reduced form, and the Tune callback's arguments."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import require_ray

pytestmark = pytest.mark.ray

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ray_sweep.py"


def test_sweep_example_prints_the_best_configuration(tmp_path):
    require_ray()
    pytest.importorskip("sklearn", reason="the digits need scikit-learn (pip install \"glassnet[digits]\")")
    result = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "2", "--learning-rates", "1e-4", "3e-3",
                             "--widths", "32", "--storage", str(tmp_path)],
                            capture_output=True, text=True, timeout=600, env={**os.environ, "RAY_DEDUP_LOGS": "0"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    table = [line.split() for line in lines if line.strip().startswith(("0.0001", "0.003"))]
    assert [row[:2] for row in table] == [["0.0001", "32"], ["0.003", "32"]]
    accuracies = {row[0]: float(row[2]) for row in table}
    assert accuracies["0.003"] > accuracies["0.0001"]  # two epochs at 1e-4 learn little
    best = next(line for line in lines if line.startswith("Best configuration:"))
    assert "learning_rate=0.003, width=32" in best and "after 2 epochs" in best
    # Tune kept a checkpoint per epoch, each a glassnet model file.
    checkpoints = sorted(tmp_path.glob("digits_mlp_sweep/*/checkpoint_*/model.glassnet"))
    assert len(checkpoints) == 4


def test_callback_arguments_are_checked():
    require_ray()
    from glassnet.integrations.ray_tune import ReportCheckpointCallback
    with pytest.raises(ValueError, match=r"checkpoint_on must be one of \['epoch_end', 'train_end'\]"):
        ReportCheckpointCallback(checkpoint_on="batch_end")
    with pytest.raises(TypeError, match="metrics must be None, a log name"):
        ReportCheckpointCallback(metrics=3)
    callback = ReportCheckpointCallback(metrics={"acc": "val_accuracy"})
    assert callback._selected({"val_accuracy": 0.5, "loss": 1.0}) == {"acc": 0.5}
    with pytest.raises(KeyError, match="the logs have no \\['val_accuracy'\\]"):
        callback._selected({"loss": 1.0})
