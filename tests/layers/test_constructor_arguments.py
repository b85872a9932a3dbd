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
    "DepthwiseConv2D": (["kernel_size", "strides", "padding", "depth_multiplier", "dilation_rate", "use_bias"],
                        {"kernel_size": 3}, IMAGE),
    "SeparableConv2D": (["filters", "kernel_size", "strides", "padding", "depth_multiplier", "dilation_rate",
                         "activation"], {"filters": 2, "kernel_size": 3}, IMAGE),
    "DepthwiseConv1D": (["kernel_size", "strides", "padding", "depth_multiplier", "dilation_rate"],
                        {"kernel_size": 3}, SEQUENCE),
    "SeparableConv1D": (["filters", "kernel_size", "strides", "padding", "depth_multiplier"],
                        {"filters": 2, "kernel_size": 3}, SEQUENCE),
    "ReLU": (["max_value", "negative_slope", "threshold"], {}, VECTOR),
    "ELU": (["alpha"], {}, VECTOR),
    "PReLU": (["alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"], {}, SEQUENCE),
    "UnitNormalization": (["axis"], {}, SEQUENCE),
    "RMSNormalization": (["axis", "epsilon"], {}, SEQUENCE),
    "GroupNormalization": (["groups", "axis", "epsilon", "center", "scale", "beta_initializer", "gamma_constraint"],
                           {"groups": 2}, IMAGE),
    "ActivityRegularization": (["l1", "l2"], {}, VECTOR),
    "AlphaDropout": (["rate", "noise_shape", "seed"], {"rate": 0.2}, VECTOR),
}
PREPROCESSING_CASES = {  # the numeric and image preprocessing layers; the random ones run again while training
    "Normalization": (["axis", "mean", "variance", "invert"], {"mean": 1.0, "variance": 2.0}, VECTOR),
    "Rescaling": (["scale", "offset"], {"scale": 0.5}, VECTOR),
    "Discretization": (["bin_boundaries", "num_bins", "epsilon", "output_mode"], {"bin_boundaries": [0.5]}, VECTOR),
    "Resizing": (["height", "width", "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_value",
                  "antialias", "fill_mode"], {"height": 4, "width": 3}, IMAGE),
    "CenterCrop": (["height", "width"], {"height": 4, "width": 4}, IMAGE),
    "RandomFlip": (["mode", "seed"], {}, IMAGE),
    "RandomRotation": (["factor", "fill_mode", "interpolation", "seed", "fill_value"], {"factor": 0.1}, IMAGE),
    "RandomZoom": (["height_factor", "width_factor", "fill_mode", "interpolation"], {"height_factor": 0.2}, IMAGE),
    "RandomTranslation": (["height_factor", "width_factor", "fill_mode"], {"height_factor": 0.1, "width_factor": 0.1},
                          IMAGE),
    "RandomContrast": (["factor", "value_range", "seed"], {"factor": 0.2}, IMAGE),
    "RandomBrightness": (["factor", "value_range", "seed"], {"factor": 0.2}, IMAGE),
    "RandomCrop": (["height", "width", "seed"], {"height": 4, "width": 4}, IMAGE),
    "Hashing": (["num_bins", "mask_value", "salt", "output_mode", "sparse"], {"num_bins": 3}, VECTOR),
}
CASES.update(PREPROCESSING_CASES)

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


TRAINING_CASES = {  # random layers while training (fill_value is left out: a fill near float32's limit may round
    # to inf in the interpolation, as in Keras), and CategoryEncoding on integer categories
    name: (drawn, fixed, shape) for name, (drawn, fixed, shape) in PREPROCESSING_CASES.items()
    if name.startswith("Random")}
TRAINING_CASES["RandomRotation"] = (["factor", "fill_mode", "interpolation", "seed"], {"factor": 0.1}, IMAGE)
TRAINING_CASES["CategoryEncoding"] = (["num_tokens", "output_mode", "sparse"], {"num_tokens": 10}, VECTOR)


@pytest.mark.parametrize("case", sorted(TRAINING_CASES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_preprocessing_layers_work_while_training_or_name_the_argument(case, data):
    drawn, fixed, input_shape = TRAINING_CASES[case]
    argument = data.draw(st.sampled_from(drawn))
    value = data.draw(values)
    try:
        layer = getattr(layers, case)(**{**fixed, argument: value})
    except (ValueError, TypeError) as error:
        assert argument in str(error), f"{case}({argument}={value!r}) raised without naming it: {error}"
        return
    rng = np.random.default_rng(0)
    x = rng.integers(0, 10, input_shape) if case == "CategoryEncoding" else rng.random(input_shape, dtype=np.float32)
    try:
        y = layer(x, training=True)
    except ValueError as error:
        assert layer.name in str(error), f"{case}({argument}={value!r}) failed on input {input_shape}: {error}"
        return
    assert np.all(np.isfinite(np.asarray(y))), f"{case}({argument}={value!r}) gave non-finite outputs"
