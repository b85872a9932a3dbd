"""utils.image_dataset_from_directory and utils.split_dataset.

Which files, in which order, with which labels, and which fall in each subset are Keras's
exactly: pinned to Keras 3.15.1's own ``index_directory`` and split
(tests/core/keras_data_pipelines_golden.py, from tools/keras_reference/data_pipelines.py; Keras's
indexing needs no TensorFlow). Keras's per-epoch tf.data shuffle and TensorFlow's resize cannot
be reproduced without TensorFlow; shapes, dtypes, value ranges and determinism by seed are
tested instead. split_dataset's sizes are Keras's (its _rescale_dataset_split_sizes).
"""

import os

import numpy as np
import pytest
from PIL import Image

import glassnet as keras
from glassnet.utils import image_dataset_from_directory, split_dataset
from tests.core.keras_data_pipelines_golden import GOLDEN

COUNTS = (("dogs", 5), ("cats", 4), ("birds", 3))
CLASS_VALUE = {"birds": 40, "cats": 120, "dogs": 200}  # each class's images are one grey level


@pytest.fixture
def folder(tmp_path):
    """The reference script's layout, with real PNGs (8x6 pixels; a text file to skip)."""
    for name, count in COUNTS:
        os.makedirs(tmp_path / name)
        for i in range(count):
            pixels = np.full((6, 8, 3), CLASS_VALUE[name], np.uint8)
            pixels[0, 0] = (i, 2 * i, 3 * i)  # tells the files apart
            Image.fromarray(pixels).save(tmp_path / name / f"img_{i}.png")
    (tmp_path / "cats" / "notes.txt").write_text("not an image")
    return tmp_path


def relative(paths, root):
    return [os.path.relpath(p, root) for p in paths]


def test_file_order_labels_and_split_are_kerass(folder, capsys):
    golden = GOLDEN["index_directory"]
    train, val = image_dataset_from_directory(folder, validation_split=0.25, subset="both", seed=1337,
                                              image_size=(6, 8), batch_size=4)
    assert train.class_names == val.class_names == golden["class_names"]  # alphabetical
    assert relative(train.file_paths, folder) == golden["training"]
    assert relative(val.file_paths, folder) == golden["validation"]
    assert capsys.readouterr().out.splitlines() == ["Found 12 files belonging to 3 classes.",
                                                    "Using 9 files for training.", "Using 3 files for validation."]
    every = image_dataset_from_directory(folder, seed=1337, image_size=(6, 8), verbose=False)
    assert relative(every.file_paths, folder) == golden["paths"]
    unshuffled = image_dataset_from_directory(folder, shuffle=False, image_size=(6, 8), verbose=False)
    assert relative(unshuffled.file_paths, folder) == GOLDEN["index_directory_unshuffled"]
    # the labels follow the files: each class's grey level
    images, labels = unshuffled[0]
    for image, label in zip(images, labels):
        assert image[1, 1, 0] == CLASS_VALUE[unshuffled.class_names[label]]


def test_label_modes_shapes_and_dtypes(folder):
    common = dict(image_size=(6, 8), batch_size=5, shuffle=False, verbose=False)
    images, labels = image_dataset_from_directory(folder, **common)[0]
    assert images.shape == (5, 6, 8, 3) and images.dtype == np.float32
    assert 0 <= images.min() and images.max() == 120 and labels.dtype == np.int32 and labels.shape == (5,)
    _, one_hot = image_dataset_from_directory(folder, label_mode="categorical", **common)[0]
    assert one_hot.shape == (5, 3) and one_hot.dtype == np.float32 and (one_hot.sum(axis=1) == 1).all()
    only = image_dataset_from_directory(folder, label_mode=None, **common)[0]
    assert isinstance(only, np.ndarray) and only.shape == (5, 6, 8, 3)
    grey = image_dataset_from_directory(folder, color_mode="grayscale", **common)
    assert grey[0][0].shape == (5, 6, 8, 1) and len(grey) == 3 and len(grey[2][1]) == 2
    rgba = image_dataset_from_directory(folder, color_mode="rgba", data_format="channels_first", **common)
    assert rgba[0][0].shape == (5, 4, 6, 8)
    resized = image_dataset_from_directory(folder, image_size=4, batch_size=None, shuffle=False, verbose=False)
    image, label = resized[0]
    assert image.shape == (4, 4, 3) and label.shape == () and len(resized) == 12
    # 6x8 images made square: padded with a black row above and below, or cropped to 6x6
    cropped = image_dataset_from_directory(folder, image_size=(8, 8), crop_to_aspect_ratio=True, shuffle=False,
                                           verbose=False)
    padded = image_dataset_from_directory(folder, image_size=(8, 8), pad_to_aspect_ratio=True, shuffle=False,
                                          verbose=False)
    assert cropped[0][0].shape == padded[0][0].shape == (12, 8, 8, 3)
    assert padded[0][0][:, [0, 7]].max() == 0 and padded[0][0][:, 1:7, 1:].min() > 0
    assert cropped[0][0][:, [0, 7]].min() > 0


def test_binary_labels_and_explicit_class_names(folder):
    data = image_dataset_from_directory(folder, class_names=["dogs", "cats"], label_mode="binary", shuffle=False,
                                        image_size=(6, 8), verbose=False)
    images, labels = data[0]
    assert data.class_names == ["dogs", "cats"] and len(data.file_paths) == 9
    assert labels.shape == (9, 1) and labels.dtype == np.float32 and labels[:5].sum() == 0 and labels[5:].sum() == 4
    with pytest.raises(ValueError, match="exactly 2 classes"):
        image_dataset_from_directory(folder, label_mode="binary", verbose=False)


def test_shuffle_is_deterministic_by_seed_and_reshuffles_each_epoch(folder):
    def batches(seed):
        data = image_dataset_from_directory(folder, seed=seed, image_size=(6, 8), batch_size=12, verbose=False)
        first = data[0][0][:, 0, 0, 0].tolist()
        data.on_epoch_end()
        return first, data[0][0][:, 0, 0, 0].tolist()

    first, second = batches(7)
    assert batches(7) == (first, second)
    assert sorted(first) == sorted(second) and first != second


def test_argument_errors_are_named(folder):
    with pytest.raises(ValueError, match="give a seed"):
        image_dataset_from_directory(folder, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="go together"):
        image_dataset_from_directory(folder, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="color_mode"):
        image_dataset_from_directory(folder, color_mode="cmyk")
    with pytest.raises(ValueError, match="image_size"):
        image_dataset_from_directory(folder, image_size=(6,))
    with pytest.raises(ValueError, match="class_names"):
        image_dataset_from_directory(folder, class_names=["cows"])
    with pytest.raises(ValueError, match="one label per file"):
        image_dataset_from_directory(folder, labels=[0, 1])
    with pytest.raises(ValueError, match="not a folder"):
        image_dataset_from_directory(folder / "missing")


def test_a_model_trains_on_the_directory(folder):
    train, val = image_dataset_from_directory(folder, validation_split=0.25, subset="both", seed=1, image_size=(6, 8),
                                              batch_size=4, verbose=False)
    model = keras.Sequential([keras.Input((6, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(3)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    (images, labels), = train.take(1)  # tf.data's methods that Keras programs call
    assert images.shape == (4, 6, 8, 3) and labels.shape == (4,)
    train = train.map(lambda x, y: (x / 255.0, y)).prefetch(2).cache()
    assert train.class_names == val.class_names and train[0][0].max() <= 1.0
    history = model.fit(train, epochs=2, validation_data=val, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert model.predict(val, verbose=0).shape == (3, 3)


# -- split_dataset -------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(GOLDEN["split_sizes"]))
def test_split_sizes_are_kerass(case):
    left_size, right_size, total = eval(case)  # noqa: S307 - the golden file's own keys
    left, right = split_dataset(np.arange(total), left_size=left_size, right_size=right_size)
    assert [len(left), len(right)] == GOLDEN["split_sizes"][case]
    assert left.tolist() == list(range(len(left)))  # the left part is the first samples, the right the last
    assert right.tolist() == list(range(total - len(right), total))


def test_split_keeps_the_structure_and_shuffles_by_seed():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    (xl, yl), (xr, yr) = split_dataset((x, y), left_size=0.6, shuffle=True, seed=3)
    assert xl.shape == (6, 2) and xr.shape == (4, 2)
    np.testing.assert_array_equal(xl[:, 0] // 2, yl)  # rows stay together
    assert sorted(np.concatenate([yl, yr]).tolist()) == list(range(10)) and yl.tolist() != list(range(6))
    again = split_dataset((x, y), left_size=0.6, shuffle=True, seed=3)
    np.testing.assert_array_equal(again[0][1], yl)
    parts = split_dataset({"a": x, "b": y}, right_size=3)
    assert parts[1]["b"].tolist() == [7, 8, 9]
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(xl / 20, yl / 10, verbose=0)  # what fit takes


def test_split_of_py_datasets(tmp_path):
    class Rows(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            rows = np.arange(4 * i, min(4 * i + 4, 10))
            return rows[:, None].astype(np.float32), rows

    left, right = split_dataset(Rows(), left_size=0.7)
    assert isinstance(left, keras.utils.PyDataset) and len(left) == 2 and len(right) == 1
    assert left[1][1].tolist() == [4, 5, 6] and right[0][1].tolist() == [7, 8, 9]
    for name, count in COUNTS:
        os.makedirs(tmp_path / name)
        for i in range(count):
            Image.fromarray(np.full((2, 2, 3), i, np.uint8)).save(tmp_path / name / f"{i}.png")
    data = image_dataset_from_directory(tmp_path, image_size=(2, 2), batch_size=4, seed=5, verbose=False)
    first, rest = split_dataset(data, left_size=8)
    assert len(first.file_paths) == 8 and first.file_paths + rest.file_paths == data.file_paths
    assert first.class_names == data.class_names and first[0][0].shape == (4, 2, 2, 3)


def test_split_errors_name_the_argument():
    with pytest.raises(ValueError, match="left_size or right_size"):
        split_dataset(np.arange(5))
    with pytest.raises(ValueError, match="left_size"):
        split_dataset(np.arange(5), left_size=5)
    with pytest.raises(ValueError, match="more than 1"):
        split_dataset(np.arange(5), left_size=0.6, right_size=0.6)
    with pytest.raises(TypeError, match="right_size"):
        split_dataset(np.arange(5), right_size="half")
    with pytest.raises(ValueError, match="same number of samples"):
        split_dataset((np.arange(5), np.arange(4)), left_size=2)
