"""Reading PNG images without extra dependencies, and fitting them to a model's input.

``read_png`` handles 8-bit grey, grey+alpha, RGB and RGBA non-interlaced PNGs (what paint
programs and matplotlib write). ``to_model_input`` turns any size and colour into the model's
(height, width, channels) in [0, 1], white-on-black like MNIST.
"""

from __future__ import annotations

import math
import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


class ImageError(ValueError):
    """A file that is not an image glassnet can read, or that cannot fit the model."""


def _unfilter(raw: bytes, height: int, stride: int, pixel: int) -> np.ndarray:
    rows = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int32)
    position = 0
    for y in range(height):  # PNG filters depend on the row above: one pass per row, not per pixel
        kind = raw[position]
        line = np.frombuffer(raw, np.uint8, stride, position + 1).astype(np.int32)
        position += stride + 1
        if kind == 0:
            current = line
        elif kind == 2:
            current = (line + previous) & 0xFF
        elif kind in (1, 3, 4):
            current = np.zeros(stride, dtype=np.int32)
            for x in range(stride):  # the left neighbour is this row's own output
                left = current[x - pixel] if x >= pixel else 0
                up = previous[x]
                if kind == 1:
                    predictor = left
                elif kind == 3:
                    predictor = (left + up) // 2
                else:
                    upper_left = previous[x - pixel] if x >= pixel else 0
                    estimate = left + up - upper_left
                    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - upper_left))
                    predictor = (left, up, upper_left)[distances.index(min(distances))]
                current[x] = (line[x] + predictor) & 0xFF
        else:
            raise ImageError(f"unknown PNG filter type {kind} in row {y}")
        rows[y] = current
        previous = current
    return rows


def read_png(path) -> np.ndarray:
    """The image as uint8 (height, width, channels)."""
    with open(path, "rb") as stream:
        data = stream.read()
    if not data.startswith(_SIGNATURE):
        raise ImageError(f"{path}: not a PNG image (glassnet reads PNG files; convert other formats to PNG first).")
    position, header, chunks = 8, None, []
    try:
        while position < len(data):
            length, kind = struct.unpack(">I4s", data[position:position + 8])
            body = data[position + 8:position + 8 + length]
            position += 12 + length
            if kind == b"IHDR":
                header = struct.unpack(">IIBBBBB", body)
            elif kind == b"IDAT":
                chunks.append(body)
            elif kind == b"IEND":
                break
        width, height, depth, colour, _, _, interlace = header
        raw = zlib.decompress(b"".join(chunks))
    except (struct.error, TypeError, zlib.error) as error:
        raise ImageError(f"{path}: damaged PNG file ({error}).") from None
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ImageError(f"{path}: unsupported PNG (bit depth {depth}, colour type {colour}, interlace {interlace}); "
                         "save it as an 8-bit, non-interlaced PNG.")
    channels = _CHANNELS[colour]
    if len(raw) != height * (width * channels + 1):
        raise ImageError(f"{path}: damaged PNG file (pixel data of the wrong length).")
    return _unfilter(raw, height, width * channels, channels).reshape(height, width, channels)


def _resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear resampling of (h, w, c) float data to (height, width, c)."""
    h, w = image.shape[:2]
    rows = np.clip((np.arange(height) + 0.5) * h / height - 0.5, 0, h - 1)
    cols = np.clip((np.arange(width) + 0.5) * w / width - 0.5, 0, w - 1)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
    fr, fc = (rows - r0)[:, None, None], (cols - c0)[None, :, None]
    top = image[r0][:, c0] * (1 - fc) + image[r0][:, c1] * fc
    bottom = image[r1][:, c0] * (1 - fc) + image[r1][:, c1] * fc
    return top * (1 - fr) + bottom * fr


def to_model_input(image: np.ndarray, input_shape: tuple, name: str = "image") -> np.ndarray:
    """Grey or colour, any size -> one sample of ``input_shape`` (no batch axis), values in [0, 1].

    A light background (a drawing on paper) is inverted, since MNIST-style data are white on black.
    """
    shape = tuple(input_shape)
    if len(shape) == 3:
        height, width, channels = shape
    elif len(shape) == 2:
        (height, width), channels = shape, 1
    elif len(shape) == 1 and math.isqrt(shape[0]) ** 2 == shape[0]:
        height = width = math.isqrt(shape[0])
        channels = 1
    else:
        raise ImageError(f"{name}: the model's input shape {shape} is not an image (expected (h, w), (h, w, c) or a "
                         "square number of pixels), so an image cannot be mapped to it.")
    if channels not in (1, 3):
        raise ImageError(f"{name}: the model expects {channels} channels per pixel; images map to 1 (grey) or 3 (RGB).")
    pixels = image.astype(np.float32) / 255.0
    if pixels.shape[2] in (2, 4):  # drop alpha, over a white background
        alpha = pixels[..., -1:]
        pixels = pixels[..., :-1] * alpha + (1 - alpha)
    pixels = pixels.mean(axis=2, keepdims=True) if channels == 1 else (
        np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels)
    border = np.concatenate([pixels[0].ravel(), pixels[-1].ravel(), pixels[:, 0].ravel(), pixels[:, -1].ravel()])
    if border.mean() > 0.5:
        pixels = 1.0 - pixels
    resized = _resize(pixels, height, width)
    return resized.reshape(shape).astype(np.float32)
