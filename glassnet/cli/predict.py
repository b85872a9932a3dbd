"""``glassnet predict MODEL IMAGE.png ...``: the most likely classes of each image."""

from __future__ import annotations

import numpy as np


def add_parser(commands) -> None:
    parser = commands.add_parser("predict", help="classify PNG images with a saved model",
                                 description="Read each PNG (any size, grey or colour), fit it to the model's input "
                                             "and print the most likely classes with their probabilities.")
    parser.add_argument("model", help="a file written by model.save() or glassnet train")
    parser.add_argument("images", nargs="+", help="PNG files")
    parser.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..models import load_model
    from ..utils.images import read_png, to_model_input
    model = load_model(args.model, compile=False)
    batch = np.stack([to_model_input(read_png(path), model.input_shape[1:], path) for path in args.images])
    probabilities = model.predict(batch, verbose=0)
    for path, row in zip(args.images, probabilities):
        best = np.argsort(row)[::-1][:max(1, args.top)]
        print(f"{path}: " + ", ".join(f"class {int(i)} {row[i]:.1%}" for i in best))
    return 0
