"""Functional models built the same way by Keras and by glassnet, for the .keras round trips.

Each builder takes the framework module (``keras`` or ``glassnet``) so that one definition
serves both sides; nothing here imports either.
"""


def merge_graph(keras):
    """Two inputs, two outputs, a shared layer, and every merge layer."""
    L = keras.layers
    a = keras.Input((6,), name="a")
    b = keras.Input((4, 3), name="b")
    shared = L.Dense(5, activation="tanh", name="shared")
    h1 = shared(a)
    h2 = shared(L.Dense(6)(L.Flatten()(b)))
    added = L.Add()([h1, h2])
    merged = [added, L.Subtract()([h1, h2]), L.Multiply()([h1, h2]), L.Average()([h1, h2]),
              L.Maximum()([h1, h2]), L.Minimum()([h1, h2]), L.Dot(axes=1)([h1, h2])]
    digit = L.Dense(3, activation="softmax", name="digit")(L.Concatenate()(merged))
    kind = L.Dense(1, name="kind")(L.Dense(4, activation="relu")(added))
    return keras.Model([a, b], [digit, kind], name="merge_graph")


def residual_cnn(keras):
    """A convolutional residual block: y = relu(x + conv(conv(x)))."""
    L = keras.layers
    inputs = keras.Input((8, 8, 2))
    x = L.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    y = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    y = L.Conv2D(4, 3, padding="same")(y)
    x = L.Activation("relu")(L.Add()([x, y]))
    x = L.BatchNormalization()(L.MaxPooling2D(2)(x))
    outputs = L.Dense(5, activation="softmax")(L.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs, name="residual_cnn")


def register_custom_layers(keras):
    """Define and register the custom layer of ``registered_layer`` (a loading side that built
    nothing calls this first, as a user's program imports its layers before load_model)."""
    L = keras.layers

    @keras.saving.register_keras_serializable(package="glassnet_test")
    class Scale(L.Layer):
        """y = factor * w * x, one learned w per feature."""

        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    return Scale


def registered_layer(keras):
    """A custom layer registered with ``register_keras_serializable``: it loads by its
    registered name ("glassnet_test>Scale"), with no custom_objects on either side."""
    L = keras.layers
    Scale = register_custom_layers(keras)
    inputs = keras.Input((6,))
    outputs = L.Dense(3)(Scale(1.5, name="scale")(L.Dense(4, activation="tanh")(inputs)))
    return keras.Model(inputs, outputs, name="registered_layer")


def nested_models(keras):
    """Models two levels deep: a functional model inside a Sequential inside a functional model."""
    L = keras.layers
    inner_input = keras.Input((5,))
    deep = keras.Model(inner_input, L.Dense(4, activation="relu", name="deep_dense")(inner_input), name="deep")
    middle = keras.Sequential([keras.Input((6,)), L.Dense(5, activation="tanh", name="middle_dense"), deep,
                               L.BatchNormalization(name="middle_norm")], name="middle")
    inputs = keras.Input((6,))
    return keras.Model(inputs, L.Dense(3, activation="softmax", name="top_dense")(middle(inputs)), name="nested_models")


def text_sequences(keras):
    """Padded word ids: Embedding(mask_zero) and the layers that take its mask, in two branches."""
    L = keras.layers
    inputs = keras.Input((6,), name="ids")
    embedded = L.Embedding(12, 4, mask_zero=True, name="words")(inputs)
    steps = L.TimeDistributed(L.Dense(3, activation="relu"), name="per_step")(embedded)
    pooled = L.GlobalAveragePooling1D(name="masked_mean")(steps)
    peaks = L.GlobalMaxPooling1D()(L.MaxPooling1D(2)(L.Embedding(12, 3, name="plain_words")(inputs)))
    outputs = L.Dense(2, activation="softmax")(L.Concatenate()([pooled, peaks]))
    return keras.Model(inputs, outputs, name="text_sequences")


def recurrent_text(keras):
    """Every recurrent layer, masked: a stacked LSTM then GRU, a Bidirectional SimpleRNN, the
    states of an LSTM (return_state) and a GRU with reset_after=False read backwards."""
    L = keras.layers
    inputs = keras.Input((6,), name="ids")
    embedded = L.Embedding(12, 4, mask_zero=True, name="words")(inputs)
    stacked = L.GRU(3, name="gru")(L.LSTM(5, return_sequences=True, name="lstm")(embedded))
    both_ways = L.Bidirectional(L.SimpleRNN(2, return_sequences=True), merge_mode="sum", name="both_ways")(embedded)
    _, h, c = L.LSTM(3, return_state=True, name="lstm_states")(embedded)
    backwards = L.GRU(2, reset_after=False, go_backwards=True, name="gru_before")(embedded)
    merged = L.Concatenate()([stacked, L.GlobalAveragePooling1D()(both_ways), h, c, backwards])
    return keras.Model(inputs, L.Dense(2, activation="softmax")(merged), name="recurrent_text")


def encoder_decoder(keras):
    """Keras's sequence-to-sequence idiom: an encoder LSTM's final states start a decoder LSTM
    (initial_state=), whose sequence a TimeDistributed Dense reads; a GRU passes its state to
    another GRU."""
    L = keras.layers
    source = keras.Input((5, 3), name="source")
    target = keras.Input((4, 2), name="target")
    _, h, c = L.LSTM(6, return_state=True, name="encoder")(source)
    decoded = L.LSTM(6, return_sequences=True, name="decoder")(target, initial_state=[h, c])
    _, state = L.GRU(4, return_state=True, name="gru_encoder")(source)
    carried = L.GRU(4, name="gru_decoder")(target, initial_state=state)
    steps = L.TimeDistributed(L.Dense(3, activation="softmax"), name="per_step")(decoded)
    return keras.Model([source, target], [steps, L.Dense(1, name="summary")(carried)], name="encoder_decoder")


def attention_block(keras):
    """A transformer block, as Keras's text-classification example writes one: self-attention
    (causal here), a residual connection and LayerNormalization, a feed-forward Dense pair, then
    cross-attention to a second input with a key of its own."""
    L = keras.layers
    tokens, memory = keras.Input((5, 4), name="tokens"), keras.Input((3, 6), name="memory")
    attended = L.MultiHeadAttention(2, 3, name="self_attention")(tokens, tokens, use_causal_mask=True)
    x = L.LayerNormalization(epsilon=1e-6, name="norm_1")(L.Add()([tokens, attended]))
    x = L.LayerNormalization(name="norm_2")(L.Add()([x, L.Dense(4)(L.Dense(8, activation="relu")(x))]))
    crossed = L.MultiHeadAttention(1, 2, name="cross_attention")(x, memory, key=memory)
    return keras.Model([tokens, memory], L.Dense(2)(L.GlobalAveragePooling1D()(crossed)), name="attention_block")


GRAPHS = {"merge_graph": merge_graph, "residual_cnn": residual_cnn, "registered_layer": registered_layer,
          "nested_models": nested_models, "text_sequences": text_sequences, "recurrent_text": recurrent_text,
          "encoder_decoder": encoder_decoder, "attention_block": attention_block}
SEQUENCE_GRAPHS = ("text_sequences", "recurrent_text", "encoder_decoder", "attention_block")  # no ONNX form yet


def graph_inputs(kind, rng):
    """Inputs for a graph: a list of float32 arrays (8 samples)."""
    if kind == "encoder_decoder":
        return [rng.random((8, 5, 3), dtype="float32"), rng.random((8, 4, 2), dtype="float32")]
    if kind == "attention_block":
        return [rng.random((8, 5, 4), dtype="float32"), rng.random((8, 3, 6), dtype="float32")]
    if kind in SEQUENCE_GRAPHS:  # word ids, pre-padded with zeros (as pad_sequences does)
        ids = rng.integers(1, 12, (8, 6)).astype("float32")
        for row, length in enumerate(rng.integers(1, 7, 8)):
            ids[row, :6 - length] = 0
        return [ids]
    if kind in ("registered_layer", "nested_models"):
        return [rng.random((8, 6), dtype="float32")]
    if kind == "merge_graph":
        return [rng.random((8, 6), dtype="float32"), rng.random((8, 4, 3), dtype="float32")]
    return [rng.random((8, 8, 8, 2), dtype="float32")]
