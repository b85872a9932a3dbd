"""``glassnet predict MODEL IMAGE ...``: the most likely classes of each image."""

from __future__ import annotations

import numpy as np


def add_parser(commands) -> None:
    parser = commands.add_parser("predict", help="classify images (PNG, JPEG, ...) with a saved model",
                                 description="Read each image (PNG, JPEG or any format Pillow reads; any size, grey "
                                             "or colour), fit it to the model's input and print the most likely "
                                             "classes with their probabilities.")
    parser.add_argument("model", help="a file written by model.save() or glassnet train")
    parser.add_argument("images", nargs="+", help="image files (PNG, JPEG, ...)")
    parser.add_argument("--top", type=int, default=3, help="how many classes to show (default 3)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..utils.images import load_for_model, model_input_geometry
    from .common import load_model_file
    if args.top < 1:
        raise ValueError(f"--top must be a positive integer, received {args.top}")
    model = load_model_file(args.model, compile=False)
    input_shape = model.input_shape
    if isinstance(input_shape, list):
        raise ValueError(f"{args.model}: the model takes {len(input_shape)} inputs; predict feeds it one image.")
    if not input_shape:
        raise ValueError(f"{args.model}: the model does not record its input shape, so images cannot be fitted to it.")
    model_input_geometry(input_shape[1:], args.model)  # a model that takes no image fails before any file is read
    batch = np.stack([load_for_model(path, input_shape[1:], args.model) for path in args.images])
    probabilities = model.predict(batch, verbose=0)
    for path, row in zip(args.images, probabilities):
        best = np.argsort(row)[::-1][:args.top]
        print(f"{path}: " + ", ".join(f"class {int(i)} {row[i]:.1%}" for i in best))
    return 0
