"""Model: compile, fit, evaluate and predict, the Keras way, over a stack of layers.

A subclass (``Sequential``) supplies the layers and four methods: ``_build_from(shape)``,
``_forward(x, training)``, ``_backward(grad, grad_is_preactivation)`` and ``output_layer``.
This class holds the training loop. One training step is:

    y_pred = forward(x)                      every layer keeps what its backward needs
    loss, dL/dz = loss(y, z)                 z: the output layer's logits when the loss is
                                             fused with its softmax/sigmoid, else y_pred
    backward(dL/dz)                          fills every Parameter.grad (flat buffer)
    optimizer.apply(flat parameters)         one vectorised update for the whole model
"""

from __future__ import annotations

import contextlib
import copy
import math
import sys
import threading
import warnings

import numpy as np

from ..utils.validation import check_bool, check_int, check_list_of, check_positive_int
from .. import distribution as distribution_module
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..callbacks import CallbackList, History, Progbar, ProgbarLogger
from ..engine import FlatParameters
from ..engine.parameters import layout_of
from ..engine import data as data_module
from ..engine import data_adapters as adapters
from ..engine import threads as threads_module
from ..ops.tape import collecting_losses
from ..utils import random as grandom
from ..utils.auto_config import record_arguments
from ..utils.naming import to_snake_case, unique_name
from .subclassed import SubclassedEngine


_FLAT_LOCK = threading.RLock()
_NO_HOOKS = CallbackList([], None, {})  # evaluation without callbacks (fit's own validation calls its own)


def _callbacks(callbacks, method: str) -> list:
    """``callbacks=`` as Keras takes it: None, one callback, or a list or tuple of them."""
    from ..callbacks import Callback
    return check_list_of(callbacks, Callback, "callbacks", f"{method}()", "glassnet.callbacks.Callback")


def _metric_list(value, argument: str) -> list:
    """compile's ``metrics``/``weighted_metrics``: one metric (a name, a Metric, a function) or a list of them."""
    if value is None:
        return []
    if isinstance(value, (str, metrics_module.Metric)) or callable(value):
        return [value]
    if not isinstance(value, (list, tuple, dict)):
        raise TypeError(f"compile(): {argument} must be a list of metrics (names, Metric objects or functions), "
                        f"received {type(value).__name__} {value!r:.60}.")
    return list(value)


def _verbosity(verbose) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', received {verbose!r}")
    return int(verbose)


def _shapes(shape) -> list:
    return shape if isinstance(shape, list) else [shape]


def _check_batch_size(batch_size, argument="batch_size", method="fit()") -> int:
    if batch_size is None:
        return 32
    return check_positive_int(batch_size, argument, method)


def _check_validation_freq(validation_freq):
    """Keras's ``validation_freq``: validate every n-th epoch (an int), or after the epochs a
    list names (counted from 1)."""
    if isinstance(validation_freq, (list, tuple)):
        return [check_positive_int(e, "validation_freq entries", "fit()") for e in validation_freq]
    return check_positive_int(validation_freq, "validation_freq", "fit()")


def _validates_after(epoch: int, validation_freq) -> bool:
    """Whether fit validates after ``epoch`` (from 0); counted from the first epoch, not from
    ``initial_epoch``, as Keras counts."""
    if isinstance(validation_freq, list):
        return epoch + 1 in validation_freq
    return (epoch + 1) % validation_freq == 0


def _source_kind(x) -> str:
    from ..engine.data_adapters import _is_py_dataset
    return "PyDataset" if _is_py_dataset(x) else "generator" if hasattr(x, "__next__") else "data set"


def _refuse_with_source(x, method: str, **arguments) -> None:
    """Keras's rules for a source of batches: the targets, sample weights and validation split
    belong to the batches, so these arguments are errors that say so."""
    kind = _source_kind(x)
    if arguments.get("y") is not None:
        raise ValueError(f"{method}(): x is a {kind}, so y must not be passed: its batches hold the targets, as "
                         "(inputs, targets) or (inputs, targets, sample_weights).")
    if arguments.get("sample_weight") is not None:
        raise ValueError(f"{method}(): x is a {kind}, so sample_weight must not be passed: its batches hold the "
                         "sample weights, as (inputs, targets, sample_weights).")
    if arguments.get("validation_split"):
        raise ValueError(f"{method}(): validation_split works on arrays only, and x is a {kind}; pass "
                         "validation_data= (arrays, or a second PyDataset or generator) instead.")


class Model(SubclassedEngine):
    """``Model(inputs, outputs)`` builds a functional model (models/functional.py); a subclass
    with ``__init__`` and ``call(inputs, training=False)`` is a subclassed model
    (models/subclassed.py); ``Sequential`` is a stack of layers. All three train here."""

    # Sequential and functional models take x one axis short of (or over) their input's
    # trailing 1, as Keras's functional models do; a subclassed call() gets x as it is.
    _adjusts_input_rank = False

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional
            return super().__new__(Functional)
        if cls is Model:
            raise TypeError("Model() needs inputs and outputs: Model(inputs, outputs), or subclass Model and "
                            "write call(self, inputs).")
        instance = super().__new__(cls)
        if not cls.__module__.startswith("glassnet."):
            record_arguments(instance, args, kwargs)
        return instance

    def __init__(self, name: str | None = None, **kwargs):
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"Model() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history: History | None = None
        self.dtype = np.dtype("float32")
        self._flat: FlatParameters | None = None
        self._metric_identifiers: list = []
        self._weighted_metric_identifiers: list = []
        self._metrics: list | None = None
        self._metrics_key = None
        # The model's own random stream: its shuffles (made anew by compile), and the weights of
        # layers it builds lazily, so that models in other threads draw nothing of its.
        self._random = grandom.new_stream()
        self._reusing_buffers: set = set()  # the threads whose layer contexts reuse scratch arrays
        self._thread_tuner = None  # (batch size, engine.threads.BlasThreadTuner) of the last fit
        self._initial_epoch = None  # set by BackupAndRestore in on_train_begin

    # -- compile -------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", **kwargs):
        """Choose the optimizer, the loss and the metrics (names, classes or objects). The
        arguments are in Keras 3's order: pass ``metrics=`` by name.

        ``run_eagerly``, ``steps_per_execution`` and ``jit_compile`` are accepted for Keras
        compatibility and change nothing: glassnet always runs eagerly on NumPy.
        """
        if kwargs:
            raise TypeError(f"compile() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        if self._several_outputs():
            self._compile_outputs(optimizer, loss, loss_weights, metrics)
            return
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict)):
            raise TypeError(f"compile(loss_weights=...) takes a list or dict, received {loss_weights!r}")
        if loss_weights is not None and len(loss_weights) == 1 and all(
                isinstance(w, (int, float)) for w in (loss_weights.values() if isinstance(loss_weights, dict)
                                                      else loss_weights)):
            loss_weights = None  # one output, one weight
        if loss_weights is not None:
            hint = ""
            if isinstance(loss_weights, (list, tuple)) and any(isinstance(w, str) for w in loss_weights):
                hint = (f" {list(loss_weights)!r} looks like metrics: in Keras 3 the third positional argument is "
                        "loss_weights, so pass metrics=[...] by name.")
            raise ValueError("compile(loss_weights=...) applies to models with several outputs; a Sequential "
                             f"model has one output.{hint}")
        self.optimizer = optimizers_module.get(optimizer)
        self._random = grandom.new_stream()  # the fits' shuffles: seeded as compile is called
        self.loss = None if loss is None else losses_module.get(loss)
        self._metric_identifiers = _metric_list(metrics, "metrics")
        self._weighted_metric_identifiers = _metric_list(weighted_metrics, "weighted_metrics")
        for identifier in self._metric_identifiers + self._weighted_metric_identifiers:
            metrics_module.get(identifier)  # unknown names fail here, at compile time
        self._metrics = None
        self.compiled = True

    # -- several outputs -----------------------------------------------------------------------
    def _several_outputs(self) -> bool:
        return len(getattr(self, "output_names", ())) > 1

    def _per_output(self, value, argument: str, default=None, where: str | None = None) -> list:
        """``value`` for each output: one value for all, a list in output order, or a dict by
        output name. ``where`` names the argument in errors (``compile(loss=...)`` by default)."""
        names = self.output_names
        where = where or f"compile({argument}=...)"
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(names))
            if unknown:
                raise ValueError(f"{where} names {unknown}, which are not outputs of model "
                                 f'"{self.name}"; its outputs are {names}.')
            return [value.get(name, default) for name in names]
        if isinstance(value, (list, tuple)) and argument != "metrics":
            if len(value) != len(names):
                raise ValueError(f"{where} has {len(value)} entries, but model \"{self.name}\" has "
                                 f"{len(names)} outputs ({names}).")
            return list(value)
        return [value] * len(names)

    def _compile_outputs(self, optimizer, loss, loss_weights, metrics) -> None:
        self.optimizer = optimizers_module.get(optimizer)
        self._random = grandom.new_stream()
        if loss is None:
            raise ValueError(f'compile() needs a loss for model "{self.name}", e.g. loss={{name: "mse"}} for its '
                             f"outputs {self.output_names}.")
        self._output_losses = [None if l is None else losses_module.get(l) for l in self._per_output(loss, "loss")]
        self._loss_weights = [1.0 if w is None else float(w) for w in self._per_output(loss_weights, "loss_weights", 1.0)]
        if isinstance(metrics, dict):
            per_output = self._per_output(metrics, "metrics", [])
        elif isinstance(metrics, (list, tuple)) and metrics and all(isinstance(m, (list, tuple)) for m in metrics):
            per_output = list(metrics)
        else:
            per_output = [_metric_list(metrics, "metrics")] * len(self.output_names)
        self._output_metric_ids = [[m] if isinstance(m, str) or not isinstance(m, (list, tuple)) else list(m)
                                   for m in per_output]
        for identifiers in self._output_metric_ids:
            for identifier in identifiers:
                metrics_module.get(identifier)
        self.loss = self._output_losses
        self._metric_identifiers = [m for ids in self._output_metric_ids for m in ids]
        self._weighted_metric_identifiers = []
        self._metrics = None
        self.compiled = True

    def _require_compiled(self, method: str) -> None:
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before {method}(): e.g. model.compile(optimizer='adam', "
                               "loss='sparse_categorical_crossentropy', metrics=['accuracy']).")
        if self.loss is None:
            raise ValueError(f"{method}() needs a loss, but compile() was called without one: "
                             "model.compile(optimizer=..., loss='mse').")

    # -- data ----------------------------------------------------------------------------------
    def _prepare_x(self, x, argument: str = "x") -> np.ndarray:
        names = getattr(self, "input_names", None)
        if names is not None and len(names) > 1:
            return self._prepare_inputs(x, argument, names)
        if isinstance(x, dict) and names is not None and len(x) == 1:
            x = next(iter(x.values()))
        if isinstance(x, (list, tuple)) and len(x) == 1 and not np.isscalar(x[0]) and np.ndim(x[0]) > 1 \
                and (names is not None or not isinstance(x[0], (list, tuple))):  # [x] for a one-input model, as Keras
            x = x[0]
        x = data_module.as_array(x, argument, dtype=self.dtype, strings=self._takes_strings())
        if x.dtype.kind in "USO":
            x = self._text_input(x)
        if not self.built:
            with grandom.drawing_from(self._random):  # a model built in a thread draws from its own stream
                if x.dtype.kind in "USO" and type(self)._build_from is SubclassedEngine._build_from:
                    self._build_from((None,) + x.shape[1:], sample=x[:1])  # call() runs on text, not zeros
                else:
                    self._build_from((None,) + x.shape[1:])
        else:
            if self._adjusts_input_rank:
                x = data_module.adjust_rank(x, self.input_shape)
            self._check_input(x.shape, argument)
        return x

    def _takes_strings(self) -> bool:
        """Whether the model's input is text: a string Input, or a first layer that takes strings
        (for a subclassed model, whose call is code: any of its layers)."""
        inputs = [t.node.layer for t in getattr(self, "_inputs", None) or []]
        first = [getattr(self, "_input_layer", None)] + list(getattr(self, "_layers", None) or [])[:1]
        if not inputs and getattr(self, "_layers", None) is None:
            first = self.layers
        return any(getattr(layer, "takes_strings", False) for layer in inputs + first if layer is not None)

    def _text_input(self, x: np.ndarray) -> np.ndarray:
        """Strings of shape (n,) for a model built for (None, 1) get that axis, as in Keras; and
        the layer they go to must take text."""
        layers = list(getattr(self, "_layers", None) or [])
        if layers and not getattr(layers[0], "takes_strings", False):
            raise TypeError(f'Model "{self.name}" received strings, but its first layer "{layers[0].name}" '
                            f"({type(layers[0]).__name__}) takes numbers; put a TextVectorization or StringLookup "
                            "layer first.")
        expected = self.input_shape if self.built else getattr(layers[0], "input_shape", None) if layers else None
        if expected is not None and not isinstance(expected, list) and len(expected) == x.ndim + 1 \
                and expected[-1] == 1:
            x = x[..., None]
        return x

    def _prepare_inputs(self, x, argument, names):
        if isinstance(x, dict):
            missing = [n for n in names if n not in x]
            if missing:
                raise ValueError(f'{argument} is missing the input(s) {missing} of model "{self.name}" '
                                 f"(its inputs: {names}).")
            x = [x[n] for n in names]
        if not isinstance(x, (list, tuple)) or len(x) != len(names):
            raise ValueError(f'Model "{self.name}" has {len(names)} inputs ({names}): give {argument} as a list of '
                             f"{len(names)} arrays or a dict by input name, received "
                             f"{type(x).__name__}{' of ' + str(len(x)) if isinstance(x, (list, tuple)) else ''}.")
        arrays = [data_module.as_array(v, f"{argument}[{n!r}]", dtype=self.dtype,
                                       strings=getattr(t.node.layer, "takes_strings", False))
                  for v, n, t in zip(x, names, self._inputs)]
        arrays = [data_module.adjust_rank(a, t.shape) for a, t in zip(arrays, self._inputs)]
        for array, name, tensor in zip(arrays, names, self._inputs):
            expected = tensor.shape
            if array.ndim != len(expected) or any(e is not None and e != s for e, s in zip(expected[1:], array.shape[1:])):
                raise ValueError(f"{argument}[{name!r}] has shape {array.shape}, but input \"{name}\" of model "
                                 f'"{self.name}" expects {expected}.')
            if len(array) != len(arrays[0]):
                raise ValueError(f"The inputs of {argument} have different numbers of samples: "
                                 f"{[len(a) for a in arrays]}.")
        return arrays

    def _prepare_targets(self, y, y_name, n):
        names = self.output_names
        if isinstance(y, dict):
            missing = [name for name, loss in zip(names, self._output_losses) if loss is not None and name not in y]
            if missing:
                raise ValueError(f"{y_name} has no targets for the output(s) {missing} (outputs: {names}).")
            y = [y.get(name) for name in names]
        if not isinstance(y, (list, tuple)) or len(y) != len(names):
            raise ValueError(f'Model "{self.name}" has {len(names)} outputs ({names}): give {y_name} as a list of '
                             f"{len(names)} arrays or a dict by output name.")
        prepared = []
        for value, name, loss, shape in zip(y, names, self._output_losses, self.output_shape):
            if loss is None or value is None:
                prepared.append(None)
                continue
            raw = data_module.as_array(value, f"{y_name}[{name!r}]", dtype=None)
            if len(raw) != n:
                raise ValueError(f"{y_name}[{name!r}] has {len(raw)} samples, but x has {n}.")
            data_module.check_finite(raw, f"{y_name}[{name!r}]")
            prepared.append(loss.prepare_targets(raw, shape, f"{y_name}[{name!r}]"))
        return prepared

    def _prepare_xy(self, x, y, x_name="x", y_name="y"):
        if self._several_outputs():
            x = self._prepare_x(x, x_name)
            if y is None:
                raise ValueError(f"{y_name} is None: training and evaluation need targets.")
            n = data_module.length(x)
            for array, name in zip(x if isinstance(x, list) else [x], getattr(self, "input_names", [x_name])):
                data_module.check_finite(array, x_name)
            targets = self._prepare_targets(y, y_name, n)
            return x, targets[0] if targets[0] is not None else np.zeros(n), targets
        x = self._prepare_x(x, x_name)
        if y is None:
            raise ValueError(f"{y_name} is None: training and evaluation need targets.")
        if isinstance(y, dict) and len(y) == 1:
            y = next(iter(y.values()))
        y_raw = data_module.as_array(y, y_name, dtype=None)
        if isinstance(x, list):
            for array in x:
                data_module.check_same_length(array, y_raw, x_name, y_name)
                data_module.check_finite(array, x_name)
            return x, y_raw, self.loss.prepare_targets(y_raw, self.output_shape, y_name)
        data_module.check_same_length(x, y_raw, x_name, y_name)
        data_module.check_finite(x, x_name)
        data_module.check_finite(y_raw, y_name)
        return x, y_raw, self.loss.prepare_targets(y_raw, self.output_shape, y_name)

    def _sample_weights(self, y_raw, n: int, sample_weight, class_weight):
        """Per-sample weights; for a model of several outputs ``sample_weight`` may also be a
        list (in output order) or a dict (by output name) of them, as in Keras."""
        if self._several_outputs() and isinstance(sample_weight, (list, tuple, dict)):
            per_output = self._per_output(sample_weight, "sample_weight", where="sample_weight")
            return [None if w is None else data_module.sample_weights(y_raw, n, w, class_weight) for w in per_output]
        return data_module.sample_weights(y_raw, n, sample_weight, class_weight)

    def _compiled_metrics(self, targets: np.ndarray) -> list:
        if self._several_outputs():
            self._output_metric_objects(targets)
            return []
        key = (self.output_shape, targets.ndim)
        if self._metrics is None or self._metrics_key != key:
            make = lambda ident: metrics_module.get(ident, self.output_shape, targets.ndim)
            self._metrics = [(make(i), False) for i in self._metric_identifiers]
            self._metrics += [(make(i), True) for i in self._weighted_metric_identifiers]
            self._metrics_key = key
        return self._metrics

    # -- parameters ----------------------------------------------------------------------------
    def _flat_parameters(self) -> FlatParameters:
        # One thread at a time: FlatParameters moves the weights into one array, and two made
        # at once (evaluate in one thread as fit starts in another) would leave the weights in
        # the array the optimizer does not update.
        with _FLAT_LOCK:
            parameters = self.trainable_weights
            layout = layout_of(parameters)
            if self._flat is None or self._flat.layout != layout:
                self._flat = FlatParameters(parameters, self.dtype)
            return self._flat

    @contextlib.contextmanager
    def _buffers_reused(self):
        """Inside fit, evaluate and predict no layer output outlives the next step, so layers may
        write into the same scratch arrays every step (``Layer.scratch``); they are freed after.
        Each thread reuses in its own layer contexts: a callback's nested call shares its
        thread's, while another thread predicting at the same time has its own."""
        thread = threading.get_ident()
        if thread in self._reusing_buffers:
            yield
            return
        self._reusing_buffers.add(thread)
        for layer in self.layers:
            layer.reuse_buffers(True)
        try:
            yield
        finally:
            self._reusing_buffers.discard(thread)
            for layer in self.layers:
                layer.reuse_buffers(False)

    def _uses_fused_gradient(self) -> bool:
        activation = getattr(self.output_layer, "activation", None)
        return activation is not None and isinstance(activation, self.loss.fuses_with) and not self.loss.from_logits

    # -- masks on the output ---------------------------------------------------------------------
    def _output_mask(self, y_pred):
        """The mask the output carries after this thread's last forward pass (a sequence whose
        padded steps an Embedding(mask_zero=True) or Masking marked), shaped like the loss's
        values (batch, steps); None when there is none."""
        plan = getattr(self, "_plan", None)
        masks = plan().output_masks() if plan is not None else None
        mask = masks[0] if masks and len(masks) == 1 else None
        if mask is None or np.shape(mask) != np.shape(y_pred)[:-1]:
            return None
        return np.asarray(mask, bool)

    def _masked_weights(self, mask, sample_weight, dtype, for_loss: bool):
        """Weights that leave the masked steps out, as Keras's ``apply_mask``: for a loss averaged
        over the batch each real step weighs (steps in all) / (real steps), so that the mean is
        over the real steps; for a metric, 1. Times ``sample_weight`` (one per sample)."""
        if mask is None:
            return sample_weight
        weights = mask.astype(dtype)
        if for_loss and self.loss.reduction in ("mean", "sum_over_batch_size"):
            valid = weights.sum()
            weights *= weights.size / valid if valid else 0.0
        if sample_weight is not None:
            weights *= np.asarray(sample_weight, dtype).reshape((-1,) + (1,) * (weights.ndim - 1))
        return weights

    # -- one step ------------------------------------------------------------------------------
    def _forward_with_losses(self, x, training: bool):
        """The forward pass and the sum of what its layers gave ``add_loss`` (0.0 if nothing)."""
        with collecting_losses() as added:
            y = self._forward(x, training=training)
        return y, sum(added)

    def _train_step(self, x, y, sample_weight, flat: FlatParameters, fused: bool):
        """Forward, loss, backward, update; returns (loss, y_pred). The update is skipped when
        the loss is not finite, so the weights from before the step are kept."""
        loss, y_pred = self._gradients(x, y, sample_weight, flat, fused)
        if math.isfinite(loss):
            self.optimizer.apply(flat)
        return loss, y_pred

    def _gradients(self, x, y, sample_weight, flat: FlatParameters, fused: bool):
        """Forward, loss, backward into ``flat.grads`` (not when the loss is not finite); returns
        (loss, y_pred). A distributed step (glassnet/distribution) averages these gradients."""
        y_pred, added = self._forward_with_losses(x, training=True)
        sample_weight = self._masked_weights(self._output_mask(y_pred), sample_weight, y_pred.dtype, for_loss=True)
        if fused:
            logits = self.output_layer.preactivation
            loss, grad = self.loss.value_and_gradient(y, logits, sample_weight, logits=True)
        else:
            loss, grad = self.loss.value_and_gradient(y, y_pred, sample_weight)
        loss += added
        if flat.regularized:
            loss += flat.regularization_penalty()
        if not math.isfinite(loss):
            return loss, y_pred
        self._backward(grad, grad_is_preactivation=fused)
        if flat.regularized:
            flat.add_regularization_gradients()
        return loss, y_pred

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss (and metrics) of that batch."""
        self._require_compiled("train_on_batch")
        x, y_raw, y = self._prepare_xy(x, y)
        weights = self._sample_weights(y_raw, data_module.length(x), sample_weight, class_weight)
        flat = self._flat_parameters()
        self.optimizer.build(flat)
        if self._several_outputs():
            self._compiled_metrics(y)  # resolves "accuracy" for each output's targets
            logs = self._train_epoch_outputs(0, [(x, y, weights)], 1, flat, CallbackList([], self, {}))
            return logs if return_dict else self._logs_as_list(logs)
        metrics = self._compiled_metrics(y)
        loss, y_pred = self._train_step(x, y, weights, flat, self._uses_fused_gradient())
        logs = {"loss": loss}
        mask = self._output_mask(y_pred)
        for metric, weighted in metrics:
            metric.reset_state()
            metric.update_state(y, y_pred, self._masked_weights(mask, weights if weighted else None, np.float64, False))
            logs[metric.name] = metrics_module.log_value(metric.result())
        return logs if return_dict else self._logs_as_list(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss (and metrics) of one batch, without training: ``evaluate`` on it."""
        return self.evaluate(x, y, verbose=0, sample_weight=sample_weight, return_dict=return_dict)

    # -- fit -----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto", callbacks=None,
            validation_split: float = 0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch: int = 0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq: int = 1) -> History:
        """Train for ``epochs`` passes over (x, y) in mini-batches; returns a History whose
        ``.history`` maps 'loss', each metric and their 'val_' forms to per-epoch lists."""
        self._require_compiled("fit")
        batch_size = _check_batch_size(batch_size)
        verbose = _verbosity(verbose)
        epochs = check_int(epochs, "epochs", "fit()", minimum=0)
        initial_epoch = check_int(initial_epoch, "initial_epoch", "fit()", minimum=0)
        shuffle = check_bool(shuffle, "shuffle", "fit()")
        steps_per_epoch = check_positive_int(steps_per_epoch, "steps_per_epoch", "fit()", allow_none=True)
        validation_steps = check_positive_int(validation_steps, "validation_steps", "fit()", allow_none=True)
        validation_freq = _check_validation_freq(validation_freq)
        tuner_batch = batch_size
        if adapters.is_batch_source(x):
            _refuse_with_source(x, "fit", y=y, sample_weight=sample_weight, validation_split=validation_split)
            data = adapters.SourceBatches(x, self._batch_preparer(class_weight, "x"), steps_per_epoch, "x")
            first_x, targets, _ = data.first()
            tuner_batch = data_module.length(first_x)
        else:
            x, y_raw, y = self._prepare_xy(x, y)
            weights = self._sample_weights(y_raw, data_module.length(x), sample_weight, None)
            if validation_data is None and validation_split:
                (x, y, y_raw, weights), split = data_module.split_validation((x, y, y_raw, weights), validation_split)
                validation_data = adapters.ArrayBatches((split[0], split[1], split[3]), _check_batch_size(
                    validation_batch_size or batch_size, "validation_batch_size"), validation_steps)
            if class_weight is not None:  # the training rows only, as in Keras
                weights = self._sample_weights(y_raw, data_module.length(x), weights, class_weight)
            data, targets = adapters.ArrayBatches((x, y, weights), batch_size, steps_per_epoch), y
        validation = self._validation_batches(validation_data, validation_steps, validation_batch_size or batch_size)

        flat = self._flat_parameters()
        self.optimizer.build(flat)
        metrics = self._compiled_metrics(targets)
        fused = self._uses_fused_gradient()
        train_step, strategy = self._train_step, distribution_module.distribution()
        if strategy is not None:  # glassnet/distribution: each global batch split over several workers
            data, train_step = strategy.distribute(self, data, flat, fused)

        self.history = History()
        # User callbacks first, so what they add to the logs (ReduceLROnPlateau's learning_rate)
        # reaches the progress bar and the History, as in Keras.
        all_callbacks = _callbacks(callbacks, "fit")
        if verbose and not any(isinstance(c, ProgbarLogger) for c in all_callbacks):
            all_callbacks.append(ProgbarLogger(verbose))
        all_callbacks.append(self.history)
        hooks = CallbackList(all_callbacks, self, {"verbose": verbose, "epochs": epochs, "steps": data.steps})

        tuner = self._blas_thread_tuner(tuner_batch)
        with self._buffers_reused(), contextlib.ExitStack() as cleanup:
            cleanup.callback(data.close)
            if validation is not None:
                cleanup.callback(validation.close)
            if tuner is not None:
                tuner.start()
                cleanup.callback(tuner.finish)
            self.stop_training = False
            self._initial_epoch = None
            last_logs = {}
            hooks.call("on_train_begin", {})
            if self._initial_epoch is not None:  # BackupAndRestore resumed an interrupted fit
                initial_epoch, self._initial_epoch = max(initial_epoch, self._initial_epoch), None
            rng = self._random
            for epoch in range(initial_epoch, epochs):
                hooks.call("on_epoch_begin", epoch, {})
                data.begin_epoch()
                if tuner is not None:
                    tuner.pause()
                logs = self._train_epoch(epoch, data.epoch(rng if shuffle else None), data.steps, flat, fused,
                                         metrics, hooks, tuner, train_step)
                data.end_epoch()
                if logs is None:
                    break
                if validation is not None and _validates_after(epoch, validation_freq):
                    val_logs = self._evaluate_data(validation, hooks=hooks)
                    logs.update((f"val_{key}", value) for key, value in (val_logs or {}).items())
                hooks.call("on_epoch_end", epoch, logs)
                last_logs = logs
                if self.stop_training:
                    break
        hooks.call("on_train_end", dict(last_logs))  # the last epoch's logs, as in Keras
        return self.history

    def _blas_thread_tuner(self, batch_size: int):
        """The fit's BLAS thread tuner (engine/threads.py), or None. A model keeps its tuner,
        and what it measured, from one fit to the next while the batch size stays the same."""
        previous = self._thread_tuner
        same_steps = previous is not None and previous[0] == batch_size
        tuner = threads_module.tuner_for(previous[1] if same_steps else None)
        self._thread_tuner = None if tuner is None else (batch_size, tuner)
        return tuner

    def _train_epoch(self, epoch, batches, steps, flat, fused, metrics, hooks, tuner=None,
                     train_step=None) -> dict | None:
        """One pass over the batches; returns the epoch's logs (running means of loss and
        metrics), or None when a non-finite loss stopped training (the unfinished epoch is not
        logged) or there was no batch. ``train_step``: a distribution's step (default: this
        model's ``_train_step``)."""
        if self._several_outputs():
            return self._train_epoch_outputs(epoch, batches, steps, flat, hooks)
        train_step = train_step or self._train_step
        wants_batch_begin, wants_batch_end = hooks.wants("on_train_batch_begin"), hooks.wants("on_train_batch_end")
        loss_total, seen = 0.0, 0
        for metric, _ in metrics:
            metric.reset_state()
        for step, (xb, yb, wb) in enumerate(batches):
            if wants_batch_begin:
                hooks.call("on_train_batch_begin", step, {})
            loss, y_pred = train_step(xb, yb, wb, flat, fused)
            if not math.isfinite(loss):
                self._stop_on_bad_loss(loss, epoch, step, steps)
                return None
            size = len(yb)
            loss_total += loss * size
            seen += size
            mask = self._output_mask(y_pred)
            for metric, weighted in metrics:
                metric.update_state(yb, y_pred, self._masked_weights(mask, wb if weighted else None, np.float64, False))
            if wants_batch_end:
                hooks.call("on_train_batch_end", step, self._epoch_logs(loss_total / seen, metrics))
            if tuner is not None:
                tuner.step_done()
            if self.stop_training:
                break
        return self._epoch_logs(loss_total / seen, metrics) if seen else None

    def _stop_on_bad_loss(self, loss, epoch, step, steps):
        self.stop_training = True
        message = (f"Training stopped: the loss became {loss} at epoch {epoch + 1}, step {step + 1}/{steps}. "
                   "The weights from before that step are kept. Try a lower learning rate, inputs scaled "
                   "to small values (e.g. x / 255.0), or gradient clipping (clipnorm=1.0).")
        print(message, file=sys.stderr)
        warnings.warn(message, RuntimeWarning, stacklevel=3)

    def _validation_batches(self, validation_data, steps, batch_size):
        """fit's ``validation_data`` as an adapter: (x_val, y_val[, sample_weight]) arrays,
        prepared once, or a source of batches (``steps``: ``validation_steps``)."""
        if validation_data is None or isinstance(validation_data, adapters.ArrayBatches):
            return validation_data
        if adapters.is_batch_source(validation_data):
            return adapters.SourceBatches(validation_data, self._batch_preparer(None, "validation_data"), steps,
                                          "validation_data")
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError("fit(): validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight), "
                             "a PyDataset, or a generator or data set of such batches; received "
                             f"{type(validation_data).__name__}"
                             f"{' of ' + str(len(validation_data)) if isinstance(validation_data, (tuple, list)) else ''}.")
        x_val, y_raw, y_val = self._prepare_xy(validation_data[0], validation_data[1], "validation x", "validation y")
        w_val = None
        if len(validation_data) == 3 and validation_data[2] is not None:
            w_val = data_module.sample_weights(y_raw, data_module.length(x_val), validation_data[2])
        return adapters.ArrayBatches((x_val, y_val, w_val), _check_batch_size(batch_size, "validation_batch_size"),
                                     steps)

    def _batch_preparer(self, class_weight, argument: str):
        """How fit and evaluate check one batch from a source: arrays as ``_prepare_xy`` makes
        them, and its sample weights (from the batch, or from ``class_weight``, not both)."""
        def prepare(x, y, sample_weight):
            if y is None:
                raise ValueError(f"{argument} gave a batch without targets: training and evaluation need batches "
                                 "(inputs, targets) or (inputs, targets, sample_weights).")
            if class_weight is not None and sample_weight is not None:
                raise ValueError(f"{argument} gives sample weights, and class_weight was passed too: give one of "
                                 "them, not both.")
            x, y_raw, y = self._prepare_xy(x, y, f"{argument}'s inputs", f"{argument}'s targets")
            return x, y, self._sample_weights(y_raw, data_module.length(x), sample_weight, class_weight)
        return prepare

    def _epoch_logs(self, loss: float, metrics) -> dict:
        """{name: value} sorted by name, as Keras 3 orders its logs ('accuracy' before 'loss')."""
        logs = {"loss": float(loss)}
        for metric, _ in metrics:
            logs[metric.name] = metrics_module.log_value(metric.result())
        return dict(sorted(logs.items()))

    def _logs_as_list(self, logs: dict):
        """Keras's list form: the loss, then the metrics in compile order (a float when alone);
        with several outputs: the loss, each output's loss, then each output's metrics."""
        if self._several_outputs():
            names = ["loss"] + [f"{n}_loss" for n in self.output_names]
            names += [f"{n}_{m.name}" for n, ms in zip(self.output_names, self._output_metric_objects()) for m, _ in ms]
            return [logs[name] for name in names]
        names = ["loss"] + [metric.name for metric, _ in self._metrics or []]
        values = [logs[name] for name in names]
        return values[0] if len(values) == 1 else values

    # -- evaluate ------------------------------------------------------------------------------
    def _evaluate_data(self, data, progbar: Progbar | None = None, hooks=None) -> dict | None:
        """The logs of one pass over an adapter's batches (engine/data_adapters.py), or None
        when it gave none; ``hooks`` get Keras's on_test_* calls."""
        hooks = hooks or _NO_HOOKS
        hooks.call("on_test_begin", {})
        data.restart()
        data.begin_epoch()
        try:
            if self._several_outputs():
                logs = self._evaluate_outputs(data.epoch(None), data.targets, progbar, hooks)
            else:
                logs = self._evaluate_one_output(data.epoch(None), data.targets, progbar, hooks)
        finally:
            data.end_epoch()
        hooks.call("on_test_end", dict(logs or {}))
        return logs

    def _evaluate_one_output(self, batches, targets, progbar, hooks) -> dict | None:
        # Metric objects of this evaluation's own: a fit running in another thread keeps its own.
        metrics = copy.deepcopy(self._compiled_metrics(targets))
        for metric, _ in metrics:
            metric.reset_state()
        fused = self._uses_fused_gradient()
        loss_total, count, step = 0.0, 0, -1
        batch_end = hooks.wants("on_test_batch_end")
        for step, (xb, yb, wb) in enumerate(batches):
            hooks.call("on_test_batch_begin", step, {})
            y_pred, added = self._forward_with_losses(xb, training=False)
            source = self.output_layer.preactivation if fused else y_pred
            values = self.loss.per_sample(yb, source, logits=fused or self.loss.from_logits)
            mask = self._output_mask(y_pred)
            loss_weights = self._masked_weights(mask, wb, values.dtype, for_loss=True)
            if loss_weights is not None:
                values = values * loss_weights.reshape(loss_weights.shape + (1,) * (values.ndim - loss_weights.ndim))
            loss_total += float(values.sum()) / (values.size / len(yb)) + added * len(yb)
            count += len(yb)
            for metric, weighted in metrics:
                metric.update_state(yb, y_pred, self._masked_weights(mask, wb if weighted else None, np.float64, False))
            if batch_end:
                hooks.call("on_test_batch_end", step, self._epoch_logs(loss_total / count, metrics))
            if progbar is not None:
                progbar.update(step + 1, self._epoch_logs(loss_total / count, metrics))
        if not count:
            return None
        loss = loss_total / count
        if self._flat is not None and self._flat.regularized:
            loss += self._flat.regularization_penalty()
        logs = self._epoch_logs(loss, metrics)
        if progbar is not None:
            progbar.update(step + 1, logs, final=True)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict: bool = False):
        """The loss (and metrics) on (x, y): a float when there are no metrics, else
        ``[loss, metric, ...]`` in compile order, or a dict with ``return_dict=True``. ``x`` may
        also be a PyDataset, generator or data set of (inputs, targets[, sample_weights]) batches
        (then ``steps`` caps the batches read; without it, all of them)."""
        self._require_compiled("evaluate")
        batch_size = _check_batch_size(batch_size, method="evaluate()")
        verbose = _verbosity(verbose)
        steps = check_positive_int(steps, "steps", "evaluate()", allow_none=True)
        if adapters.is_batch_source(x):
            _refuse_with_source(x, "evaluate", y=y, sample_weight=sample_weight)
            data = adapters.SourceBatches(x, self._batch_preparer(None, "x"), steps, "x")
            data.first()
        else:
            x, y_raw, y = self._prepare_xy(x, y)
            weights = self._sample_weights(y_raw, data_module.length(x), sample_weight, None)
            data = adapters.ArrayBatches((x, y, weights), batch_size, steps)
        self._flat_parameters()
        progbar = Progbar(data.steps, verbose) if verbose else None
        hooks = CallbackList(_callbacks(callbacks, "evaluate"), self, {"verbose": verbose, "epochs": 1, "steps": data.steps})
        try:
            with self._buffers_reused():
                logs = self._evaluate_data(data, progbar, hooks)
        finally:
            data.close()
        if logs is None:
            raise ValueError("evaluate(): x gave no batch to evaluate on (a generator already used up?).")
        return logs if return_dict else self._logs_as_list(logs)

    # -- predict -------------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
        """The model's outputs for x. ``batch_size`` (default 32) sets the progress bar's steps
        (and ``steps``); the samples are computed in cache-sized chunks (``_inference_pieces``),
        which gives the same results."""
        batch_size = _check_batch_size(batch_size, method="predict()")
        verbose = _verbosity(verbose)
        steps = check_positive_int(steps, "steps", "predict()", allow_none=True)
        if adapters.is_batch_source(x):
            return self._predict_source(x, steps, verbose, callbacks)
        x = self._prepare_x(x)
        slices = data_module.batch_slices(data_module.length(x), batch_size)
        if steps is not None:
            slices = slices[:int(steps)]
        progbar = Progbar(len(slices), verbose) if verbose else None
        hooks = CallbackList(_callbacks(callbacks, "predict"), self, {"verbose": verbose, "epochs": 1, "steps": len(slices)})
        per_batch = hooks.wants("on_predict_batch_begin") or hooks.wants("on_predict_batch_end")
        out = None
        hooks.call("on_predict_begin", {})
        with self._buffers_reused():
            # With batch hooks to call, the batches run one by one; else in cache-sized pieces.
            for step, rows in enumerate(slices if per_batch else self._inference_pieces(slices, batch_size)):
                if per_batch:
                    hooks.call("on_predict_batch_begin", step, {})
                y_pred = self._forward(data_module.split_rows((x,), rows)[0], training=False)
                pieces = y_pred if isinstance(y_pred, list) else [y_pred]
                if out is None:
                    out = [np.empty((slices[-1].stop,) + p.shape[1:], dtype=p.dtype) for p in pieces]
                for target, piece in zip(out, pieces):
                    target[rows] = piece
                if per_batch:
                    batch_out = [target[rows] for target in out]
                    hooks.call("on_predict_batch_end", step, {"outputs": batch_out[0] if len(out) == 1 else batch_out})
                if progbar is not None:
                    progbar.update(-(-rows.stop // batch_size))
        hooks.call("on_predict_end", {})
        if progbar is not None:
            progbar.update(len(slices), final=True)
        return self._predict_result(out)

    def _predict_result(self, out):
        """One array per output as predict returns them: the array of a single output, a dict
        by output name for a model whose outputs are a dict, else a list."""
        if out is None or len(out) == 1:
            return None if out is None else out[0]
        if getattr(self, "_output_kind", "list") == "dict":
            return dict(zip(self.output_names, out))
        return out

    def _predict_source(self, x, steps, verbose, callbacks):
        """predict on a PyDataset, generator or data set: each batch (``x``, ``(x,)`` or
        ``(x, y[, sample_weight])``, of which only x is used) through the model in turn."""
        data = adapters.SourceBatches(x, lambda xb, yb, wb: self._prepare_x(xb), steps, "x")
        progbar = Progbar(data.steps, verbose) if verbose else None
        hooks = CallbackList(_callbacks(callbacks, "predict"), self, {"verbose": verbose, "epochs": 1, "steps": data.steps})
        pieces, step = None, -1
        hooks.call("on_predict_begin", {})
        data.begin_epoch()
        try:
            with self._buffers_reused():
                for step, xb in enumerate(data.epoch(None)):
                    hooks.call("on_predict_batch_begin", step, {})
                    y_pred = self._forward(xb, training=False)
                    # Copies: the next step writes into the arrays this one returned.
                    outputs = [o.copy() for o in (y_pred if isinstance(y_pred, list) else [y_pred])]
                    pieces = [[] for _ in outputs] if pieces is None else pieces
                    for collected, output in zip(pieces, outputs):
                        collected.append(output)
                    hooks.call("on_predict_batch_end", step, {"outputs": outputs[0] if len(outputs) == 1 else outputs})
                    if progbar is not None:
                        progbar.update(step + 1)
        finally:
            data.end_epoch()
            data.close()
        hooks.call("on_predict_end", {})
        if progbar is not None:
            progbar.update(step + 1, final=True)
        return self._predict_result(None if pieces is None else [np.concatenate(p) for p in pieces])

    def _inference_pieces(self, slices, batch_size: int) -> list:
        """The row ranges that predict runs at once. At inference every sample is computed on
        its own, so how rows are grouped changes no result, only speed: small batches run
        several at a time (a batch of 32 pays a step's fixed cost for 32 samples only), and a
        batch too large for the cache is cut into chunks of equal size."""
        if not slices:
            return []
        chunk, total = self._inference_chunk(), slices[-1].stop
        if batch_size <= chunk:
            rows = chunk // batch_size * batch_size
            return [slice(start, min(start + rows, total)) for start in range(0, total, rows)]
        pieces = []
        for batch in slices:
            size = batch.stop - batch.start
            rows = -(-size // -(-size // chunk))  # e.g. 32 rows with chunks of 24: 16 + 16, not 24 + 8
            pieces += [slice(start, min(start + rows, batch.stop)) for start in range(batch.start, batch.stop, rows)]
        return pieces

    def _inference_chunk(self, budget: int = 1 << 21) -> int:
        """Samples per chunk so that the largest layer output stays near ``budget`` values
        (8 MB): a batch of 1000 through a 26x26x64 convolution would be 170 MB, so predict cuts
        such batches into chunks; the results are the same. Measured (samples/s, batch 32 /
        1000) with 2, 4, 8 and 16 MB: classic convnet 15.2k/16.4k, 17.5k/19.4k, 18.5k/19.9k,
        19.1k/17.5k; seed CNN 35.8k/42.8k, 43.4k/43.8k, 44.7k/49.3k, 45.0k/46.1k."""
        sizes = [int(np.prod([d for d in shape[1:] if d])) for layer in self.layers
                 for shape in _shapes(layer.output_shape)]
        largest = max(sizes, default=1)
        return max(1, budget // max(largest, 1))

    def predict_on_batch(self, x) -> np.ndarray:
        return self(x)

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """On arrays: the model's output. On symbolic tensors (building another model), or on a
        tape's tensors (inside a subclassed model's call): the model as a layer of it."""
        from ..engine.graph import KerasTensor, flatten_structure
        from ..ops.tape import Tensor
        if any(isinstance(v, (KerasTensor, Tensor)) for v in flatten_structure(x)):
            return self._as_layer()(x, training=training)
        y = self._forward(self._prepare_x(x), training=training)
        # Called from a callback during fit, the output lies in an array the next step reuses.
        if threading.get_ident() in self._reusing_buffers:
            return [o.copy() for o in y] if isinstance(y, list) else y.copy()
        return y

    # -- a model as a layer of another (models/as_layer.py) ------------------------------------
    def _as_layer(self):
        view = self.__dict__.get("_layer_view")
        if view is None:
            from .as_layer import ModelLayer
            view = self.__dict__["_layer_view"] = ModelLayer(self)
        return view

    @property
    def trainable(self) -> bool:
        return self.__dict__.get("_trainable", True)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """As in Keras 3: setting it on a model sets it on every layer inside (it takes effect
        in training at the next compile/fit)."""
        self.__dict__["_trainable"] = bool(value)
        for layer in self.layers:
            layer.trainable = bool(value)

    def get_layer(self, name: str | None = None, index: int | None = None):
        """The layer called ``name``, or at position ``index`` of ``model.layers``."""
        layers = self.layers
        if name is None and index is None:
            raise ValueError("get_layer() needs a layer name or an index: get_layer('dense') or get_layer(index=0).")
        if index is not None:
            if name is not None:
                raise ValueError("get_layer(): give name or index, not both.")
            from ..utils.validation import check_int
            check_int(index, "index", "get_layer()")
            if not -len(layers) <= index < len(layers):
                raise ValueError(f'get_layer(index={index}): model "{self.name}" has {len(layers)} layers.')
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f'No such layer: "{name}". Model "{self.name}" has the layers '
                         f"{[layer.name for layer in layers]}.")

    # -- weights -------------------------------------------------------------------------------
    # -- several outputs: one step, one epoch, evaluation -------------------------------------
    def _output_metric_objects(self, targets=None):
        """Per output, its metrics; resolved ("accuracy" -> which accuracy) from the first targets."""
        if self._metrics is None or (targets is not None and self._metrics_key != "outputs"):
            ranks = [2 if t is None else t.ndim for t in (targets or [None] * len(self.output_names))]
            self._metrics = [[(metrics_module.get(i, shape, rank), False) for i in ids]
                             for ids, shape, rank in zip(self._output_metric_ids, self.output_shape, ranks)]
            self._metrics_key = "outputs" if targets is not None else None
        return self._metrics

    def _losses_and_grads(self, ys, outputs, weights, with_grads=True):
        plan = self._plan()
        values, grads, flags = [], [], []
        for i, (loss, scale) in enumerate(zip(self._output_losses, self._loss_weights)):
            if loss is None:
                values.append(0.0), grads.append(None), flags.append(False)
                continue
            layer = plan.output_layer(i) if plan.can_fuse_output(i) else None
            fused = (layer is not None and isinstance(getattr(layer, "activation", None), loss.fuses_with)
                     and not loss.from_logits)
            source = layer.preactivation if fused else outputs[i]
            weight = weights[i] if isinstance(weights, list) else weights
            value, grad = loss.value_and_gradient(ys[i], source, weight, logits=fused or loss.from_logits)
            values.append(float(value))
            grads.append(grad if scale == 1.0 else grad * np.float32(scale))
            flags.append(fused)
        total = sum(v * s for v, s in zip(values, self._loss_weights))
        return total, values, grads, flags

    def _outputs_logs(self, totals, count, metric_objects) -> dict:
        logs = {"loss": float(totals[0] / count)}
        for name, value in zip(self.output_names, totals[1:]):
            logs[f"{name}_loss"] = float(value / count)
        for name, metrics in zip(self.output_names, metric_objects):
            for metric, _ in metrics:
                logs[f"{name}_{metric.name}"] = metrics_module.log_value(metric.result())
        return dict(sorted(logs.items()))

    def _train_epoch_outputs(self, epoch, batches, steps, flat, hooks):
        metric_objects = self._output_metric_objects()
        for metrics in metric_objects:
            for metric, _ in metrics:
                metric.reset_state()
        totals, seen = np.zeros(1 + len(self.output_names)), 0
        for step, (xb, yb, wb) in enumerate(batches):
            hooks.call("on_train_batch_begin", step, {})
            outputs, added = self._forward_with_losses(xb, training=True)
            loss, values, grads, flags = self._losses_and_grads(yb, outputs, wb)
            loss += added
            if flat.regularized:
                loss += flat.regularization_penalty()
            if not math.isfinite(loss):
                self._stop_on_bad_loss(loss, epoch, step, steps)
                return None
            # The metrics see this step's predictions before backward, which may write its
            # gradients into the output layers' arrays.
            for metrics, target, output in zip(metric_objects, yb, outputs):
                for metric, _ in metrics:
                    if target is not None:
                        metric.update_state(target, output, None)
            self._backward(grads, flags)
            if flat.regularized:
                flat.add_regularization_gradients()
            self.optimizer.apply(flat)
            size = data_module.length(xb)
            totals += np.array([loss] + values) * size
            seen += size
            hooks.call("on_train_batch_end", step, self._outputs_logs(totals, seen, metric_objects))
            if self.stop_training:
                break
        return self._outputs_logs(totals, seen, metric_objects) if seen else None

    def _evaluate_outputs(self, batches, targets, progbar=None, hooks=None) -> dict | None:
        hooks = hooks or _NO_HOOKS
        metric_objects = copy.deepcopy(self._output_metric_objects(targets))
        for metrics in metric_objects:
            for metric, _ in metrics:
                metric.reset_state()
        totals, seen, step = np.zeros(1 + len(self.output_names)), 0, -1
        for step, (xb, yb, wb) in enumerate(batches):
            hooks.call("on_test_batch_begin", step, {})
            outputs, added = self._forward_with_losses(xb, training=False)
            loss, values, _, _ = self._losses_and_grads(yb, outputs, wb)
            loss += added
            size = data_module.length(xb)
            totals += np.array([loss] + values) * size
            seen += size
            for metrics, target, output in zip(metric_objects, yb, outputs):
                for metric, _ in metrics:
                    if target is not None:
                        metric.update_state(target, output, None)
            if hooks.wants("on_test_batch_end"):
                hooks.call("on_test_batch_end", step, self._outputs_logs(totals, seen, metric_objects))
            if progbar is not None:
                progbar.update(step + 1, self._outputs_logs(totals, seen, metric_objects))
        if not seen:
            return None
        logs = self._outputs_logs(totals, seen, metric_objects)
        if progbar is not None:
            progbar.update(step + 1, logs, final=True)
        return logs

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(
                f'Model "{self.name}" has not been built yet, so {what} is not available. Give the first layer '
                "an input shape (e.g. Dense(10, input_shape=(784,)) or Input(shape=(784,))), call "
                "model.build((None, 784)), or fit/predict on data first.")

    @property
    def weights(self):
        return [p for layer in self.layers for p in layer.weights]

    @property
    def trainable_weights(self):
        return [p for layer in self.layers for p in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        return [p for layer in self.layers for p in layer.non_trainable_weights]

    def get_weights(self) -> list[np.ndarray]:
        self._require_built("get_weights()")
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights) -> None:
        self._require_built("set_weights()")
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f'Model "{self.name}": set_weights takes a list of arrays (as get_weights returns), '
                            f"received {type(weights).__name__}.")
        weights = list(weights)
        expected = self.weights
        if len(weights) != len(expected):
            raise ValueError(f'Model "{self.name}": set_weights expects {len(expected)} arrays '
                             f"({', '.join(str(p.shape) for p in expected)}), received {len(weights)}.")
        start = 0
        for layer in self.layers:
            count = len(layer.weights)
            layer.set_weights(weights[start:start + count])
            start += count

    # -- saving --------------------------------------------------------------------------------
    def save(self, filepath, overwrite: bool = True, include_optimizer: bool = True, zipped=None) -> None:
        """Save architecture, weights, compile settings and optimizer state (atomically), with
        Keras 3's arguments: ``overwrite=False`` refuses an existing file (Keras asks at the
        terminal instead); ``zipped`` is accepted and changes nothing (both formats are zips)."""
        import os
        from ..saving import save_model
        from ..utils.validation import check_bool, check_model_path
        path = check_model_path(filepath)
        if not check_bool(overwrite, "overwrite", "save()") and os.path.exists(path):
            raise FileExistsError(f"save(): {path!r} exists and overwrite=False.")
        save_model(self, path, include_optimizer)

    def save_weights(self, filepath, overwrite: bool = True, max_shard_size=None) -> None:
        """The weights alone: a Keras 3 HDF5 file for ``.weights.h5`` (Keras reads it), glassnet's
        own for ``.glassnet``."""
        from ..saving import save_weights
        save_weights(self, filepath, overwrite, max_shard_size)

    def load_weights(self, filepath, skip_mismatch: bool = False, **kwargs) -> None:
        """Weights from a ``.weights.h5`` file (Keras's or glassnet's), a ``.keras`` file or
        glassnet's own; ``skip_mismatch=True`` skips, with a warning, layers that do not fit."""
        from ..saving import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs) -> str:
        """The architecture (no weights) as Keras's JSON; ``models.model_from_json`` reads it back,
        and so does Keras's. ``kwargs`` go to ``json.dumps`` (``indent=2``)."""
        from ..saving.json_config import model_to_json
        return model_to_json(self, **kwargs)

    @property
    def metrics_names(self) -> list[str]:
        """As Keras 3 reports them: ``["loss", "compile_metrics"]`` once compiled with metrics."""
        return ["loss", "compile_metrics"] if self._metric_identifiers or self._weighted_metric_identifiers else ["loss"]

    # Keras 3's names for the same lists
    variables = property(lambda self: self.weights)
    trainable_variables = property(lambda self: self.trainable_weights)
    non_trainable_variables = property(lambda self: self.non_trainable_weights)

    def count_params(self) -> int:
        self._require_built("count_params()")
        return sum(layer.count_params() for layer in self.layers)
