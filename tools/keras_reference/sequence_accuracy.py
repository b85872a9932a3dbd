"""The accuracy Keras 3 reaches on small sequence tasks, for tests/layers/test_sequence_accuracy.py,
which trains the same models in glassnet on the same data and asks for as much (less a margin).
Run with a Python that has Keras 3 (the pinned numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/sequence_accuracy.py

Each model is built by ``MODELS[name](keras)``; the data by ``task(name)``; Keras's mean test
accuracy over SEEDS is printed as a dict to paste into the test.
"""

import numpy as np

VOCABULARY, STEPS = 100, 20
SEEDS = (0, 1, 2)
EPOCHS = 3


def task(name):
    """((x_train, y_train), (x_test, y_test)): word ids 3..49, padded with 0 at the front
    (pad_sequences's default) to STEPS; 2000 training and 1000 test sequences.

    "bag": label 1 when word 1 occurs in the sequence (order does not matter);
    "order": both words 1 and 2 occur, label 1 when 1 comes before 2 (a bag of words cannot tell).
    """
    rng = np.random.default_rng(7)
    count = 3000
    lengths = rng.integers(4, STEPS + 1, count)
    x = np.zeros((count, STEPS), np.int32)
    y = rng.integers(0, 2, count)
    for row, length in enumerate(lengths):
        words = rng.integers(3, VOCABULARY, length)
        if name == "bag":
            if y[row]:
                words[rng.integers(0, length)] = 1
        else:
            first, second = rng.choice(length, 2, replace=False)
            words[min(first, second)], words[max(first, second)] = (1, 2) if y[row] else (2, 1)
        x[row, STEPS - length:] = words
    return (x[:2000], y[:2000].astype(np.float32)), (x[2000:], y[2000:].astype(np.float32))


def embedding_average(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((STEPS,), dtype="int32"), L.Embedding(VOCABULARY, 8, mask_zero=True),
                             L.GlobalAveragePooling1D(), L.Dense(1, activation="sigmoid")])


def stacked_lstm_gru(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((STEPS,), dtype="int32"), L.Embedding(VOCABULARY, 8, mask_zero=True),
                             L.LSTM(16, return_sequences=True), L.GRU(8), L.Dense(1, activation="sigmoid")])


def bidirectional_simple_rnn(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((STEPS,), dtype="int32"), L.Embedding(VOCABULARY, 8, mask_zero=True),
                             L.Bidirectional(L.SimpleRNN(8)), L.Dense(1, activation="sigmoid")])


MODELS = {"embedding_average": (embedding_average, "bag"), "stacked_lstm_gru": (stacked_lstm_gru, "order"),
          "bidirectional_simple_rnn": (bidirectional_simple_rnn, "order")}


def accuracy(keras, name, seed):
    build, kind = MODELS[name]
    (x_train, y_train), (x_test, y_test) = task(kind)
    keras.utils.set_random_seed(seed)
    model = build(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, verbose=0)
    return float(model.evaluate(x_test, y_test, verbose=0)[1])


def main():
    import keras
    results = {name: [round(accuracy(keras, name, seed), 4) for seed in SEEDS] for name in MODELS}
    print(f"# Keras {keras.__version__} ({keras.backend.backend()}), test accuracy for seeds {SEEDS}")
    print(results)


if __name__ == "__main__":
    main()
