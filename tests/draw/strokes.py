"""Synthetic hand-drawn digits for the draw tests: 0 (an ellipse), 1 (a near-vertical stroke)
and 7 (a bar and a diagonal), rendered on 28x28 like a stroke 2 pixels wide, white on black.

They stand in for a real data set so that the tests train a small digit model in about a
second, the same model every time (seeded), with no data files and no scikit-learn.
"""

import numpy as np

SIZE = 28


def _segment_distance(rows, cols, start, end):
    (r0, c0), (r1, c1) = start, end
    dr, dc = r1 - r0, c1 - c0
    length2 = max(dr * dr + dc * dc, 1e-9)
    t = np.clip(((rows - r0) * dr + (cols - c0) * dc) / length2, 0, 1)
    return np.hypot(rows - (r0 + t * dr), cols - (c0 + t * dc))


def render(segments, width):
    """Pixels within ``width``/2 of any segment are 1, fading to 0 over one pixel."""
    rows, cols = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64) + 0.5
    distance = np.min([_segment_distance(rows, cols, a, b) for a, b in segments], axis=0)
    return np.clip(width / 2 + 0.5 - distance, 0, 1)


def _ellipse(rng):
    centre_r, centre_c = rng.uniform(12, 16), rng.uniform(11, 17)
    radius_r, radius_c = rng.uniform(7, 10), rng.uniform(4, 7)
    angles = np.linspace(0, 2 * np.pi, 25)
    points = [(centre_r + radius_r * np.sin(a), centre_c + radius_c * np.cos(a)) for a in angles]
    return list(zip(points[:-1], points[1:]))


def _one(rng):
    column, top, bottom = rng.uniform(9, 19), rng.uniform(3, 9), rng.uniform(19, 25)
    slant = rng.uniform(-2.5, 2.5)
    return [((top, column + slant), (bottom, column - slant))]


def _seven(rng):
    top, left, right = rng.uniform(4, 9), rng.uniform(6, 10), rng.uniform(18, 22)
    bottom, foot = rng.uniform(20, 25), rng.uniform(9, 15)
    return [((top, left), (top, right)), ((top, right), (bottom, foot))]


SHAPES = {0: _ellipse, 1: _one, 7: _seven}


def make_digits(count, seed=0):
    """(x, y): float32 (count, 28, 28, 1) in [0, 1] and int labels from SHAPES's keys."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(sorted(SHAPES), size=count)
    images = np.stack([render(SHAPES[int(label)](rng), rng.uniform(1.5, 3.0)) for label in labels])
    return images[..., None].astype(np.float32), labels.astype(np.int64)


def train_digit_model(path, samples=600, epochs=4):
    """A small CNN with 10 outputs (digits; only 0, 1 and 7 are ever shown to it), saved at ``path``."""
    import glassnet as keras
    keras.utils.set_random_seed(0)
    x, y = make_digits(samples)
    model = keras.Sequential([
        keras.Input((SIZE, SIZE, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="strokes"),
        keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(16, activation="relu", name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="digits"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    model.save(path)
    return model, history
