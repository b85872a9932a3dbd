"""A small text model saved by real Keras 3 on TensorFlow (whose TextVectorization keeps its
adapted vocabulary in the file's assets/), for tests/saving/test_text_model_files.py: writes
tests/saving/files/keras_text_model.keras and prints the predictions the test pins.

    KERAS_BACKEND=tensorflow /path/to/tf-venv/bin/python tools/keras_reference/text_model_file.py
"""

import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "saving", "files",
                   "keras_text_model.keras")
CORPUS = ["a good movie", "a bad movie", "great film, truly great", "an awful film", "not good at all"]
PROBES = ["good film", "awful movie", "a great, great movie", "unknown words only"]


def main():
    import keras
    keras.utils.set_random_seed(3)
    vectorizer = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorizer.adapt(CORPUS)
    model = keras.Sequential([keras.Input((1,), dtype="string"), vectorizer,
                              keras.layers.Embedding(30, 4, mask_zero=True), keras.layers.LSTM(3),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.save(OUT)
    print("vocabulary:", vectorizer.get_vocabulary())
    print("predictions:", model.predict(np.array(PROBES, dtype=object), verbose=0).ravel().tolist())


if __name__ == "__main__":
    main()
