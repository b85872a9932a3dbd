"""Sentiment of short reviews, from raw strings to a recurrent model, offline.

    python examples/text_sentiment.py

The data are examples/data/short_reviews.tsv: 400 short film and product reviews written for
glassnet (label 1 positive, 0 negative, half of each): 70 written by hand, 330 made by a small
seeded grammar of templates over 26 adjectives. Many turn on word order, which a bag of words
cannot see: "it was not good, it was bad" and "it was not bad, it was good" hold the same words,
as do "it seemed dull at first, but it turned out gripping" and its reverse; "not boring" is
praise, and so is "could not be better". Every fifth review is held out for testing.

TextVectorization learns its vocabulary from the training texts (``adapt``) and sits inside the
model, so the model takes strings: Embedding(mask_zero=True) -> Bidirectional(LSTM(16)) ->
Dense(1, sigmoid). Prints the test accuracy, then the model's verdict on three new reviews, with
the probability that each is positive. Measured on 80 test reviews: 0.86 (seed 0), 0.80-0.86 over
seeds 0-3; Keras 3 (JAX) gets 0.84-0.91 on the same token sequences, and a bag of words
(GlobalAveragePooling1D in place of the LSTM) 0.55-0.58.
"""

import csv
import sys
from pathlib import Path

import numpy as np

import glassnet as keras
from glassnet import layers

DATA = Path(__file__).resolve().parent / "data" / "short_reviews.tsv"
NEW_REVIEWS = ["I expected to hate it, but it was wonderful.",
               "At first I thought the sequel was great, in the end it was dull.",
               "The film was not boring at all, I would watch it again!"]


def load_reviews(path=DATA):
    """(train_texts, train_labels), (test_texts, test_labels): every fifth review goes to the test set."""
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    texts = np.array([row["text"] for row in rows])
    labels = np.array([int(row["label"]) for row in rows])
    test = np.arange(len(rows)) % 5 == 4
    return (texts[~test], labels[~test]), (texts[test], labels[test])


def train(train_texts, train_labels, epochs: int = 20, verbose="auto"):
    keras.utils.set_random_seed(0)
    vectorizer = layers.TextVectorization(max_tokens=1000, output_sequence_length=24)
    vectorizer.adapt(train_texts)
    model = keras.Sequential([
        keras.Input(shape=(1,), dtype="string"),
        vectorizer,
        layers.Embedding(vectorizer.vocabulary_size(), 16, mask_zero=True),
        layers.Bidirectional(layers.LSTM(16)),
        layers.Dense(1, activation="sigmoid"),
    ])
    # 320 reviews make only 20 steps an epoch: a learning rate 10 times Adam's default makes up for it.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(train_texts, train_labels, epochs=epochs, batch_size=16, verbose=verbose)
    return model


def main() -> int:
    (train_texts, train_labels), (test_texts, test_labels) = load_reviews()
    print(f"short reviews: {len(train_texts)} for training, {len(test_texts)} for testing")
    model = train(train_texts, train_labels, verbose=2)
    loss, accuracy = model.evaluate(test_texts, test_labels, verbose=0)
    print(f"Test accuracy: {accuracy:.4f}")
    for text, probability in zip(NEW_REVIEWS, model.predict(np.array(NEW_REVIEWS), verbose=0)[:, 0]):
        print(f"{'positive' if probability >= 0.5 else 'negative'} ({probability:.2f})  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
