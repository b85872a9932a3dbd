"""What the draw page's JSON API computes: a model's answer and what each layer sees.

``Predictor`` holds a loaded model, its class names and a way to read every layer's output:
a Sequential model's layers called one after another, or, for a functional model, the
feature-extraction model ``Model(inputs=model.inputs, outputs=[layer.output ...])``. A drawing
comes in as PNG bytes or as rows of grey values and goes through ``utils.images.to_model_input``,
the preprocessing ``glassnet predict`` applies to an image file, so the page shows exactly
what ``glassnet predict`` would feed the model.
"""

from __future__ import annotations

import io
import json

import numpy as np

MAX_IMAGE_SIDE = 4096      # pixels per side of an uploaded PNG, checked before it is decoded
MAX_PIXEL_ROWS = 1024      # rows (and columns) of a "pixels" grid
MAX_FEATURE_MAPS = 16      # channels of a convolution's output shown as images
MAX_VECTOR = 512           # values of a dense layer's output sent to the page
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BadRequest(ValueError):
    """A request body the API cannot use; its message goes back to the client with a 400."""


def _softmax_if_needed(row: np.ndarray) -> np.ndarray:
    """Probabilities as they are, or softmax(row) for a model whose last layer gives logits."""
    row = row.astype(np.float64)
    if row.min() >= 0 and abs(row.sum() - 1.0) < 1e-3:
        return row
    shifted = np.exp(row - row.max())
    return shifted / shifted.sum()


def _layer_outputs(model):
    """A function x -> [(layer, output array)] for every layer, or None where the model's
    layers cannot be read one by one (a subclassed model)."""
    from ..layers import InputLayer
    from ..models import Model, Sequential
    if isinstance(model, Sequential):
        def run(x):
            outputs = []
            for layer in model.layers:
                x = layer(x)
                outputs.append((layer, np.asarray(x)))
            return outputs
        return run
    try:
        layers = [layer for layer in model.layers if not isinstance(layer, InputLayer)]
        extractor = Model(inputs=model.inputs, outputs=[layer.output for layer in layers])
    except (AttributeError, ValueError, TypeError):
        return None
    return lambda x: list(zip(layers, extractor.predict(x, verbose=0)))


def _scaled(values: np.ndarray) -> np.ndarray:
    """``values`` mapped to 0..255 integers (0 = its minimum, 255 = its maximum)."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.zeros(values.shape, dtype=np.int64)
    return np.rint((values - low) * 255.0 / (high - low)).astype(np.int64)


def describe_activation(layer, output) -> dict:
    """One layer's output for the page: feature maps (h, w, c) as up to MAX_FEATURE_MAPS images
    of 0..255 integers, a vector as its first MAX_VECTOR values; anything else by shape only."""
    entry = {"name": layer.name, "class_name": type(layer).__name__}
    if not isinstance(output, np.ndarray):
        entry.update(kind="other", shape=None)
        return entry
    sample = output[0]
    entry["shape"] = list(sample.shape)
    if sample.ndim == 3:
        channels = min(sample.shape[2], MAX_FEATURE_MAPS)
        entry.update(kind="maps", maps=[_scaled(sample[:, :, c]).tolist() for c in range(channels)])
    elif sample.ndim == 1:
        values = sample[:MAX_VECTOR].astype(np.float64)
        entry.update(kind="vector", values=[round(float(v), 4) for v in values],
                     min=round(float(sample.min()), 4), max=round(float(sample.max()), 4))
    else:
        entry["kind"] = "other"
    return entry


class Predictor:
    """A model ready to answer the API: ``predict(body, content_type)`` -> the JSON answer."""

    def __init__(self, model, class_names, name: str = "model"):
        from ..utils.images import model_input_geometry
        input_shape = model.input_shape
        if isinstance(input_shape, list):
            raise ValueError(f"{name}: the model takes {len(input_shape)} inputs; the draw page feeds it one image.")
        if not input_shape:
            raise ValueError(f"{name}: the model does not record its input shape, so drawings cannot be fitted to it.")
        self.input_shape = tuple(input_shape[1:])
        self.geometry = model_input_geometry(self.input_shape, name)  # (height, width, channels)
        self.model, self.name, self.class_names = model, name, list(class_names)
        self._outputs = _layer_outputs(model)

    # -- reading requests ------------------------------------------------------------------
    def _from_png(self, body: bytes) -> np.ndarray:
        from PIL import Image

        from ..utils.images import ImageError, read_image, reading_size
        if not body.startswith(PNG_SIGNATURE):
            raise BadRequest("the body is not a PNG image (send image/png bytes, or JSON {\"pixels\": [[...], ...]})")
        try:
            with Image.open(io.BytesIO(body)) as image:
                width, height = image.size
            if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
                raise BadRequest(f"the PNG is {width}x{height} pixels; at most {MAX_IMAGE_SIDE} on a side is accepted")
            return read_image(io.BytesIO(body), size=reading_size(self.input_shape))
        except BadRequest:
            raise
        except (ImageError, OSError, TypeError, ValueError, SyntaxError, EOFError, IndexError,
                Image.DecompressionBombError) as error:
            raise BadRequest(f"the PNG cannot be decoded ({type(error).__name__})") from None

    @staticmethod
    def _from_json(body: bytes) -> np.ndarray:
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BadRequest("the body is not valid JSON (expected {\"pixels\": [[...], ...]} or PNG bytes)") from None
        pixels = document.get("pixels") if isinstance(document, dict) else None
        if not isinstance(pixels, list) or not pixels or not all(isinstance(row, list) for row in pixels):
            raise BadRequest("expected a JSON object {\"pixels\": [[...], ...]}: a list of rows of grey values")
        if len(pixels) > MAX_PIXEL_ROWS or any(len(row) != len(pixels[0]) for row in pixels) or \
                not 0 < len(pixels[0]) <= MAX_PIXEL_ROWS:
            raise BadRequest(f"\"pixels\" must be rows of equal length, at most {MAX_PIXEL_ROWS} by {MAX_PIXEL_ROWS}")
        if not all(type(v) in (int, float) for row in pixels for v in row):
            raise BadRequest("\"pixels\" must hold numbers only")
        try:
            grid = np.asarray(pixels, dtype=np.float64)
        except OverflowError:  # an integer too large for a float
            grid = np.full((1, 1), np.inf)
        if not np.isfinite(grid).all() or grid.min() < 0 or grid.max() > 255:
            raise BadRequest("\"pixels\" values must lie in [0, 1], or in 0..255")
        # As for a floating-point image file: values all within [0, 1] are scaled up to 0..255.
        return grid * 255.0 if grid.max() <= 1.0 else grid

    def model_input(self, body: bytes, content_type: str = "") -> np.ndarray:
        """The body (PNG bytes, or JSON pixels) as one sample of the model's input, (h, w, c) in [0, 1]."""
        from ..utils.images import to_model_input
        if not body:
            raise BadRequest("the body is empty (send image/png bytes, or JSON {\"pixels\": [[...], ...]})")
        is_json = "json" in content_type or body.lstrip()[:1] in (b"{", b"[")
        image = self._from_json(body) if is_json else self._from_png(body)
        return to_model_input(image, self.input_shape, "drawing")

    # -- answers ---------------------------------------------------------------------------
    def predict(self, body: bytes, content_type: str = "", activations: bool = True, top: int = 5) -> dict:
        """``{"classes", "probabilities", "top", "image"}`` (+ ``"activations"``) for a drawing."""
        sample = self.model_input(body, content_type)
        batch = sample[None].astype(np.float32)
        probabilities = _softmax_if_needed(np.asarray(self.model.predict(batch, verbose=0))[0].ravel())
        order = np.argsort(-probabilities, kind="stable")[:max(1, top)]
        grey = sample.reshape(self.geometry).mean(axis=-1)
        answer = {
            "classes": self.class_names,
            "probabilities": [round(float(p), 6) for p in probabilities],
            "top": [{"index": int(i), "class": self._name_of(int(i)), "probability": round(float(probabilities[i]), 6)}
                    for i in order],
            "image": np.rint(grey * 255).astype(int).tolist(),
        }
        if activations:
            outputs = self._outputs(batch) if self._outputs else []
            answer["activations"] = [describe_activation(layer, output) for layer, output in outputs]
        return answer

    def _name_of(self, index: int) -> str:
        return self.class_names[index] if index < len(self.class_names) else str(index)

    def summary(self) -> dict:
        """The model's summary as text and as a list of layers."""
        lines: list[str] = []
        self.model.summary(print_fn=lambda line, *args, **kwargs: lines.append(str(line)))
        layers = []
        for layer in self.model.layers:
            try:
                shape = layer.output_shape if hasattr(layer, "output_shape") else None
            except (AttributeError, ValueError):
                shape = None
            layers.append({"name": layer.name, "class_name": type(layer).__name__,
                           "output_shape": _jsonable_shape(shape), "params": int(layer.count_params())})
        return {"name": self.name, "input_shape": list(self.input_shape), "classes": self.class_names,
                "params": int(self.model.count_params()), "layers": layers, "summary": "\n".join(lines),
                "activations": self._outputs is not None}


def _jsonable_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_jsonable_shape(s) for s in shape]
    return [None if v is None else int(v) for v in shape]
