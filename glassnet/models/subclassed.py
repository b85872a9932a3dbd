"""How a subclassed model runs: ``class MyModel(glassnet.Model)`` with ``__init__`` creating
layers and ``call(self, inputs, training=False)`` using them.

Its layers are the ones held as attributes. It is built by calling ``call`` once on a small
batch of zeros. While training, ``call`` runs on a tape (ops/tape.py): every layer call and op
is recorded, and backward replays them in reverse. A layer's call gets the context at its
position on the tape, kept by the model from step to step so that scratch arrays are reused.
At inference ``call`` runs on plain arrays and nothing is recorded.
"""

from __future__ import annotations

import threading

import numpy as np

from ..layers.base import Layer, _shape_text, as_tracked_layer


class SubclassedEngine:
    """The forward/backward of a model defined by ``call`` (Model's default)."""

    def __getattr__(self, name: str):
        # Reached only for an attribute the model lacks. When Model.__init__ never ran (a
        # subclass's __init__ without super().__init__()), every attribute it sets is missing.
        if not name.startswith("__") and "compiled" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__} is a subclass of glassnet.Model whose __init__ did not call "
                               "super().__init__(): start __init__ with super().__init__() (passing name=... "
                               "if you want one).")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def call(self, inputs, training=False):
        raise NotImplementedError(f"{type(self).__name__} has no call(): a subclass of glassnet.Model defines "
                                  "call(self, inputs, training=False), or use Model(inputs, outputs) / Sequential.")

    @property
    def layers(self) -> list:
        found = []
        for name, value in list(vars(self).items()):  # another thread may add to it meanwhile
            items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
            items = [as_tracked_layer(v) for v in items if v is not self]
            found += [v for v in items if isinstance(v, Layer) and all(v is not f for f in found)]
        return found

    @property
    def built(self) -> bool:
        return self.__dict__.get("_subclass_built", False)

    @built.setter
    def built(self, value):
        self.__dict__["_subclass_built"] = value

    @property
    def output_layer(self):
        return None  # no fused softmax/cross-entropy gradient: the tape derives it

    def _run_call(self, x, training):
        from ..layers.base import _accepts_training, _values_of
        if _accepts_training(type(self)):
            return self.call(x, training=training)
        return self.call(x)

    def _build_from(self, input_shape, sample=None):
        """Build by running ``call`` once, on zeros of ``input_shape`` (or on ``sample``: text
        has no zeros)."""
        input_shape = tuple(input_shape)
        if sample is None:
            sample = np.zeros((1,) + tuple(1 if d is None else d for d in input_shape[1:]), self.dtype)
        from ..layers.base import _values_of
        output = _values_of(self._run_call(sample, False))
        self.input_shape = (None,) + input_shape[1:]
        self.output_shape = (None,) + np.shape(output)[1:]
        self.built = True

    def build(self, input_shape=None):
        if input_shape is None:
            if self.built:
                return
            raise ValueError(f'Model "{self.name}".build() needs an input shape, e.g. build((None, 784)).')
        self._build_from(tuple(input_shape))

    def _check_input(self, shape, argument):
        expected = self.input_shape
        if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected[1:], shape[1:])):
            raise ValueError(f'{argument} has shape {_shape_text(shape)}, but model "{self.name}" was built for '
                             f"input of shape {_shape_text(expected)}.")

    def _forward(self, x, training: bool):
        from ..layers.base import _values_of
        from ..ops.tape import Tape
        if not training:
            return _values_of(self._run_call(x, False))
        calls = self._calls  # a training call's tape and contexts belong to its thread
        if not hasattr(calls, "contexts"):
            calls.contexts = []
        tape = Tape(training=True, contexts=calls.contexts)
        inputs = tape.watch(x)
        with tape:
            output = self._run_call(inputs, True)
        calls.last = (tape, inputs, output)
        return _values_of(output)

    @property
    def _calls(self) -> threading.local:
        """This thread's training calls: the last tape, and the layer contexts reused step to step."""
        calls = self.__dict__.get("_thread_calls")
        if calls is None:
            calls = self.__dict__.setdefault("_thread_calls", threading.local())
        return calls

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_thread_calls", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _backward(self, grad, grad_is_preactivation: bool = False) -> None:
        self._backward_to_input(grad)

    def _backward_to_input(self, grad):
        """Fill the weights' gradients from dL/d(output); return dL/d(input)."""
        tape, inputs, output = self._calls.last
        totals = tape.backward([output], [grad])
        for parameter in self.trainable_weights:
            parameter.grad[...] = totals.get(id(parameter), 0)
        return totals.get(id(inputs), np.zeros_like(inputs.value))

    def add_loss(self, loss) -> None:
        """Add ``loss`` to the model's loss from inside ``call`` (see Layer.add_loss)."""
        from ..ops.tape import add_loss
        add_loss(loss)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested: bool = False,
                **kwargs) -> None:
        from .summary import print_summary
        self._require_built("summary()")
        print_summary(self, line_length=line_length, print_fn=print_fn, expand_nested=expand_nested)

    def get_config(self) -> dict:
        """The arguments that rebuild the model: for a subclass without ``get_config``, its
        constructor's arguments (as Keras 3 records them)."""
        from ..utils.auto_config import config_from_arguments, needs_recorded_config
        config = {"name": self.name, "trainable": True}
        if needs_recorded_config(type(self), SubclassedEngine.get_config):
            return config_from_arguments(self, config)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        if "input_layers" in config and "layers" in config:  # Model.from_config(functional.get_config())
            from .functional import Functional
            return Functional.from_config(config, custom_objects)
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(f"{cls.__name__}.from_config could not rebuild the model from {sorted(config)} "
                            f"({error}); define from_config(cls, config) or make get_config return the "
                            "constructor's arguments.") from None
