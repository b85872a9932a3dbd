"""``glassnet evaluate`` and ``glassnet summary``: look at a saved model."""

from __future__ import annotations


def add_parsers(commands) -> None:
    from .common import DATA_CHOICES
    evaluate = commands.add_parser("evaluate", help="test accuracy, per-class accuracy and confusion matrix",
                                   description="Evaluate a saved model on the test split of a data set.")
    evaluate.add_argument("model", help="a file written by model.save() or glassnet train")
    evaluate.add_argument("--data", required=True, choices=DATA_CHOICES, help="the data set to evaluate on")
    evaluate.add_argument("--data-dir", help="folder holding the data set files")
    evaluate.set_defaults(run=run_evaluate)
    summary = commands.add_parser("summary", help="print a saved model's layers and parameter counts",
                                  description="Print the summary table of a saved model.")
    summary.add_argument("model", help="a file written by model.save() or glassnet train")
    summary.set_defaults(run=run_summary)


def run_evaluate(args) -> int:
    from .common import load_dataset, load_model_file
    from .report import confusion_counts, per_class_lines
    model = load_model_file(args.model)
    _, (x_test, y_test), names = load_dataset(args.data, args.data_dir)
    predicted = model.predict(x_test, batch_size=256, verbose=0).argmax(axis=1)
    print(f"Test accuracy: {float((predicted == y_test).mean()):.4f} on {len(y_test)} images")
    print("\n".join(per_class_lines(y_test, predicted, names)))
    counts = confusion_counts(y_test, predicted, len(names))
    width = max(len(str(counts.max())), 3)
    print("Confusion matrix (rows: true class, columns: predicted class):")
    for row in counts:
        print(" ".join(f"{v:>{width}}" for v in row))
    return 0


def run_summary(args) -> int:
    from .common import load_model_file
    load_model_file(args.model, compile=True).summary()
    return 0
