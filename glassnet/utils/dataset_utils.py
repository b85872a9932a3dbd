"""``keras.utils.image_dataset_from_directory`` and ``split_dataset`` without TensorFlow.

Keras returns tf.data datasets; these return PyDatasets (utils/py_dataset.py), which fit,
evaluate and predict read batch by batch. What is Keras's and what differs:

- The files, their labels and the split are Keras's exactly: class folders in alphabetical
  order, files found by a sorted walk, the list shuffled with ``np.random.RandomState(seed)``
  (as Keras's ``index_directory`` does) and the last ``int(validation_split * n)`` files taken
  for validation.
- Keras's training set is reshuffled every epoch by tf.data's shuffle buffer, whose order
  cannot be reproduced without TensorFlow; here a shuffled set draws a new order of its files
  every epoch from a generator seeded with ``seed``, so it is deterministic by seed.
- Images are resized by Pillow (utils/image_utils.py's ``load_img``), not by TensorFlow's
  ``tf.image.resize``: same sizes and value range (float32, 0..255), slightly different
  pixels when the size changes (Pillow's bilinear filter smooths when it shrinks).
- Of tf.data's methods, the data sets have ``take``, ``map``, ``prefetch`` and ``cache``.
"""

from __future__ import annotations

import math
import os
import random

import numpy as np

from .py_dataset import PyDataset
from .validation import check_bool, check_choice, check_positive_int, is_int

ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}
# tf.image.resize's method names, as Keras takes them, and the Pillow filter used for each.
_PILLOW_FILTERS = {"bilinear": "bilinear", "nearest": "nearest", "bicubic": "bicubic", "area": "box",
                   "lanczos3": "lanczos", "lanczos5": "lanczos", "gaussian": "bicubic", "mitchellcubic": "bicubic"}
_OWNER = "image_dataset_from_directory()"


class DatasetMethods:
    """The few tf.data methods Keras programs call on these data sets: ``take(n)`` (the first n
    batches, to look at), ``map(function)`` (each batch through ``function``, called with the
    batch's parts as tf.data calls it), and ``prefetch``/``cache``, which return the data set
    unchanged (its batches are read when needed; ``workers`` fetches ahead)."""

    def take(self, count: int):
        count = check_positive_int(count, "count", f"{type(self).__name__}.take()")
        return [self[i] for i in range(min(count, len(self)))]

    def map(self, function, num_parallel_calls=None):
        return MappedDataset(self, function)

    def prefetch(self, buffer_size=None):
        return self

    def cache(self, filename=""):
        return self


class MappedDataset(DatasetMethods, PyDataset):
    """``dataset.map(function)``: each batch of ``dataset`` through ``function``."""

    def __init__(self, dataset, function):
        super().__init__(workers=dataset.workers, max_queue_size=dataset.max_queue_size)
        self.dataset, self.function = dataset, function
        self.class_names = getattr(dataset, "class_names", None)
        self.file_paths = getattr(dataset, "file_paths", None)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index):
        batch = self.dataset[index]
        return self.function(*batch) if isinstance(batch, tuple) else self.function(batch)

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()


class ImageDirectoryDataset(DatasetMethods, PyDataset):
    """Images read from files in batches: ``(images, labels)``, or ``images`` alone without
    labels. ``images``: float32 (batch, height, width, channels) in 0..255 (channels first
    with ``data_format="channels_first"``); labels: int32 (batch,) for ``label_mode="int"``,
    float32 one-hot (batch, classes) for ``"categorical"``, float32 (batch, 1) for ``"binary"``.
    With ``batch_size=None`` each item is one image (and its label).

    ``class_names`` and ``file_paths`` are as in Keras. With ``shuffle`` the files come in a new
    order every epoch, drawn from ``seed``."""

    def __init__(self, file_paths, labels, class_names, label_mode, color_mode, image_size, batch_size,
                 interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format, shuffle, seed):
        super().__init__()
        self.file_paths, self.class_names = list(file_paths), class_names
        self._labels = None if labels is None else np.asarray(labels)
        self._settings = dict(label_mode=label_mode, color_mode=color_mode, image_size=image_size,
                              batch_size=batch_size, interpolation=interpolation,
                              crop_to_aspect_ratio=crop_to_aspect_ratio, pad_to_aspect_ratio=pad_to_aspect_ratio,
                              data_format=data_format, shuffle=shuffle, seed=seed)
        self.batch_size, self.shuffle = batch_size, shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(self.file_paths)) if shuffle else np.arange(len(self.file_paths))

    def __len__(self) -> int:
        return len(self.file_paths) if self.batch_size is None else math.ceil(len(self.file_paths) / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"ImageDirectoryDataset: batch {index} is out of range for {len(self)} batches.")
        if self.batch_size is None:
            rows = self._order[index:index + 1]
        else:
            rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        images = np.stack([self._image(self.file_paths[i]) for i in rows])
        if self._settings["data_format"] == "channels_first":
            images = images.transpose(0, 3, 1, 2)
        labels = self._encoded_labels(rows)
        if self.batch_size is None:
            return images[0] if labels is None else (images[0], labels[0])
        return images if labels is None else (images, labels)

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._order = self._rng.permutation(len(self.file_paths))

    def _image(self, path: str) -> np.ndarray:
        from .image_utils import img_to_array, load_img
        settings = self._settings
        height, width = settings["image_size"]
        resample = _PILLOW_FILTERS[settings["interpolation"]]
        if settings["pad_to_aspect_ratio"]:
            image = _padded_to_aspect(load_img(path, color_mode=settings["color_mode"]), width, height)
            image = image.resize((width, height), _pillow_filter(resample)) if image.size != (width, height) else image
        else:
            image = load_img(path, color_mode=settings["color_mode"], target_size=(height, width),
                             interpolation=resample, keep_aspect_ratio=settings["crop_to_aspect_ratio"])
        return img_to_array(image, dtype="float32")

    def _encoded_labels(self, rows):
        mode = self._settings["label_mode"]
        if self._labels is None or mode is None:
            return None
        labels = self._labels[rows]
        if mode == "int":
            return labels.astype(np.int32)
        if mode == "binary":
            return labels.astype(np.float32).reshape(-1, 1)
        one_hot = np.zeros((len(rows), len(self.class_names)), dtype=np.float32)
        one_hot[np.arange(len(rows)), labels] = 1.0
        return one_hot

    def subset(self, rows, shuffle: bool | None = None) -> "ImageDirectoryDataset":
        """The same settings over the files at ``rows`` (split_dataset uses it)."""
        settings = dict(self._settings)
        if shuffle is not None:
            settings["shuffle"] = shuffle
        labels = None if self._labels is None else self._labels[list(rows)]
        return ImageDirectoryDataset([self.file_paths[i] for i in rows], labels, self.class_names, **settings)


def _pillow_filter(name: str):
    from PIL import Image
    return getattr(Image.Resampling, name.upper())


def _padded_to_aspect(image, width: int, height: int):
    """``image`` centred on black to the aspect ratio width:height (Keras's pad_to_aspect_ratio)."""
    from PIL import Image
    w, h = image.size
    if w * height > h * width:
        size = (w, round(w * height / width))
    else:
        size = (round(h * width / height), h)
    if size == (w, h):
        return image
    canvas = Image.new(image.mode, size)
    canvas.paste(image, ((size[0] - w) // 2, (size[1] - h) // 2))
    return canvas


def _image_size(image_size) -> tuple[int, int]:
    if is_int(image_size):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2 or not all(is_int(s) and s > 0 for s in image_size):
        raise ValueError(f"{_OWNER}: image_size must be a tuple of 2 positive integers (height, width), "
                         f"received {image_size!r}.")
    return int(image_size[0]), int(image_size[1])


def _check_split(validation_split, subset, shuffle, seed) -> None:
    if validation_split and not (isinstance(validation_split, (int, float)) and 0 < validation_split < 1):
        raise ValueError(f"{_OWNER}: validation_split must be between 0 and 1, received {validation_split!r}.")
    if bool(validation_split) != bool(subset):
        raise ValueError(f"{_OWNER}: subset and validation_split go together: give both or neither "
                         f"(received validation_split={validation_split!r}, subset={subset!r}).")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'{_OWNER}: subset must be "training", "validation" or "both", received {subset!r}.')
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{_OWNER}: with validation_split and shuffle=True, give a seed, so that the training and "
                         "validation subsets (made by two calls) do not overlap.")


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False):
    """(file paths, labels or None, class names or None) as Keras indexes a directory: one
    class per subfolder (alphabetical, or ``class_names``' order), files by a sorted walk of each,
    then the lists shuffled together with ``np.random.RandomState(seed)``."""
    if not os.path.isdir(directory):
        raise ValueError(f"{_OWNER}: directory {str(directory)!r} does not exist or is not a folder.")
    if labels == "inferred":
        folders = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)) and not d.startswith("."))
        if class_names is not None:
            if not set(class_names) <= set(folders):
                raise ValueError(f"{_OWNER}: class_names {list(class_names)} must name subfolders of {directory!r}, "
                                 f"which holds {folders}.")
            folders = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(f"{_OWNER}: class_names may only be given with labels='inferred'.")
        folders = [""]
    names, found = [], []
    for index, folder in enumerate(folders):
        top = os.path.join(directory, folder)
        for root, _, files in sorted(os.walk(top, followlinks=follow_links), key=lambda entry: entry[0]):
            for name in sorted(files):
                if name.lower().endswith(formats):
                    names.append(os.path.join(folder, os.path.relpath(os.path.join(root, name), top)))
                    found.append(index)
    if labels == "inferred":
        labels, names_of_classes = np.array(found, dtype=np.int32), folders
    elif labels is None:
        names_of_classes = None
    else:
        if len(labels) != len(names):
            raise ValueError(f"{_OWNER}: labels has {len(labels)} entries, but {directory!r} holds {len(names)} image "
                             "files; give one label per file, in the sorted order of their paths.")
        names_of_classes = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    paths = [os.path.join(directory, name) for name in names]
    if shuffle:
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, names_of_classes


def _subset_of(paths, labels, validation_split, subset, verbose: bool):
    """Keras's split: the last ``int(validation_split * n)`` files are the validation subset."""
    if not validation_split:
        return paths, labels
    count = int(validation_split * len(paths))
    cut = len(paths) - count
    if subset == "training":
        if verbose:
            print(f"Using {cut} files for training.")
        return paths[:cut], None if labels is None else labels[:cut]
    if verbose:
        print(f"Using {count} files for validation.")
    return paths[cut:], None if labels is None else labels[cut:]


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf", verbose=True):
    """A data set of the images in ``directory`` (class folders ``directory/<class>/...``
    with ``labels="inferred"``), as ``keras.utils.image_dataset_from_directory``: an
    ``ImageDirectoryDataset`` (a PyDataset) with ``class_names`` and ``file_paths``; with
    ``subset="both"``, the pair (training, validation). ``format`` is accepted for Keras's
    signature ("tf" or "grain"); the result is a PyDataset either way."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple, np.ndarray)):
        raise ValueError(f"{_OWNER}: labels must be 'inferred', None, or a list of integer labels (one per image "
                         f"file, in the sorted order of their paths), received {labels!r}.")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f"{_OWNER}: label_mode must be 'int', 'categorical', 'binary' or None, "
                         f"received {label_mode!r}.")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    color_mode = check_choice(color_mode, tuple(_CHANNELS), "color_mode", _OWNER)
    size = _image_size(image_size)
    interpolation = check_choice(interpolation, tuple(_PILLOW_FILTERS), "interpolation", _OWNER)
    if format not in ("tf", "grain"):
        raise ValueError(f"{_OWNER}: format must be 'tf' or 'grain', received {format!r}.")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size", _OWNER)
    shuffle = check_bool(shuffle, "shuffle", _OWNER)
    _check_split(validation_split, subset, shuffle, seed)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{_OWNER}: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True.")
    data_format = "channels_last" if data_format is None else check_choice(
        data_format, ("channels_last", "channels_first"), "data_format", _OWNER)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(directory, labels, ALLOWED_FORMATS, class_names, shuffle, seed,
                                                 follow_links)
    if verbose:
        print(f"Found {len(paths)} files." if labels is None else
              f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'{_OWNER}: label_mode="binary" needs exactly 2 classes, found {len(class_names)}: '
                         f"{class_names}.")
    settings = dict(label_mode=label_mode, color_mode=color_mode, image_size=size, batch_size=batch_size,
                    interpolation=interpolation, crop_to_aspect_ratio=bool(crop_to_aspect_ratio),
                    pad_to_aspect_ratio=bool(pad_to_aspect_ratio), data_format=data_format)

    def dataset(which: str, shuffled: bool):
        files, file_labels = _subset_of(paths, labels, validation_split, which, verbose)
        if not files:
            raise ValueError(f"{_OWNER}: no {'' if which is None else which + ' '}images found in {directory!r}. "
                             f"Allowed formats: {ALLOWED_FORMATS}.")
        return ImageDirectoryDataset(files, file_labels, class_names, shuffle=shuffled, seed=seed, **settings)

    if subset == "both":
        return dataset("training", shuffle), dataset("validation", False)
    return dataset(subset, shuffle)


# -- split_dataset -----------------------------------------------------------------------------
def _split_sizes(left_size, right_size, total: int) -> tuple[int, int]:
    """Keras's rules: a float is a fraction (rounded), an int a count; a missing side is the rest."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and (isinstance(size, bool) or not (is_int(size) or isinstance(size, float))):
            raise TypeError(f"split_dataset(): {name} must be an int, a float or None, received {size!r}.")
        if is_int(size) and not 0 < size < total or isinstance(size, float) and not 0 < size < 1:
            raise ValueError(f"split_dataset(): {name} must be a positive integer smaller than {total} (the number "
                             f"of samples) or a float in (0, 1), received {size!r}.")
    if left_size is None and right_size is None:
        raise ValueError("split_dataset(): give left_size or right_size (or both).")
    if isinstance(left_size, float) and isinstance(right_size, float) and left_size + right_size > 1:
        raise ValueError(f"split_dataset(): left_size + right_size is {left_size + right_size}, more than 1.")
    left = round(left_size * total) if isinstance(left_size, float) else left_size
    right = round(right_size * total) if isinstance(right_size, float) else right_size
    left = total - right if left is None else int(left)
    right = total - left if right is None else int(right)
    if left + right > total:
        raise ValueError(f"split_dataset(): left_size + right_size is {left + right} samples, more than the "
                         f"{total} there are.")
    if left == 0 or right == 0:
        raise ValueError(f"split_dataset(): with {total} samples, left_size={left_size} and right_size={right_size} "
                         f"leave the {'left' if left == 0 else 'right'} side empty.")
    return left, right


class BatchedArrays(DatasetMethods, PyDataset):
    """Arrays served in batches of ``batch_size`` rows: ``arrays`` is a tuple (x, y[, w]) or one
    array; a batch has the same structure. What split_dataset returns for a PyDataset."""

    def __init__(self, arrays, batch_size: int, **kwargs):
        super().__init__(**kwargs)
        self.arrays, self.batch_size = arrays, check_positive_int(batch_size, "batch_size", "BatchedArrays")
        self._length = len(_first_array(arrays))

    def __len__(self) -> int:
        return math.ceil(self._length / self.batch_size)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"BatchedArrays: batch {index} is out of range for {len(self)} batches.")
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return _map_arrays(self.arrays, lambda a: a[rows])


def _is_nest(data) -> bool:
    """Whether ``data`` holds several arrays (a dict, or a tuple/list of arrays) rather than
    being one array (a list of numbers is one array)."""
    if isinstance(data, dict):
        return True
    return isinstance(data, (tuple, list)) and len(data) > 0 and all(
        isinstance(v, (dict, tuple, list)) or np.ndim(v) > 0 for v in data) and not all(
        isinstance(v, (int, float)) for v in data)


def _first_array(data):
    if isinstance(data, dict):
        return _first_array(next(iter(data.values())))
    return _first_array(data[0]) if _is_nest(data) else np.asarray(data)


def _map_arrays(data, function):
    """``function`` applied to every array of a nest of tuples, lists and dicts."""
    if isinstance(data, dict):
        return {key: _map_arrays(value, function) for key, value in data.items()}
    if _is_nest(data):
        return type(data)(_map_arrays(value, function) for value in data)
    return function(np.asarray(data))


def _flat_arrays(data) -> list:
    if isinstance(data, dict):
        return [a for value in data.values() for a in _flat_arrays(value)]
    return [a for value in data for a in _flat_arrays(value)] if _is_nest(data) else [np.asarray(data)]


def _samples_of(dataset):
    """All the samples of a PyDataset (or other batches): its batches joined along the first
    axis; and the first batch's length."""
    batches = [dataset[i] for i in range(len(dataset))] if hasattr(dataset, "__getitem__") else list(dataset)
    if not batches:
        raise ValueError("split_dataset(): the data set gave no batch.")
    batches = [tuple(b) if isinstance(b, list) else b for b in batches]
    first = batches[0]
    join = lambda *parts: np.concatenate([np.asarray(p) for p in parts])  # noqa: E731
    if isinstance(first, tuple):
        samples = tuple(_join_nest([b[i] for b in batches], join) for i in range(len(first)))
    else:
        samples = _join_nest(batches, join)
    return samples, len(_first_array(first))


def _join_nest(parts, join):
    head = parts[0]
    if isinstance(head, dict):
        return {key: _join_nest([p[key] for p in parts], join) for key in head}
    if isinstance(head, (tuple, list)):
        return type(head)(_join_nest([p[i] for p in parts], join) for i in range(len(head)))
    return join(*parts)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Split samples into a left and a right part, as ``keras.utils.split_dataset``.

    ``dataset``: an array, a tuple or list of arrays of the same length (e.g. ``(x, y)``), a
    dict of them, or a PyDataset (its batches are split by sample). ``left_size`` /
    ``right_size``: a fraction in (0, 1) or a number of samples; a missing side takes the rest.
    With ``shuffle`` the samples are shuffled first, in the order Keras's shuffle gives for the
    same ``seed`` (Python's ``random`` seeded with it; the global generator is left alone).
    The left part is the first ``left_size`` samples, the right the last ``right_size``.

    Returns the two parts in the form given: arrays, tuples, lists or dicts for arrays (pass
    them to fit as ``fit(*left)``, or ``fit(left[0], left[1])``); for a PyDataset, two PyDatasets
    with its batch size (an image directory data set keeps its files and settings).
    """
    check_bool(shuffle, "shuffle", "split_dataset()")
    if isinstance(dataset, ImageDirectoryDataset):
        total, batch = len(dataset.file_paths), None
    elif isinstance(dataset, PyDataset) or (hasattr(dataset, "__getitem__") and hasattr(dataset, "on_epoch_end")):
        samples, batch = _samples_of(dataset)
        total = len(_first_array(samples))
    elif isinstance(dataset, (np.ndarray, tuple, list, dict)) or hasattr(dataset, "__array__"):
        samples, batch = dataset, None
        lengths = {len(a) for a in _flat_arrays(samples)}
        if len(lengths) != 1:
            raise ValueError(f"split_dataset(): the arrays must have the same number of samples, received {sorted(lengths)}.")
        total = lengths.pop()
    else:
        raise TypeError("split_dataset(): dataset must be an array, a tuple, list or dict of arrays, or a PyDataset; "
                        f"received {type(dataset).__name__}.")
    left, right = _split_sizes(left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        random.Random(random.randint(0, int(1e6)) if seed is None else seed).shuffle(order)
    left_rows, right_rows = order[:left], order[total - right:]
    if isinstance(dataset, ImageDirectoryDataset):
        return dataset.subset(left_rows), dataset.subset(right_rows)
    take = lambda rows: _map_arrays(samples, lambda a: a[np.asarray(rows)])  # noqa: E731
    if batch is not None:
        return BatchedArrays(take(left_rows), batch), BatchedArrays(take(right_rows), batch)
    return take(left_rows), take(right_rows)

