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
from ..engine.variables import ArrayVariable
from ..utils.naming import to_snake_case, unique_name
from ..utils.auto_config import config_from_arguments, record_arguments
from ..utils.validation import check_bool, check_positive_int, check_shape
from ..utils.auto_config import is_users_class as _is_users_class
from ..utils.auto_config import needs_recorded_config


class Parameter(ArrayVariable):
    """A named weight array and its gradient (same shape, same dtype).

    ``value`` and ``grad`` may be views into a model's flat buffers; layers must update them in
    place (``out=``) rather than rebinding them.
    """

    __slots__ = ("name", "value", "grad", "trainable", "regularizer")
    __array_ufunc__ = None  # `array + parameter` defers to the parameter's operators (glassnet.ops)

    def __init__(self, name: str, value: np.ndarray, trainable: bool = True, regularizer=None):
        self.name = name
        self.value = value
        self.grad = np.zeros_like(value)
        self.trainable = trainable
        self.regularizer = regularizer

    path = property(lambda self: self.name)

    def __repr__(self) -> str:
        return f"<Parameter {self.name} shape={self.value.shape} dtype={self.value.dtype}>"


class CallContext:
    """What one call of a layer owns: what its forward saved for its backward, and its scratch
    arrays. A layer has one of its own; a layer called at several places in a graph, or on a
    tape, gets one per call (engine/graph.py, ops/tape.py)."""

    __slots__ = ("saved", "buffers")

    def __init__(self):
        self.saved = None
        self.buffers = None   # {name: array} while buffers are reused, else None

    def reuse_buffers(self, enabled: bool) -> None:
        self.buffers = {} if enabled else None


def _as_shape(shape, argument: str, layer: str) -> tuple:
    return check_shape(shape, argument, f'Layer "{layer}"')


class Layer:
    """Base class of all layers (see the module docstring for the contract)."""

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        if _is_users_class(cls):
            record_arguments(instance, args, kwargs)
        return instance

    def __init__(self, name: str | None = None, trainable: bool = True, input_shape=None,
                 input_dim: int | None = None, batch_size: int | None = None, dtype=None, **kwargs):
        if kwargs:
            unknown = ", ".join(sorted(kwargs))
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s): {unknown}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}(): name must be a string or None, received {name!r}.")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        owner = f'{type(self).__name__} "{self.name}"'
        self.trainable = check_bool(trainable, "trainable", owner)
        check_positive_int(batch_size, "batch_size", owner, allow_none=True)
        check_positive_int(input_dim, "input_dim", owner, allow_none=True)
        self.built = False
        self.parameters: list[Parameter] = []
        self.input_shape: tuple | None = None
        self.output_shape: tuple | None = None
        try:
            self.dtype = np.dtype(dtype or "float32")
        except TypeError:
            raise TypeError(f"{owner}: dtype must be a dtype name such as 'float32', received {dtype!r}.") from None
        self._declared_input_shape: tuple | None = None
        self._contexts = threading.local()  # each thread's CallContext (see _context)
        self._inbound_nodes: list = []
        self._weight_count = 0
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if input_shape is not None:
            self._declared_input_shape = (batch_size,) + _as_shape(input_shape, "input_shape", self.name)

    # -- the contract -------------------------------------------------------------------------
    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, as ``None``)."""

    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes a mask on (``compute_mask``); as in Keras, true when the
        class defines its own ``compute_mask``, and settable (``self.supports_masking = True``)."""
        value = self.__dict__.get("_supports_masking")
        return type(self).compute_mask is not Layer.compute_mask if value is None else value

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self.__dict__["_supports_masking"] = bool(value)

    def compute_mask(self, inputs, mask=None):
        """The mask of the output (layers/masking_support.py): by default the input's."""
        return mask

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; for a layer written with ``call``, found by running it on zeros."""
        if type(self).call is not Layer.call:
            from .core import _infer_output_shape
            return _infer_output_shape(lambda x: _values_of(self._invoke_call(x, False)), input_shape)
        return input_shape

    def call(self, inputs, training=None):
        """Keras's way to write a layer: the output from ``inputs`` with ``glassnet.ops``. A
        layer that defines ``call`` and no ``forward``/``backward`` trains through the tape."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} defines neither call() nor forward()/backward(); write "
            "call(self, inputs) with glassnet.ops (Keras's way), or forward and backward with NumPy.")

    def forward(self, x, training: bool = False, mask=None):
        """For a layer written with ``call``: run it on a tape (ops/tape.py), keeping the tape
        for backward."""
        from ..ops.tape import Tape
        tape = Tape(training)
        inputs = [tape.watch(v) for v in x] if isinstance(x, (list, tuple)) else tape.watch(x)
        with tape:
            output = self._invoke_call(inputs, training, mask)
        self._saved = (tape, inputs, output)
        return _values_of(output)

    def backward(self, grad_output, need_input_grad: bool = True):
        """For a layer written with ``call``: the tape's gradients (see ``forward``)."""
        if not isinstance(self._saved, tuple) or not self._saved or type(self._saved[0]).__name__ != "Tape":
            raise NotImplementedError(f"Layer {type(self).__name__} has no backward(); call forward() first, or "
                                      "write call() with glassnet.ops so the backward comes from the tape.")
        tape, inputs, output = self._saved
        outputs = list(output) if isinstance(output, (list, tuple)) else [output]
        grads = list(grad_output) if isinstance(output, (list, tuple)) else [grad_output]
        totals = tape.backward(outputs, grads)
        for parameter in self.trainable_weights:
            parameter.grad[...] = totals.get(id(parameter), 0)
        if not need_input_grad:
            return None
        if isinstance(inputs, list):
            return [totals.get(id(t), np.zeros_like(t.value)) for t in inputs]
        return totals.get(id(inputs), np.zeros_like(inputs.value))

    def _invoke_call(self, inputs, training, mask=None):
        options = {"mask": mask} if mask is not None else {}
        if _accepts_training(type(self)):
            return self.call(inputs, training=training, **options)
        return self.call(inputs, **options)

    # -- helpers for subclasses ---------------------------------------------------------------
    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable: bool = True,
                   regularizer=None, constraint=None, name: str | None = None, **kwargs) -> Parameter:
        """A new weight, as Keras 3's ``add_weight(shape=None, initializer=None, dtype=None,
        trainable=True, regularizer=None, constraint=None, name=None)`` (keywords; the initializer
        defaults to glorot_uniform). glassnet's own layers call it ``add_weight(name, shape,
        initializer, regularizer, trainable)``, the order Keras 2 used."""
        for ignored in ("autocast", "aggregation", "synchronization", "overwrite_with_gradient"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise TypeError(f'Layer "{self.name}": add_weight() got unexpected keyword argument(s) '
                            f"{', '.join(sorted(kwargs))}; it takes shape, initializer, dtype, trainable, "
                            "regularizer, constraint and name.")
        if args and isinstance(args[0], str):  # glassnet's internal order: name first
            positional = dict(zip(("name", "shape", "initializer", "regularizer", "trainable"), args))
        else:
            positional = dict(zip(("shape", "initializer", "dtype", "trainable", "autocast", "regularizer",
                                   "constraint"), args))
            positional.pop("autocast", None)
        name = positional.get("name", name)
        shape = positional.get("shape", shape)
        initializer = positional.get("initializer", initializer)
        dtype = positional.get("dtype", dtype)
        trainable = positional.get("trainable", trainable)
        regularizer = positional.get("regularizer", regularizer)
        if constraint is not None or positional.get("constraint") is not None:
            raise ValueError(f'Layer "{self.name}": add_weight(constraint=...) is not supported by glassnet yet.')
        if shape is None:
            shape = ()
        shape = _as_shape(shape, "add_weight(shape)", self.name) if shape != () else ()
        if any(d is None for d in shape):
            raise ValueError(f'Layer "{self.name}": add_weight(shape={shape}) must have known sizes.')
        if name is None:
            name = "variable" if self._weight_count == 0 else f"variable_{self._weight_count}"
        self._weight_count += 1
        initializer = initializers_module.get("glorot_uniform" if initializer is None else initializer)
        from ..saving.budget import claim
        claim(int(np.prod(shape, dtype=np.float64)), self.name, shape)  # bounded while a file is loading
        value = np.asarray(initializer(shape, dtype=np.dtype(dtype or self.dtype)))
        parameter = Parameter(name, value, bool(trainable), regularizers_module.get(regularizer))
        self.parameters.append(parameter)
        return parameter

    def add_loss(self, loss) -> None:
        """Add ``loss`` (a scalar, or an array that is summed) to the model's loss, from inside
        ``call``, as Keras's activity-regularization idiom does. Written with ops, it trains."""
        from ..ops.tape import add_loss
        add_loss(loss)

    @property
    def _context(self) -> CallContext:
        """The context of the running call: each thread's own, so that fit in one thread and
        predict in another never share saved activations or scratch arrays. A graph or a tape
        swaps in the context of one call of a shared layer for the length of that call."""
        try:
            return self._contexts.context
        except AttributeError:  # this thread's first call
            context = self._contexts.context = CallContext()
            return context

    @_context.setter
    def _context(self, context: CallContext) -> None:
        self._contexts.context = context

    def __getstate__(self):
        """Pickled and copied without the running calls' contexts (they are per thread)."""
        state = dict(self.__dict__)
        state.pop("_contexts", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._contexts = threading.local()

    @property
    def _saved(self):
        """What the current call's forward kept for its backward (on the call's context)."""
        return self._context.saved

    @_saved.setter
    def _saved(self, value):
        self._context.saved = value

    def scratch(self, name: str, shape: tuple, dtype) -> np.ndarray:
        """An uninitialised array to pass as ``out=``. Inside a model's loop it is the same array
        on every step while the shape stays the same; elsewhere (and in any other thread, such
        as a second thread calling predict at the same time) a new one.

        Why: arrays of a few MB allocated afresh on each step are handed back to the operating
        system when freed, and every page of the next one is faulted in and zeroed again; on
        the seed CNN that made an epoch up to 1.6x slower, depending on the allocator's history.
        """
        buffers = self._context.buffers  # the calling thread's context: its arrays are its own
        if buffers is None:
            return np.empty(shape, dtype)
        buffer = buffers.get(name)
        if buffer is None or buffer.shape != shape or buffer.dtype != dtype:
            buffer = buffers[name] = np.empty(shape, dtype)
        return buffer

    def reuse_buffers(self, enabled: bool) -> None:
        """Turn ``scratch`` reuse on for the calling thread (a model's loop, whose layers'
        outputs never outlive the next step) or off (and free the arrays)."""
        self._context.reuse_buffers(enabled)

    # -- building and calling -----------------------------------------------------------------
    def build_for(self, input_shape) -> tuple:
        """Build once for ``input_shape`` (a list of shapes for a layer of several inputs) and
        return the output shape."""
        input_shape = [tuple(s) for s in input_shape] if isinstance(input_shape, list) else tuple(input_shape)
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

    def __call__(self, inputs, training=None, **kwargs):
        """On arrays: build on first use, check the shape, compute. On symbolic tensors
        (``glassnet.Input``): record a node of the functional graph. On a tape's tensors (inside
        a subclassed model's ``call`` while training): compute and record the call."""
        from ..ops.tape import Tensor, current_tape
        from . import calling
        mask = kwargs.pop("mask", None)
        if kwargs:
            raise TypeError(f'Layer "{self.name}" was called with unexpected keyword argument(s): '
                            f"{', '.join(sorted(kwargs))}.")
        flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        if any(calling.is_symbolic(v) for v in flat):
            return calling.call_symbolic(self, inputs)
        tape = current_tape()
        if training is None:
            training = tape.training if tape is not None else False
        if tape is not None and any(isinstance(v, Tensor) and v.tape is tape for v in flat):
            return calling.call_on_tape(self, inputs, tape, training, mask)
        return calling.call_on_arrays(self, inputs, training, mask)

    @property
    def output(self):
        """The symbolic output of this layer's call in a functional model."""
        return self._only_node("output").outputs[0] if len(self._only_node("output").outputs) == 1 else \
            self._only_node("output").outputs

    @property
    def input(self):
        node = self._only_node("input")
        return node.inputs if node.list_input else node.inputs[0]

    def _only_node(self, what):
        if not self._inbound_nodes:
            raise AttributeError(f'Layer "{self.name}" has never been called on a symbolic input, so it has no '
                                 f"{what}. Call it on glassnet.Input(...) first.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(f'Layer "{self.name}" has been called {len(self._inbound_nodes)} times, so its '
                                 f"{what} is ambiguous.")
        return self._inbound_nodes[0]

    # -- weights ------------------------------------------------------------------------------
    def _sublayers(self) -> list["Layer"]:
        """Layers held as attributes (or in lists/dicts of them), as Keras tracks them."""
        found = []
        for name, value in list(vars(self).items()):  # another thread may add to it meanwhile
            if name == "_contexts" or name.startswith("_inbound"):
                continue
            items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
            items = [as_tracked_layer(v) for v in items]
            found += [v for v in items if isinstance(v, Layer) and v is not self and all(v is not f for f in found)]
        return found

    def _all_parameters(self) -> list[Parameter]:
        parameters = list(self.parameters)
        for layer in self._sublayers():
            parameters += [p for p in layer._all_parameters() if all(p is not q for q in parameters)]
        return parameters

    @property
    def weights(self) -> list[Parameter]:
        return self._all_parameters()

    @property
    def trainable_weights(self) -> list[Parameter]:
        if not self.trainable:
            return []
        own = [p for p in self.parameters if p.trainable]
        return own + [p for layer in self._sublayers() for p in layer.trainable_weights if all(p is not q for q in own)]

    @property
    def non_trainable_weights(self) -> list[Parameter]:
        trainable = self.trainable_weights
        return [p for p in self._all_parameters() if all(p is not q for q in trainable)]

    def get_weights(self) -> list[np.ndarray]:
        return [p.value.copy() for p in self.weights]

    def set_weights(self, weights) -> None:
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f'Layer "{self.name}": set_weights takes a list of arrays (as get_weights returns), '
                            f"received {type(weights).__name__}.")
        weights = list(weights)
        parameters = self.weights
        if len(weights) != len(parameters):
            raise ValueError(
                f'Layer "{self.name}" expects {len(parameters)} weight arrays '
                f"({', '.join(f'{p.name} {p.shape}' for p in parameters) or 'none'}), "
                f"received {len(weights)}.")
        for parameter, value in zip(parameters, weights):
            value = np.asarray(value)
            if value.shape != parameter.shape:
                raise ValueError(
                    f'Layer "{self.name}": weight "{parameter.name}" has shape {parameter.shape}, '
                    f"received an array of shape {value.shape}.")
            parameter.value[...] = value

    # Keras 3's names for the same lists
    variables = property(lambda self: self.weights)
    trainable_variables = property(lambda self: self.trainable_weights)
    non_trainable_variables = property(lambda self: self.non_trainable_weights)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f'Layer "{self.name}" is not built yet, so it has no weights to count. '
                             "Call it on data or build it with an input shape first.")
        return int(sum(p.value.size for p in self.weights))

    # -- configuration ------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The arguments that rebuild this layer (``from_config``). A subclass adds its own; a
        user's layer without ``get_config`` gives back its constructor's arguments."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}
        if self._declared_input_shape is not None:
            config["batch_input_shape"] = list(self._declared_input_shape)
        if needs_recorded_config(type(self), Layer.get_config):
            return config_from_arguments(self, config)
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


def as_tracked_layer(value):
    """``value``, or, for a model held as an attribute (a Sequential feed-forward block inside a
    layer or a subclassed model), the layer view of it (models/as_layer.py) that shares its
    weights, so that they are counted, saved and trained as Keras tracks them."""
    view = getattr(value, "_as_layer", None)
    return view() if view is not None and not isinstance(value, Layer) and callable(view) else value


_TAKES_TRAINING: dict = {}


def _accepts_training(cls) -> bool:
    if cls not in _TAKES_TRAINING:
        import inspect
        parameters = inspect.signature(cls.call).parameters
        _TAKES_TRAINING[cls] = "training" in parameters or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return _TAKES_TRAINING[cls]


def _values_of(output):
    from ..ops.function import value_of
    if isinstance(output, (list, tuple)):
        return type(output)(np.asarray(value_of(o)) for o in output)
    return np.asarray(value_of(output))


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
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, owner: str = "Layer"):
        from .. import activations as activations_module
        self.activation = activations_module.get(activation)
        self.use_bias = check_bool(use_bias, "use_bias", owner)
        self.kernel_initializer = initializers_module.get(kernel_initializer)
        self.bias_initializer = initializers_module.get(bias_initializer)
        self.kernel_regularizer = regularizers_module.get(kernel_regularizer)
        self.bias_regularizer = regularizers_module.get(bias_regularizer)

    def apply_to(self, layer) -> None:
        layer.__dict__.update({k: v for k, v in vars(self).items() if k != "owner"})

    @staticmethod
    def config_of(layer) -> dict:
        from .. import activations as activations_module
        return {"activation": activations_module.serialize(layer.activation), "use_bias": layer.use_bias,
                "kernel_initializer": initializers_module.serialize(layer.kernel_initializer),
                "bias_initializer": initializers_module.serialize(layer.bias_initializer),
                "kernel_regularizer": regularizers_module.serialize(layer.kernel_regularizer),
                "bias_regularizer": regularizers_module.serialize(layer.bias_regularizer)}
