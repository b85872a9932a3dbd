"""``Model(inputs, outputs)``: a model made of the layers called between symbolic inputs and
outputs (engine/graph.py orders them once and runs them)."""

from __future__ import annotations

from ..engine import fusion, graph, kernels
from ..layers.base import _shape_text
from ..layers.input_layer import InputLayer
from .model import _FLAT_LOCK as _PLAN_LOCK
from .model import Model


def _structure(value, what):
    """(list of tensors, names-or-None, kind): kind 'single', 'list' or 'dict'."""
    if isinstance(value, dict):
        return list(value.values()), list(value.keys()), "dict"
    if isinstance(value, (list, tuple)):
        return list(value), None, "list"
    return [value], None, "single"


class Functional(Model):
    """``Model(inputs, outputs, name=None)``: ``inputs`` and ``outputs`` are one symbolic tensor,
    a list, or a dict of them (outputs named by their keys)."""

    _adjusts_input_rank = True

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        if inputs is None or outputs is None:
            raise TypeError("Model(inputs, outputs) needs both: e.g. inputs = glassnet.Input((784,)); "
                            "outputs = Dense(10)(inputs); Model(inputs, outputs).")
        self._inputs, input_keys, self._input_kind = _structure(inputs, "inputs")
        self._outputs, output_keys, self._output_kind = _structure(outputs, "outputs")
        for tensor in self._inputs:
            if not isinstance(tensor, graph.KerasTensor) or not isinstance(tensor.node.layer, InputLayer):
                raise TypeError(f"Model inputs must come from glassnet.Input(...), received {tensor!r}.")
        for tensor in self._outputs:
            if not isinstance(tensor, graph.KerasTensor):
                raise TypeError("Model outputs must be symbolic tensors (the results of calling layers on "
                                f"glassnet.Input(...)), received {type(tensor).__name__} {tensor!r:.60}.")
        self._nodes = graph.order_nodes(self._inputs, self._outputs)
        used = {id(t) for node in self._nodes for t in node.inputs} | {id(t) for t in self._outputs}
        unused = [t.name for t in self._inputs if id(t) not in used]
        if unused:
            raise ValueError(f'Model "{self.name}": the input(s) {unused} are not used to compute any output.')
        self.input_names = input_keys or [t.node.layer.name for t in self._inputs]
        self.output_names = output_keys or [t.node.layer.name for t in self._outputs]
        self._plans = {}  # input_grads -> (key, GraphPlan)
        self._layer_order = None
        self.input_shape = self._inputs[0].shape if len(self._inputs) == 1 else [t.shape for t in self._inputs]
        self.output_shape = self._outputs[0].shape if len(self._outputs) == 1 else [t.shape for t in self._outputs]
        self.built = True

    # -- structure -----------------------------------------------------------------------------
    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        """The symbolic input (a list of them for a model of several inputs), as in Keras."""
        return self._inputs[0] if len(self._inputs) == 1 else list(self._inputs)

    @property
    def output(self):
        return self._outputs[0] if len(self._outputs) == 1 else list(self._outputs)

    @property
    def layers(self):
        """Every layer, InputLayers included, farthest from the outputs first (Keras 3's order)."""
        if self._layer_order is None:
            self._layer_order = graph.keras_layer_order(self._outputs)
        return list(self._layer_order)

    @property
    def output_layer(self):
        plan = self._plan()
        if len(self._outputs) != 1 or not plan.can_fuse_output(0):
            return None
        return plan.output_layer(0)

    def _plan(self, input_grads: bool = False) -> graph.GraphPlan:
        """The graph's plan; with ``input_grads`` (the model as a layer of another) backward
        reaches the inputs."""
        key = (fusion._state["enabled"], fusion._state["direct"], kernels.is_enabled())
        cached = self._plans.get(input_grads)
        if cached is None or cached[0] != key:
            with _PLAN_LOCK:  # one plan for all threads: a shared layer's calls keep their contexts in it
                cached = self._plans.get(input_grads)
                if cached is None or cached[0] != key:
                    cached = self._plans[input_grads] = (key, graph.plan_from_nodes(
                        self._nodes, self._inputs, self._outputs, input_grads))
        return cached[1]

    def _flat_parameters(self):
        flat = super()._flat_parameters()
        self._plan().refresh()
        return flat

    # -- inputs --------------------------------------------------------------------------------
    def _build_from(self, input_shape):  # built at construction
        pass

    def _check_input(self, shape, argument):
        expected = self._inputs[0].shape
        if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected[1:], shape[1:])):
            raise ValueError(f'{argument} has shape {_shape_text(shape)}, but model "{self.name}" expects input '
                             f'of shape {_shape_text(expected)} (its input "{self.input_names[0]}").')

    # -- passes --------------------------------------------------------------------------------
    def _forward(self, x, training: bool):
        outputs = self._plan().forward(x if isinstance(x, list) else [x], training)
        return outputs[0] if len(outputs) == 1 else outputs

    def _backward(self, grad, grad_is_preactivation=False) -> None:
        grads = grad if isinstance(grad, list) else [grad]
        flags = grad_is_preactivation if isinstance(grad_is_preactivation, list) else [grad_is_preactivation]
        self._plan().backward(grads, flags)

    # -- inspection and saving ----------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested: bool = False,
                **kwargs) -> None:
        from .summary import print_summary
        print_summary(self, line_length=line_length, print_fn=print_fn, expand_nested=expand_nested)

    def get_config(self) -> dict:
        """The layers, each with the calls that feed it, and the model's inputs and outputs
        (models/functional_config.py)."""
        from ..layers.serialization import serialize
        from .functional_config import graph_config
        return graph_config(self, serialize)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Functional":
        from ..layers.serialization import deserialize
        from .functional_config import model_from_graph_config
        return model_from_graph_config(config, lambda entry: deserialize(entry, custom_objects))
