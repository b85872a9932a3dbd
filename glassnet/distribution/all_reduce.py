"""Averaging the workers' vectors: gradients each step, or weights every k steps.

Shard i of a global batch of B rows has n_i rows and a mean loss L_i, so the batch's mean loss
is L = sum_i (n_i / B) L_i and its gradient is

    dL/dw = sum_i (n_i / B) dL_i/dw

which is what a single process computes on the whole batch (to float32 rounding). The driver
gathers the workers' vectors through Ray's object store, sums them with these weights into its
own buffer, and puts the result into the store once for every worker to read: a reduce and a
broadcast, 2 (N - 1) vector transfers per step.

Ray's collective API (ray.util.collective: ring all-reduce between actors) needs a backend:
gloo through torch.distributed on CPUs, NCCL on GPUs. ``collective_backend()`` says whether it
is available here; fit's driver cannot join a collective group (the API works inside actors
only), so the strategy uses the object store, and benchmarks/distributed.py measures both.
"""

from __future__ import annotations

import numpy as np


def weighted_average_into(out: np.ndarray, own_weight: float, parts) -> np.ndarray:
    """``out = own_weight * out + sum(weight * vector for vector, weight in parts)`` in place,
    in ``out``'s dtype; ``parts`` is a list of (vector, weight)."""
    out *= out.dtype.type(own_weight)
    for vector, weight in parts:
        out += out.dtype.type(weight) * vector
    return out


def collective_backend() -> tuple[str | None, str]:
    """("gloo", why) when ray.util.collective can all-reduce CPU arrays here, else (None, why)."""
    try:
        from ray.util import collective
    except ImportError as error:
        return None, f"ray.util.collective cannot be imported ({error})"
    if collective.gloo_available():
        return "gloo", "gloo through torch.distributed is available"
    return None, ("ray.util.collective's CPU backend (gloo) needs torch.distributed, which is not installed "
                  "(pip install torch); NCCL needs GPUs")
