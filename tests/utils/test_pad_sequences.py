"""pad_sequences gives Keras's arrays (pinned below) and names the argument that is wrong."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet.utils import pad_sequences

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from text_data import PAD_CASES  # noqa: E402

# Printed by Keras 3.15.1 (JAX backend, NumPy 2.4.6) for PAD_CASES: tools/keras_reference/text_data.py.
# case: (values, dtype, shape)
KERAS_PADDED = {
    "defaults": ([[0, 0, 0, 1], [0, 0, 2, 3], [4, 5, 6, 7], [0, 0, 0, 0], [0, 8, 9, 10]], "int32", [5, 4]),
    "maxlen_3": ([[0, 0, 1], [0, 2, 3], [5, 6, 7], [0, 0, 0], [8, 9, 10]], "int32", [5, 3]),
    "post_padding": ([[1, 0, 0], [2, 3, 0], [5, 6, 7], [0, 0, 0], [8, 9, 10]], "int32", [5, 3]),
    "post_truncating": ([[0, 0, 1], [0, 2, 3], [4, 5, 6], [0, 0, 0], [8, 9, 10]], "int32", [5, 3]),
    "post_both": ([[1, 0, 0], [2, 3, 0], [4, 5, 6], [0, 0, 0], [8, 9, 10]], "int32", [5, 3]),
    "longer_maxlen_value": ([[-1, -1, -1, -1, -1, 1], [-1, -1, -1, -1, 2, 3], [-1, -1, 4, 5, 6, 7],
                             [-1, -1, -1, -1, -1, -1], [-1, -1, -1, 8, 9, 10]], "int32", [5, 6]),
    "float32": ([[0.5, 1.25], [0.5, 2.75]], "float32", [2, 2]),
    "int32_casts_floats": ([[0, 1], [0, -2]], "int32", [2, 2]),
    "object_strings": ([["a", "bc"], ["<pad>", "d"], ["<pad>", "<pad>"]], "object", [3, 2]),
    "str_dtype": ([["ab", "c"], ["d", "x"]], "<U3", [2, 2]),
    "steps_of_shape_2": ([[[0, 0], [1, 2], [3, 4]], [[0, 0], [0, 0], [5, 6]]], "int32", [2, 3, 2]),
    "tuples_and_arrays": ([[1, 2], [0, 3], [5, 6]], "int64", [3, 2]),
    "all_empty": ([[0, 0], [0, 0]], "int32", [2, 2]),
    "no_sequences": ([], "int32", [0, 4]),
}


@pytest.mark.parametrize("case", list(PAD_CASES))
def test_matches_keras(case):
    sequences, kwargs = PAD_CASES[case]
    padded = pad_sequences(sequences, **kwargs)
    values, dtype, shape = KERAS_PADDED[case]
    assert (padded.tolist(), str(padded.dtype), list(padded.shape)) == (values, dtype, shape)


def test_reachable_under_keras_names():
    from glassnet.preprocessing import sequence
    assert sequence.pad_sequences is glassnet.utils.pad_sequences is pad_sequences


def test_inputs_are_not_changed_and_the_result_is_writable():
    sequences = [np.array([1, 2, 3]), [4]]
    padded = pad_sequences(sequences, maxlen=2)
    padded[:] = 7
    assert sequences[0].tolist() == [1, 2, 3] and sequences[1] == [4]


def test_a_string_value_with_dtype_named_object_is_accepted():
    """Keras refuses dtype="object" (the string) with a string value, but takes dtype=object;
    glassnet takes both."""
    padded = pad_sequences([["a"], []], dtype="object", value="-")
    assert padded.tolist() == [["a"], ["-"]] and padded.dtype == object


@pytest.mark.parametrize("arguments, keywords, expected", [
    (([[1]],), {"padding": "middle"}, (ValueError, r"padding must be 'pre' or 'post', received 'middle'")),
    (([[1]],), {"truncating": "start"}, (ValueError, r"truncating must be 'pre' or 'post', received 'start'")),
    (([[1]],), {"truncating": None}, (ValueError, r"truncating must be 'pre' or 'post', received None")),
    (((s for s in [[1]]),), {}, (ValueError, r"sequences must be a list of sequences, received generator .* has no "
                                             r"length")),
    ((5,), {}, (ValueError, r"sequences must be a list of sequences, received int 5")),
    (([[1, 2], 3],), {}, (ValueError, r"the element at position 1 is int 3, which has no length")),
    (([[[1, 2]], [[1, 2, 3]]],), {}, (ValueError, r"every step must have the shape of the first non-empty "
                                                  r"sequence's steps, \(2,\), but the sequence at position 1 has steps "
                                                  r"of shape \(3,\)")),
    (([["a"]],), {"value": "x"}, (ValueError, r"value 'x' is a string but dtype is 'int32'; pass dtype=object")),
    (([[1]],), {"maxlen": -1}, (ValueError, r"maxlen must be >= 0, received -1")),
    (([[1]],), {"maxlen": 2.5}, (TypeError, r"maxlen must be None or an int, received float 2.5")),
    (([],), {}, (ValueError, r"sequences is empty and maxlen is None, so there is no length to pad to; pass maxlen")),
], ids=["padding", "truncating", "truncating-none", "generator", "int", "non-sequence-element", "step-shapes",
        "string-value", "negative-maxlen", "float-maxlen", "empty-without-maxlen"])
def test_errors_name_the_argument_and_what_was_received(arguments, keywords, expected):
    error, pattern = expected
    with pytest.raises(error, match=pattern):
        pad_sequences(*arguments, **keywords)
