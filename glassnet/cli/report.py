"""The run directory's report: test accuracy, per-class accuracy, and plots when matplotlib is there."""

from __future__ import annotations

import os

import numpy as np


def per_class_lines(y_true, y_pred, names) -> list[str]:
    lines = ["| class | samples | accuracy |", "|---|---|---|"]
    for index, name in enumerate(names):
        members = y_true == index
        if members.any():
            lines.append(f"| {name} | {int(members.sum())} | {float((y_pred[members] == index).mean()):.4f} |")
    return lines


def write_report(model, folder, x_test, y_test, names, history=None, title="glassnet run") -> float:
    probabilities = model.predict(x_test, batch_size=256, verbose=0)
    predicted = probabilities.argmax(axis=1)
    accuracy = float((predicted == y_test).mean())
    lines = [f"# {title}", "", f"Test accuracy: {accuracy:.4f} on {len(y_test)} images.", ""]
    lines += per_class_lines(y_test, predicted, names)
    try:
        from .. import plot
        if history is not None and history.history:
            plot.training_curves(history, path=os.path.join(folder, "curves.png"))
            lines += ["", "![training curves](curves.png)"]
        plot.confusion_matrix(y_test, predicted, class_names=names, path=os.path.join(folder, "confusion.png"))
        lines += ["", "![confusion matrix](confusion.png)"]
    except ImportError:
        lines += ["", "(Plots need matplotlib: pip install matplotlib.)"]
    with open(os.path.join(folder, "report.md"), "w") as stream:
        stream.write("\n".join(lines) + "\n")
    return accuracy


def confusion_counts(y_true, y_pred, classes: int) -> np.ndarray:
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
