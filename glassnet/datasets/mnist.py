"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grey, labels 0-9."""

from .loading import load_standard
from .registry import MNIST


def load_data(path=None, download: bool = True, splits=("train", "test"), **kwargs):
    """((x_train, y_train), (x_test, y_test)): uint8 arrays of shapes (60000, 28, 28), (60000,),
    (10000, 28, 28), (10000,), as ``keras.datasets.mnist.load_data()``.

    Files are looked for in ``path``, $GLASSNET_DATA, the cache and system data folders, then
    downloaded (``download=False`` forbids it). ``splits=("test",)`` returns (x_test, y_test) only.
    """
    return load_standard(MNIST, path=path, download=download, splits=splits, **kwargs)
