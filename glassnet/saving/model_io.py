"""``model.save`` / ``load_model`` and ``save_weights`` / ``load_weights``.

A saved model holds its architecture, its weights, how it was compiled and its optimizer's
state, so ``load_model(path)`` gives a model that predicts the same and resumes training
exactly where it stopped.
"""

from __future__ import annotations

import os

import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..utils import random as grandom
from .archive import ArchiveReader, ModelFileError, write_archive
from .budget import weight_budget
from .registry import UnknownClassError, custom_object_scope, described


def _weight_manifest(model) -> list[dict]:
    return [{"name": f"{layer.name}.{p.name}", "shape": list(p.shape)} for layer in model.layers for p in layer.weights]


def _random_streams(model) -> list:
    """(name, stream) of every random stream a model draws from: its own (shuffles), then each
    layer's (Dropout's masks, a custom layer's SeedGenerator), in layer order."""
    from ..random import SeedGenerator
    streams = [("model", model._random)]

    def visit(layer, path):
        for attribute, value in sorted(vars(layer).items()):
            if isinstance(value, SeedGenerator):
                value = value.generator
            if isinstance(value, np.random.Generator):
                streams.append((f"{path}.{attribute}", value))
        for index, sublayer in enumerate(layer._sublayers()):  # the layers of a nested model or layer
            visit(sublayer, f"{path}/{index} ({type(sublayer).__name__})")

    for index, layer in enumerate(model.layers):  # by position: a subclassed model's layers are renamed
        visit(layer, f"layer {index} ({type(layer).__name__})")
    return streams


def _random_state(model) -> dict:
    return {name: grandom.stream_state(stream) for name, stream in _random_streams(model)}


def _restore_random_state(model, saved: dict, path) -> None:
    for name, stream in _random_streams(model):
        if name not in saved:
            raise ModelFileError(f"{path!r}: the file holds no random state for {name!r}.")
        grandom.restore_stream(stream, saved[name])


def _compile_config(model) -> dict | None:
    if not model.compiled:
        return None
    config = {"optimizer": optimizers_module.serialize(model.optimizer)}
    if model._several_outputs():
        return {**config, "loss": [None if loss is None else losses_module.serialize(loss) for loss in model.loss],
                "loss_weights": list(model._loss_weights),
                "metrics": [[metrics_module.serialize(m) for m in ids] for ids in model._output_metric_ids],
                "weighted_metrics": []}
    return {**config, "loss": None if model.loss is None else losses_module.serialize(model.loss),
            "metrics": [metrics_module.serialize(m) for m in model._metric_identifiers],
            "weighted_metrics": [metrics_module.serialize(m) for m in model._weighted_metric_identifiers]}


def _compile_from(model, config: dict) -> None:
    def loss_of(value):
        return None if value is None else losses_module.deserialize(value)

    def metrics_of(values):
        return [metrics_module.deserialize(m) for m in values]

    optimizer = optimizers_module.deserialize(config["optimizer"])
    if model._several_outputs():
        model.compile(optimizer=optimizer, loss=[loss_of(l) for l in config["loss"]],
                      loss_weights=config.get("loss_weights"), metrics=[metrics_of(m) for m in config["metrics"]])
        return
    model.compile(optimizer=optimizer, loss=loss_of(config["loss"]), metrics=metrics_of(config.get("metrics", [])),
                  weighted_metrics=metrics_of(config.get("weighted_metrics", [])))


def save_model(model, path, include_optimizer: bool = True, training: dict | None = None) -> None:
    """Write ``model`` to ``path``, atomically: a path ending in ``.keras`` gets a Keras 3 file
    (architecture and weights, readable by Keras), any other name glassnet's own format."""
    if str(path).endswith(".keras"):
        from .keras_format import save_keras
        save_keras(model, path)
        return
    model._require_built("save()")
    slots, optimizer_state = [], None
    compile_config = _compile_config(model)
    if include_optimizer and model.compiled and (model.optimizer.slots or model.optimizer.iterations):
        slots = list(model.optimizer.slots)
        optimizer_state = {"iterations": model.optimizer.iterations, "extra": model.optimizer.get_extra_state(),
                           "slots": [{"name": f"slot_{i}", "shape": list(s.shape)} for i, s in enumerate(slots)]}
    config = {"model": described(model, model.get_config()),
              "input_shape": list(model.input_shape),
              "compile": compile_config if include_optimizer or compile_config is None else
              {**compile_config, "optimizer": optimizers_module.serialize(type(model.optimizer)())},
              "weights": _weight_manifest(model),
              "optimizer_state": optimizer_state,
              "random_state": _random_state(model),
              "training": training}
    write_archive(path, {"contents": "model"}, config, model.get_weights(), slots)


def _build_model(config: dict, custom_objects):
    """The model a file's config describes: Sequential and Functional by glassnet, a subclassed
    model by its registered class or its class in ``custom_objects`` (a file never names code
    to import)."""
    from ..models import Functional, Model, Sequential
    from .registry import resolve
    model_spec = config.get("model", {})
    class_name = model_spec.get("class_name")
    builtins = {"Sequential": Sequential, "Functional": Functional}
    with grandom.preserved_state():
        cls = resolve("model", class_name, builtins, Model, model_spec.get("registered_name"), custom_objects)
        if cls in (Sequential, Functional):
            model = cls.from_config(model_spec["config"], custom_objects)
        else:
            model = cls.from_config(model_spec["config"])
        if not model.built:
            shape = config["input_shape"]
            model.build(tuple(shape) if not shape or not isinstance(shape[0], list) else [tuple(s) for s in shape])
    return model


def _check_manifest(model, manifest: list, path: str) -> None:
    expected = _weight_manifest(model)
    if [list(e["shape"]) for e in expected] != [list(e["shape"]) for e in manifest]:
        raise ModelFileError(
            f"{path!r}: the weights in the file do not fit the architecture in it: the config builds "
            f"{[(e['name'], tuple(e['shape'])) for e in expected]}, the file lists "
            f"{[(e.get('name'), tuple(e['shape'])) for e in manifest]}.")


def load_model(path, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Rebuild a model saved with ``model.save(path)``: architecture, weights and (with
    ``compile=True``) the compiled optimizer with its state. Keras 3 ``.keras`` files are read
    too (architecture and weights; compile them yourself). A damaged file raises
    ``ModelFileError`` naming the file and what is wrong with it. Classes of your own are found
    when registered (``@register_keras_serializable``), in ``custom_objects`` or in an active
    ``custom_object_scope``; ``safe_mode`` is accepted for Keras's sake: glassnet never runs
    code from a file."""
    from .keras_format import foreign_file_problem, is_keras_file, load_keras
    name = os.fspath(path)
    if os.path.isdir(name):
        raise IsADirectoryError(f"load_model(): {name!r} is a folder, not a model file; give the .keras or .glassnet "
                                "file that model.save() wrote (TensorFlow SavedModel folders are not read).")
    with custom_object_scope(custom_objects):
        if is_keras_file(path):
            return load_keras(path, custom_objects)
        problem = foreign_file_problem(name) if os.path.isfile(name) else None
        if problem:
            raise ModelFileError(problem)
        return _reading(path, "the model config", lambda reader: _load_from(reader, custom_objects, compile))


def _reading(path, what: str, read):
    """``read(reader)`` on the file at ``path``; whatever a damaged config makes it raise
    becomes a ModelFileError naming the file and ``what`` was being read."""
    reader = ArchiveReader(path)
    try:
        return read(reader)
    except ModelFileError:
        raise
    except UnknownClassError as error:
        raise ModelFileError(f"{reader.path!r}: {error}") from None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, OverflowError, RecursionError) as error:
        raise ModelFileError(f"{reader.path!r}: {what} is invalid ({type(error).__name__}: {error}).") from None
    finally:
        reader.close()


def _load_from(reader: ArchiveReader, custom_objects, compile: bool):
    if reader.header.get("contents") != "model":
        raise ModelFileError(f"{reader.path!r} holds only weights; build the model and call "
                             "model.load_weights(path) instead.")
    config = reader.config
    with weight_budget(reader.stored_bytes("weights") // 2, reader.path):  # float16 at the smallest
        model = _build_model(config, custom_objects)
    compile_config = config.get("compile")
    if compile and compile_config:
        with grandom.preserved_state():  # compile seeds a stream; the saved one replaces it
            _compile_from(model, compile_config)
    _restore_state(model, reader, restore_optimizer=compile and bool(compile_config))
    return model


def _restore_state(model, reader: ArchiveReader, restore_optimizer: bool) -> None:
    """Weights, then (when asked) the optimizer's state, then the random streams of the file
    into ``model``, which has the file's architecture."""
    config = reader.config
    _check_manifest(model, config["weights"], reader.path)
    model.set_weights(reader.read_arrays("weights", config["weights"]))
    state = config.get("optimizer_state")
    if restore_optimizer and state:
        slots = reader.read_arrays("optimizer", state["slots"])
        model.optimizer.build(model._flat_parameters())
        if [s.shape for s in slots] != [s.shape for s in model.optimizer.slots]:
            raise ModelFileError(f"{reader.path!r}: the optimizer state does not fit the model's weights.")
        for slot, saved in zip(model.optimizer.slots, slots):
            slot[...] = saved
        model.optimizer.iterations = int(state["iterations"])
        model.optimizer.set_extra_state(state.get("extra") or {})
    if config.get("random_state") is not None:  # files from before the streams have none
        _restore_random_state(model, config["random_state"], reader.path)


def restore_training_state(model, path) -> dict:
    """Put a file's weights, optimizer state and random streams into ``model`` (compiled, of the
    same architecture), as BackupAndRestore resumes a fit; returns what the file records of
    the training (``{"epoch": n}``)."""
    def read(reader):
        if reader.header.get("contents") != "model":
            raise ModelFileError(f"{reader.path!r} holds no training state.")
        _restore_state(model, reader, restore_optimizer=model.compiled)
        return dict(reader.config.get("training") or {})

    return _reading(path, "the training state", read)


def save_weights(model, path, overwrite: bool = True, max_shard_size=None) -> None:
    """Write only the weights, atomically. As in Keras 3 the name must end in ``.weights.h5``:
    an HDF5 file in Keras's layout, which Keras's ``load_weights`` reads (weights_h5.py). A name
    ending in ``.glassnet`` gets glassnet's own format instead (a zip of JSON and .npy). With
    ``overwrite=False`` an existing file is refused (Keras asks at the terminal instead)."""
    model._require_built("save_weights()")
    name = os.fspath(path)
    name = name.decode() if isinstance(name, bytes) else name
    if max_shard_size is not None:
        raise ValueError(f"save_weights(): glassnet writes one file; max_shard_size must be None, received "
                         f"max_shard_size={max_shard_size!r}.")
    if not overwrite and os.path.exists(name):
        raise FileExistsError(f"save_weights(): {name!r} exists and overwrite=False.")
    if name.endswith(".weights.h5"):
        from .weights_h5 import save_weights_h5
        save_weights_h5(model, name)
    elif name.endswith(".glassnet"):
        write_archive(name, {"contents": "weights"}, {"weights": _weight_manifest(model)}, model.get_weights())
    else:
        raise ValueError(f"The filename must end in `.weights.h5` (Keras's weights file) or `.glassnet` "
                         f"(glassnet's own format). Received: filepath={name}")


def load_weights(model, path, skip_mismatch: bool = False, **kwargs) -> None:
    """Load weights into a model of the same architecture, from a file of any of the forms
    told apart by content: a Keras 3 ``.weights.h5`` file (glassnet's or Keras's), a ``.keras``
    file (its weights), or glassnet's own format (``save_weights("x.glassnet")``, ``save``, or
    a ``.weights.h5`` name written by an older glassnet). For Keras's files the model must be
    built; ``skip_mismatch=True`` skips, with a warning, the layers whose weights in the file
    are missing or of another shape."""
    from .weights_h5 import file_kind, load_weights_h5
    if kwargs:
        raise ValueError(f"load_weights(): invalid keyword arguments {sorted(kwargs)}; glassnet accepts filepath "
                         "and skip_mismatch (Keras's by_name and objects_to_skip are for its legacy .h5 files).")
    name = os.fspath(path)
    if os.path.isdir(name):
        raise IsADirectoryError(f"load_weights(): {name!r} is a folder, not a weights file; give the file that "
                                "model.save_weights() wrote (a .weights.h5 name) or a .keras / .glassnet model file.")
    kind = file_kind(path)
    if kind in ("hdf5", "keras"):
        if not model.built:
            raise ValueError("You are loading weights into a model that has not yet been built. Build it first "
                             "(call it on data, or model.build(input_shape)), then call load_weights().")
        load_weights_h5(model, path, skip_mismatch=skip_mismatch)
    elif kind == "glassnet":
        if skip_mismatch:
            raise ValueError(f"load_weights({os.fspath(path)!r}): skip_mismatch=True applies to Keras weights files "
                             "(.weights.h5, .keras); this one is in glassnet's own format, whose weights load whole.")
        _load_glassnet_weights(model, path)
    else:
        raise ModelFileError(f"{os.fspath(path)!r} is not a weights file glassnet reads: not HDF5 (.weights.h5), "
                             "not a .keras file and not glassnet's own format.")


def _load_glassnet_weights(model, path) -> None:
    reader = ArchiveReader(path)
    try:
        manifest = reader.config.get("weights")
        if not isinstance(manifest, list):
            raise ModelFileError(f"{reader.path!r} has no weight manifest.")
        if not model.built and "input_shape" in reader.config:
            with grandom.preserved_state():
                model.build(tuple(reader.config["input_shape"]))
        model._require_built("load_weights()")
        _check_manifest(model, manifest, reader.path)
        model.set_weights(reader.read_arrays("weights", manifest))
    finally:
        reader.close()


__all__ = ["ModelFileError", "load_model", "load_weights", "restore_training_state", "save_model", "save_weights"]
