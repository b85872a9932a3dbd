"""Exporting models to other tools: ``to_onnx(model, path)``."""

from .onnx_export import to_onnx

__all__ = ["to_onnx"]
