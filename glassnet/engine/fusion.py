"""Layer pairs that a model runs as one step, to save passes over large arrays.

``Conv2D(..., activation="relu")`` followed by ``MaxPooling2D`` is the commonest pair in an
image model. Run layer by layer, ReLU reads and writes the whole convolution output once
forward and three times backward, only for the pooling to keep a quarter of it. Run as a
pair, the pooling takes the convolution's pre-activation z and applies ReLU to the quarter
it keeps (max(relu(z)) = relu(max(z))); backward, its gradient already is dL/dz. The maths
and the numbers are the same (tests check it bit for bit); each layer keeps its own forward
and backward, which this module only calls in another order.
"""

from __future__ import annotations

from .. import activations
from ..layers.convolution import Conv2D
from ..layers.pooling import MaxPooling2D

_state = {"enabled": True}


def set_enabled(enabled: bool) -> None:
    """Run every layer on its own (False), e.g. to compare with the fused steps."""
    _state["enabled"] = bool(enabled)


class ConvReLUMaxPool:
    """conv (ReLU activation) then pool, as one step with a layer's forward/backward."""

    def __init__(self, conv: Conv2D, pool: MaxPooling2D):
        self.conv, self.pool = conv, pool

    def forward(self, x, training=False):
        z = self.conv.forward(x, training, apply_activation=False)
        return self.pool.forward_of_relu(z)

    def backward(self, grad_output, need_input_grad=True):
        dz = self.pool.backward(grad_output)
        return self.conv.backward(dz, need_input_grad, grad_is_preactivation=True)


def _pairs_up(layer, above) -> bool:
    return (type(layer) is Conv2D and type(layer.activation) is activations.ReLU
            and isinstance(above, MaxPooling2D) and above.can_absorb_relu())


def plan(layers) -> list:
    """The steps that run ``layers`` in order: (step, index of its first layer, of its last)."""
    steps, index = [], 0
    while index < len(layers):
        if _state["enabled"] and index + 1 < len(layers) and _pairs_up(layers[index], layers[index + 1]):
            steps.append((ConvReLUMaxPool(layers[index], layers[index + 1]), index, index + 1))
            index += 2
        else:
            steps.append((layers[index], index, index))
            index += 1
    return steps
