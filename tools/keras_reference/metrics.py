"""Reference numbers for the stateful metrics from real Keras 3, written to
tests/metrics/keras_metrics_golden.py. Run with Keras 3:

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/metrics.py

CASES: each metric is built from its class name and arguments, given one or more batches
(update_state(y_true, y_pred, sample_weight)), and its result() is recorded after each batch;
then reset_state() and the first batch again. The inputs are fixed arrays made here and stored
in the golden file, so the test needs no Keras.

MODELS: a fixed-weight model evaluated with AUC / Precision / Recall as metrics and as
weighted_metrics (with sample_weight), and one fit epoch with class_weight and
validation_split, whose history keys and values are recorded.
"""

import datetime
import json
import os
import pprint

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "metrics",
                   "keras_metrics_golden.py")


def make_inputs() -> dict:
    rng = np.random.default_rng(20261206)
    inputs = {}
    inputs["y_bin"] = (rng.random(12) < 0.5).astype(np.float32)
    inputs["p_bin"] = rng.random(12).astype(np.float32)
    inputs["y_bin2"] = (rng.random(10) < 0.4).astype(np.float32)
    inputs["p_bin2"] = rng.random(10).astype(np.float32)
    inputs["p_bin_ties"] = np.round(rng.random(12) * 4) / 4            # 0, .25, .5, .75, 1: on thresholds
    inputs["logits_bin"] = rng.normal(0, 2, 12).astype(np.float32)
    inputs["logits_bin_col"] = inputs["logits_bin"].reshape(-1, 1)
    inputs["y_bin_col"] = inputs["y_bin"].reshape(-1, 1)
    inputs["p_bin_col"] = inputs["p_bin"].reshape(-1, 1)
    inputs["w12"] = rng.random(12).astype(np.float32) * 2
    inputs["w10"] = rng.random(10).astype(np.float32) * 2
    inputs["y_ml"] = (rng.random((8, 3)) < 0.5).astype(np.float32)
    inputs["p_ml"] = rng.random((8, 3)).astype(np.float32)
    inputs["y_ml2"] = (rng.random((6, 3)) < 0.5).astype(np.float32)
    inputs["p_ml2"] = rng.random((6, 3)).astype(np.float32)
    inputs["w8"] = rng.random(8).astype(np.float32) * 2
    inputs["w6"] = rng.random(6).astype(np.float32) * 2
    labels = rng.integers(0, 4, 10)
    inputs["y_sparse"] = labels.astype(np.float32)
    inputs["y_onehot"] = np.eye(4, dtype=np.float32)[labels]
    scores = rng.random((10, 4)).astype(np.float32)
    inputs["p_cat"] = scores / scores.sum(axis=1, keepdims=True)
    inputs["sorted_ids"] = np.argsort(-inputs["p_cat"][::-1], axis=1)[:, :3].astype(np.float32)
    inputs["logits_cat"] = rng.normal(0, 2, (10, 4)).astype(np.float32)
    inputs["ids_true"] = rng.integers(0, 3, (2, 5)).astype(np.float32)
    inputs["ids_pred"] = rng.integers(0, 3, (2, 5)).astype(np.float32)
    inputs["ids_w"] = rng.integers(0, 3, (2, 5)).astype(np.float32)
    inputs["ids_scores"] = rng.random((2, 5, 3)).astype(np.float32)
    inputs["ids_onehot"] = np.eye(3, dtype=np.float32)[inputs["ids_true"].astype(int)]
    inputs["y_reg"] = rng.normal(1, 1, (10, 3)).astype(np.float32)
    inputs["p_reg"] = (inputs["y_reg"] + rng.normal(0, 0.5, (10, 3))).astype(np.float32)
    inputs["y_pos"] = rng.random((10, 3)).astype(np.float32) * 3
    inputs["p_pos"] = rng.random((10, 3)).astype(np.float32) * 3 + 0.1
    inputs["y_dist"] = inputs["p_cat"][::-1].copy()
    inputs["y_pm1"] = np.where(rng.random((10, 3)) < 0.5, -1.0, 1.0).astype(np.float32)
    inputs["values"] = rng.normal(0, 1, (10, 3)).astype(np.float32)
    inputs["w10b"] = rng.random(10).astype(np.float32)
    return {key: value.tolist() for key, value in inputs.items()}


B1 = [("y_bin", "p_bin", None)]
B1W = [("y_bin", "p_bin", "w12")]
B2W = [("y_bin", "p_bin", "w12"), ("y_bin2", "p_bin2", "w10")]
ML = [("y_ml", "p_ml", "w8"), ("y_ml2", "p_ml2", None)]
CAT = [("y_onehot", "p_cat", None)]
CATW = [("y_onehot", "p_cat", "w10b")]
REG = [("y_reg", "p_reg", None), ("y_reg", "values", "w10b")]

# name: (class name, constructor arguments, batches of (y_true, y_pred, sample_weight) input keys)
CASES = {
    "auc_roc": ("AUC", {}, B2W),
    "auc_roc_unweighted": ("AUC", {}, B1),
    "auc_roc_column": ("AUC", {}, [("y_bin_col", "p_bin_col", "w12")]),
    "auc_roc_ties": ("AUC", {}, [("y_bin", "p_bin_ties", "w12")]),
    "auc_pr": ("AUC", {"curve": "PR"}, B2W),
    "auc_pr_minoring": ("AUC", {"curve": "PR", "summation_method": "minoring"}, B2W),
    "auc_roc_majoring": ("AUC", {"summation_method": "majoring"}, B2W),
    "auc_roc_minoring": ("AUC", {"summation_method": "minoring"}, B2W),
    "auc_prgain": ("AUC", {"curve": "PRGAIN"}, B2W),
    "auc_10_thresholds": ("AUC", {"num_thresholds": 10}, B2W),
    "auc_thresholds": ("AUC", {"thresholds": [0.7, 0.3, 0.5]}, B2W),
    "auc_thresholds_evenly": ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, [("y_bin", "p_bin_ties", "w12")]),
    "auc_multi_label": ("AUC", {"multi_label": True}, ML),
    "auc_multi_label_pr": ("AUC", {"multi_label": True, "curve": "PR"}, ML),
    "auc_multi_label_weights": ("AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5]}, ML),
    "auc_multi_label_num_labels": ("AUC", {"multi_label": True, "num_labels": 3}, ML),
    "auc_pooled_label_weights": ("AUC", {"label_weights": [1.0, 2.0, 0.5]}, ML),
    "auc_pooled_labels": ("AUC", {}, ML),
    "auc_from_logits": ("AUC", {"from_logits": True}, [("y_bin", "logits_bin", "w12")]),
    "precision": ("Precision", {}, B2W),
    "precision_unweighted": ("Precision", {}, B1),
    "precision_thresholds": ("Precision", {"thresholds": [0.3, 0.5, 0.8]}, B2W),
    "precision_evenly": ("Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, [("y_bin", "p_bin_ties", "w12")]),
    "precision_ties": ("Precision", {"thresholds": [0.25, 0.5]}, [("y_bin", "p_bin_ties", None)]),
    "precision_top_k": ("Precision", {"top_k": 2}, ML),
    "precision_class_id": ("Precision", {"class_id": 1}, ML),
    "precision_top_k_class_id": ("Precision", {"top_k": 1, "class_id": 2}, ML),
    "precision_top_k_thresholds": ("Precision", {"top_k": 2, "thresholds": [0.3, 0.6]}, ML),
    "precision_multilabel": ("Precision", {}, ML),
    "recall": ("Recall", {}, B2W),
    "recall_thresholds": ("Recall", {"thresholds": [0.3, 0.5, 0.8]}, B2W),
    "recall_top_k": ("Recall", {"top_k": 2}, ML),
    "recall_class_id": ("Recall", {"class_id": 0}, ML),
    "recall_categorical_top_k": ("Recall", {"top_k": 2}, CATW),
    "true_positives": ("TruePositives", {}, B2W),
    "false_positives": ("FalsePositives", {"thresholds": [0.2, 0.6]}, B2W),
    "true_negatives": ("TrueNegatives", {}, B2W),
    "false_negatives": ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, [("y_bin", "p_bin_ties", "w12")]),
    "sensitivity_at_specificity": ("SensitivityAtSpecificity", {"specificity": 0.6}, B2W),
    "specificity_at_sensitivity": ("SpecificityAtSensitivity", {"sensitivity": 0.7}, B2W),
    "precision_at_recall": ("PrecisionAtRecall", {"recall": 0.5}, B2W),
    "recall_at_precision": ("RecallAtPrecision", {"precision": 0.6, "num_thresholds": 50}, B2W),
    "sensitivity_at_specificity_class_id": ("SensitivityAtSpecificity", {"specificity": 0.5, "class_id": 1}, ML),
    "f1_none": ("F1Score", {}, CAT),
    "f1_micro": ("F1Score", {"average": "micro"}, CATW),
    "f1_macro": ("F1Score", {"average": "macro"}, CATW),
    "f1_weighted": ("F1Score", {"average": "weighted"}, CATW),
    "f1_threshold": ("F1Score", {"average": "macro", "threshold": 0.5}, ML),
    "f1_multilabel_none": ("F1Score", {"threshold": 0.4}, ML),
    "fbeta_2_macro": ("FBetaScore", {"beta": 2.0, "average": "macro"}, CATW),
    "fbeta_half_none": ("FBetaScore", {"beta": 0.5, "threshold": 0.3}, ML),
    "mean_iou": ("MeanIoU", {"num_classes": 3}, [("ids_true", "ids_pred", None), ("ids_pred", "ids_true", "ids_w")]),
    "mean_iou_ignore": ("MeanIoU", {"num_classes": 3, "ignore_class": 0}, [("ids_true", "ids_pred", None)]),
    "mean_iou_scores": ("MeanIoU", {"num_classes": 3, "sparse_y_pred": False}, [("ids_true", "ids_scores", None)]),
    "iou_targets": ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, [("ids_true", "ids_pred", None)]),
    "binary_iou": ("BinaryIoU", {}, [("y_bin", "p_bin", None)]),
    "binary_iou_class1": ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, [("y_bin", "p_bin", None)]),
    "one_hot_mean_iou": ("OneHotMeanIoU", {"num_classes": 3}, [("ids_onehot", "ids_scores", None)]),
    "one_hot_iou": ("OneHotIoU", {"num_classes": 3, "target_class_ids": [1]}, [("ids_onehot", "ids_scores", None)]),
    "r2": ("R2Score", {}, REG),
    "r2_variance_weighted": ("R2Score", {"class_aggregation": "variance_weighted_average"}, REG),
    "r2_none": ("R2Score", {"class_aggregation": None}, REG),
    "r2_adjusted": ("R2Score", {"num_regressors": 2}, REG),
    "rmse": ("RootMeanSquaredError", {}, REG),
    "mse": ("MeanSquaredError", {}, REG),
    "mae": ("MeanAbsoluteError", {}, REG),
    "mape": ("MeanAbsolutePercentageError", {}, REG),
    "msle": ("MeanSquaredLogarithmicError", {}, [("y_pos", "p_pos", "w10b")]),
    "cosine_similarity": ("CosineSimilarity", {}, REG),
    "logcosh": ("LogCoshError", {}, REG),
    "kl_divergence": ("KLDivergence", {}, [("y_dist", "p_cat", "w10b")]),
    "poisson": ("Poisson", {}, [("y_pos", "p_pos", "w10b")]),
    "binary_crossentropy": ("BinaryCrossentropy", {}, ML),
    "binary_crossentropy_logits": ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
                                   [("y_bin_col", "logits_bin_col", "w12")]),
    "categorical_crossentropy": ("CategoricalCrossentropy", {}, CATW),
    "categorical_crossentropy_logits": ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
                                        [("y_onehot", "logits_cat", None)]),
    "sparse_categorical_crossentropy": ("SparseCategoricalCrossentropy", {}, [("y_sparse", "p_cat", "w10b")]),
    "sparse_categorical_crossentropy_ignore": ("SparseCategoricalCrossentropy", {"ignore_class": 1},
                                               [("y_sparse", "p_cat", "w10b")]),
    "hinge": ("Hinge", {}, [("y_pm1", "values", "w10b")]),
    "squared_hinge": ("SquaredHinge", {}, [("y_pm1", "values", None)]),
    "categorical_hinge": ("CategoricalHinge", {}, CATW),
    "accuracy": ("Accuracy", {}, [("ids_true", "ids_pred", None)]),
    "binary_accuracy": ("BinaryAccuracy", {"threshold": 0.7}, B2W),
    "categorical_accuracy": ("CategoricalAccuracy", {}, CATW),
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", {}, [("y_sparse", "p_cat", "w10b")]),
    "top_k": ("TopKCategoricalAccuracy", {"k": 2}, CATW),
    "sparse_top_k": ("SparseTopKCategoricalAccuracy", {"k": 2}, [("y_sparse", "p_cat", None)]),
    "sparse_top_k_ids": ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True},
                         [("y_sparse", "sorted_ids", None)]),
}

# Mean and Sum take values (and weights), not (y_true, y_pred).
VALUE_CASES = {
    "mean": ("Mean", [("values", None), ("values", "w10b")]),
    "sum": ("Sum", [("values", "w10b"), ("values", None)]),
}

# Metrics whose variables (names, shapes, before and after a first (8, 3) batch) are recorded.
VARIABLE_CASES = [("AUC", {}), ("AUC", {"multi_label": True}), ("Precision", {"thresholds": [0.2, 0.7]}),
                  ("Recall", {}), ("TruePositives", {}), ("F1Score", {}), ("F1Score", {"average": "micro"}),
                  ("R2Score", {}), ("MeanIoU", {"num_classes": 3}), ("RootMeanSquaredError", {}),
                  ("SensitivityAtSpecificity", {"specificity": 0.5}), ("BinaryAccuracy", {})]


def pattern(shape, seed: int) -> np.ndarray:
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17) - 8) / 8).astype(np.float32).reshape(shape)


def binary_data():
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, (40, 3)).astype(np.float32)
    y = ((x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.7, 40)) > 0.2).astype(np.float32)
    w = (rng.random(40) * 2).astype(np.float32)
    return x, y, w


def binary_model(keras):
    """Dense(4, relu) -> Dense(1, sigmoid) on 3 features; weights pattern(shape, 1 + index)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(model.get_weights())])
    return model


def model_metrics(keras):
    M = keras.metrics
    return dict(metrics=[M.AUC(), M.Precision(), M.Recall(), "accuracy", M.AUC(curve="PR", name="pr_auc")],
                weighted_metrics=[M.AUC(name="weighted_auc"), M.Precision(name="weighted_precision"),
                                  M.Recall(name="weighted_recall")])


def run_models(keras):
    x, y, w = binary_data()
    results = {}
    keras.utils.clear_session()
    model = binary_model(keras)
    model.compile(optimizer="sgd", loss="binary_crossentropy", **model_metrics(keras))
    results["evaluate"] = {k: float(v) for k, v in model.evaluate(x, y, sample_weight=w, batch_size=16, verbose=0,
                                                                   return_dict=True).items()}
    keras.utils.clear_session()
    model = binary_model(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=[keras.metrics.AUC(), keras.metrics.Precision(), keras.metrics.Recall(), "mse"])
    history = model.fit(x, y, epochs=2, batch_size=8, class_weight={0: 1.0, 1: 3.0}, shuffle=False,
                        validation_split=0.25, verbose=0)
    results["fit_class_weight"] = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    results["fit_class_weight_weights"] = [w.tolist() for w in model.get_weights()]
    return results


def plain(value):
    """Arrays and NumPy scalars (a config's label_weights, thresholds) as lists and floats."""
    return json.loads(json.dumps(value, default=lambda o: np.asarray(o).tolist()))


def main():
    import keras
    inputs = make_inputs()
    arrays = {k: np.array(v, np.float32) for k, v in inputs.items()}
    results, configs = {}, {}
    for name, (cls, kwargs, batches) in CASES.items():
        metric = getattr(keras.metrics, cls)(name="m", **kwargs)
        values = []
        for y_true, y_pred, weight in batches:
            metric.update_state(arrays[y_true], arrays[y_pred], None if weight is None else arrays[weight])
            values.append(np.asarray(metric.result()).tolist())
        metric.reset_state()
        y_true, y_pred, weight = batches[0]
        metric.update_state(arrays[y_true], arrays[y_pred], None if weight is None else arrays[weight])
        values.append(np.asarray(metric.result()).tolist())
        results[name] = values
        configs[name] = plain(metric.get_config())
    for name, (cls, batches) in VALUE_CASES.items():
        metric = getattr(keras.metrics, cls)(name="m")
        values = []
        for vals, weight in batches:
            metric.update_state(arrays[vals], None if weight is None else arrays[weight])
            values.append(float(metric.result()))
        results[name] = values
    keras.utils.clear_session()
    default_names = {cls: getattr(keras.metrics, cls)(**kwargs).name for cls, kwargs in [
        ("AUC", {}), ("Precision", {}), ("Recall", {}), ("MeanIoU", {"num_classes": 2}), ("F1Score", {}),
        ("R2Score", {}), ("LogCoshError", {}), ("TruePositives", {}), ("AUC", {})]}
    keras.utils.clear_session()
    second = [keras.metrics.AUC().name, keras.metrics.AUC().name, keras.metrics.Precision().name]
    string_names = {}
    for key in ["auc", "AUC", "precision", "Precision", "recall", "mse", "MSE", "mae", "kl_divergence", "poisson",
                "hinge", "f1_score", "r2_score", "log_cosh_error", "root_mean_squared_error", "binary_crossentropy",
                "bce", "top_k_categorical_accuracy", "cosine_similarity", "true_positives"]:
        metric = keras.metrics.get(key)
        string_names[key] = type(metric).__name__
    variables = {}
    for cls, kwargs in VARIABLE_CASES:
        metric = getattr(keras.metrics, cls)(**kwargs)
        before = [v.name for v in metric.variables]
        metric.update_state(arrays["y_ml"], arrays["p_ml"])
        variables[f"{cls}{kwargs}"] = {"before": before, "after": [[v.name, list(v.shape)] for v in metric.variables]}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/metrics.py. Regenerate with that script; do not "
              'edit by hand."""\n\n')
    body = {"KERAS_VERSION": keras.__version__, "INPUTS": inputs,
            "CASES": {k: {"class": c, "kwargs": kw, "batches": b} for k, (c, kw, b) in CASES.items()},
            "VALUE_CASES": {k: {"class": c, "batches": b} for k, (c, b) in VALUE_CASES.items()},
            "RESULTS": results, "CONFIGS": configs, "DEFAULT_NAMES": default_names, "UNIQUE_NAMES": second,
            "STRING_CLASSES": string_names, "VARIABLE_CASES": VARIABLE_CASES, "VARIABLES": variables, "MODELS": run_models(keras)}
    with open(OUT, "w") as f:
        f.write(header)
        for key, value in body.items():
            f.write(f"{key} = {pprint.pformat(value, width=110, compact=True)}\n\n")
    print("wrote", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
