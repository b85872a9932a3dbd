"""callbacks.TensorBoard: event files read back with TensorBoard's own EventAccumulator.

Directories, tags and steps are Keras 3's (keras/src/callbacks/tensorboard.py): scalars
``epoch_<log>`` in log_dir/train and log_dir/validation at step ``epoch``, ``batch_<log>`` at the
global batch, ``evaluation_<log>_vs_iterations`` at the optimizer's step, the model's JSON
under ``keras``. Needs the tensorboard package (the ``[tensorboard]`` extra), which CI installs.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

import glassnet as keras

L = keras.layers


def accumulator(path):
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator",
        reason='the TensorBoard callback needs tensorboard: pip install "glassnet[tensorboard]"')
    acc = event_accumulator.EventAccumulator(str(path), size_guidance={event_accumulator.TENSORS: 0,
                                                                       event_accumulator.HISTOGRAMS: 0,
                                                                       event_accumulator.IMAGES: 0})
    acc.Reload()
    return acc


def scalars(acc, tag):
    return [(event.step, event.value) for event in acc.Scalars(tag)]


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


def model(optimizer="adam"):
    keras.utils.set_random_seed(1)
    net = keras.Sequential([keras.Input((5,)), L.Dense(4, activation="relu"), L.Dense(2, activation="softmax")])
    net.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    return net


def test_epoch_scalars_where_keras_writes_them(tmp_path):
    pytest.importorskip("tensorboard", reason='pip install "glassnet[tensorboard]"')
    x, y = data()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)
    net = model(keras.optimizers.SGD(schedule))
    history = net.fit(x[:32], y[:32], validation_data=(x[32:], y[32:]), epochs=3, batch_size=8, verbose=0,
                      callbacks=[keras.callbacks.TensorBoard(tmp_path / "logs")])
    train, validation = accumulator(tmp_path / "logs" / "train"), accumulator(tmp_path / "logs" / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}  # no batch_*
    assert set(validation.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations",
                                                  "evaluation_accuracy_vs_iterations"}
    for acc, prefix in ((train, ""), (validation, "val_")):
        for name in ("loss", "accuracy"):
            steps, values = zip(*scalars(acc, f"epoch_{name}"))
            assert steps == (0, 1, 2)
            np.testing.assert_allclose(values, history.history[prefix + name], rtol=1e-6)  # float32 summaries
    steps, rates = zip(*scalars(train, "epoch_learning_rate"))  # the schedule at the end of each epoch (4 steps)
    np.testing.assert_allclose(rates, [0.1 * 0.5 ** (4 * (e + 1) / 4) for e in range(3)], rtol=1e-6)
    steps, losses = zip(*scalars(validation, "evaluation_loss_vs_iterations"))
    assert steps == (4, 8, 12)  # optimizer steps when each validation ran
    np.testing.assert_allclose(losses, history.history["val_loss"], rtol=1e-6)


def test_batch_updates_global_step(tmp_path):
    pytest.importorskip("tensorboard", reason='pip install "glassnet[tensorboard]"')
    x, y = data()
    net = model()
    losses = []
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: losses.append(logs["loss"]))
    net.fit(x, y, epochs=2, batch_size=8, verbose=0,
            callbacks=[record, keras.callbacks.TensorBoard(tmp_path, update_freq=2, write_steps_per_second=True)])
    train = accumulator(tmp_path / "train")
    steps, values = zip(*scalars(train, "batch_loss"))
    assert steps == (2, 4, 6, 8, 10)  # counted from 1 across both epochs (5 batches each)
    np.testing.assert_allclose(values, [losses[s - 1] for s in steps], rtol=1e-6)
    assert [s for s, _ in scalars(train, "batch_steps_per_second")] == [2, 4, 6, 8, 10]
    assert all(v > 0 for _, v in scalars(train, "epoch_steps_per_second"))
    assert not (tmp_path / "validation").exists()  # no validation: no writer made


def test_graph_histograms_and_images(tmp_path):
    pytest.importorskip("tensorboard", reason='pip install "glassnet[tensorboard]"')
    x, y = data()
    net = model()
    net.fit(x, y, epochs=3, batch_size=8, verbose=0,
            callbacks=[keras.callbacks.TensorBoard(tmp_path, histogram_freq=2, write_images=True)])
    train = accumulator(tmp_path / "train")
    (graph,) = train.Tensors("keras")
    assert graph.step == 0
    config = json.loads(graph.tensor_proto.string_val[0])
    assert config["class_name"] == "Sequential" and len(config["config"]["layers"]) == 3
    assert train.PluginTagToContent("graph_keras_model") == {"keras": b"1"}
    dense = net.layers[0]
    tag = f"{net.name}/{dense.name}/kernel/histogram"
    assert set(train.Tags()["histograms"]) == {f"{net.name}/{layer.name}/{w}/histogram" for layer in net.layers
                                               for w in ("kernel", "bias")}
    events = train.Histograms(tag)
    assert [e.step for e in events] == [0, 2]  # epochs 0 and 2 of 3
    last = events[-1].histogram_value  # written after the last epoch: the final weights
    kernel = dense.get_weights()[0]
    assert last.num == kernel.size and sum(last.bucket) == kernel.size
    np.testing.assert_allclose([last.min, last.max, last.sum], [kernel.min(), kernel.max(), kernel.sum()], rtol=1e-5)
    images = set(train.Tags()["images"])
    assert f"{net.name}/{dense.name}/kernel/image" in images and f"{net.name}/{dense.name}/bias/image" in images
    picture = train.Images(f"{net.name}/{dense.name}/kernel/image")[-1]
    assert (picture.height, picture.width) == (4, 5)  # the (5, 4) kernel turned so its longer side runs across


def test_arguments():
    pytest.importorskip("tensorboard", reason='pip install "glassnet[tensorboard]"')
    with pytest.raises(ValueError, match="profile_batch must be 0"):
        keras.callbacks.TensorBoard(profile_batch=5)
    with pytest.raises(ValueError, match="embeddings_freq must be 0"):
        keras.callbacks.TensorBoard(embeddings_freq=1)
    with pytest.raises(TypeError, match="TensorBoard: update_freq"):
        keras.callbacks.TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="TensorBoard: histogram_freq"):
        keras.callbacks.TensorBoard(histogram_freq=-1)
    assert keras.callbacks.TensorBoard(update_freq="batch").update_freq == 1


def test_glassnet_does_not_import_tensorboard():
    code = "import sys, glassnet; print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorboard', 'tensorflow')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_missing_tensorboard_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "tensorboard" or m.startswith("tensorboard.")] + ["tensorboard"]:
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if it were not installed
    with pytest.raises(ModuleNotFoundError, match=r'pip install "glassnet\[tensorboard\]"'):
        keras.callbacks.TensorBoard()
