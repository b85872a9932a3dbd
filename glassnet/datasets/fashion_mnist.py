"""Fashion-MNIST (Zalando): 60,000 + 10,000 28x28 grey images of 10 kinds of clothing."""

from .loading import load_standard
from .registry import FASHION_MNIST

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")


def load_data(path=None, download: bool = True, splits=("train", "test"), **kwargs):
    """((x_train, y_train), (x_test, y_test)) as ``keras.datasets.fashion_mnist.load_data()``:
    uint8, (60000, 28, 28), (60000,), (10000, 28, 28), (10000,). See mnist.load_data for the
    search order and arguments."""
    return load_standard(FASHION_MNIST, path=path, download=download, splits=splits, **kwargs)
