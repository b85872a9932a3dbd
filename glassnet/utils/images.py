"""Reading image files with Pillow and fitting them to a model's input.

``read_image`` reads whatever Pillow reads (PNG of any bit depth and colour type, palette
images, JPEG, BMP, GIF, TIFF, WebP...) into uint8 (height, width, channels) with 1 (grey),
2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels, upright as the camera's EXIF orientation says.
Given the size it will be resampled to, it decodes a large JPEG at 1/2, 1/4 or 1/8 scale
(Pillow's ``draft``) and box-averages any large image by a whole factor (``reduce``) first, so
a 12-megapixel photo costs milliseconds, not seconds.

``to_model_input`` turns any size and colour into the model's (height, width, channels) in
[0, 1], white-on-black like MNIST, and frames a grey drawing as MNIST does (cropped to its
ink, scaled into the middle 20x20 of 28x28, centred by mass). Pillow is imported by these functions only, never by
``import glassnet``.
"""

from __future__ import annotations

import math
import os

import numpy as np


class ImageError(ValueError):
    """A file that is not an image glassnet can read, or that cannot fit the model."""


class ImageFileError(ImageError, OSError):
    """An image file that cannot be read or written: not an image, damaged or truncated. It is
    both an ImageError (a ValueError) and an OSError, as Pillow's own UnidentifiedImageError is."""


# Pillow's EXIF orientation (tag 0x0112) -> the transpose that makes the picture upright.
_ORIENTATIONS = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
                 6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF"}


def _name(path) -> str:
    try:
        return os.fsdecode(path)
    except TypeError:
        return repr(path)


def _head(path) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(8)
    except OSError:
        return b""


def unreadable(name: str, error: BaseException, head: bytes = b"") -> ImageFileError:
    """The ImageFileError for a file Pillow could not open or decode (``error``); ``head``, the
    file's first bytes, tells a damaged PNG or JPEG from a file that is no image at all."""
    from PIL import Image, UnidentifiedImageError
    if isinstance(error, Image.DecompressionBombError):
        return ImageFileError(f"{name}: {error}")
    if isinstance(error, UnidentifiedImageError):
        announced = next((kind for magic, kind in _SIGNATURES.items() if head.startswith(magic)), None)
        if announced:
            return ImageFileError(f"{name}: damaged or truncated {announced} file (its header cannot be read).")
        return ImageFileError(f"{name}: not an image file (Pillow cannot identify it; glassnet reads PNG, JPEG, "
                              "BMP, GIF, TIFF, WebP and the other formats Pillow reads).")
    detail = str(error) or type(error).__name__
    return ImageFileError(f"{name}: damaged or truncated image file ({detail}).")


def open_image(path):
    """``PIL.Image.open(path)`` (lazy: pixels not decoded yet), with errors that name the file:
    FileNotFoundError, IsADirectoryError, or ImageFileError for a file that is not an image."""
    from PIL import Image, UnidentifiedImageError
    name = _name(path)
    try:
        return Image.open(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{name}: is a folder, not an image file.") from None
    except UnidentifiedImageError as error:
        raise unreadable(name, error, _head(path)) from None
    except OSError as error:
        if error.errno is not None:  # the system's own error (permissions...): it names the file
            raise
        raise unreadable(name, error, _head(path)) from None
    except (SyntaxError, ValueError, EOFError, IndexError, Image.DecompressionBombError) as error:
        raise unreadable(name, error, _head(path)) from None


def load_pixels(image, name: str) -> None:
    """Decode ``image`` (a PIL image from ``open_image``) now, so that a damaged file fails here,
    naming ``name``, rather than later, wherever its pixels are first read."""
    from PIL import Image
    try:
        image.load()
    except OSError as error:
        if error.errno is not None:
            raise
        raise unreadable(name, error) from None
    except (SyntaxError, ValueError, EOFError, IndexError, Image.DecompressionBombError) as error:
        raise unreadable(name, error) from None


def _plain_mode(image):
    """The image in one of the modes read_image turns into arrays: L, LA, RGB, RGBA, I or F."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA", "I", "F"):
        return image
    if mode.startswith("I;16") or mode.startswith("I;32"):
        return image.convert("I")
    if mode == "1":
        return image.convert("L")
    if mode == "La":
        return image.convert("LA")
    if mode in ("P", "PA", "RGBa"):  # a palette may hold transparency: keep it as alpha
        return image.convert("RGBA")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX...


def _orientation(image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - a damaged EXIF block only loses the rotation
        return 1


def _as_uint8(image) -> np.ndarray:
    pixels = np.asarray(image)
    if image.mode == "I":  # 16-bit grey (PNG): 0..65535
        pixels = np.clip(np.rint(pixels / 257.0), 0, 255)
    elif image.mode == "F":
        pixels = np.nan_to_num(pixels.astype(np.float64), nan=0.0, posinf=255.0, neginf=0.0)
        if pixels.size and pixels.max() <= 1.0:
            pixels = pixels * 255.0
        pixels = np.clip(np.rint(pixels), 0, 255)
    pixels = pixels.astype(np.uint8)
    return pixels[..., None] if pixels.ndim == 2 else pixels


def read_image(path, size=None) -> np.ndarray:
    """The image file at ``path`` as uint8 (height, width, channels), channels 1, 2, 3 or 4.

    ``size=(height, width)`` says how large it will be made next: an image at least twice that
    size in both directions is then decoded smaller (JPEG: at 1/2, 1/4 or 1/8 scale) and
    box-averaged by a whole factor, never below ``size``. A file that is missing, a folder, not
    an image, damaged or truncated raises an error naming it.
    """
    name = _name(path)
    if size is not None:
        height, width = (int(v) for v in size)
        if height < 1 or width < 1:
            raise ValueError(f"read_image: size must be two positive integers (height, width), received {size!r}")
    with open_image(path) as image:
        if size is not None and image.format == "JPEG":
            # The stored picture is (width, height) before the EXIF rotation: a quarter turn swaps them.
            turned = _orientation(image) in (5, 6, 7, 8)
            image.draft(image.mode, (height, width) if turned else (width, height))
        load_pixels(image, name)
        orientation = _orientation(image)
        result = _plain_mode(image)
        if size is not None:
            turned = orientation in (5, 6, 7, 8)
            stored_width, stored_height = result.size
            factor = min(stored_width // (height if turned else width), stored_height // (width if turned else height))
            if factor >= 2:
                result = result.reduce(factor)
        if orientation in _ORIENTATIONS:
            from PIL import Image
            result = result.transpose(getattr(Image.Transpose, _ORIENTATIONS[orientation]))
        return _as_uint8(result)


def read_png(path) -> np.ndarray:
    """``read_image`` under its old name (glassnet first read PNG files only)."""
    return read_image(path)


def model_input_geometry(input_shape, name: str = "model") -> tuple[int, int, int]:
    """(height, width, channels) of one image for a model input of ``input_shape`` (no batch
    axis): (h, w, c), (h, w), or a square number of pixels."""
    shape = tuple(input_shape)
    known = all(isinstance(v, (int, np.integer)) and v > 0 for v in shape)
    if len(shape) == 3 and known:
        height, width, channels = (int(v) for v in shape)
    elif len(shape) == 2 and known:
        (height, width), channels = (int(v) for v in shape), 1
    elif len(shape) == 1 and known and math.isqrt(int(shape[0])) ** 2 == shape[0]:
        height = width = math.isqrt(int(shape[0]))
        channels = 1
    else:
        raise ImageError(f"{name}: the model's input shape {shape} is not an image (expected (h, w), (h, w, c) or a "
                         "square number of pixels), so an image cannot be mapped to it.")
    if channels not in (1, 3):
        raise ImageError(f"{name}: the model expects {channels} channels per pixel; images map to 1 (grey) or 3 (RGB).")
    return height, width, channels


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

    ``image`` holds 0..255 values, (h, w) or (h, w, 1|2|3|4) (a last channel of 2 or 4 is alpha,
    laid over white). A light background (a drawing on paper) is inverted, since MNIST-style data
    are white on black. For a grey model the drawing is then framed as MNIST's digits are
    (``frame_like_mnist``), so a digit drawn small or off-centre reaches the model as in training.
    """
    shape = tuple(input_shape)
    height, width, channels = model_input_geometry(shape, name)
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[2] not in (1, 2, 3, 4) or image.shape[0] < 1 or image.shape[1] < 1:
        raise ImageError(f"{name}: expected image pixels shaped (height, width) or (height, width, 1|2|3|4), "
                         f"received an array of shape {image.shape}.")
    pixels = image.astype(np.float32) / 255.0
    if pixels.shape[2] in (2, 4):  # drop alpha, over a white background
        alpha = pixels[..., -1:]
        pixels = pixels[..., :-1] * alpha + (1 - alpha)
    pixels = pixels.mean(axis=2, keepdims=True) if channels == 1 else (
        np.repeat(pixels, 3, axis=2) if pixels.shape[2] == 1 else pixels)
    border = np.concatenate([pixels[0].ravel(), pixels[-1].ravel(), pixels[:, 0].ravel(), pixels[:, -1].ravel()])
    if border.mean() > 0.5:
        pixels = 1.0 - pixels
    framed = frame_like_mnist(pixels[..., 0], height, width) if channels == 1 else None
    resized = framed[..., None] if framed is not None else _resize(pixels, height, width)
    return resized.reshape(shape).astype(np.float32)


def frame_like_mnist(ink: np.ndarray, height: int, width: int, box: float = 20 / 28) -> np.ndarray | None:
    """A drawing framed as MNIST and EMNIST frame theirs: the ink's bounding box is cropped,
    scaled (aspect kept) so that its longer side fills ``box`` of the frame, and placed so that
    its centre of mass is the frame's centre.

    ``ink``: (h, w) values in [0, 1], ink bright on dark. Returns (height, width), or None when
    there is no ink (a blank image is only resized).
    """
    peak = float(ink.max())
    if peak < 0.05:
        return None
    rows = np.flatnonzero(ink.max(axis=1) > 0.2 * peak)
    cols = np.flatnonzero(ink.max(axis=0) > 0.2 * peak)
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = min(box * height / crop.shape[0], box * width / crop.shape[1])
    new_height, new_width = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    from PIL import Image
    filter_ = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    scaled = np.asarray(Image.fromarray(crop.astype(np.float32)).resize((new_width, new_height), filter_))
    mass = max(float(scaled.sum()), 1e-12)
    centre_row = float((scaled.sum(axis=1) * (np.arange(new_height) + 0.5)).sum()) / mass
    centre_col = float((scaled.sum(axis=0) * (np.arange(new_width) + 0.5)).sum()) / mass
    top = min(max(round(height / 2 - centre_row), 0), height - new_height)
    left = min(max(round(width / 2 - centre_col), 0), width - new_width)
    framed = np.zeros((height, width), dtype=np.float32)
    # Shrinking averages a thin stroke with its background: give it back the drawing's full ink.
    framed[top:top + new_height, left:left + new_width] = np.clip(scaled * (peak / max(float(scaled.max()), 1e-12)), 0, 1)
    return framed


def load_for_model(path, input_shape, model_name: str = "model") -> np.ndarray:
    """The image file at ``path`` as one sample of ``input_shape``: ``read_image`` at the size
    the model takes, then ``to_model_input``. A shape that is no image is reported for
    ``model_name``, a file that is no image for ``path``."""
    return to_model_input(read_image(path, size=reading_size(input_shape, model_name)), input_shape, _name(path))


def reading_size(input_shape, model_name: str = "model") -> tuple[int, int]:
    """The size to read an image at for a model taking ``input_shape``: four times the model's,
    so that cropping a drawing to its ink (``frame_like_mnist``) keeps its detail."""
    height, width, _ = model_input_geometry(input_shape, model_name)
    return 4 * height, 4 * width
