"""Any value given to a layer's constructor either builds a layer whose forward pass works or
raises a ValueError/TypeError naming the argument (property-based, with hypothesis). Nothing
else escapes: no NumPy traceback, no silently misread argument."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet import layers

IMAGE, SEQUENCE, VECTOR = (1, 8, 8, 2), (1, 10, 2), (2, 6)
CASES = {  # layer class -> (arguments drawn, other arguments, input shape)
    "Dense": (["units", "activation", "use_bias"], {"units": 3}, VECTOR),
    "Conv2D": (["filters", "kernel_size", "strides", "padding", "dilation_rate"], {"filters": 2, "kernel_size": 3}, IMAGE),
    "Conv1D": (["filters", "kernel_size", "strides", "padding"], {"filters": 2, "kernel_size": 3}, SEQUENCE),
    "MaxPooling2D": (["pool_size", "strides", "padding"], {}, IMAGE),
    "AveragePooling2D": (["pool_size", "strides", "padding"], {}, IMAGE),
    "Dropout": (["rate"], {"rate": 0.5}, VECTOR),
    "BatchNormalization": (["momentum", "epsilon", "center", "scale"], {}, VECTOR),
    "Reshape": (["target_shape"], {"target_shape": (3, 2)}, VECTOR),
    "ZeroPadding2D": (["padding"], {}, IMAGE),
    "UpSampling2D": (["size"], {}, IMAGE),
    "LeakyReLU": (["negative_slope"], {}, VECTOR),
    "Activation": (["activation"], {"activation": "relu"}, VECTOR),
    "GlobalAveragePooling2D": (["keepdims"], {}, IMAGE),
    "Flatten": (["name"], {}, IMAGE),
    "Dense ": (["trainable", "input_shape"], {"units": 2}, VECTOR),  # the arguments every layer takes
    "SimpleRNN": (["units", "activation", "dropout", "return_sequences", "go_backwards"], {"units": 3}, SEQUENCE),
    "LSTM": (["units", "recurrent_activation", "recurrent_dropout", "unit_forget_bias", "return_state", "seed"],
             {"units": 3}, SEQUENCE),
    "GRU": (["units", "reset_after", "use_bias", "zero_output_for_mask", "stateful"], {"units": 3}, SEQUENCE),
    "MaxPooling1D": (["pool_size", "strides", "padding"], {}, SEQUENCE),
    "GlobalAveragePooling1D": (["keepdims"], {}, SEQUENCE),
}

values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 9), st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.text(max_size=4), st.sampled_from(["same", "valid", "relu", "causal", "full", "784", "softmax"]),
    st.tuples(st.integers(-2, 5), st.integers(-2, 5)), st.lists(st.integers(-1, 4), max_size=3),
    st.tuples(st.tuples(st.integers(-1, 3), st.integers(-1, 3)), st.tuples(st.integers(-1, 3), st.integers(-1, 3))))


@pytest.mark.parametrize("case", sorted(CASES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_constructor_argument_builds_a_working_layer_or_is_named(case, data):
    drawn, fixed, input_shape = CASES[case]
    argument = data.draw(st.sampled_from(drawn))
    value = data.draw(values)
    kwargs = {**fixed, argument: value}
    cls = getattr(layers, case.strip())
    try:
        layer = cls(**kwargs)
    except (ValueError, TypeError) as error:
        assert argument in str(error), f"{case}({argument}={value!r}) raised without naming it: {error}"
        return
    x = np.random.default_rng(0).random(input_shape, dtype=np.float32)
    try:
        y = layer(x)
    except ValueError as error:  # a value that fits no input of this shape: said by the layer, naming itself
        assert layer.name in str(error), f"{case}({argument}={value!r}) failed on input {input_shape}: {error}"
        return
    outputs = y if isinstance(y, list) else [y]  # return_state gives the states too
    assert all(np.all(np.isfinite(np.asarray(o))) for o in outputs), f"{case}({argument}={value!r}) gave non-finite outputs"
