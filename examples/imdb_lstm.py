"""Keras's classic IMDB recipe: an LSTM reads movie reviews and says whether each is positive.

    python examples/imdb_lstm.py               # 3 epochs on 20,000 training reviews, 5,000 to validate
    python examples/imdb_lstm.py --quick       # 2 epochs on 2,000 of them, tested on 1,000
    python examples/imdb_lstm.py --download    # fetch imdb.npz first when it is not found

``imdb.load_data(num_words=10000)`` gives each review as the indices of its words (the 10,000
most frequent; rarer words become 2), ``pad_sequences`` cuts or pads them to their last 200 words,
and Embedding(10000, 32, mask_zero=True) -> LSTM(32) -> Dense(1, sigmoid) learns the label.
Prints the test accuracy.

The data are Keras's imdb.npz (17 MB), looked for offline: in $GLASSNET_DATA/imdb/, then
glassnet's cache and the system data folders. Nothing is downloaded unless ``--download`` is
passed (or ``glassnet datasets download imdb`` was run); when the file is missing the program
says where it looked and how to get it, and exits with status 0.
"""

import argparse
import sys

import glassnet as keras
from glassnet import layers
from glassnet.datasets import registry, sources

NUM_WORDS, MAXLEN = 10000, 200


def load_imdb(download: bool = False, quick: bool = False):
    """(x_train, y_train), (x_test, y_test) as int arrays of shape (reviews, MAXLEN) and (reviews,)."""
    # download= is glassnet's addition to Keras's load_data; False keeps it offline.
    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=NUM_WORDS, download=download)
    if quick:
        (x_train, y_train), (x_test, y_test) = (x_train[:2000], y_train[:2000]), (x_test[:1000], y_test[:1000])
    x_train = keras.utils.pad_sequences(x_train, maxlen=MAXLEN)
    x_test = keras.utils.pad_sequences(x_test, maxlen=MAXLEN)
    return (x_train, y_train), (x_test, y_test)


def not_found_message() -> str:
    """One sentence: where imdb.npz was looked for, and how to get it."""
    folders = dict.fromkeys(str(folder) for _, folder in sources.search_places(registry.IMDB))
    return (f"imdb.npz was not found (looked in {', '.join(folders)}): set GLASSNET_DATA to a folder holding "
            "imdb/imdb.npz, run `glassnet datasets download imdb`, or rerun with --download.")


def train(x_train, y_train, epochs: int = 3, validation_split: float = 0.2, verbose="auto"):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(MAXLEN,)),
        layers.Embedding(NUM_WORDS, 32, mask_zero=True),
        layers.LSTM(32),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=128, validation_split=validation_split, verbose=verbose)
    return model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="An LSTM learns the sentiment of IMDB movie reviews.")
    parser.add_argument("--quick", action="store_true", help="2 epochs on 2,000 training reviews, 1,000 test ones")
    parser.add_argument("--download", action="store_true", help="download imdb.npz when it is not found")
    args = parser.parse_args(argv)
    try:
        (x_train, y_train), (x_test, y_test) = load_imdb(download=args.download, quick=args.quick)
    except keras.datasets.DataNotFoundError as error:
        # After a failed download glassnet's own message says what each mirror answered.
        print(error if args.download else not_found_message())
        return 0
    print(f"imdb: {len(x_train)} training and {len(x_test)} test reviews, cut or padded to {MAXLEN} words")
    model = train(x_train, y_train, epochs=2 if args.quick else 3, validation_split=0.0 if args.quick else 0.2,
                  verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy: {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
