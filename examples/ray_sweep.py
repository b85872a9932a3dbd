"""A hyperparameter sweep on Ray Tune: learning rate x width of the seed MLP on the digits.

    pip install "glassnet[ray,digits]" && python examples/ray_sweep.py

The model of examples/digits_mlp.py (Flatten -> Dense(width, relu) -> Dense(10, softmax), Adam,
batch 8) trained for each configuration of the grid, on a local Ray instance of two CPUs (one
trial per CPU). Each trial holds out the last 20% of the training images (validation_split) and
reports its epochs through glassnet.integrations.ray_tune, which also checkpoints the model in
glassnet's file format; the best configuration is the one of highest final val_accuracy, and its
checkpoint is loaded and scored on the test images.
"""

import argparse
import sys
import tempfile

import glassnet as keras
from glassnet import layers

LEARNING_RATES = [3e-4, 1e-3, 3e-3]
WIDTHS = [32, 128]


def trainable(config):
    """One trial: train the MLP of ``config`` (learning_rate, width, epochs), reporting each epoch."""
    from glassnet.integrations.ray_tune import ReportCheckpointCallback
    (x_train, y_train), _ = keras.datasets.digits.load_data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        layers.Flatten(input_shape=x_train.shape[1:]),
        layers.Dense(config["width"], activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train / 16.0, y_train, epochs=config["epochs"], batch_size=8, validation_split=0.2, verbose=0,
              callbacks=[ReportCheckpointCallback()])


def sweep(learning_rates, widths, epochs: int, storage_path: str):
    """Run the grid on a local Ray instance of 2 CPUs; returns Tune's ResultGrid."""
    import ray
    from ray import tune
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    try:
        tuner = tune.Tuner(
            tune.with_resources(trainable, {"cpu": 1}),
            param_space={"learning_rate": tune.grid_search(learning_rates), "width": tune.grid_search(widths),
                         "epochs": epochs},
            tune_config=tune.TuneConfig(metric="val_accuracy", mode="max"),
            run_config=tune.RunConfig(name="digits_mlp_sweep", storage_path=storage_path, verbose=0))
        return tuner.fit()
    finally:
        ray.shutdown()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--learning-rates", type=float, nargs="+", default=LEARNING_RATES)
    parser.add_argument("--widths", type=int, nargs="+", default=WIDTHS)
    parser.add_argument("--storage", default=None, help="where Tune keeps its results (default: a temporary folder)")
    args = parser.parse_args(argv)
    from glassnet.integrations.ray_tune import load_checkpoint
    with tempfile.TemporaryDirectory(prefix="glassnet-sweep-") as folder:
        results = sweep(args.learning_rates, args.widths, args.epochs, args.storage or folder)
        if results.errors:
            print(f"{len(results.errors)} trial(s) failed: {results.errors[0]}", file=sys.stderr)
            return 1
        print(f"{'learning_rate':>13} {'width':>5} {'val_accuracy':>12}")
        for result in sorted(results, key=lambda r: (r.config["learning_rate"], r.config["width"])):
            print(f"{result.config['learning_rate']:>13g} {result.config['width']:>5d} "
                  f"{result.metrics['val_accuracy']:>12.4f}")
        best = results.get_best_result()
        model = load_checkpoint(best.checkpoint)
        (_, _), (x_test, y_test) = keras.datasets.digits.load_data()
        _, test_accuracy = model.evaluate(x_test / 16.0, y_test, verbose=0)
        print(f"Best configuration: learning_rate={best.config['learning_rate']:g}, width={best.config['width']} "
              f"(val_accuracy {best.metrics['val_accuracy']:.4f}, after {best.metrics['epoch']} epochs; "
              f"test accuracy of its checkpoint {test_accuracy:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
