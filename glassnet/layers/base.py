"""The layer contract every glassnet layer follows.

A layer is a small class with four parts, as in Keras plus an explicit backward pass:

- ``__init__`` checks the hyperparameters;
- ``build(input_shape)`` creates named weights with ``add_weight`` (shapes include the batch
  axis as ``None``, e.g. ``(None, 784)``);
- ``forward(x, training=False)`` computes the output and keeps what backward needs;
- ``backward(grad_output, need_input_grad=True)`` fills each parameter's ``grad`` and returns
  dL/dx (or ``None`` when the caller, such as the first layer of a model, does not need it).

Large intermediate arrays are written into ``out=self.scratch(name, shape, dtype)``: inside a
model's fit/evaluate/predict loop that is one array per name, reused from step to step;
elsewhere a new array each time.

The base class builds a layer on its first call and checks the input shape, so subclasses hold
only their maths.
"""

from __future__ import annotations

import threading

import numpy as np

from .. import initializers as initializers_module
from .. import regularizers as regularizers_module
from ..utils.naming import to_snake_case, unique_name


class Parameter:
    """A named weight array and its gradient (same shape, same dtype).

    ``value`` and ``grad`` may be views into a model's flat buffers; layers must update them in
    place (``out=``) rather than rebinding them.
    """

    __slots__ = ("name", "value", "grad", "trainable", "regularizer")

    def __init__(self, name: str, value: np.ndarray, trainable: bool = True, regularizer=None):
        self.name = name
        self.value = value
        self.grad = np.zeros_like(value)
        self.trainable = trainable
        self.regularizer = regularizer

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def __repr__(self) -> str:
        return f"<Parameter {self.name} shape={self.value.shape} dtype={self.value.dtype}>"


def _as_shape(shape, argument: str, layer: str) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f'Layer "{layer}": {argument} must be a tuple of ints, received {shape!r}') from None
    if any(d is not None and d <= 0 for d in shape):
        raise ValueError(f'Layer "{layer}": {argument} must hold positive sizes, received {shape}')
    return shape


class Layer:
    """Base class of all layers (see the module docstring for the contract)."""

    def __init__(self, name: str | None = None, trainable: bool = True, input_shape=None,
                 input_dim: int | None = None, batch_size: int | None = None, dtype=None, **kwargs):
        if kwargs:
            unknown = ", ".join(sorted(kwargs))
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s): {unknown}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.trainable = trainable
        self.built = False
        self.parameters: list[Parameter] = []
        self.input_shape: tuple | None = None
        self.output_shape: tuple | None = None
        self.dtype = np.dtype(dtype or "float32")
        self._declared_input_shape: tuple | None = None
        self._scratch: dict | None = None
        self._scratch_thread: int | None = None
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if input_shape is not None:
            self._declared_input_shape = (batch_size,) + _as_shape(input_shape, "input_shape", self.name)

    # -- the contract -------------------------------------------------------------------------
    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, as ``None``)."""

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    # -- helpers for subclasses ---------------------------------------------------------------
    def add_weight(self, name: str, shape, initializer="glorot_uniform", regularizer=None,
                   trainable: bool = True) -> Parameter:
        initializer = initializers_module.get(initializer)
        value = initializer(shape, dtype=self.dtype)
        parameter = Parameter(name, value, trainable, regularizers_module.get(regularizer))
        self.parameters.append(parameter)
        return parameter

    def scratch(self, name: str, shape: tuple, dtype) -> np.ndarray:
        """An uninitialised array to pass as ``out=``. Inside a model's loop it is the same array
        on every step while the shape stays the same; elsewhere (and in any other thread, such
        as a second thread calling predict at the same time) a new one.

        Why: arrays of a few MB allocated afresh on each step are handed back to the operating
        system when freed, and every page of the next one is faulted in and zeroed again; on
        the seed CNN that made an epoch up to 1.6x slower, depending on the allocator's history.
        """
        if self._scratch is None or self._scratch_thread != threading.get_ident():
            return np.empty(shape, dtype)
        buffer = self._scratch.get(name)
        if buffer is None or buffer.shape != shape or buffer.dtype != dtype:
            buffer = self._scratch[name] = np.empty(shape, dtype)
        return buffer

    def reuse_buffers(self, enabled: bool) -> None:
        """Turn ``scratch`` reuse on for the calling thread (a model's loop, whose layers'
        outputs never outlive the next step) or off (and free the arrays)."""
        self._scratch = {} if enabled else None
        self._scratch_thread = threading.get_ident() if enabled else None

    # -- building and calling -----------------------------------------------------------------
    def build_for(self, input_shape: tuple) -> tuple:
        """Build once for ``input_shape`` and return the output shape."""
        input_shape = tuple(input_shape)
        if not self.built:
            self.build(input_shape)
            self.input_shape = input_shape
            self.output_shape = self.compute_output_shape(input_shape)
            self.built = True
        return self.output_shape

    def check_input_shape(self, shape: tuple) -> None:
        """Raise a clear error when ``shape`` (batch axis included) does not fit the built layer."""
        expected = self.input_shape
        if expected is None:
            return
        if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected[1:], shape[1:])):
            raise ValueError(
                f'Input to layer "{self.name}" ({type(self).__name__}) is incompatible: expected shape '
                f"{_shape_text(expected)}, received {_shape_text(shape)}.")

    def __call__(self, x, training: bool = False) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(self.dtype)
        if not self.built:
            self.build_for((None,) + x.shape[1:])
        self.check_input_shape(x.shape)
        return self.forward(x, training=training)

    # -- weights ------------------------------------------------------------------------------
    @property
    def weights(self) -> list[Parameter]:
        return list(self.parameters)

    @property
    def trainable_weights(self) -> list[Parameter]:
        return [p for p in self.parameters if p.trainable and self.trainable]

    @property
    def non_trainable_weights(self) -> list[Parameter]:
        return [p for p in self.parameters if not (p.trainable and self.trainable)]

    def get_weights(self) -> list[np.ndarray]:
        return [p.value.copy() for p in self.parameters]

    def set_weights(self, weights) -> None:
        weights = list(weights)
        if len(weights) != len(self.parameters):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self.parameters)} weight arrays '
                f"({', '.join(f'{p.name} {p.shape}' for p in self.parameters) or 'none'}), "
                f"received {len(weights)}.")
        for parameter, value in zip(self.parameters, weights):
            value = np.asarray(value)
            if value.shape != parameter.shape:
                raise ValueError(
                    f'Layer "{self.name}": weight "{parameter.name}" has shape {parameter.shape}, '
                    f"received an array of shape {value.shape}.")
            parameter.value[...] = value

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f'Layer "{self.name}" is not built yet, so it has no weights to count. '
                             "Call it on data or build it with an input shape first.")
        return int(sum(p.value.size for p in self.parameters))

    # -- configuration ------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}
        if self._declared_input_shape is not None:
            config["batch_input_shape"] = list(self._declared_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        config = _deserialize_fields(dict(config))
        batch_input_shape = config.pop("batch_input_shape", None)
        if batch_input_shape is not None:
            config["input_shape"] = tuple(batch_input_shape[1:])
            config["batch_size"] = batch_input_shape[0]
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _shape_text(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def column_sums(matrix: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Sum over the rows of a 2-D array (a bias gradient), as ones @ matrix: BLAS does it
    several times faster than ``matrix.sum(axis=0)``."""
    ones = np.ones(matrix.shape[0], dtype=matrix.dtype)
    return np.matmul(ones, matrix, out=out)


def activate(layer: Layer, z: np.ndarray) -> np.ndarray:
    """a = layer.activation(z), written into the layer's scratch array "a" when the activation
    takes ``out=``."""
    activation = layer.activation
    if not activation.takes_out:
        return activation.forward(z)
    return activation.forward(z, out=layer.scratch("a", z.shape, z.dtype))


def activation_gradient(layer: Layer, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """dL/dz = dL/da * f'(z), written into the layer's scratch array "dz" when the activation
    takes ``out=``."""
    activation = layer.activation
    if not activation.takes_out:
        return activation.backward(z, a, grad_a)
    return activation.backward(z, a, grad_a, out=layer.scratch("dz", z.shape, grad_a.dtype))


def _deserialize_fields(config: dict) -> dict:
    """Turn the serialized activation, initializers and regularizers of a layer config back
    into objects (keys: ``activation``, ``*_initializer``, ``*_regularizer``)."""
    from .. import activations as activations_module
    for key, value in list(config.items()):
        if key == "activation":
            config[key] = activations_module.deserialize(value)
        elif key.endswith("_initializer"):
            config[key] = initializers_module.deserialize(value)
        elif key.endswith("_regularizer"):
            config[key] = regularizers_module.deserialize(value)
    return config


class KernelOptions:
    """The options of a layer with a kernel and a bias (Dense, Conv2D): activation, use_bias,
    initializers and regularizers, resolved once and written back to a config."""

    def __init__(self, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None):
        from .. import activations as activations_module
        self.activation = activations_module.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers_module.get(kernel_initializer)
        self.bias_initializer = initializers_module.get(bias_initializer)
        self.kernel_regularizer = regularizers_module.get(kernel_regularizer)
        self.bias_regularizer = regularizers_module.get(bias_regularizer)

    def apply_to(self, layer) -> None:
        layer.__dict__.update(vars(self))

    @staticmethod
    def config_of(layer) -> dict:
        from .. import activations as activations_module
        return {"activation": activations_module.serialize(layer.activation), "use_bias": layer.use_bias,
                "kernel_initializer": initializers_module.serialize(layer.kernel_initializer),
                "bias_initializer": initializers_module.serialize(layer.bias_initializer),
                "kernel_regularizer": regularizers_module.serialize(layer.kernel_regularizer),
                "bias_regularizer": regularizers_module.serialize(layer.bias_regularizer)}
