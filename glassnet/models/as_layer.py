"""A model used as a layer: ``Sequential([base_model, Dense(10)])``, or ``base_model(inputs)``
inside another model, as in Keras's transfer-learning guide.

The layer is a view of the model: its weights are the model's own Parameters (shared with the
model, trained where the outer model trains them), its forward is the model's forward, and its
backward runs the model's plan with one difference: the gradient is carried down to the
model's inputs (``input_grads``), so that layers below it train too. Other attributes (layers,
summary, get_layer, ...) are the model's.
"""

from __future__ import annotations

from ..layers.base import Layer


class ModelLayer(Layer):
    is_nested_model = True

    def __init__(self, model):
        super().__init__(name=model.name)
        self.model = model
        if model.built:
            self.built = True
            self.input_shape, self.output_shape = model.input_shape, model.output_shape
            self._declared_input_shape = model.input_shape  # Sequential([base_model, ...]) builds from it
        self.runs_a_plan = hasattr(model, "_plan")  # Sequential and Functional; a subclassed model tapes

    def __getattr__(self, name):  # called only for what the layer itself lacks: the model's
        model = self.__dict__.get("model")
        if model is None:
            raise AttributeError(name)
        return getattr(model, name)

    @property
    def class_name(self) -> str:
        return type(self.model).__name__

    def _sublayers(self) -> list:
        return list(self.model.layers)

    @property
    def trainable_weights(self):
        return self.model.trainable_weights if self.trainable else []

    def build(self, input_shape):
        if not self.model.built:
            self.model.build(input_shape)
        self.input_shape, self.output_shape = self.model.input_shape, self.model.output_shape

    def compute_output_shape(self, input_shape):
        return self.model.output_shape

    def forward(self, x, training=False, mask=None):
        self._saved = None
        if not self.runs_a_plan:
            return self.model._forward(x, training)
        plan, xs = self.model._plan(input_grads=True), x if isinstance(x, list) else [x]
        if plan.carries_masks or mask is not None:
            input_masks = mask if isinstance(mask, list) else [mask] * len(xs)
            outputs, masks = plan.forward_with_masks(xs, training, input_masks)
            self._saved = masks[0] if len(masks) == 1 else masks  # the output's masks, for compute_mask
        else:
            outputs = plan.forward(xs, training)
        return outputs[0] if len(outputs) == 1 else outputs

    def compute_mask(self, inputs, mask=None):
        """The mask the model's own layers gave its output in the call just made."""
        return self._saved

    def backward(self, grad_output, need_input_grad=True):
        if not self.runs_a_plan:
            return self.model._backward_to_input(grad_output)
        grads = grad_output if isinstance(grad_output, list) else [grad_output]
        input_grads = self.model._plan(input_grads=True).backward(grads, [False] * len(grads))
        return input_grads[0] if len(input_grads) == 1 else input_grads

    def get_config(self):
        """The nested model's own config (layers.serialize writes its class, Sequential or Functional)."""
        if not self.runs_a_plan:
            raise ValueError(f'The subclassed model "{self.model.name}" nested in another cannot be saved yet: '
                             "save the models apart (each with model.save).")
        return self.model.get_config()
