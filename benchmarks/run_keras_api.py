"""One workload in a framework with the Keras API: glassnet, or Keras 3 on TensorFlow or JAX.

    python run_keras_api.py glassnet|keras W1 EPOCHS SEED [LIMIT]    (KERAS_BACKEND picks TF or JAX)

SEED picks the initial weights (shared with the other frameworks' runs) and seeds the shuffling.

Prints one JSON line: seconds per epoch, test accuracy, predict throughput, peak memory, import time.
"""

import json
import os
import resource
import sys
import time

framework, workload, epochs, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
limit = int(sys.argv[5]) if len(sys.argv) > 5 else None
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
started = time.perf_counter()
if framework == "glassnet":
    import glassnet as keras
else:
    import keras
import_seconds = time.perf_counter() - started


from workloads import WORKLOADS, initial_weights, load_fashion, load_sequences  # noqa: E402

spec = WORKLOADS[workload]
L = keras.layers
keras.utils.set_random_seed(seed)
loss = "sparse_categorical_crossentropy"
if spec["model"] == "lstm":
    (x_train, y_train), (x_test, y_test) = load_sequences(spec)
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    model = keras.Sequential([keras.Input((spec["steps"],), dtype="int32"),
                              L.Embedding(spec["vocabulary"], spec["embedding"]), L.LSTM(spec["units"]),
                              L.Dense(1, activation="sigmoid")])
    loss = "binary_crossentropy"
else:
    (x_train, y_train), (x_test, y_test) = load_fashion(limit)
    x_train, x_test = (x_train / 255.0).astype("float32"), (x_test / 255.0).astype("float32")
    if spec["model"] == "mlp":
        model = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(spec["hidden"], activation="relu"),
                                  L.Dense(10, activation="softmax")])
    else:
        x_train, x_test = x_train[..., None], x_test[..., None]
        if spec["model"] == "seed_cnn":
            model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"),
                                      L.MaxPooling2D(2), L.Flatten(), L.Dense(10, activation="softmax")])
        else:
            model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"),
                                      L.MaxPooling2D(2), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                                      L.Flatten(), L.Dropout(0.5), L.Dense(10, activation="softmax")])
model.set_weights(initial_weights(spec, seed))
model.compile(optimizer=keras.optimizers.Adam(epsilon=1e-7), loss=loss, metrics=["accuracy"])
seconds = []
for epoch in range(epochs):
    begin = time.perf_counter()
    model.fit(x_train, y_train, batch_size=spec["batch_size"], epochs=epoch + 1, initial_epoch=epoch,
              validation_split=spec.get("validation_split", 0.0), verbose=0)
    seconds.append(time.perf_counter() - begin)
accuracy = float(model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1])
throughput = {}
for batch in (32, 1000):
    model.predict(x_test[:batch], batch_size=batch, verbose=0)
    best = float("inf")
    for _ in range(3):  # one call takes 10-100 ms: the best of three evens out the machine's noise
        begin = time.perf_counter()
        model.predict(x_test, batch_size=batch, verbose=0)
        best = min(best, time.perf_counter() - begin)
    throughput[batch] = len(x_test) / best
print(json.dumps({"framework": framework if framework == "glassnet" else f"keras-{os.environ.get('KERAS_BACKEND', 'tensorflow')}",
                  "workload": workload, "epoch_seconds": seconds, "test_accuracy": accuracy,
                  "predict_32": throughput[32], "predict_1000": throughput[1000],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "import_seconds": import_seconds}))
