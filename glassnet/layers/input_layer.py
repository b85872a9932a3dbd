"""InputLayer and ``Input(shape=...)``: declare the shape of one sample."""

from __future__ import annotations

from ..utils.validation import check_positive_int, check_shape
from .base import Layer, _as_shape


class InputLayer(Layer):
    """Marks a model's input: ``shape`` is one sample's shape, without the batch axis.

    ``glassnet.Input(shape=(28, 28, 1))`` returns one, to be put first in a Sequential model.
    """

    def __init__(self, shape=None, batch_size: int | None = None, name: str | None = None,
                 input_shape=None, **kwargs):
        shape = input_shape if shape is None else shape
        if shape is None:
            raise ValueError("InputLayer needs shape=, the shape of one sample, e.g. shape=(784,)")
        self.takes_strings = kwargs.get("dtype") in ("string", "str", str)
        if self.takes_strings:
            kwargs["dtype"] = object  # text: kept as strings up to a layer that takes them
        super().__init__(name=name, **kwargs)
        self._declared_input_shape = (batch_size,) + _as_shape(shape, "shape", self.name)
        self.build_for(self._declared_input_shape)
        from ..engine.graph import KerasTensor, Node
        node = Node(self, [], [], False)
        node.outputs = [KerasTensor(self._declared_input_shape, self.dtype, node, 0, self.name)]
        self._inbound_nodes.append(node)

    @property
    def shape(self) -> tuple:
        """The symbolic batch shape, e.g. ``(None, 784)``, as ``keras.Input(...).shape``."""
        return self._declared_input_shape

    def forward(self, x, training=False):
        return x

    def backward(self, grad_output, need_input_grad=True):
        return grad_output

    def get_config(self):
        config = super().get_config()
        config["batch_input_shape"] = list(self._declared_input_shape)
        if self.takes_strings:
            config["dtype"] = "string"
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        shape = config.pop("batch_input_shape")
        config.pop("trainable", None)
        return cls(shape=tuple(shape[1:]), batch_size=shape[0], **config)


def Input(shape=None, batch_size: int | None = None, name: str | None = None, dtype=None, batch_shape=None,
          **kwargs):
    """A symbolic input, as ``keras.Input``: ``x = Input(shape=(784,))`` then layers called on it
    and ``Model(inputs, outputs)``; or first in ``Sequential([Input(shape=(2,)), Dense(1)])``."""
    kwargs.pop("sparse", None)
    kwargs.pop("ragged", None)
    if kwargs:
        raise TypeError(f"Input() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
    if batch_shape is not None:
        if shape is not None:
            raise ValueError("Input(): give shape= or batch_shape=, not both.")
        if isinstance(batch_shape, (str, bytes)) or not isinstance(batch_shape, (tuple, list)) or not batch_shape:
            raise TypeError(f"Input(): batch_shape must be a tuple (batch size or None, then the shape of one sample), "
                            f"received {batch_shape!r}.")
        batch_size, shape = batch_shape[0], tuple(batch_shape[1:])
    if shape is None:
        raise ValueError("Input() needs shape=, the shape of one sample, e.g. Input(shape=(784,)).")
    shape = check_shape(shape, "shape", "Input()")
    batch_size = check_positive_int(batch_size, "batch_size", "Input()", allow_none=True)
    layer = InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype)
    return layer._inbound_nodes[0].outputs[0]
