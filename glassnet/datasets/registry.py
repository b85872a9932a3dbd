"""What each data set consists of: its files, their published checksums and its mirrors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DataFile:
    """One file; it is accepted when the md5 of the file as published, or the sha256 of its
    decompressed bytes (for copies recompressed by a distribution, and decompressed copies),
    matches (see checksums.problem). ``sha256``, where given, is of the whole file as
    published (Keras's ``file_hash``) and decides alone."""

    name: str
    md5: str | None = None
    raw_sha256: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    folder_names: tuple          # subfolder names to look for under a data root
    files: dict                  # role ("train_images", ...) -> DataFile
    mirrors: tuple               # base URLs, tried in order
    system_dirs: tuple = field(default=())


MNIST = DatasetSpec(
    name="mnist",
    folder_names=("mnist", "MNIST"),
    files={
        "train_images": DataFile("train-images-idx3-ubyte.gz", md5="f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        "train_labels": DataFile("train-labels-idx1-ubyte.gz", md5="d53e105ee54ea40749a09fcbcd1e9432",
                                 raw_sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        "test_images": DataFile("t10k-images-idx3-ubyte.gz", md5="9fb629c4189551a2d022fa330f9573f3",
                                raw_sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        "test_labels": DataFile("t10k-labels-idx1-ubyte.gz", md5="ec29112dd5afa0611ce80d1b7f02629c",
                                raw_sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    },
    mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
             "https://storage.googleapis.com/cvdf-datasets/mnist/",
             "http://yann.lecun.com/exdb/mnist/"),
    system_dirs=("mnist",),
)

FASHION_MNIST = DatasetSpec(
    name="fashion_mnist",
    folder_names=("fashion-mnist", "fashion_mnist", "FashionMNIST"),
    files={
        "train_images": DataFile("train-images-idx3-ubyte.gz", md5="8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                                 raw_sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        "train_labels": DataFile("train-labels-idx1-ubyte.gz", md5="25c81989df183df01b3e8a0aad5dffbe",
                                 raw_sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        "test_images": DataFile("t10k-images-idx3-ubyte.gz", md5="bef4ecab320f06d8554ea6380940ec79",
                                raw_sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        "test_labels": DataFile("t10k-labels-idx1-ubyte.gz", md5="bb300cfdad3c16e7a12a480ee83cd310",
                                raw_sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    },
    mirrors=("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
             "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
    system_dirs=("fashion-mnist",),
)

EMNIST = DatasetSpec(
    name="emnist",
    folder_names=("emnist", "EMNIST"),
    files={"archive": DataFile("gzip.zip", md5="58c8d27c78d21e728a6bc7b3cc06412e")},
    mirrors=("https://biometrics.nist.gov/cs_links/EMNIST/",),
    system_dirs=("emnist",),
)

# Keras's text data sets: word-index sequences in .npz files (ragged object arrays) and the
# word -> index maps as JSON. The checksums are the file_hash values in Keras 3's
# keras/src/datasets/imdb.py and reuters.py (sha256 for the .npz files, md5 for the JSON).
KERAS_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

IMDB = DatasetSpec(
    name="imdb",
    folder_names=("imdb",),
    files={
        "data": DataFile("imdb.npz", sha256="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"),
        "word_index": DataFile("imdb_word_index.json", md5="bfafd718b763782e994055a2d397834f"),
    },
    mirrors=(KERAS_MIRROR,),
)

REUTERS = DatasetSpec(
    name="reuters",
    folder_names=("reuters",),
    files={
        "data": DataFile("reuters.npz", sha256="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
        "word_index": DataFile("reuters_word_index.json", md5="4d44cc38712099c9e383dc6e5f11a921"),
    },
    mirrors=(KERAS_MIRROR,),
)

DATASETS = {spec.name: spec for spec in (MNIST, FASHION_MNIST, EMNIST, IMDB, REUTERS)}
