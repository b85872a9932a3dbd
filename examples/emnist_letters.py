"""Handwritten letters: the seed CNN (one convolution, one pooling, one dense read-out) on EMNIST
letters, 26 classes. Then draw your own letters for it with ``glassnet draw``.

    python examples/emnist_letters.py                       # 3 epochs on all 124,800 training letters
    python examples/emnist_letters.py --quick               # 1 epoch on 20,000 of them, tested on 5,000
    python examples/emnist_letters.py --save runs/letters   # then: glassnet draw runs/letters/model.glassnet
    python examples/emnist_letters.py --download            # fetch the archive first when it is not found

The data: ``glassnet.datasets.emnist.load_data("letters")`` reads EMNIST's published archive,
gzip.zip (536 MB, the IDX files of every split in one zip). The published images are stored
transposed (column by column); the loader returns them upright, as MNIST's are. The published
labels run from 1 to 26 ("a" is 1); Keras's sparse_categorical_crossentropy and a Dense(26)
read-out want 0..25, so 1 is subtracted, and class k is the letter ``string.ascii_lowercase[k]``.
EMNIST letters merges the two cases: class 0 holds both "A" and "a" (the class names here are
written in lower case for that reason), so the network learns 26 letters, not 52 shapes.

The archive is looked for offline: in $GLASSNET_DATA/emnist/, then glassnet's cache and the
system data folders. Nothing is downloaded unless ``--download`` is passed (or ``glassnet datasets
download emnist`` was run); when the file is missing the program says where it looked and how to
get it, and exits with status 0.
"""

import argparse
import os
import sys

import numpy as np

import glassnet as keras
from glassnet.datasets import registry, sources
from glassnet.layers import Conv2D, Dense, Flatten, MaxPooling2D
from glassnet.models import Sequential

CLASS_NAMES = keras.datasets.emnist.label_names("letters")[1:]   # "a".."z"; each class holds both cases


def load_letters(download: bool = False, quick: bool = False):
    """(x_train, y_train), (x_test, y_test): float32 (n, 28, 28, 1) in [0, 1], labels 0..25."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.emnist.load_data("letters", download=download)
    if quick:
        (x_train, y_train), (x_test, y_test) = (x_train[:20000], y_train[:20000]), (x_test[:5000], y_test[:5000])
    prepare = lambda x: np.expand_dims(x.astype(np.float32) / 255.0, -1)  # noqa: E731
    to_zero_based = lambda y: y.astype(np.int64) - 1                      # noqa: E731 - published 1..26 -> 0..25
    return (prepare(x_train), to_zero_based(y_train)), (prepare(x_test), to_zero_based(y_test))


def not_found_message() -> str:
    """One sentence: where gzip.zip was looked for, and how to get it."""
    folders = dict.fromkeys(str(folder) for _, folder in sources.search_places(registry.EMNIST))
    return (f"EMNIST's gzip.zip was not found (looked in {', '.join(folders)}): download it from "
            f"{registry.EMNIST.mirrors[0]} and set GLASSNET_DATA to a folder holding emnist/gzip.zip, "
            "run `glassnet datasets download emnist`, or rerun with --download.")


def build() -> Sequential:
    model = Sequential()
    model.add(Conv2D(64, kernel_size=3, activation="relu", input_shape=(28, 28, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(len(CLASS_NAMES), activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def run(x_train, y_train, x_test, y_test, epochs=3, batch_size=32, verbose="auto"):
    keras.utils.set_random_seed(0)
    model = build()
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=epochs, batch_size=batch_size,
                        verbose=verbose)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return model, history, accuracy


def save_run(model, folder: str) -> str:
    """model.glassnet and classes.json in ``folder``, as glassnet train writes them for glassnet draw."""
    from glassnet.draw.classes import write_class_names
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.glassnet")
    model.save(path)
    write_class_names(folder, CLASS_NAMES)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The seed CNN learns EMNIST's 26 handwritten letters.")
    parser.add_argument("--quick", action="store_true", help="1 epoch on 20,000 training letters, 5,000 test ones")
    parser.add_argument("--epochs", type=int, help="passes over the training data (default 3; 1 with --quick)")
    parser.add_argument("--download", action="store_true", help="download gzip.zip (536 MB) when it is not found")
    parser.add_argument("--save", metavar="FOLDER", help="write FOLDER/model.glassnet and classes.json")
    args = parser.parse_args(argv)
    try:
        (x_train, y_train), (x_test, y_test) = load_letters(download=args.download, quick=args.quick)
    except keras.datasets.DataNotFoundError as error:
        # After a failed download glassnet's own message says what each mirror answered.
        print(error if args.download else not_found_message())
        return 0
    print(f"emnist letters: {len(x_train)} training and {len(x_test)} test images, 26 classes "
          f"({CLASS_NAMES[0]}..{CLASS_NAMES[-1]}, upper and lower case together)")
    epochs = args.epochs or (1 if args.quick else 3)
    model, _, accuracy = run(x_train, y_train, x_test, y_test, epochs=epochs, verbose=2)
    first = model.predict(x_test[:1], verbose=0)[0]
    print(f"Test accuracy: {accuracy:.4f}; the first test letter is {CLASS_NAMES[y_test[0]]!r}, "
          f"predicted {CLASS_NAMES[int(np.argmax(first))]!r}")
    if args.save:
        path = save_run(model, args.save)
        print(f"Saved {path}; draw letters for it with: glassnet draw {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
