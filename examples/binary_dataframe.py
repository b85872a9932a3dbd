"""Binary classification of random two-feature points held in a pandas DataFrame.

The labels are coin flips, so nothing can be learned beyond chance (about 0.5 accuracy): the
point is the workflow, a DataFrame's columns going straight into fit.

    python examples/binary_dataframe.py
"""

import numpy as np
import pandas as pd

import glassnet as keras
from glassnet.layers import Dense
from glassnet.models import Sequential
from glassnet.optimizers import Adam


def make_frame(samples: int = 1000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.random((samples, 2)), columns=["feature_1", "feature_2"])
    frame["label"] = rng.integers(0, 2, samples)
    return frame


def main(samples: int = 1000, epochs: int = 100, verbose="auto"):
    keras.utils.set_random_seed(0)
    frame = make_frame(samples)
    model = Sequential([
        Dense(10, activation="relu", input_shape=(2,)),  # hidden layer of 10 neurons
        Dense(1, activation="sigmoid"),                  # probability of label 1
    ])
    model.compile(optimizer=Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(frame[["feature_1", "feature_2"]], frame["label"], epochs=epochs, batch_size=10,
                        verbose=verbose)
    return model, history


if __name__ == "__main__":
    _, history = main()
    print(f"final training accuracy: {history.history['accuracy'][-1]:.3f}")
