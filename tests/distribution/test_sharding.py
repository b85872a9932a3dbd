"""How a global batch is cut into the workers' shards (no Ray needed, marked with the rest)."""

import subprocess
import sys

import numpy as np
import pytest

from glassnet.distribution.sharding import shard_bounds, shard_rows

pytestmark = pytest.mark.ray


def test_shards_are_consecutive_and_the_first_ones_longer():
    assert shard_bounds(33, 2) == [(0, 17), (17, 33)]
    assert shard_bounds(10, 4) == [(0, 3), (3, 6), (6, 8), (8, 10)]
    assert shard_bounds(1, 3) == [(0, 1), (1, 1), (1, 1)]
    for rows in range(1, 40):
        for workers in range(1, 6):
            bounds = shard_bounds(rows, workers)
            sizes = [b - a for a, b in bounds]
            assert bounds[0][0] == 0 and bounds[-1][1] == rows and max(sizes) - min(sizes) <= 1
            assert sizes == [len(part) for part in np.array_split(np.arange(rows), workers)]


def test_shard_rows_keeps_slices_and_cuts_index_arrays():
    assert shard_rows(slice(64, 96), 16, 32) == slice(80, 96)
    np.testing.assert_array_equal(shard_rows(np.array([5, 3, 9, 1]), 1, 3), [3, 9])


def test_import_glassnet_does_not_import_ray():
    code = "import sys, glassnet, glassnet.distribution; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
