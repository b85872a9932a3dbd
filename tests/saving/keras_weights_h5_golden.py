"""Predictions of the model in tests/saving/files/keras_weights.weights.h5, by Keras 3.15.1 (JAX).

Made, together with that file, by tools/keras_reference/weights_h5.py:

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/weights_h5.py fixture

The model is weights_h5.fixture_model; weight i (in get_weights() order) is pattern(shape, 1 + i),
of shapes [(3, 8), (2, 8), (8,), (5, 3), (3,), (5, 4), (4,), (4, 2), (2,)]; the inputs are
weights_h5.fixture_inputs().
"""

PREDICTIONS = [[0.783318817615509, 0.4345100522041321], [0.4300830364227295, 0.5153805017471313],
               [0.572623074054718, 0.4798533618450165]]
