"""MultiHeadAttention: scaled dot-product attention in several heads (Vaswani et al., 2017).

Written with ``glassnet.ops`` in ``call``, as a Keras user writes a layer: its gradients come
from the tape (ops/tape.py), each op's derivative checked against finite differences.
"""

from __future__ import annotations

import numpy as np

from .. import initializers as initializers_module
from .. import ops
from .. import regularizers as regularizers_module
from ..ops.function import value_of
from ..utils import random as grandom
from ..utils.validation import check_bool, check_int, check_number, check_positive_int
from .base import Layer


class MultiHeadAttention(Layer):
    """``mha(query, value, key=None, attention_mask=None, return_attention_scores=False,
    use_causal_mask=False)``, as Keras 3's layer. With H heads of size d (``key_dim``):

        Q = query W_q + b_q,  K = key W_k + b_k,  V = value W_v + b_v     (batch, steps, H, d)
        A = softmax(Q K^T / sqrt(d))  over the value's steps, per head     (batch, H, Tq, Tv)
        O = A V,   output = O W_o + b_o                                    (batch, Tq, features)

    ``key`` defaults to ``value``. Masked pairs (``attention_mask`` (batch, Tq, Tv) False, a
    padding mask carried by the inputs, or the future with ``use_causal_mask``) get no weight.
    ``dropout`` drops attention weights while training.

    Weights, in Keras's order: query kernel (features_q, H, d) and bias (H, d); key and value
    likewise; output kernel (H, d_v, features_q) and bias (features_q,).
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape=None, attention_axes=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed: int | None = None, sliding_window=None, use_gate: bool = False, **kwargs):
        super().__init__(**kwargs)
        owner = f'MultiHeadAttention "{self.name}"'
        self.num_heads = check_positive_int(num_heads, "num_heads", owner)
        self.key_dim = check_positive_int(key_dim, "key_dim", owner)
        self.value_dim = check_positive_int(value_dim, "value_dim", owner, allow_none=True) or self.key_dim
        self.dropout = check_number(dropout, "dropout", owner, 0, 1, high_open=True)
        self.use_bias = check_bool(use_bias, "use_bias", owner)
        if attention_axes not in (None, 1, (1,), [1]):  # Keras's default for (batch, steps, features) is (1,)
            raise ValueError(f"{owner}: attention_axes other than the steps axis (1,) are not supported by glassnet "
                             f"yet; received {attention_axes!r}.")
        for argument, value in (("output_shape", output_shape), ("activity_regularizer", activity_regularizer),
                                ("kernel_constraint", kernel_constraint), ("bias_constraint", bias_constraint),
                                ("sliding_window", sliding_window), ("use_gate", use_gate or None)):
            if value is not None:
                raise ValueError(f"{owner}: {argument} is not supported by glassnet yet; received {value!r}.")
        self.kernel_initializer = initializers_module.get(kernel_initializer)
        self.bias_initializer = initializers_module.get(bias_initializer)
        self.kernel_regularizer = regularizers_module.get(kernel_regularizer)
        self.bias_regularizer = regularizers_module.get(bias_regularizer)
        self.seed = check_int(seed, "seed", owner, minimum=0, allow_none=True)
        self._rng = grandom.new_stream(seed)
        self._call_options = None

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, query, value=None, key=None, attention_mask=None, return_attention_scores: bool = False,
                 training=None, use_causal_mask: bool = False, query_mask=None, value_mask=None, key_mask=None,
                 **kwargs):
        """The inputs travel as one list, [query, value, key?, attention_mask?], so that a
        functional graph, a tape and arrays all see one call; the options are the layer's."""
        owner = f'MultiHeadAttention "{self.name}"'
        if value is None:
            raise TypeError(f"{owner}: call it on a query and a value, mha(query, value) (the same tensor twice for "
                            "self-attention).")
        options = (key is not None, attention_mask is not None, bool(return_attention_scores), bool(use_causal_mask))
        if self._call_options is not None and options != self._call_options:
            raise ValueError(f"{owner}: every call must give the same options (key, attention_mask, "
                             "return_attention_scores, use_causal_mask); use another layer for other options.")
        self._call_options = options
        inputs = [query, value] + ([key] if key is not None else []) + \
            ([attention_mask] if attention_mask is not None else [])
        return super().__call__(inputs, training=training, **kwargs)

    # -- weights --------------------------------------------------------------------------------
    def build(self, input_shape):
        query_shape, value_shape = input_shape[0], input_shape[1]
        key_shape = input_shape[2] if self._call_options and self._call_options[0] else value_shape
        h, d, dv = self.num_heads, self.key_dim, self.value_dim

        def dense(name, features, heads, size):
            kernel = self.add_weight(f"{name}_kernel", (features, heads, size), self.kernel_initializer,
                                     self.kernel_regularizer)
            bias = self.add_weight(f"{name}_bias", (heads, size), self.bias_initializer,
                                   self.bias_regularizer) if self.use_bias else None
            return kernel, bias

        self.query_kernel, self.query_bias = dense("query", query_shape[-1], h, d)
        self.key_kernel, self.key_bias = dense("key", key_shape[-1], h, d)
        self.value_kernel, self.value_bias = dense("value", value_shape[-1], h, dv)
        self.output_kernel = self.add_weight("output_kernel", (h, dv, query_shape[-1]), self.kernel_initializer,
                                             self.kernel_regularizer)
        self.output_bias = self.add_weight("output_bias", (query_shape[-1],), self.bias_initializer,
                                           self.bias_regularizer) if self.use_bias else None

    def compute_output_shape(self, input_shape):
        query_shape, value_shape = tuple(input_shape[0]), tuple(input_shape[1])
        if self._call_options and self._call_options[2]:
            return [query_shape, (query_shape[0], self.num_heads, query_shape[1], value_shape[1])]
        return query_shape

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        if self._call_options and self._call_options[2]:
            return [mask, None]
        return mask

    # -- the maths ------------------------------------------------------------------------------
    def call(self, inputs, training=False, mask=None):
        has_key, has_mask, return_scores, causal = self._call_options or (False, False, False, False)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if has_key else value
        explicit = inputs[2 + has_key] if has_mask else None
        q = ops.einsum("btf,fhd->bthd", query, self.query_kernel)
        k = ops.einsum("btf,fhd->bthd", key, self.key_kernel)
        v = ops.einsum("btf,fhd->bthd", value, self.value_kernel)
        if self.use_bias:
            q, k, v = q + self.query_bias, k + self.key_bias, v + self.value_bias
        scores = ops.einsum("bqhd,bkhd->bhqk", q, k) * (1.0 / np.sqrt(self.key_dim))
        allowed = self._allowed(np.shape(scores), explicit, mask, causal)
        if allowed is not None:
            scores = ops.where(allowed, scores, -1e9)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            keep = self._rng.random(np.shape(weights)) >= self.dropout
            weights = weights * (keep.astype(np.float32) / (1 - self.dropout))
        attended = ops.einsum("bhqk,bkhd->bqhd", weights, v)
        output = ops.einsum("bqhd,hdf->bqf", attended, self.output_kernel)
        if self.use_bias:
            output = output + self.output_bias
        return [output, weights] if return_scores else output

    @staticmethod
    def _allowed(shape, explicit, mask, causal):
        """Which (query step, value step) pairs may attend, (batch, 1, Tq, Tv), or None for all:
        the explicit mask, the inputs' padding masks, and the past only with ``causal``."""
        batch, _, tq, tv = shape
        allowed = np.ones((batch, 1, tq, tv), bool)
        if explicit is not None:
            allowed &= np.asarray(value_of(explicit), bool)[:, None]
        masks = mask if isinstance(mask, list) else [mask]
        if masks and masks[0] is not None:
            allowed &= np.asarray(masks[0], bool)[:, None, :, None]
        if len(masks) > 1 and masks[1] is not None:
            allowed &= np.asarray(masks[1], bool)[:, None, None, :]
        if causal:
            allowed &= np.tril(np.ones((tq, tv), bool))
        return None if allowed.all() else allowed

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": None, "attention_axes": [1],
                "kernel_initializer": initializers_module.serialize(self.kernel_initializer),
                "bias_initializer": initializers_module.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers_module.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers_module.serialize(self.bias_regularizer),
                "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None, "seed": self.seed,
                "sliding_window": None, "use_gate": False}

    def keras_call(self, inputs, tensor_config) -> dict:
        """This layer's call in a saved graph, as Keras writes it: query and value as
        arguments, the key, the mask and the options as keyword arguments."""
        has_key, has_mask, return_scores, causal = self._call_options
        kwargs = {"use_causal_mask": causal}
        if has_key:
            kwargs["key"] = tensor_config(inputs[2])
        if has_mask:
            kwargs["attention_mask"] = tensor_config(inputs[2 + has_key])
        if return_scores:
            kwargs["return_attention_scores"] = True
        return {"args": [tensor_config(inputs[0]), tensor_config(inputs[1])], "kwargs": kwargs}

    def keras_build_config(self) -> dict:
        """The shapes Keras builds this layer from, as its .keras files hold them."""
        shapes = [list(shape) for shape in self.input_shape]
        names = ["query_shape", "value_shape"] + (["key_shape"] if self._call_options[0] else [])
        return {"shapes_dict": dict(zip(names, shapes))}

    @property
    def keras_weight_groups(self):
        """Where Keras keeps the weights in a .keras file: one group per projection."""
        def pair(kernel, bias):
            return [kernel] + ([bias] if bias is not None else [])
        return (("query_dense", pair(self.query_kernel, self.query_bias)),
                ("key_dense", pair(self.key_kernel, self.key_bias)),
                ("value_dense", pair(self.value_kernel, self.value_bias)),
                ("output_dense", pair(self.output_kernel, self.output_bias)))
