"""``glassnet train``: train a model on a named data set and write a run directory."""

from __future__ import annotations

import json
import os
import sys


def add_parser(commands) -> None:
    from .common import DATA_CHOICES
    parser = commands.add_parser(
        "train", help="train a model and save it with its history, plots and a report",
        description="Train an MLP, a small CNN or a model described by a JSON config on a data set, and write "
                    "RUN_DIR/model.glassnet, config.json, history.csv, curves.png, confusion.png and report.md. "
                    "Ctrl-C stops training and saves what was learnt so far.")
    parser.add_argument("--data", required=True, choices=DATA_CHOICES, help="the data set to train on")
    parser.add_argument("--model", default="mlp", help="mlp, cnn, or a JSON file holding a Sequential config")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training data (default 5)")
    parser.add_argument("--batch-size", type=int, default=32, help="samples per step (default 32)")
    parser.add_argument("--optimizer", default="adam", help="optimizer name, e.g. adam, sgd, rmsprop (default adam)")
    parser.add_argument("--out", default="runs/latest", help="run directory to write (default runs/latest)")
    parser.add_argument("--data-dir", help="folder holding the data set files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--watch", action="store_true",
                        help="show the loss and accuracy curves live on a local web page, updated every epoch")
    parser.add_argument("--watch-port", type=int, default=0, help="port of the --watch page (default: any free one)")
    parser.add_argument("--no-browser", action="store_true", help="with --watch: print the page's address only")
    parser.set_defaults(run=run)


def build_model(spec: str, input_shape, classes: int):
    import glassnet as keras
    layers = keras.layers
    if spec == "mlp":
        stack = [layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(classes, activation="softmax")]
    elif spec == "cnn":
        stack = [layers.Conv2D(32, 3, activation="relu", padding="same"), layers.MaxPooling2D(2), layers.Flatten(),
                 layers.Dense(classes, activation="softmax")]
    else:
        if os.path.isdir(spec):
            raise ValueError(f"--model {spec}: is a folder; give mlp, cnn or a JSON file holding a Sequential config")
        if not os.path.isfile(spec):
            raise ValueError(f"--model must be mlp, cnn or an existing JSON file, received {spec!r}")
        return _model_from_json_file(spec, input_shape)
    return keras.Sequential([keras.Input(input_shape)] + stack)


def _model_from_json_file(spec: str, input_shape):
    """The Sequential model a JSON file describes (a run directory's config.json, or the
    ``{"class_name": "Sequential", "config": ...}`` of model.to_json()); every way the file can
    be wrong is one error naming it."""
    import glassnet as keras
    from .common import read_json_file
    config = read_json_file(spec)
    if not isinstance(config, dict):
        raise ValueError(f"{spec}: expected a JSON object holding a Sequential config (like config.json in a run "
                         f"directory), found a JSON {type(config).__name__}.")
    kind = config.get("class_name", "Sequential")
    if kind != "Sequential":
        raise ValueError(f"{spec}: describes a {kind!r} model; glassnet train builds Sequential models.")
    inner = config.get("config", config)
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        raise ValueError(f"{spec}: not a Sequential config (expected an object with a \"layers\" list, as "
                         "model.get_config() writes).")
    try:
        model = keras.Sequential.from_config(inner)
        if not model.built:
            model.build((None,) + tuple(input_shape))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError, RecursionError) as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if isinstance(error, ValueError):
            raise ValueError(f"{spec}: {text}") from None
        raise ValueError(f"{spec}: not a valid Sequential config ({type(error).__name__}: {text}).") from None
    return model


def run(args) -> int:
    import glassnet as keras
    from .common import load_dataset
    from .report import write_report
    from ..draw.classes import write_class_names
    for option, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
        if value < 1:
            raise ValueError(f"{option} must be a positive integer, received {value}")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise ValueError(f"--out {args.out}: exists and is not a folder; give a run directory to write")
    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test), names = load_dataset(args.data, args.data_dir)
    model = build_model(args.model, x_train.shape[1:], len(names))
    model.compile(optimizer=args.optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    os.makedirs(args.out, exist_ok=True)
    logger = keras.callbacks.CSVLogger(os.path.join(args.out, "history.csv"))
    callbacks, watch_server = [logger], None
    if args.watch:
        from .draw import start_training_page
        watcher, watch_server = start_training_page(f"{args.model} on {args.data}", args.watch_port,
                                                    browser=not args.no_browser)
        callbacks.append(watcher)
    interrupted = False
    try:
        model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, validation_split=0.1,
                  callbacks=callbacks)
    except KeyboardInterrupt:
        interrupted = True
        logger.on_train_end()
        print("\nInterrupted: saving the model as it is now.", file=sys.stderr)
    model.save(os.path.join(args.out, "model.glassnet"))
    write_class_names(args.out, names)  # glassnet draw names the classes from it
    with open(os.path.join(args.out, "config.json"), "w") as stream:
        json.dump({"class_name": "Sequential", "config": model.get_config()}, stream, indent=2)
    write_report(model, args.out, x_test, y_test, names, model.history, title=f"{args.model} on {args.data}")
    print(f"Saved the run in {args.out}")
    if watch_server is not None:
        watch_server.shutdown()
        watch_server.server_close()
    return 130 if interrupted else 0
