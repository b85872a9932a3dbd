"""InputLayer and ``Input(shape=...)``: declare the shape of one sample."""

from __future__ import annotations

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
        super().__init__(name=name, **kwargs)
        self._declared_input_shape = (batch_size,) + _as_shape(shape, "shape", self.name)
        self.build_for(self._declared_input_shape)

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
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        shape = config.pop("batch_input_shape")
        config.pop("trainable", None)
        return cls(shape=tuple(shape[1:]), batch_size=shape[0], **config)


def Input(shape, batch_size: int | None = None, name: str | None = None, dtype=None) -> InputLayer:
    """The input of a model, as ``keras.Input``: ``Sequential([Input(shape=(2,)), Dense(1)])``."""
    return InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype)
