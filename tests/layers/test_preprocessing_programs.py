"""Keras tutorials' preprocessing programs, run end to end through ``import glassnet as keras`` on
small synthetic data: the regression tutorial (a Normalization adapted on the features, then
Dense(64, relu) x 2 and Dense(1), mean absolute error, Adam(0.001), validation_split=0.2) and the
image-classification tutorial (a data_augmentation Sequential of RandomFlip, RandomRotation and
RandomZoom, then Rescaling(1/255) and a small CNN)."""

import numpy as np

import glassnet as keras
from glassnet import layers


def regression_data(n=240, seed=0):
    """Nine features of very different scales (as the auto-MPG features are) and a target that
    depends on three of them, with noise."""
    rng = np.random.default_rng(seed)
    scales = np.array([1.0, 100.0, 0.01, 3000.0, 15.0, 1.0, 1.0, 1.0, 75.0])
    features = rng.normal(size=(n, 9)) * scales + scales
    target = 20 + 3 * (features[:, 0] - 1) - 0.002 * (features[:, 3] - 3000) + 0.5 * (features[:, 4] - 15)
    return features, target + rng.normal(0, 0.5, n)


def test_normalization_adapted_regression():
    keras.utils.set_random_seed(0)
    train_features, train_labels = regression_data()
    test_features, test_labels = regression_data(80, seed=1)

    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(np.array(train_features))
    assert normalizer.mean.numpy().shape == (1, 9)

    def build_and_compile_model(norm):
        model = keras.Sequential([
            norm,
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ])
        model.compile(loss="mean_absolute_error", optimizer=keras.optimizers.Adam(0.001))
        return model

    dnn_model = build_and_compile_model(normalizer)
    history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0, epochs=100)
    assert set(history.history) == {"loss", "val_loss"}
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    test_mae = dnn_model.evaluate(test_features, test_labels, verbose=0)
    baseline = np.abs(test_labels - train_labels.mean()).mean()
    assert test_mae < 0.3 * baseline
    assert dnn_model.predict(test_features[:5], verbose=0).shape == (5, 1)
    np.testing.assert_allclose(normalizer.mean.numpy()[0], train_features.mean(axis=0), rtol=1e-5)  # not trained


def test_single_feature_normalization_regression():
    """The tutorial's horsepower model: Normalization(input_shape=[1,], axis=None) adapted on a
    1-D array, then one Dense unit."""
    keras.utils.set_random_seed(1)
    features, labels = regression_data()
    horsepower = np.array(features[:, 4])
    horsepower_normalizer = layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    horsepower_model = keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
    horsepower_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
    history = horsepower_model.fit(horsepower[:, None], labels, epochs=40, verbose=0, validation_split=0.2)
    assert history.history["val_loss"][-1] < 0.5 * history.history["val_loss"][0]
    weights = horsepower_model.layers[0].get_weights()
    np.testing.assert_allclose(weights[0], horsepower.mean(), rtol=1e-5)
    np.testing.assert_allclose(weights[1], horsepower.var(), rtol=1e-5)


def image_data(n=96, size=24, seed=0):
    """Two classes of RGB images in [0, 255]: a bright square near the centre, or a bright ring
    near the border (both survive flips, small turns and zooms)."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 60, size=(n, size, size, 3))
    labels = np.arange(n) % 2
    centre = slice(size // 2 - 4, size // 2 + 4)
    images[labels == 0, centre, centre, :] += 180
    ring = np.zeros((size, size), bool)
    ring[2:-2, 2:-2] = True
    ring[5:-5, 5:-5] = False
    images[labels == 1] += 180 * ring[None, :, :, None]
    return images.astype(np.float32), labels


def test_cnn_with_data_augmentation_and_rescaling():
    keras.utils.set_random_seed(2)
    img_height = img_width = 24
    num_classes = 2
    x, y = image_data()

    data_augmentation = keras.Sequential([
        layers.RandomFlip("horizontal", input_shape=(img_height, img_width, 3)),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
    ])
    model = keras.Sequential([
        data_augmentation,
        layers.Rescaling(1. / 255),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.2),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(num_classes, name="outputs"),
    ])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 24, 24, 3)" in line for line in lines)
    history = model.fit(x, y, validation_split=0.25, epochs=8, batch_size=16, verbose=0)
    assert set(history.history) == {"accuracy", "loss", "val_accuracy", "val_loss"}
    assert history.history["accuracy"][-1] >= 0.9
    test_x, test_y = image_data(40, seed=3)
    loss, accuracy = model.evaluate(test_x, test_y, verbose=0)
    assert accuracy >= 0.9
    first, second = model.predict(test_x, verbose=0), model.predict(test_x, verbose=0)
    np.testing.assert_array_equal(first, second)   # no augmentation at inference

    augmented = data_augmentation(x[:8], training=True)
    assert augmented.shape == x[:8].shape and not np.array_equal(augmented, x[:8])
    np.testing.assert_array_equal(data_augmentation(x[:8]), x[:8])


def test_cnn_with_augmentation_saves_and_resumes(tmp_path):
    keras.utils.set_random_seed(3)
    x, y = image_data(32, size=12)
    model = keras.Sequential([
        keras.Input((12, 12, 3)),
        layers.RandomFlip("horizontal", seed=4),
        layers.RandomRotation(0.1, seed=5),
        layers.Rescaling(1. / 255),
        layers.Conv2D(4, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(2),
    ])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "cnn.glassnet")
    resumed = keras.models.load_model(tmp_path / "cnn.glassnet")
    continued = model.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"]
    again = resumed.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"]
    np.testing.assert_allclose(again, continued, rtol=1e-6)   # the augmentation streams resume too
