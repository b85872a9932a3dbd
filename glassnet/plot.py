"""Pictures of a run: training curves, image grids, a confusion matrix, predictions.

matplotlib is an optional extra (``pip install "glassnet[plot]"``), imported only when a plot
is asked for. Every function returns the matplotlib Figure and, given ``path``, also writes a
PNG there (atomically).
"""

from __future__ import annotations

import math

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("glassnet.plot needs matplotlib: pip install matplotlib "
                          "(or pip install 'glassnet[plot]').") from None
    return plt


def _finish(figure, path):
    if path is not None:
        from .saving.atomic import atomic_write
        with atomic_write(path) as stream:
            figure.savefig(stream, format="png", dpi=figure.dpi)
    return figure


def training_curves(history, path=None, figsize=(10, 4)):
    """Loss and every metric over the epochs, training and validation side by side.

    ``history`` is a History (from ``fit``) or its ``.history`` dict.
    """
    logs = getattr(history, "history", history)
    if not logs:
        raise ValueError("training_curves: the history is empty; train for at least one epoch first.")
    names = [k for k in logs if not k.startswith("val_") and k != "learning_rate"]
    plt = _pyplot()
    figure, axes = plt.subplots(1, len(names), figsize=figsize, squeeze=False)
    for axis, name in zip(axes[0], names):
        epochs = np.arange(1, len(logs[name]) + 1)
        axis.plot(epochs, logs[name], marker="o", label=f"training {name}")
        if f"val_{name}" in logs:
            axis.plot(epochs, logs[f"val_{name}"], marker="o", label=f"validation {name}")
        axis.set_xlabel("epoch")
        axis.set_title(name)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    return _finish(figure, path)


def _as_images(images):
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 2:
        side = int(round(math.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"image_grid: cannot show flat rows of {images.shape[1]} values as square images; "
                             "reshape them to (n, height, width) first.")
        images = images.reshape(-1, side, side)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be shaped (n, h, w), (n, h, w, 1|3) or (n, h*w), received {images.shape}")
    return images


def image_grid(images, labels=None, class_names=None, columns: int = 8, path=None):
    """A grid of images, each titled with its label (or class name)."""
    images = _as_images(images)
    count = len(images)
    rows = math.ceil(count / columns)
    plt = _pyplot()
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.3, rows * 1.5), squeeze=False)
    for index, axis in enumerate(axes.ravel()):
        axis.axis("off")
        if index >= count:
            continue
        axis.imshow(images[index], cmap="gray" if images.ndim == 3 else None)
        if labels is not None:
            label = int(np.asarray(labels)[index])
            axis.set_title(class_names[label] if class_names else str(label), fontsize=9)
    figure.tight_layout()
    return _finish(figure, path)


def confusion_matrix(y_true, y_pred, class_names=None, path=None):
    """Counts of (true class, predicted class); y_pred may be probabilities (argmax is taken)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim > 1:
        y_true = y_true.argmax(axis=-1)
    if y_pred.ndim > 1:
        y_pred = y_pred.argmax(axis=-1)
    classes = int(max(y_true.max(), y_pred.max())) + 1
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    names = class_names or [str(i) for i in range(classes)]
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(1 + 0.6 * classes, 1 + 0.6 * classes))
    axis.imshow(counts, cmap="Blues")
    for i in range(classes):
        for j in range(classes):
            axis.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                      color="white" if counts[i, j] > counts.max() / 2 else "black")
    axis.set_xticks(range(classes), names, rotation=45, ha="right")
    axis.set_yticks(range(classes), names)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    figure.tight_layout()
    figure.counts = counts
    return _finish(figure, path)


def predictions(images, probabilities, labels=None, class_names=None, count: int = 4, path=None):
    """Each image beside a bar chart of its predicted class probabilities; the predicted class
    is drawn in blue when right, red when wrong."""
    images = _as_images(images)[:count]
    probabilities = np.asarray(probabilities)[:count]
    classes = probabilities.shape[-1]
    names = class_names or [str(i) for i in range(classes)]
    plt = _pyplot()
    figure, axes = plt.subplots(len(images), 2, figsize=(7, 2.2 * len(images)), squeeze=False)
    for row, (image, probs) in enumerate(zip(images, probabilities)):
        predicted = int(probs.argmax())
        right = labels is None or int(np.asarray(labels)[row]) == predicted
        colour = "tab:blue" if right else "tab:red"
        axes[row, 0].imshow(image, cmap="gray" if image.ndim == 2 else None)
        axes[row, 0].axis("off")
        title = f"predicted {names[predicted]} ({probs[predicted]:.0%})"
        if labels is not None:
            title += f", true {names[int(np.asarray(labels)[row])]}"
        axes[row, 0].set_title(title, fontsize=9, color=colour)
        bars = axes[row, 1].bar(range(classes), probs, color="lightgray")
        bars[predicted].set_color(colour)
        axes[row, 1].set_ylim(0, 1)
        axes[row, 1].set_xticks(range(classes), names, rotation=45, ha="right", fontsize=8)
    figure.tight_layout()
    return _finish(figure, path)
