"""Keras 3 ``.keras`` files: read and write them, so models move between glassnet and Keras.

A ``.keras`` file is a zip of ``metadata.json``, ``config.json`` (the architecture, in Keras's
serialization) and ``model.weights.h5`` (HDF5: ``layers/<name>/vars/<i>``, where ``<name>`` is
the layer class in snake case, numbered ``dense``, ``dense_1``, ... in model order). h5py comes
with the plain install and is imported only here. Only the architecture and weights travel; compile
settings and optimizer state stay in glassnet's own format.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import zipfile
import zlib

import numpy as np

from ..utils.naming import to_snake_case
from .archive import ModelFileError, check_member_size
from .atomic import atomic_write
from .registry import UnknownClassError, registered_name_or_none

KERAS_VERSION_WRITTEN = "3.15.1"
# Keras config keys glassnet has no use for (it is channels-last, float32, unconstrained).
_IGNORED = {"dtype", "data_format", "activity_regularizer", "kernel_constraint", "bias_constraint",
            "beta_constraint", "gamma_constraint", "beta_regularizer", "gamma_regularizer", "synchronized",
            "sparse", "ragged", "optional", "interpolation", "lora_rank", "lora_alpha", "quantization_config",
            "moving_mean_regularizer", "moving_variance_regularizer", "embeddings_constraint", "recurrent_constraint"}
# Keras options that glassnet accepts only at their default value (anything else is refused), where
# the layer class does not take them itself.
_DEFAULT_ONLY = {"renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99, "groups": 1}


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError("Reading and writing Keras files (.keras, .weights.h5) needs h5py, which glassnet's "
                          "install brings; it is missing here: pip install h5py") from None
    return h5py


def is_keras_file(path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()  # a Keras file, maybe damaged: Keras's config and no glassnet header
            return "config.json" in names and "glassnet.json" not in names and (
                "model.weights.h5" in names or "metadata.json" in names)
    except Exception:  # not a zip, or a damaged one: not a .keras file
        return False


KERAS_MEMBERS = ("metadata.json", "config.json", "model.weights.h5")


def foreign_file_problem(path: str) -> str | None:
    """Why ``path``, a file that is not glassnet's, cannot be loaded as a model, said for the
    Keras files it may be: a legacy Keras 2 HDF5 model, an HDF5 weights file, or a ``.keras``
    archive missing members. None where it is none of these."""
    with open(path, "rb") as stream:
        head = stream.read(8)
    if head == b"\x89HDF\r\n\x1a\n":  # the HDF5 signature (weights_h5.HDF5_SIGNATURE, which imports this module)
        try:
            with _h5py().File(path, "r") as store:
                legacy = "model_config" in store.attrs
        except Exception:  # a damaged HDF5 file: said as such below
            legacy = None
        if legacy:
            return (f"{path!r} is a legacy Keras HDF5 model file (a Keras 2 / tf.keras model saved as .h5), which "
                    "glassnet does not read. Convert it in Keras: model = keras.models.load_model(path), then "
                    "model.save('model.keras'); load that .keras file here.")
        if legacy is None:
            return f"{path!r} is an HDF5 file that cannot be read (truncated or damaged)."
        return (f"{path!r} is an HDF5 file without a model in it (a weights file such as .weights.h5): build the "
                "model, then call model.load_weights(path).")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except Exception:
        return None
    if "glassnet.json" in names or not names & set(KERAS_MEMBERS):
        return None
    missing = [member for member in KERAS_MEMBERS if member not in names]
    if "config.json" in missing:
        return (f"{path!r} looks like a Keras .keras file (it holds {', '.join(sorted(names & set(KERAS_MEMBERS)))}) "
                f"but has no config.json, the model's architecture, so no model can be built from it; it is "
                f"damaged or was not written by model.save(). Missing: {', '.join(missing)}.")
    return None


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _to_keras_value(key, value):
    if key == "activation" and isinstance(value, dict):
        return value["class_name"]  # Keras names its activation functions; their defaults match
    if key.endswith("_initializer") and isinstance(value, dict):
        return {"module": "keras.initializers", "class_name": _camel(value["class_name"]), "config": value.get("config", {}),
                "registered_name": None}
    if key.endswith("_regularizer") and isinstance(value, dict):
        return {"module": "keras.regularizers", "class_name": value["class_name"], "config": value["config"],
                "registered_name": None}
    return value


def _keras_layer_config(layer) -> dict:
    if getattr(layer, "is_nested_model", False):
        return keras_model_config(layer.model)  # a nested model is written as itself, as Keras does
    config = {key: _to_keras_value(key, value) for key, value in layer.get_config().items()}
    for _, key, sublayer in getattr(layer, "keras_sublayers", ()):  # a wrapper's layers, as Keras writes them
        config[key] = _keras_layer_config(sublayer)
        config[key].pop("build_config", None)
    config.pop("batch_input_shape", None)
    config["dtype"] = "float32"
    if hasattr(layer, "padding") and type(layer).__name__ in ("Conv2D", "Conv1D", "MaxPooling2D", "AveragePooling2D"):
        config["data_format"] = "channels_last"
    if type(layer).__name__ == "SpatialDropout2D":  # Keras's takes only these
        config = {"name": layer.name, "rate": layer.rate, "seed": layer.seed, "dtype": "float32",
                  "data_format": "channels_last"}
    registered = registered_name_or_none(type(layer))  # a registered class of the user's: Keras writes no module
    entry = {"module": None if registered else "keras.layers", "class_name": type(layer).__name__, "config": config,
             "registered_name": registered}
    if hasattr(layer, "keras_build_config") and layer.input_shape is not None:  # shapes of several inputs
        entry["build_config"] = layer.keras_build_config()
    elif layer.input_shape is not None:
        entry["build_config"] = {"input_shape": list(layer.input_shape)}
    return entry


def _layer_keys(layers) -> list[str]:
    """The names of the layers' groups in model.weights.h5: the class in snake case, numbered
    by its earlier uses (``dense``, ``dense_1``, ...)."""
    return _numbered_keys([getattr(layer, "class_name", type(layer).__name__) for layer in layers])


def _numbered_keys(class_names) -> list[str]:
    used: dict[str, int] = {}
    keys = []
    for class_name in class_names:
        base = to_snake_case(class_name)
        count = used.get(base, -1) + 1
        used[base] = count
        keys.append(base if count == 0 else f"{base}_{count}")
    return keys


def _keras_input_config(layer) -> dict:
    return {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
            "config": {"batch_shape": list(layer.shape), "dtype": "string" if layer.takes_strings else "float32",
                       "sparse": False, "name": layer.name}}


def _keras_entry(layer) -> dict:
    from ..layers.input_layer import InputLayer
    return _keras_input_config(layer) if isinstance(layer, InputLayer) else _keras_layer_config(layer)


def keras_model_config(model) -> dict:
    """The architecture of ``model`` (Sequential or functional) as Keras 3 serializes it: the
    ``config.json`` of a ``.keras`` file, and what ``model.to_json()`` writes."""
    from ..layers.input_layer import InputLayer
    from ..models import Functional, Sequential
    if isinstance(model, Functional):
        from ..models.functional_config import graph_config
        config = {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
                  "config": graph_config(model, _keras_entry), "build_config": {"input_shape": None}}
    elif isinstance(model, Sequential):
        layers = [_keras_layer_config(layer) for layer in model.layers]
        if model.input_shape is not None:
            text = getattr(model._input_layer, "takes_strings", False) or getattr(model.layers[0], "takes_strings", False)
            first = InputLayer(shape=model.input_shape[1:], batch_size=model.input_shape[0], name="input_layer",
                               dtype="string" if text else None)
            layers.insert(0, _keras_input_config(first))
        config = {"module": "keras", "class_name": "Sequential", "registered_name": None,
                  "config": {"name": model.name, "trainable": True, "dtype": "float32", "layers": layers},
                  "build_config": {"input_shape": None if model.input_shape is None else list(model.input_shape)}}
    else:
        raise ValueError(f'Model "{model.name}" is a subclass of Model ({type(model).__name__}), which a .keras file '
                         "names by its Python class; save it in glassnet's format (a name not ending in .keras) "
                         "and load it with custom_objects.")
    return config


def save_keras(model, path) -> None:
    """Write ``model`` (Sequential or functional) as a Keras 3 ``.keras`` file (atomically)."""
    h5py = _h5py()
    model._require_built("save() to .keras")
    config = keras_model_config(model)
    weights = io.BytesIO()
    with h5py.File(weights, "w") as store:
        write_model_weights(store, model)
    metadata = {"keras_version": KERAS_VERSION_WRITTEN, "date_saved": "", "written_by": "glassnet"}
    with atomic_write(path) as stream, zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(config, indent=1))
        archive.writestr("model.weights.h5", weights.getvalue())


def write_model_weights(store, model) -> None:
    """Keras 3's weights layout, into the open h5py file ``store``: what a ``.keras`` file's
    ``model.weights.h5`` holds and what ``model.save_weights("x.weights.h5")`` writes."""
    _write_weights(store, "", model.layers)
    store.create_group("vars").attrs["name"] = model.name


def _write_weights(store, prefix: str, layers) -> None:
    """``{prefix}layers/<key>/vars/<i>`` for each layer; a nested model's layers one level down,
    under ``{prefix}layers/<key>/layers/...``, keyed afresh inside it (as Keras stores them).
    A ``vars`` group of a layer carries the layer's name as its ``name`` attribute, as Keras's does."""
    for key, layer in zip(_layer_keys(layers), layers):
        if getattr(layer, "is_nested_model", False):
            store.create_group(f"{prefix}layers/{key}/vars").attrs["name"] = layer.name
            _write_weights(store, f"{prefix}layers/{key}/", layer.model.layers)
            continue
        for path, parameters in _weight_groups(layer, f"{prefix}layers/{key}"):
            group = store.create_group(path)
            if path == f"{prefix}layers/{key}/vars":
                group.attrs["name"] = layer.name
            for index, parameter in enumerate(parameters):
                group.create_dataset(str(index), data=parameter.value)


def _weight_groups(layer, path: str) -> list:
    """Where Keras keeps a layer's weights: ``(group, parameters)`` pairs. Most layers hold
    theirs in ``<path>/vars``; some in named groups below it (``keras_weight_groups``: a
    recurrent layer's ``<path>/cell/vars``, attention's ``<path>/query_dense/vars`` ...); a
    wrapper in its layers' groups (``keras_sublayers``: TimeDistributed's ``<path>/layer``,
    Bidirectional's ``<path>/forward_layer`` and ``<path>/backward_layer``)."""
    named_groups = getattr(layer, "keras_weight_groups", None)
    if named_groups is not None:
        return [(f"{path}/vars", [])] + [(f"{path}/{name}/vars", list(parameters)) for name, parameters in named_groups]
    sublayers = getattr(layer, "keras_sublayers", ())
    groups = [(f"{path}/vars", [] if sublayers else list(layer.weights))]
    for name, _, sublayer in sublayers:
        groups += _weight_groups(sublayer, f"{path}/{name}")
    return groups


def _read_weights(store, prefix: str, model, config: dict, path, assets: dict | None = None) -> None:
    """Put the file's weights into ``model`` (built from ``config``), layer by layer in the order
    of the config's own list of layers, descending into nested models; a lookup layer's
    vocabulary comes from ``assets`` ({member name: bytes}: ``assets/layers/<key>/vocabulary.txt``,
    where Keras keeps an adapted vocabulary)."""
    listed = config["config"]["layers"]
    if config["class_name"] == "Functional":
        from ..models.functional_config import without_mask_makers
        listed = without_mask_makers(config["config"])  # Keras's mask ops are not layers and hold no weights
        by_name = {layer.name: layer for layer in model.layers}
        layers = [by_name[spec.get("name", spec["config"].get("name"))] for spec in listed]
    else:
        layers = model.layers
        listed = [spec for spec in listed if spec.get("class_name") != "InputLayer"]
    keys = _numbered_keys([spec["class_name"] for spec in listed])  # the file's classes: RNN(cell) became an LSTM
    for key, layer, spec in zip(keys, layers, listed):
        if getattr(layer, "is_nested_model", False):
            _read_weights(store, f"{prefix}layers/{key}/", layer.model, spec, path, assets)
            continue
        vocabulary = (assets or {}).get(f"assets/{prefix}layers/{key}/vocabulary.txt")
        if vocabulary is not None and hasattr(layer, "set_vocabulary") and not spec["config"].get("vocabulary"):
            tokens = vocabulary.decode("utf-8").split("\n")
            while tokens and tokens[-1] == "" and len(tokens) > 1:
                tokens.pop()
            layer.set_vocabulary(tokens)
        if layer.weights:
            layer.set_weights(read_layer_weights(store, layer, f"{prefix}layers/{key}", path))


class WeightMismatchError(ModelFileError):
    """A file's weights for a layer are missing or of another shape than the layer's (which
    ``load_weights(skip_mismatch=True)`` skips); damaged data stays a plain ModelFileError."""


def read_layer_weights(store, layer, layer_path: str, path) -> list:
    """The arrays of ``layer`` (in ``layer.weights`` order) from its groups under ``layer_path``
    in the open h5py file ``store``. Each dataset's shape and type are checked against the
    layer's weight before it is read, so a damaged file allocates nothing the model does not
    hold; anything wrong is a ModelFileError naming ``path`` and the member."""
    arrays = []
    for group_path, parameters in _weight_groups(layer, layer_path):
        if parameters:
            try:
                arrays += _read_group(store, group_path, layer, parameters, path)
            except ModelFileError:
                raise
            except (OSError, KeyError, ValueError, TypeError, RuntimeError) as error:  # h5py on damaged metadata
                raise ModelFileError(f"{path!r}: {group_path} cannot be read ({type(error).__name__}: {error}).") \
                    from None
    return arrays


def _read_group(store, group_path: str, layer, parameters, path) -> list:
    """The arrays of ``parameters`` from the datasets ``<group_path>/0``, ``/1``, ..."""
    group = store.get(group_path)
    if group is None:
        raise WeightMismatchError(f"{path!r}: no weights stored for layer {layer.name!r} (at {group_path}).")
    arrays = []
    for index, parameter in enumerate(parameters):
        member = f"{group_path}/{index}"
        stored = group.get(str(index))
        if stored is None or not hasattr(stored, "shape") or tuple(stored.shape) != parameter.shape:
            found = "nothing" if stored is None else f"shape {getattr(stored, 'shape', '?')}"
            raise WeightMismatchError(f"{path!r}: layer {layer.name!r} weight {index} should have shape "
                                      f"{parameter.shape}; the file holds {found} at {member}.")
        if stored.dtype.kind not in "fiub":
            raise ModelFileError(f"{path!r}: layer {layer.name!r} weight {index} at {member} holds {stored.dtype}, "
                                 "not numbers.")
        try:
            arrays.append(np.asarray(stored))  # read only once its shape is the layer's
        except (OSError, ValueError, TypeError, RuntimeError) as error:
            raise ModelFileError(f"{path!r}: {member} cannot be read ({type(error).__name__}: {error}).") from None
    return arrays


def _from_keras_value(key, value):
    if key == "activation" and isinstance(value, dict):
        if isinstance(value.get("config"), str):  # a function Keras wrote by its (registered) name
            return value["config"]
        return value.get("config", {}).get("name", value.get("class_name", "linear")).lower()
    if key.endswith("_initializer") and isinstance(value, dict):
        return {"class_name": to_snake_case(value["class_name"]), "config": {
            k: v for k, v in value.get("config", {}).items() if k not in ("seed", "input_axes", "output_axes")}}
    if key.endswith("_regularizer") and isinstance(value, dict):
        return {"class_name": value["class_name"], "config": value.get("config", {})}
    return value


def _wrapped_layers_from_keras(config: dict, path, custom_objects) -> dict:
    """A wrapper's layers (TimeDistributed's and Bidirectional's ``layer``, ``backward_layer``)
    and an RNN's ``cell``, built from their Keras configs."""
    for key in ("layer", "backward_layer", "cell"):  # and RNN's cell (not StackedRNNCells: RNN refuses that)
        value = config.get(key)
        if isinstance(value, dict) and "class_name" in value and value["class_name"] != "StackedRNNCells":
            config[key] = _layer_from_keras(value, path, custom_objects)
    return config


def _layer_from_keras(spec: dict, path, custom_objects=None):
    """A glassnet layer from one layer of a Keras config."""
    from .. import layers as layers_module
    from ..layers.serialization import layer_class
    name, layer_config = spec["class_name"], dict(spec["config"])
    if name in ("Sequential", "Functional") and ">" not in (spec.get("registered_name") or ""):
        return _model_from_keras(spec, path, custom_objects)._as_layer()  # a nested model
    if name == "InputLayer":
        shape = layer_config.get("batch_shape") or layer_config.get("batch_input_shape")
        return layers_module.InputLayer(shape=tuple(shape[1:]), batch_size=shape[0], name=layer_config.get("name"),
                                        dtype="string" if layer_config.get("dtype") == "string" else None)
    try:
        cls = layer_class(name, custom_objects, spec.get("registered_name"))
    except ValueError as error:
        raise ModelFileError(f"{path!r}: the Keras layer {name!r} has no glassnet counterpart. {error}") from None
    takes = inspect.signature(cls.__init__).parameters
    for option, default in _DEFAULT_ONLY.items():
        if option in takes:  # the class checks it itself (GroupNormalization's groups, Conv2D's groups=1 only)
            continue
        if layer_config.pop(option, default) != default:
            raise ModelFileError(f"{path!r}: layer {layer_config.get('name')!r} uses {option}, which glassnet "
                                 "does not support.")
    kwargs = {k: _from_keras_value(k, v) for k, v in layer_config.items() if k not in _IGNORED}
    kwargs = _wrapped_layers_from_keras(kwargs, path, custom_objects)
    if layer_config.get("data_format") not in (None, "channels_last"):  # checked before _IGNORED drops it
        raise ModelFileError(f"{path!r}: layer {layer_config.get('name')!r} is channels_first; glassnet is channels_last.")
    return cls.from_config(kwargs)


def model_from_keras_config(config: dict, path, custom_objects=None, require_built: bool = True):
    """A glassnet model (Sequential or functional) from Keras's serialization of one."""
    return _model_from_keras(config, path, custom_objects, require_built)


def _model_from_keras(config: dict, path, custom_objects, require_built: bool = True):
    from ..models import Sequential
    from ..models.functional_config import model_from_graph_config
    kind = config.get("class_name")
    if kind == "Functional":
        return model_from_graph_config(config["config"], lambda entry: _layer_from_keras(entry, path, custom_objects))
    if kind != "Sequential":
        raise ModelFileError(f"{path!r} holds a Keras {kind} model; glassnet reads Sequential and functional models.")
    model = Sequential(name=config["config"].get("name"))
    for spec in config["config"]["layers"]:
        model.add(_layer_from_keras(spec, path, custom_objects))
    if not model.built:
        build = (config.get("build_config") or {}).get("input_shape")
        if build is None and not require_built:
            return model
        if build is None:
            raise ModelFileError(f"{path!r}: the model has no input shape to build from.")
        model.build(tuple(build))
    return model


def load_keras(path, custom_objects: dict | None = None):
    """A glassnet model (Sequential or functional) from a Keras 3 ``.keras`` file: architecture
    and weights."""
    from ..utils import random as grandom
    from .budget import weight_budget
    h5py = _h5py()
    path = os.fspath(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for member in ("config.json", "model.weights.h5"):
                check_member_size(archive, member, path)
            config = json.loads(archive.read("config.json"))
            weights_bytes = archive.read("model.weights.h5")
            assets = {}
            for member in archive.namelist():
                if member.startswith("assets/") and member.endswith("vocabulary.txt"):
                    check_member_size(archive, member, path)
                    assets[member] = archive.read(member)
    except ModelFileError:
        raise
    except Exception as error:  # BadZipFile, KeyError, bad CRC, zlib.error, JSON and Unicode errors ...
        raise ModelFileError(f"{path!r} is not a readable Keras .keras file ({type(error).__name__}: {error}).") from None
    if not isinstance(config, dict) or "class_name" not in config or not isinstance(config.get("config"), dict):
        raise ModelFileError(f"{path!r} is not a readable Keras .keras file: its config.json describes no model.")
    try:
        store = h5py.File(io.BytesIO(weights_bytes), "r")
    except Exception as error:  # OSError: not HDF5, truncated ...
        raise ModelFileError(f"{path!r}: its weights (model.weights.h5) are not a readable HDF5 file "
                             f"({type(error).__name__}: {error}).") from None
    try:
        with store:
            with grandom.preserved_state(), weight_budget(len(weights_bytes) // 2, path):
                model = _model_from_keras(config, path, custom_objects)
            _read_weights(store, "", model, config, path, assets)
    except ModelFileError:
        raise
    except UnknownClassError as error:
        raise ModelFileError(f"{path!r}: {error}") from None
    except (OSError, KeyError, TypeError, ValueError, AttributeError, IndexError, NotImplementedError,
            RuntimeError, OverflowError, RecursionError, zlib.error) as error:
        what = "the weights (model.weights.h5)" if isinstance(error, OSError) else "the config (config.json)"
        raise ModelFileError(f"{path!r}: {what} is invalid ({type(error).__name__}: {error}).") from None
    return model
