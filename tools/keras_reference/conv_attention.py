"""Reference numbers for DepthwiseConv2D/1D, SeparableConv2D/1D, Attention and AdditiveAttention
from real Keras 3, written to tests/layers/keras_conv_attention_golden.py. Run with Keras 3:

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/conv_attention.py
    python tools/keras_reference/conv_attention.py save NAME MODEL.keras   (one model, for the test)

MODELS: small models built by ``conv_attention_models(keras)`` (which the test calls with
glassnet): strides, "same" padding, depth_multiplier > 1, dilation, no bias, 1-D twins, a
MobileNet-like stack with BatchNormalization, dot/scaled/concat/additive attention with a key,
a causal mask, padding masks from Embedding(mask_zero=True), returned scores, and a small
transformer-like text block. For each: parameter count, predictions on fixed weights
(``0.5 * pattern(shape, 1 + index)`` in the order of ``model.weights``, plus 1 for a
moving variance), the loss of one
train_on_batch with Adam(0.01) and mse, and the predictions after it.

CALLS: layers called on arrays with explicit ``mask=[query_mask, value_mask]``: output and
attention scores.
"""

import datetime
import os
import pprint
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from new_layers import pattern  # noqa: E402
from sequence_layers import IDS  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_conv_attention_golden.py")
TARGETS = pattern((3, 2), 7)


def _head(keras, x, y):
    L = keras.layers
    return keras.Model(x, L.Dense(2)(L.Flatten()(y)))


def conv_attention_models(keras):
    """name -> (model, inputs)."""
    L = keras.layers
    models = {}

    def image(name, shape, layer):
        x = keras.Input(shape)
        models[name] = (_head(keras, x, layer(x)), [pattern((2,) + shape, 0)])

    image("depthwise_same_stride_dm2", (5, 6, 3), L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2))
    image("depthwise_dilated_tanh", (7, 7, 2), L.DepthwiseConv2D((2, 3), dilation_rate=2, activation="tanh"))
    image("separable_same_relu_dm2", (5, 5, 3),
          L.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, activation="relu"))
    image("separable_strided_no_bias", (6, 5, 2), L.SeparableConv2D(3, (3, 2), strides=(2, 1), use_bias=False))
    image("depthwise1d_same_stride_dm2", (7, 3), L.DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2))
    image("separable1d_dilated", (8, 3), L.SeparableConv1D(4, 3, dilation_rate=2, padding="same"))

    x = keras.Input((8, 8, 3))  # a MobileNet-like stack
    y = L.ReLU()(L.BatchNormalization()(L.Conv2D(4, 3, strides=2, padding="same", use_bias=False)(x)))
    y = L.ReLU()(L.BatchNormalization()(L.DepthwiseConv2D(3, padding="same", use_bias=False)(y)))
    y = L.ReLU()(L.BatchNormalization()(L.Conv2D(8, 1, use_bias=False)(y)))
    y = L.ReLU()(L.BatchNormalization()(L.SeparableConv2D(8, 3, strides=2, padding="same")(y)))
    models["mobilenet_like"] = (keras.Model(x, L.Dense(2)(L.GlobalAveragePooling2D()(y))), [pattern((2, 8, 8, 3), 0)])

    q, v, k = keras.Input((4, 3)), keras.Input((5, 3)), keras.Input((5, 3))
    inputs = [pattern((2, 4, 3), 0), pattern((2, 5, 3), 3), pattern((2, 5, 3), 4)]
    models["attention_dot"] = (_head(keras, [q, v], L.Attention()([q, v])), inputs[:2])
    models["attention_scaled_key"] = (_head(keras, [q, v, k], L.Attention(use_scale=True)([q, v, k])), inputs)
    models["additive_key"] = (_head(keras, [q, v, k], L.AdditiveAttention()([q, v, k])), inputs)
    x = keras.Input((4, 3))
    models["attention_concat_causal"] = (
        _head(keras, x, L.Attention(use_scale=True, score_mode="concat")([x, x], use_causal_mask=True)),
        [pattern((2, 4, 3), 0)])
    x = keras.Input((4, 3))
    output, scores = L.AdditiveAttention(use_scale=False)([x, x], use_causal_mask=True, return_attention_scores=True)
    models["additive_causal_scores"] = (
        keras.Model(x, L.Dense(2)(L.Concatenate()([L.Flatten()(output), L.Flatten()(scores)]))),
        [pattern((2, 4, 3), 0)])
    ids = keras.Input((5,), dtype="int32")
    embedded = L.Embedding(10, 4, mask_zero=True)(ids)
    models["attention_padding_masks"] = (
        keras.Model(ids, L.Dense(2)(L.GlobalAveragePooling1D()(L.Attention()([embedded, embedded])))), [IDS])
    ids = keras.Input((5,), dtype="int32")  # a transformer-like block for text classification
    embedded = L.Embedding(10, 8)(ids)
    attended = L.LayerNormalization(epsilon=1e-6)(L.Add()([embedded, L.Attention(use_scale=True)([embedded, embedded])]))
    hidden = L.Dense(8, activation="relu")(L.GlobalAveragePooling1D()(attended))
    models["transformer_text"] = (keras.Model(ids, L.Dense(2)(hidden)), [IDS])
    return models


QUERY_MASK = np.array([[1, 1, 0, 1], [1, 0, 1, 1]], bool)
VALUE_MASK = np.array([[1, 0, 1, 1, 0], [0, 1, 1, 1, 1]], bool)


def layer_calls(keras):
    """name -> (layer, inputs, call keywords): layers called on arrays with explicit masks."""
    L = keras.layers
    q, v, k = pattern((2, 4, 3), 0), pattern((2, 5, 3), 3), pattern((2, 5, 3), 4)
    masks = {"mask": [QUERY_MASK, VALUE_MASK], "return_attention_scores": True}
    return {"attention_masks": (L.Attention(use_scale=True), [q, v, k], masks),
            "attention_concat_masks": (L.Attention(score_mode="concat"), [q, v], masks),
            "additive_masks": (L.AdditiveAttention(), [q, v, k], masks),
            "additive_mask_causal": (L.AdditiveAttention(), [q, q],
                                     {"mask": [None, QUERY_MASK], "use_causal_mask": True,
                                      "return_attention_scores": True})}


def set_pattern_weights(model):
    """Weight i is 0.5 * pattern(shape, 1 + i); a moving variance 1 + that, so that it stays positive."""
    model.set_weights([0.5 * pattern(tuple(w.shape), 1 + i) + ("moving_variance" in w.name)
                       for i, w in enumerate(model.weights)])


def main():
    import keras
    results = {}
    for name, (model, inputs) in conv_attention_models(keras).items():
        set_pattern_weights(model)
        targets = TARGETS[:len(inputs[0])]
        before = model.predict(inputs, verbose=0)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        loss = model.train_on_batch(inputs, targets)
        results[name] = {"count_params": model.count_params(),
                         "layer_params": [layer.count_params() for layer in model.layers],
                         "output": np.asarray(before).ravel().tolist(), "loss": float(np.asarray(loss).ravel()[0]),
                         "output_after_step": np.asarray(model.predict(inputs, verbose=0)).ravel().tolist()}
    calls = {}
    for name, (layer, inputs, keywords) in layer_calls(keras).items():
        layer.build([x.shape for x in inputs])
        set_pattern_weights(layer)
        output, scores = layer(inputs, **keywords)
        calls[name] = {"output": np.asarray(output).ravel().tolist(), "scores": np.asarray(scores).ravel().tolist()}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/conv_attention.py. Regenerate with that script; "
              'do not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n\n")
        stream.write("MODELS = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("CALLS = " + pprint.pformat(calls, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


def save(name, path):
    """The model ``name`` on its fixed weights, saved as a .keras file (the test loads it in glassnet)."""
    import keras
    model, _ = conv_attention_models(keras)[name]
    set_pattern_weights(model)
    model.save(path)


if __name__ == "__main__":
    if sys.argv[1:2] == ["save"]:
        save(sys.argv[2], sys.argv[3])
    else:
        main()
