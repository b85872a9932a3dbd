"""glassnet's back-propagation equals the formulas derived by hand in docs/how-it-works.md
for a 2-layer sigmoid network with a sigmoid output and binary cross-entropy.

With samples as columns (the tutorials' convention): Z1 = W1 X + b1, A1 = s(Z1),
Z2 = W2 A1 + b2, A2 = s(Z2), L = -(1/m) sum(Y log A2 + (1 - Y) log(1 - A2)):

    dZ2 = (A2 - Y) / m     dW2 = dZ2 A1^T     db2 = sum_columns dZ2
    dZ1 = W2^T dZ2 * s'(Z1) = W2^T dZ2 * A1 (1 - A1)
    dW1 = dZ1 X^T          db1 = sum_columns dZ1

glassnet stores samples as rows and kernels as (in, out), so its kernel = W^T.
"""

import numpy as np

import glassnet as keras


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_two_layer_sigmoid_network_matches_hand_derived_gradients():
    rng = np.random.default_rng(0)
    m, n_in, n_hidden = 8, 3, 4
    X = rng.standard_normal((n_in, m))
    Y = rng.integers(0, 2, (1, m)).astype(float)
    W1, b1 = rng.standard_normal((n_hidden, n_in)), rng.standard_normal((n_hidden, 1))
    W2, b2 = rng.standard_normal((1, n_hidden)), rng.standard_normal((1, 1))

    Z1 = W1 @ X + b1
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sigmoid(Z2)
    dZ2 = (A2 - Y) / m
    dW2, db2 = dZ2 @ A1.T, dZ2.sum(axis=1)
    dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)
    dW1, db1 = dZ1 @ X.T, dZ1.sum(axis=1)

    model = keras.Sequential([keras.layers.Dense(n_hidden, activation="sigmoid", input_shape=(n_in,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(learning_rate=0.0), "binary_crossentropy")
    model.set_weights([W1.T, b1.ravel(), W2.T, b2.ravel()])
    model.fit(X.T.astype(np.float32), Y.T, batch_size=m, epochs=1, shuffle=False, verbose=0)

    hidden, output = model.layers
    np.testing.assert_allclose(output.kernel.grad, dW2.T, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(output.bias.grad, db2, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(hidden.kernel.grad, dW1.T, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(hidden.bias.grad, db1, rtol=1e-4, atol=1e-6)
