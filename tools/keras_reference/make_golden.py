"""Compute reference numbers with real Keras 3 and write them to tests/keras_golden.py.

Run in a virtual environment that has tensorflow-cpu (which brings Keras 3):

    python3 -m venv /tmp/keras-venv && /tmp/keras-venv/bin/pip install tensorflow-cpu
    /tmp/keras-venv/bin/python tools/keras_reference/make_golden.py

glassnet's tests compare against the written numbers without needing Keras.
"""

import contextlib
import datetime
import io
import os
import pprint
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "keras_golden.py")

VARIABLE = np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.25]], dtype=np.float32)
GRADIENTS = [np.array([[0.1, -0.2, 0.3], [1.0, 0.0, -2.0]], dtype=np.float32),
             np.array([[-0.5, 0.4, 0.05], [0.2, -0.3, 3.0]], dtype=np.float32),
             np.array([[0.3, 0.3, -0.1], [-1.5, 0.7, 0.2]], dtype=np.float32)]

OPTIMIZERS = {
    "SGD()": lambda: keras.optimizers.SGD(),
    "SGD(momentum=0.9)": lambda: keras.optimizers.SGD(momentum=0.9),
    "SGD(momentum=0.9, nesterov=True)": lambda: keras.optimizers.SGD(momentum=0.9, nesterov=True),
    "Adam()": lambda: keras.optimizers.Adam(),
    "Adam(amsgrad=True)": lambda: keras.optimizers.Adam(amsgrad=True),
    "AdamW()": lambda: keras.optimizers.AdamW(),
    "RMSprop()": lambda: keras.optimizers.RMSprop(),
    "RMSprop(momentum=0.9, centered=True)": lambda: keras.optimizers.RMSprop(momentum=0.9, centered=True),
    "Adagrad()": lambda: keras.optimizers.Adagrad(),
    "Nadam()": lambda: keras.optimizers.Nadam(),
    "Adam(clipnorm=1.0)": lambda: keras.optimizers.Adam(clipnorm=1.0),
    "Adam(clipvalue=0.1)": lambda: keras.optimizers.Adam(clipvalue=0.1),
    "SGD(global_clipnorm=1.0)": lambda: keras.optimizers.SGD(global_clipnorm=1.0),
    "Adam(ExponentialDecay(0.1, 2, 0.5))": lambda: keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)),
    "SGD(ExponentialDecay(0.1, 2, 0.5, staircase=True))": lambda: keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True)),
}


def optimizer_steps():
    results = {}
    for name, make in OPTIMIZERS.items():
        optimizer = make()
        variable = keras.Variable(VARIABLE.copy())
        steps = []
        for gradient in GRADIENTS:
            optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
            steps.append(np.asarray(variable).tolist())
        results[name] = steps
    return results


Y_ONE_HOT = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float32)
Y_SPARSE = np.array([1, 0, 2, 1])
PROBS = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.05, 0.15, 0.8], [0.4, 0.4, 0.2]], dtype=np.float32)
LOGITS = np.array([[1.0, 2.5, -0.5], [3.0, 0.1, 0.2], [-1.0, 0.5, 2.0], [0.3, 0.2, -0.4]], dtype=np.float32)
Y_BINARY = np.array([1, 0, 1, 1], dtype=np.float32)
P_BINARY = np.array([[0.9], [0.2], [0.4], [0.6]], dtype=np.float32)
Z_BINARY = np.array([[2.0], [-1.0], [-0.3], [0.5]], dtype=np.float32)
Y_REG = np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0], [-1.0, 2.0]], dtype=np.float32)
P_REG = np.array([[0.8, -1.0], [0.0, 0.3], [1.0, 1.1], [-1.5, 4.0]], dtype=np.float32)
SAMPLE_WEIGHT = np.array([1.0, 0.5, 2.0, 0.0], dtype=np.float32)


def losses():
    L = keras.losses
    cases = {
        "categorical_crossentropy": (L.CategoricalCrossentropy(), Y_ONE_HOT, PROBS),
        "categorical_crossentropy_logits": (L.CategoricalCrossentropy(from_logits=True), Y_ONE_HOT, LOGITS),
        "categorical_crossentropy_smoothing": (L.CategoricalCrossentropy(label_smoothing=0.1), Y_ONE_HOT, PROBS),
        "sparse_categorical_crossentropy": (L.SparseCategoricalCrossentropy(), Y_SPARSE, PROBS),
        "sparse_categorical_crossentropy_logits": (L.SparseCategoricalCrossentropy(from_logits=True), Y_SPARSE, LOGITS),
        "binary_crossentropy": (L.BinaryCrossentropy(), Y_BINARY, P_BINARY),
        "binary_crossentropy_logits": (L.BinaryCrossentropy(from_logits=True), Y_BINARY, Z_BINARY),
        "mean_squared_error": (L.MeanSquaredError(), Y_REG, P_REG),
        "mean_absolute_error": (L.MeanAbsoluteError(), Y_REG, P_REG),
        "huber": (L.Huber(), Y_REG, P_REG),
    }
    results = {}
    for name, (loss, y_true, y_pred) in cases.items():
        results[name] = {"reduced": float(loss(y_true, y_pred)),
                         "weighted": float(loss(y_true, y_pred, sample_weight=SAMPLE_WEIGHT))}
    return results


def metrics():
    M = keras.metrics
    results = {}
    for name, metric, y_true, y_pred in [
        ("categorical_accuracy", M.CategoricalAccuracy(), Y_ONE_HOT, PROBS),
        ("sparse_categorical_accuracy", M.SparseCategoricalAccuracy(), Y_SPARSE, PROBS),
        ("binary_accuracy", M.BinaryAccuracy(), Y_BINARY.reshape(-1, 1), P_BINARY),
        ("top_k_categorical_accuracy_k2", M.TopKCategoricalAccuracy(k=2), Y_ONE_HOT, PROBS),
        ("mean_squared_error", M.MeanSquaredError(), Y_REG, P_REG),
        ("mean_absolute_error", M.MeanAbsoluteError(), Y_REG, P_REG),
    ]:
        metric.update_state(y_true, y_pred)
        results[name] = float(metric.result())
    return results


ACTIVATION_INPUT = np.array([-3.0, -1.0, -0.2, 0.0, 0.3, 1.0, 2.5], dtype=np.float32)


def activations():
    A = keras.activations
    names = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "selu", "gelu", "softplus",
             "silu"]
    return {name: np.asarray(getattr(A, name)(ACTIVATION_INPUT)).tolist() for name in names}


def model_run():
    x = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5], [0.0, 0.5, -0.5], [0.3, 0.3, 0.3],
                  [-0.2, 0.8, 0.1], [0.9, 0.1, -0.3], [0.4, -0.6, 0.2], [-0.7, 0.2, 0.6]], dtype=np.float32)
    y = keras.utils.to_categorical([0, 1, 0, 1, 1, 0, 1, 0], 2)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    initial = [np.array([[0.2, -0.3, 0.5, 0.1], [0.4, 0.2, -0.1, 0.3], [-0.5, 0.1, 0.2, 0.6]], np.float32),
               np.zeros(4, np.float32), np.array([[0.3, -0.2], [0.1, 0.4], [-0.6, 0.2], [0.5, -0.1]], np.float32),
               np.zeros(2, np.float32)]
    model.set_weights(initial)
    model.compile(keras.optimizers.Adam(), "categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    bare = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    bare.compile("sgd", "categorical_crossentropy")
    return {"x": x.tolist(), "y": y.tolist(), "initial_weights": [w.tolist() for w in initial],
            "history_keys": list(history.history), "history": history.history,
            "weights_after": [w.tolist() for w in model.get_weights()],
            "evaluate": model.evaluate(x, y, verbose=0),
            "evaluate_dict": model.evaluate(x, y, verbose=0, return_dict=True),
            "evaluate_without_metrics_type": type(bare.evaluate(x, y, verbose=0)).__name__,
            "names": [layer.name for layer in model.layers]}


def captured(function):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function()
    return buffer.getvalue()


def texts():
    L = keras.layers
    models = {
        "binary": keras.Sequential([L.Input((2,)), L.Dense(10, activation="relu"), L.Dense(1, activation="sigmoid")]),
        "mlp512": keras.Sequential([L.Input((28, 28)), L.Flatten(), L.Dense(512, activation="relu"),
                                    L.Dense(10, activation="softmax")]),
        "seed_cnn": keras.Sequential([L.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D((2, 2)),
                                      L.Flatten(), L.Dense(10, activation="softmax")]),
        "classic_convnet": keras.Sequential([L.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                                             L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                                             L.Dropout(0.5), L.Dense(10, activation="softmax")]),
    }
    summaries = {name: captured(model.summary) for name, model in models.items()}
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((100, 2)).astype(np.float32), rng.integers(0, 2, 100)
    model = models["binary"]
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    fit_1 = captured(lambda: model.fit(x, y, epochs=2, batch_size=10, verbose=1, validation_data=(x, y)))
    fit_2 = captured(lambda: model.fit(x, y, epochs=2, batch_size=10, verbose=2, validation_data=(x, y)))
    evaluate_1 = captured(lambda: model.evaluate(x, y, verbose=1))
    predict_1 = captured(lambda: model.predict(x, verbose=1))
    after = captured(model.summary)
    return {"summaries": summaries, "summary_after_fit": after, "fit_verbose_1": fit_1, "fit_verbose_2": fit_2,
            "evaluate_verbose_1": evaluate_1, "predict_verbose_1": predict_1}


def defaults():
    O = keras.optimizers
    configs = {name: cls().get_config() for name, cls in
               [("SGD", O.SGD), ("Adam", O.Adam), ("AdamW", O.AdamW), ("RMSprop", O.RMSprop), ("Adagrad", O.Adagrad),
                ("Nadam", O.Nadam)]}
    keep = ("learning_rate", "momentum", "nesterov", "beta_1", "beta_2", "epsilon", "rho", "centered", "amsgrad",
            "initial_accumulator_value", "weight_decay")
    return {name: {k: v for k, v in config.items() if k in keep} for name, config in configs.items()}


def main():
    keras.utils.set_random_seed(0)
    golden = {
        "inputs": {"variable": VARIABLE.tolist(), "gradients": [g.tolist() for g in GRADIENTS],
                   "y_one_hot": Y_ONE_HOT.tolist(), "y_sparse": Y_SPARSE.tolist(), "probs": PROBS.tolist(),
                   "logits": LOGITS.tolist(), "y_binary": Y_BINARY.tolist(), "p_binary": P_BINARY.tolist(),
                   "z_binary": Z_BINARY.tolist(), "y_reg": Y_REG.tolist(), "p_reg": P_REG.tolist(),
                   "sample_weight": SAMPLE_WEIGHT.tolist(), "activation_input": ACTIVATION_INPUT.tolist()},
        "optimizer_steps": optimizer_steps(),
        "optimizer_defaults": defaults(),
        "losses": losses(),
        "metrics": metrics(),
        "activations": activations(),
        "model_run": model_run(),
    }
    text = texts()
    header = (f'"""Reference numbers from Keras {keras.__version__} (TensorFlow {tf.__version__}, CPU), '
              f'made {datetime.date.today()} by\ntools/keras_reference/make_golden.py. Regenerate with that script; '
              'do not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n\n")
        stream.write("GOLDEN = " + pprint.pformat(golden, width=110, sort_dicts=False) + "\n\n")
        stream.write("TEXT = " + pprint.pformat(text, width=110, sort_dicts=False) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
